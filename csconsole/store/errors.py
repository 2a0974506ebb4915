"""Errors of the store, as plain lines a user can act on."""

from __future__ import annotations

from enum import Enum

from csconsole.domain.errors import DomainError


class Retry(Enum):
    """Why a failed unit of work may simply be run again: nothing of it was written."""

    COLLISION = "collision"  # another desk's transaction was in the way (busy, locked, serialization, deadlock)
    UNAVAILABLE = "unavailable"  # the server went away before the commit (a restart, a dropped connection)


class StoreError(DomainError):
    """The store cannot be opened or written: missing, not SQLite, damaged, too new, full, busy.

    ``retry`` says when the same unit of work, run again from a fresh read, may well succeed
    (``csconsole.store.retry`` does so); None when trying again would fail the same way.
    """

    def __init__(self, message: str, *, retry: Retry | None = None) -> None:
        super().__init__(message)
        self.retry = retry

    @property
    def server_away(self) -> bool:
        """The server did not answer (stopped, restarting, out of reach): the same work may succeed once
        it is back; a console says so in its banner rather than as an error."""
        return self.retry is Retry.UNAVAILABLE
