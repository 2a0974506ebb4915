"""``csconsole floor``: the people of a floor on a PostgreSQL server, for the store's administrator.

``floor add-agent URL NAME --role ROLE [--queue Q] [--password-file FILE | --ask-password]`` makes the
login NAME and the agent NAME in one transaction; ``floor set-role URL NAME ROLE`` moves both; ``floor
list URL`` shows them side by side. A password never goes on the command line (where ``ps`` and the shell's
history would show it): it is read from a file (``-``: the first line of standard input) or typed at a
prompt, and only its SCRAM verifier reaches the server. Without one, the login signs in as the server's
``pg_hba.conf`` says (peer, Kerberos/SSPI, a certificate).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from csconsole.cli_output import EXIT_OK, UsageError
from csconsole.cli_store import STORE_HELP

COMMANDS = ("floor",)
ROLES = ("agent", "supervisor", "manager", "auditor")


def add_parsers(sub: Any) -> None:
    floor = sub.add_parser("floor", help="PostgreSQL: each person's own login, in the group of their role")
    floor_sub = floor.add_subparsers(dest="floor_command", metavar="ACTION", required=True)
    add = floor_sub.add_parser("add-agent", help="make a person's login and their agent, in one transaction")
    add.add_argument("store", metavar="URL", help=STORE_HELP)
    add.add_argument("name", metavar="NAME", help="the login's name, which is the agent's name too")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--queue", metavar="Q", help="the agent's home queue")
    secret = add.add_mutually_exclusive_group()
    secret.add_argument("--password-file", metavar="FILE",
                        help="read the password from the first line of FILE ('-': standard input)")
    secret.add_argument("--ask-password", action="store_true", help="type the password at a prompt (twice)")
    listing = floor_sub.add_parser("list", help="the floor's logins and agents, side by side")
    listing.add_argument("store", metavar="URL", help=STORE_HELP)
    role = floor_sub.add_parser("set-role", help="change a person's role: on the record and on the server")
    role.add_argument("store", metavar="URL", help=STORE_HELP)
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", metavar="ROLE", choices=ROLES)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_file:
        try:
            text = sys.stdin.readline() if args.password_file == "-" else \
                Path(args.password_file).read_text(encoding="utf-8").partition("\n")[0]
        except OSError as error:
            raise UsageError(f"csconsole floor add-agent: cannot read {args.password_file}: {error.strerror}") from None
        password = text.rstrip("\r\n")
    elif args.ask_password:
        if not sys.stdin.isatty():
            raise UsageError("csconsole floor add-agent: --ask-password needs a terminal; use --password-file")
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("the same again: ") != password:
            raise UsageError("csconsole floor add-agent: the two passwords differ; nothing was written")
    else:
        return None
    if not password:
        raise UsageError("csconsole floor add-agent: the password is empty; nothing was written")
    return password


def _floor(args: argparse.Namespace) -> int:
    from csconsole.services import floor, open_store

    password = _password(args) if args.floor_command == "add-agent" else None
    with open_store(args.store) as store:
        if args.floor_command == "list":
            rows = floor.people(store)
            print(f"{'LOGIN':<20} {'SERVER ROLE':<12} {'AGENT ROLE':<11} NOTE")
            for row in rows:
                note = []
                if row.role is None:
                    note.append("no login in a floor group")
                elif not row.can_login:
                    note.append("cannot log in")
                if row.agent_role is None and row.role != floor.AUDITOR:
                    note.append("no agent of that name")
                elif row.agent_role is not None and row.role not in (None, row.agent_role):
                    note.append("roles differ: floor set-role mends it")
                if row.active is False:
                    note.append("inactive")
                print(f"{row.name:<20} {row.role or '—':<12} {row.agent_role or '—':<11} {'; '.join(note)}".rstrip())
            return EXIT_OK
        if args.floor_command == "add-agent":
            added = floor.add_person(store, args.name, args.role, queue=args.queue, password=password)
            what = "a login alone (an auditor reads everything and writes nothing)" if added.agent_id is None \
                else f"agent {added.agent_id} and its login"
            print(f"{added.name}: {what}, a member of {added.group}"
                  + ("" if password else "; no password: it signs in as pg_hba.conf says"))
            return EXIT_OK
        done = floor.set_role(store, args.name, args.role)
        print(f"{done.name} is now {done.role} on the record and a member of {done.group} alone")
    return EXIT_OK


HANDLERS = {"floor": _floor}
