"""Shared fixtures: a real SQLite store file in WAL mode, with a small floor of queues and agents."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from csconsole.domain.rules import Agent
from csconsole.services import Store, open_store, people

pytest_plugins = ["tests.pg_server"]  # the run's own PostgreSQL server: pg_server, pg_url


@dataclass
class Floor:
    store: Store
    path: Path
    billing: int
    tech: int
    ana: Agent
    raj: Agent
    li: Agent
    sue: Agent  # supervisor
    max: Agent  # manager


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "floor.db"


@pytest.fixture
def floor(store_path: Path) -> Iterator[Floor]:
    store = open_store(str(store_path), create=True)
    billing = people.add_queue(store, "Billing").id
    tech = people.add_queue(store, "Tech").id
    floor = Floor(
        store, store_path, billing, tech,
        ana=people.add_agent(store, "Ana", "agent", billing),
        raj=people.add_agent(store, "Raj", "agent", tech),
        li=people.add_agent(store, "Li", "agent", billing),
        sue=people.add_agent(store, "Sue", "supervisor"),
        max=people.add_agent(store, "Max", "manager"),
    )
    yield floor
    store.close()
