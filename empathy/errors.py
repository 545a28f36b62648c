"""Errors the user can act on. The CLI prints their message on one line and exits non-zero."""


class EmpathyError(Exception):
    """Base class: a problem with input, configuration or a model that the user can fix."""


class InputError(EmpathyError):
    """A patient message, draft or input file that cannot be used as given."""


class ModelError(EmpathyError):
    """A model that is missing, corrupt or cannot be reached."""


class StoreError(EmpathyError):
    """A database that cannot be opened or written."""
