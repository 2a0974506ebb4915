"""Agents, queues and customers: who works the floor, where tickets wait, whom they are for.

Every change is an event in the chain (``store.registry``), in one transaction. ``actor_id`` names who
made it where the caller knows (the console's identity); who may change a role is a later rule.
"""

from __future__ import annotations

from typing import Any

from csconsole.domain.errors import BadInput, NotFound
from csconsole.domain.rules import Agent, require_text
from csconsole.domain.words import Role, parse_enum
from csconsole.store import directory, registry
from csconsole.store.ledger import Ledger
from csconsole.store.retry import unit_of_work
from csconsole.store.store import Store

_UNCHANGED = object()


def login_agent(store: Store) -> Agent | None:
    """On a server, the agent this session's own login is (the console acts as them alone, and the server
    refuses anyone else's name); None where nobody's login is checked (SQLite, the administrator, a shared
    console login) and for an auditor's login, which works no tickets."""
    login = store.session_login()
    if login is None or login.role == "auditor":
        return None
    try:
        return directory.agent_by_name(store, login.name)
    except NotFound:
        return None


def auditor_login(store: Store) -> bool:
    """This session is an auditor's own login on a server: it reads everything and writes nothing."""
    login = store.session_login()
    return login is not None and login.role == "auditor"


@unit_of_work
def add_agent(store: Store, name: str, role: str, queue_id: int | None = None, *,
              actor_id: int | None = None) -> Agent:
    text = require_text(name, "the agent's name")
    level = parse_enum(Role, role, "role")
    with store.atomic():
        if directory.agent_name_taken(store, text):
            raise BadInput(f"an agent named {text!r} already exists")
        if queue_id is not None and not directory.queue_exists(store, queue_id):
            raise NotFound(f"no queue with id {queue_id}")
        return registry.add_agent(Ledger(store), text, level, queue_id, actor=actor_id)


@unit_of_work
def change_agent(store: Store, agent_id: int, *, name: str | None = None, role: str | None = None,
                 queue_id: int | object | None = _UNCHANGED, active: bool | None = None,
                 actor_id: int | None = None) -> Agent:
    """Rename an agent, change their role or home queue, or (de)activate them; only what differs is
    recorded."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = require_text(name, "the agent's name")
    if role is not None:
        changes["role"] = parse_enum(Role, role, "role")
    if queue_id is not _UNCHANGED:
        changes["queue"] = queue_id
    if active is not None:
        changes["active"] = bool(active)
    with store.atomic():
        agent = directory.agent(store, agent_id)
        new_name = changes.get("name")
        if isinstance(new_name, str) and new_name.lower() != agent.name.lower() \
                and directory.agent_name_taken(store, new_name):
            raise BadInput(f"an agent named {new_name!r} already exists")
        queue = changes.get("queue")
        if isinstance(queue, int) and not directory.queue_exists(store, queue):
            raise NotFound(f"no queue with id {queue}")
        return registry.change_agent(Ledger(store), agent, actor=actor_id, **changes)


def customer_names(store: Store, prefix: str = "", *, limit: int = 200) -> list[str]:
    """For the new-ticket picker: customers whose name starts with ``prefix``."""
    return directory.customer_names(store, prefix, limit=limit)


@unit_of_work
def change_customer(store: Store, customer_id: int, *, name: str | None = None, since: str | None = None,
                    actor_id: int | None = None) -> None:
    """Correct a customer's name or first-contact date (their tenure)."""
    from csconsole.domain import clock

    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = require_text(name, "the customer's name")
    if since is not None:
        changes["since"] = clock.parse_iso(since)
    if not changes:
        raise BadInput("nothing to change")
    with store.atomic():
        if not directory.customer_exists(store, customer_id):
            raise NotFound(f"no customer with id {customer_id}")
        known = directory.customer_by_name(store, changes.get("name", ""))
        if known is not None and known.id != customer_id:
            raise BadInput(f"a customer named {changes['name']!r} already exists")
        registry.change_customer(Ledger(store), customer_id, changes, actor=actor_id)


@unit_of_work
def add_queue(store: Store, name: str, *, actor_id: int | None = None) -> directory.Queue:
    text = require_text(name, "the queue's name")
    with store.atomic():
        if directory.queue_name_taken(store, text):
            raise BadInput(f"a queue named {text!r} already exists")
        queue = registry.add_queue(Ledger(store), text, actor=actor_id)
    return directory.Queue(queue.id, queue.name)


@unit_of_work
def rename_queue(store: Store, queue_id: int, name: str, *, actor_id: int | None = None) -> directory.Queue:
    text = require_text(name, "the queue's name")
    with store.atomic():
        if not directory.queue_exists(store, queue_id):
            raise NotFound(f"no queue with id {queue_id}")
        clash = directory.queue_name_taken(store, text)
        if clash and directory.queue_by_name(store, text).id != queue_id:
            raise BadInput(f"a queue named {text!r} already exists")
        queue = registry.rename_queue(Ledger(store), queue_id, text, actor=actor_id)
    return directory.Queue(queue.id, queue.name)
