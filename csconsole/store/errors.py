"""Errors of the store, as plain lines a user can act on."""

from csconsole.domain.errors import DomainError


class StoreError(DomainError):
    """The store cannot be opened or written: missing, not SQLite, damaged, too new, full, busy."""
