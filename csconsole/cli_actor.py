"""Who acts at the command line (``--as NAME``): the agent of exactly that name, and, when they have a
console PIN, only with it — typed at the terminal's prompt, or given in ``CSCONSOLE_PIN`` by a script.

On one workstation this is the console's own guard, as the PIN dialog is in the window (README, "What
the PIN protects"). On a floor's PostgreSQL server the login says who acts: a person's own login (a member
of a floor group, ``csconsole floor``) acts as the agent of its name alone, ``--as`` naming anyone else is
refused, and no PIN is asked (the login's password, or the server's other ways in, proved who it is); the
server refuses the same whatever client writes (``store/postgres/floor_guard.py``).
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

from csconsole.domain.errors import BadInput, NotFound, RuleViolation

if TYPE_CHECKING:
    from csconsole.domain.rules import Agent
    from csconsole.services import Store

PIN_VARIABLE = "CSCONSOLE_PIN"


def acting_agent(store: Store, name: str | None) -> Agent:
    """The agent named ``name`` exactly, once their PIN (if they have one) was given; refuses otherwise.
    On a server, with a person's own login: that login's agent, and ``name`` (which may be None) theirs."""
    from csconsole.services import pin, queries

    login = store.session_login()
    if login is not None:
        if login.role == "auditor":
            raise RuleViolation(f"{login.name} is an auditor's login: it reads the store and changes nothing")
        if name is not None and name.strip() != login.name:
            raise RuleViolation(f"you are logged in to the server as {login.name}: --as cannot name anyone else "
                                f"({name.strip()}); each person acts as their own login; nothing was written")
        return queries.agent_by_name(store, login.name)
    if name is None:
        raise BadInput("--as names who acts (exactly as the store names them); only a person's own login on a "
                       "server may leave it out")
    agent = queries.agent_by_name(store, name)
    if agent.name != name.strip():
        raise NotFound(f"no agent named {name!r}: --as takes the name exactly as written ({agent.name!r})")
    if not pin.has_pin(store, agent.id):
        return agent
    given = os.environ.get(PIN_VARIABLE)
    if given is None and sys.stdin.isatty():
        given = getpass.getpass(f"{agent.name}'s PIN: ")
    if not given:
        raise RuleViolation(f"{agent.name} has a console PIN: type it at the prompt, or give it in "
                            f"{PIN_VARIABLE} for a script; nothing was written")
    if not pin.verify_pin(store, agent.id, given):
        raise RuleViolation(f"that is not {agent.name}'s PIN; nothing was written")
    return agent
