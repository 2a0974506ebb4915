"""Agents and queues: who works the floor and where tickets wait."""

from __future__ import annotations

from csconsole.domain.errors import BadInput
from csconsole.domain.rules import Agent, require_text
from csconsole.domain.words import Role, parse_enum
from csconsole.store import directory
from csconsole.store.store import Store


def add_agent(store: Store, name: str, role: str, queue_id: int | None = None) -> Agent:
    text = require_text(name, "the agent's name")
    level = parse_enum(Role, role, "role")
    with store.atomic():
        if directory.agent_name_taken(store, text):
            raise BadInput(f"an agent named {text!r} already exists")
        return directory.add_agent(store, text, level, queue_id)


def customer_names(store: Store, prefix: str = "", *, limit: int = 200) -> list[str]:
    """For the new-ticket picker: customers whose name starts with ``prefix``."""
    return directory.customer_names(store, prefix, limit=limit)


def add_queue(store: Store, name: str) -> directory.Queue:
    text = require_text(name, "the queue's name")
    with store.atomic():
        if directory.queue_name_taken(store, text):
            raise BadInput(f"a queue named {text!r} already exists")
        return directory.add_queue(store, text)
