"""Rasa dialogue components of our own, configured in ``config.yml``."""
