"""Where a store is: a file path (SQLite) or a PostgreSQL URL (``postgresql://user@host/db``, libpq's URL
syntax, ``?host=/socket/dir`` included). The one parser of store names, for the command line, the
console's File > Open and ``CSCONSOLE_DB``.

A URL may carry a password; it is handed to libpq and never shown: ``str()`` and ``repr()`` of a parsed
URL, and every message about one, print ``***`` in its place.

psycopg is imported only when a URL is read: naming an SQLite file never pays for it (~0.2 s).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from csconsole.store.errors import StoreError

ENVIRONMENT = "CSCONSOLE_DB"  # may name the default store
_POSTGRES = re.compile(r"^postgres(ql)?:", re.IGNORECASE)
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")  # two letters at least: C:\ is a Windows path
_QUERY_PASSWORD = re.compile(r"(?i)([?&]password=)[^&#]*")


@dataclass(frozen=True)
class PostgresURL:
    conninfo: str = field(repr=False)  # as given, password and all: for libpq only
    shown: str  # the URL with its password as ***
    dbname: str
    user: str | None
    host: str | None  # None: libpq's default (the local socket folder)
    port: str | None

    def __str__(self) -> str:
        return self.shown

    @property
    def title(self) -> str:
        """A short name for a window title: the database and where it lives."""
        return f"{self.dbname} on {self.host if self.host and not self.host.startswith('/') else 'this computer'}"

    def without_password(self) -> str:
        """The URL as it may be kept (recent stores, settings): no password in it; libpq finds it again in
        ~/.pgpass or asks the server's other ways."""
        return strip_password(self.conninfo)


Location = Path | PostgresURL


def redact(url: str) -> str:
    """``url`` with any password as ***: also a malformed URL, since it is quoted in the message."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return _QUERY_PASSWORD.sub(r"\1***", url)
    before_query, qmark, query = rest.partition("?")
    at = before_query.rfind("@")  # a raw @ in a password: hide everything up to the last one
    if at >= 0 and ":" in before_query[:at]:
        user = before_query[:at].split(":", 1)[0]
        before_query = f"{user}:***{before_query[at:]}"
    return _QUERY_PASSWORD.sub(r"\1***", f"{scheme}{sep}{before_query}{qmark}{query}")


def strip_password(url: str) -> str:
    """``url`` without any password, ``user:secret@`` and ``?password=`` alike."""
    scheme, sep, rest = url.partition("://")
    before_query, qmark, query = rest.partition("?")
    at = before_query.rfind("@")
    if at >= 0 and ":" in before_query[:at]:
        before_query = before_query[:at].split(":", 1)[0] + before_query[at:]
    kept = "&".join(part for part in query.split("&") if part and not part.lower().startswith("password="))
    return f"{scheme}{sep}{before_query}{qmark if kept else ''}{kept}"


def _bad(url: str, why: str) -> StoreError:
    return StoreError(f'bad store URL "{redact(url)}": {why}')


def _valid_ports(port: str) -> bool:
    return all(not part or (part.isdigit() and 0 < int(part) < 65536) for part in port.split(","))


def parse_url(url: str) -> PostgresURL:
    """A ``postgresql://`` or ``postgres://`` URL, checked by libpq's own parser and for a database name."""
    if not re.match(r"^postgres(ql)?://", url, re.IGNORECASE):
        raise _bad(url, "write it as postgresql://USER@HOST/DATABASE")
    scheme, _, rest = url.partition("://")
    url = f"{scheme.lower()}://{rest}"  # a scheme is read in any case; libpq reads only lower case
    import psycopg
    from psycopg import conninfo as libpq

    try:
        parts = libpq.conninfo_to_dict(url)
    except psycopg.Error:
        raise _bad(url, _libpq_complaint(url)) from None
    host, port, dbname = parts.get("host"), parts.get("port"), parts.get("dbname")
    if host and "@" in str(host):
        raise _bad(url, "an @ inside the user name or password must be written %40")
    if port is not None and not _valid_ports(str(port)):
        raise _bad(url, f'the port "{port}" is not a number from 1 to 65535')
    if not dbname:
        raise _bad(url, "no database named: add /DATABASE after the host")
    return PostgresURL(url, redact(url), str(dbname), _text(parts.get("user")), _text(host), _text(port))


def _libpq_complaint(url: str) -> str:
    """What libpq's parser finds wrong, asked of the URL without its password: libpq quotes what it
    could not read, and that may be the password itself."""
    import psycopg
    from psycopg import conninfo as libpq

    try:
        libpq.conninfo_to_dict(redact(url))
    except psycopg.Error as error:
        return _first_line(str(error)) or "libpq cannot read it"
    return "the password cannot be read: write % in it as %25, @ as %40, / as %2F"


def parse_location(text: str) -> Location:
    """A PostgreSQL URL, or else the path of an SQLite file (not checked here: opening tells)."""
    name = text.strip()
    if not name:
        raise StoreError("no store named: give a file path or a postgresql:// URL")
    if _POSTGRES.match(name):
        return parse_url(name)
    if _OTHER_SCHEME.match(name):
        raise _bad(name, "a store is a file path or a postgresql:// URL")
    return Path(text)


def default_location(fallback: Path, environ: Mapping[str, str] = os.environ) -> Location:
    """The store named by ``CSCONSOLE_DB`` (``~`` expanded in a path), else ``fallback``."""
    given = environ.get(ENVIRONMENT, "").strip()
    if not given:
        return fallback
    try:
        found = parse_location(given)
    except StoreError as error:
        raise StoreError(f"{ENVIRONMENT}: {error}") from None
    return found.expanduser() if isinstance(found, Path) else found


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)
