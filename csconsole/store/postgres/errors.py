"""psycopg's errors as the plain one-line messages of ``describe_sqlite_error``: what is wrong, where, and
what to do. ``where`` is the store as a person may see it (a URL without its password).

A failure to connect comes from libpq before any SQLSTATE, so those are told from libpq's text (the
server's side of it is the FATAL line); everything later is told by its SQLSTATE.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import errors as pg

from csconsole.store.errors import Retry

_FATAL = re.compile(r"FATAL:\s+(.*)")
_QUOTED = re.compile(r'"([^"]*)"')


# Another desk's transaction in the way: the server ended ours, and nothing of it was written.
_COLLIDED = (pg.SerializationFailure, pg.DeadlockDetected, pg.LockNotAvailable)
# The server is going, coming back or full: in a moment it takes the same work again.
_AWAY = (pg.AdminShutdown, pg.CrashShutdown, pg.CannotConnectNow, pg.TooManyConnections)
# What libpq and psycopg say when the server is not there (yet): no SQLSTATE comes with these.
_GONE = ("connection refused", "no such file or directory", "server closed the connection", "connection is lost",
         "connection is closed", "consuming input failed", "terminating connection", "shutting down",
         "starting up", "in recovery mode", "not yet accepting connections", "timeout expired")


def retry_reason(error: BaseException) -> Retry | None:
    """Whether the unit of work that met ``error`` may simply run again (``csconsole.store.retry``).

    The caller must know the unit was not committed: a connection lost *at* COMMIT may have committed.
    """
    if isinstance(error, _COLLIDED):
        return Retry.COLLISION
    if isinstance(error, _AWAY):
        return Retry.UNAVAILABLE
    if isinstance(error, psycopg.OperationalError) and any(gone in str(error).lower() for gone in _GONE):
        return Retry.UNAVAILABLE
    return None


def _quoted(text: str) -> str:
    found = _QUOTED.search(text)
    return found.group(1) if found else ""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def describe(error: psycopg.Error, where: str) -> str:
    """One plain line for ``error`` met while using the store at ``where``."""
    text = str(error)
    lowered = text.lower()
    fatal = _FATAL.search(text)
    server_says = fatal.group(1).strip() if fatal else _first_line(text)
    said = server_says.lower()
    if isinstance(error, pg.InvalidPassword) or "password authentication failed" in said:
        return f"{where}: the server refused the password of user \"{_quoted(server_says)}\""
    if "no password supplied" in lowered:
        return f"{where}: the server asks for a password and none was given (add it to the URL or ~/.pgpass)"
    if isinstance(error, pg.InvalidCatalogName) or ("database" in said and "does not exist" in said):
        return f"{where}: there is no database \"{_quoted(server_says)}\" on that server"
    if "role" in said and "does not exist" in said:
        return f"{where}: the server has no user \"{_quoted(server_says)}\""
    if isinstance(error, pg.InsufficientPrivilege) or "permission denied" in said:
        return f"{where}: permission denied ({server_says}); ask the store's administrator for the right"
    if "no pg_hba.conf entry" in said or isinstance(error, pg.InvalidAuthorizationSpecification):
        return f"{where}: the server does not let this user in from here ({server_says})"
    if isinstance(error, pg.SerializationFailure | pg.DeadlockDetected | pg.LockNotAvailable):
        return f"{where} is busy: another desk's change collided with this one; nothing was written. Try again"
    if isinstance(error, pg.QueryCanceled):
        return f"{where}: the server gave up on a statement that ran too long ({server_says}); try again"
    if isinstance(error, pg.DiskFull | pg.OutOfMemory):
        return f"{where}: the server is out of space ({server_says}); nothing was written. Tell its administrator"
    if isinstance(error, pg.TooManyConnections):
        return f"{where}: the server has no free connection left; try again in a moment"
    if isinstance(error, pg.ReadOnlySqlTransaction):
        return f"{where} cannot be written (the server is read-only: {server_says})"
    if isinstance(error, pg.AdminShutdown | pg.CrashShutdown | pg.CannotConnectNow) or "shutting down" in said \
            or "starting up" in said:
        return f"{where}: the server is restarting or shutting down; try again in a moment"
    if isinstance(error, psycopg.OperationalError):
        return _connection_problem(text, server_says, where)
    return f"{where}: {server_says}"


def _connection_problem(text: str, server_says: str, where: str) -> str:
    lowered = text.lower()
    if "no such file or directory" in lowered or "connection refused" in lowered:
        return f"cannot reach the PostgreSQL server of {where}: it is not running, or not at that address"
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return f"cannot reach the PostgreSQL server of {where}: the host name is unknown"
    if "timeout expired" in lowered or "timed out" in lowered:
        return f"cannot reach the PostgreSQL server of {where}: it did not answer in time"
    if "server closed the connection" in lowered or "connection is closed" in lowered \
            or "consuming input failed" in lowered or "terminating connection" in lowered:
        return f"{where}: the connection to the server was lost (did it restart?)"
    return f"{where}: {server_says}"
