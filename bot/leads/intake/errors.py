"""The one error of the intake package: an answer the form cannot use."""


class InvalidAnswer(ValueError):
    """The visitor's answer cannot be used; ``str(error)`` says why, in visitor's words."""
