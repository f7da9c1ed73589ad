"""The one kind of error an operator can fix: said in one line, exit code 2."""


class UserError(Exception):
    """A problem the operator can fix (a missing setting, an unknown unit, a bad argument)."""
