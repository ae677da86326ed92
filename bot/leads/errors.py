"""Domain errors of the leads package; callers decide what to tell the visitor or user."""


class LeadError(Exception):
    """Base class for every error raised by :mod:`bot.leads`."""


class InvalidSubmission(LeadError, ValueError):
    """A submission the database would refuse or that makes no sense as a lead."""


class LeadNotFound(LeadError, LookupError):
    """No lead has the given reference."""


class InvalidStatusChange(LeadError, ValueError):
    """An unknown status, or a change to the status the lead already has."""


class WriteConflict(LeadError):
    """A unique constraint refused the write, usually because of a concurrent submission."""


class DatabaseUnavailable(LeadError):
    """The database cannot be reached or is not usable right now; the write did not happen."""
