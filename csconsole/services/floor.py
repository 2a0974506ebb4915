"""A floor's people on a PostgreSQL server (issue 12): each person's own login, named as their csconsole
agent, in the group of their role, which the server enforces (``store/postgres/floor_guard.py``).

Run by the store's administrator (the schema's owner, with CREATEROLE): a login and its agent are made in
one transaction, and a role changes on both at once, so the record (the ``agent_added`` and
``agent_changed`` events) and the server's groups never part. An auditor's login is a login alone: an
auditor works no tickets, so no agent is recorded for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from csconsole.domain.errors import BadInput, NotFound
from csconsole.domain.rules import require_text
from csconsole.domain.words import Role, parse_enum
from csconsole.store import directory, registry
from csconsole.store.ledger import Ledger
from csconsole.store.postgres import logins
from csconsole.store.postgres.floor_guard import FLOOR_GROUPS
from csconsole.store.postgres.logins import FloorLogin, SessionLogin
from csconsole.store.retry import unit_of_work
from csconsole.store.store import Store

__all__ = ["AUDITOR", "FloorLogin", "SessionLogin", "add_person", "people", "session_login", "set_role"]

AUDITOR = "auditor"
ROLES = tuple(FLOOR_GROUPS)  # agent, supervisor, manager, auditor


@dataclass(frozen=True)
class Added:
    name: str
    role: str
    group: str
    agent_id: int | None  # None: an auditor (a login alone)


def session_login(store: Store) -> SessionLogin | None:
    """Who this session is on the server, when the server checks it (None: SQLite, the administrator)."""
    return store.session_login()


def _on_server(store: Store) -> None:
    if store.engine_name != "postgres":
        raise BadInput("csconsole floor gives people logins on a PostgreSQL server; a store file has none "
                       "(on one workstation the operating system's file permissions are the guard)")


def _role(role: str) -> str:
    if role.strip().lower() == AUDITOR:
        return AUDITOR
    return parse_enum(Role, role, "role").value


@unit_of_work
def add_person(store: Store, name: str, role: str, *, queue: str | None = None,
               password: str | None = None) -> Added:
    """The login ``name`` and (unless an auditor) the agent ``name`` with ``role``, in one transaction;
    a home ``queue`` not yet known is added with them. An agent the store has already (a copied store's)
    gets the login, and the role and queue given, recorded as a change."""
    _on_server(store)
    text = require_text(name, "the person's name")
    level = _role(role)
    if level == AUDITOR and queue:
        raise BadInput("an auditor reads the whole store and works no queue: leave out --queue")
    with store.atomic():
        agent_id = None
        if level != AUDITOR:
            ledger = Ledger(store)
            queue_id = _queue(store, ledger, queue) if queue else None
            if directory.agent_name_taken(store, text):  # an agent of a copied store: their login now
                agent = directory.agent_by_name(store, text)
                if agent.name != text:
                    raise BadInput(f"the store's agent is named {agent.name!r}: the login takes that name exactly")
                agent_id = registry.change_agent(ledger, agent, role=Role(level),
                                                 queue=queue_id if queue else agent.queue_id).id
            else:
                agent_id = registry.add_agent(ledger, text, Role(level), queue_id).id
        logins.create_login(store, text, level, password)
    return Added(text, level, FLOOR_GROUPS[level], agent_id)


def _queue(store: Store, ledger: Ledger, name: str) -> int:
    """The queue of that name; one not yet known is added (its own event), as an import adds it."""
    try:
        return directory.queue_by_name(store, name).id
    except NotFound:
        return registry.add_queue(ledger, require_text(name, "the queue's name")).id


@unit_of_work
def set_role(store: Store, name: str, role: str) -> Added:
    """``name``'s role, on the record (an ``agent_changed`` event) and on the server (its group) at once."""
    _on_server(store)
    level = _role(role)
    with store.atomic():
        agent_id = None
        if level != AUDITOR:
            try:
                agent = directory.agent_by_name(store, name)
            except NotFound:
                raise NotFound(f"no agent named {name!r}: csconsole floor add-agent makes one with a login") from None
            if agent.name != name:
                raise NotFound(f"no agent named {name!r}: the login is the agent's name exactly ({agent.name!r})")
            registry.change_agent(Ledger(store), agent, role=Role(level))
            agent_id = agent.id
        elif directory.agent_name_taken(store, name):
            raise BadInput(f"{name} is an agent of the store; an auditor's login works no tickets: give the "
                           "auditor a login of their own")
        logins.set_login_role(store, name, level)
    return Added(name, level, FLOOR_GROUPS[level], agent_id)


def people(store: Store) -> list[FloorLogin]:
    """Every floor login and every agent, side by side (a login without an agent, or an agent without a
    login or in another group than its role, is shown as it is)."""
    _on_server(store)
    with store.read():
        return logins.floor_logins(store)
