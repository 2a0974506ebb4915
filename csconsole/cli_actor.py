"""Who acts at the command line (``--as NAME``): the agent of exactly that name, and, when they have a
console PIN, only with it — typed at the terminal's prompt, or given in ``CSCONSOLE_PIN`` by a script.

On one workstation this is the console's own guard, as the PIN dialog is in the window (README, "What
the PIN protects"); on a floor's PostgreSQL server the login says who acts.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

from csconsole.domain.errors import NotFound, RuleViolation

if TYPE_CHECKING:
    from csconsole.domain.rules import Agent
    from csconsole.services import Store

PIN_VARIABLE = "CSCONSOLE_PIN"


def acting_agent(store: Store, name: str) -> Agent:
    """The agent named ``name`` exactly, once their PIN (if they have one) was given; refuses otherwise."""
    from csconsole.services import pin, queries

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
