"""Errors the user can act on; every layer raises these, the CLI and TUI show them."""


class TallyError(Exception):
    """A refused operation. The message is shown to the user as is."""


class InvalidInput(TallyError):
    """Input that does not parse or breaks a rule of the model."""


class NotFound(TallyError):
    """A named client, project, user, entry or invoice does not exist."""


class Conflict(TallyError):
    """The operation clashes with existing data (duplicate name, locked day, invoiced entry)."""


class PermissionDenied(TallyError):
    """The acting user's role does not allow the operation."""
