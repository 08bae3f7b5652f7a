"""Domain errors: what went wrong in words a caller can act on, free of HTTP and the CLI.

Services raise these; the API (api/errors.py) and the command line (api/cli_errors.py) each
map the class to a status or an exit code in one table, and show `code` and `detail` as they are.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class DomainError(Exception):
    """A refused operation: a machine-readable `code` and a `detail` that says what to do."""

    def __init__(self, code: str, detail: str | list) -> None:
        super().__init__("; ".join(map(str, detail)) if isinstance(detail, list) else detail)
        self.code, self.detail = code, detail

    def __reduce__(self) -> tuple:
        # Subclasses take other arguments (a tenant and a name...): rebuild from code and detail.
        return _rebuild, (type(self), self.code, self.detail)


def _rebuild(cls: type[DomainError], code: str, detail: str | list) -> DomainError:
    error = cls.__new__(cls)
    DomainError.__init__(error, code, detail)
    return error


class NotFound(DomainError):
    """The thing asked for does not exist."""


class Conflict(DomainError):
    """The thing exists but its state does not allow the operation now."""


class Invalid(DomainError, ValueError):
    """The input is wrong; `detail` names what (a ValueError too, for callers that catch those)."""


class NotConfigured(DomainError):
    """The service cannot do this until something is configured; `detail` says what to set."""


def lookup(table: dict[type[DomainError], T], error: DomainError) -> T:
    """The table's value for the error's most specific class that has one."""
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls]
    raise KeyError(f"no entry for {type(error).__name__} or its bases")
