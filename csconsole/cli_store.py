"""Naming and making stores on the command line: the STORE argument every command takes (a file path or a
``postgresql://`` URL), the ``CSCONSOLE_DB`` default, and the commands ``init`` and ``copy``.

``CSCONSOLE_DB`` stands for STORE where STORE is a command's only argument: ``tickets``, ``stats``,
``recoveries``, ``audit verify``, ``audit head``, ``rebuild``, ``export`` (and ``gui``'s ``--db``). The
commands that make a store (``init``, ``copy``, ``demo``) and those with a second argument (``import``,
``reassign``, ``recovery``, ``evaluate``) always name it, so a default can never be mistaken for another
argument nor written into by accident.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

ENVIRONMENT = "CSCONSOLE_DB"
COMMANDS = ("init", "copy")
STORE_HELP = "a store file, or a postgresql:// URL (libpq's syntax: ?host=/socket/dir too)"
EXIT_OK = 0


class MissingStore(Exception):
    """No STORE given and no CSCONSOLE_DB: a usage error."""


def add_store(parser: argparse.ArgumentParser, *, may_default: bool) -> None:
    """The positional STORE; ``may_default``: it may be left out when CSCONSOLE_DB names one."""
    if may_default:
        parser.add_argument("store", metavar="STORE", nargs="?", help=f"{STORE_HELP}; default: ${ENVIRONMENT}")
    else:
        parser.add_argument("store", metavar="STORE", help=STORE_HELP)


def named_store(args: argparse.Namespace) -> str:
    """The store the command names, or the one CSCONSOLE_DB names when it may stand in."""
    given = getattr(args, "store", None)
    if given:
        return str(given)
    default = os.environ.get(ENVIRONMENT, "").strip()
    if not default:
        raise MissingStore(f"give the STORE (a file or a postgresql:// URL), or set {ENVIRONMENT}")
    from csconsole.services import StoreError, parse_location

    try:
        location = parse_location(default)
    except StoreError as error:
        raise StoreError(f"{ENVIRONMENT}: {error}") from None
    args.store = default  # so a later error names the store that was opened
    return str(location.expanduser()) if hasattr(location, "expanduser") else default


def open_named(args: argparse.Namespace, *, read_only: bool = False, create: bool = False) -> Any:
    """Open the command's store (read-only: ``open_for_reading``, which upgrades an older store once);
    its warnings go to stderr."""
    from csconsole.services import open_for_reading, open_store

    where = named_store(args)
    store = open_for_reading(where) if read_only else open_store(where, create=create)
    for warning in store.warnings:
        print(f"csconsole: warning: {warning}", file=sys.stderr)
    return store


def add_parsers(sub: Any) -> None:
    init = sub.add_parser("init", help="create an empty store: an SQLite file, or the schema in a database")
    add_store(init, may_default=False)
    init.add_argument("--grant", metavar="LOGIN", action="append", default=[],
                      help="PostgreSQL: make this login a member of the console's role, a shared login the server "
                           "trusts as a workstation (a service's, never a person's: see csconsole floor)")
    copy = sub.add_parser("copy", help="copy a whole store into an empty one, between files or engines")
    copy.add_argument("source", metavar="SRC", help=STORE_HELP)
    copy.add_argument("destination", metavar="DST", help=f"{STORE_HELP}; empty, or a new file")


def _init(args: argparse.Namespace) -> int:
    from csconsole.services import stores

    done = stores.init(named_store(args), grant=tuple(args.grant))
    if done.console_role is None:
        print(f"{done.location}: {'created an empty store' if done.created else 'already a csconsole store'} "
              f"(schema {done.schema_version})")
        return EXIT_OK
    what = "created the store" if done.created else "the store is up to date"
    print(f"{done.location}: {what} (schema {done.schema_version}, owned by {done.owner}); consoles log in "
          f"as members of {done.console_role}, which may read everything and only append events")
    for login in done.granted:
        print(f"{login} is now a member of {done.console_role} (a shared login the server trusts as a workstation: "
              "for a service, never a person)")
    print("give each person their own login, whose every write the server checks: "
          "csconsole floor add-agent STORE NAME --role ROLE")
    return EXIT_OK


def _copy(args: argparse.Namespace) -> int:
    from csconsole.cli_output import ProgressBar
    from csconsole.services import stores

    bar = ProgressBar(sys.stderr, "copying")
    copied = stores.copy(args.source, args.destination, progress=bar.update)
    bar.finish()
    rows = copied.rows
    print(f"copied {rows.get('events', 0)} events, {rows.get('tickets', 0)} tickets and "
          f"{sum(rows.values()) - rows.get('events', 0) - rows.get('tickets', 0)} other rows; "
          f"chain head {copied.head.seq} {copied.head.hash} on both")
    if copied.corrected:
        print(f"the source's derived columns had drifted on {copied.corrected} rows; the copy holds what the "
              "events give (run csconsole rebuild on the source too)")
    return EXIT_OK


HANDLERS = {"init": _init, "copy": _copy}
