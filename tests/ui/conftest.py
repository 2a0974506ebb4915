"""Fixtures for the console tests: offscreen Qt, private settings, and a small store built through services.

``store_path`` is an SQLite file. A test module that runs on both engines (live refresh, reassign)
takes ``floor_store`` instead: the same store as a file, or as a database on the run's PostgreSQL
server reached as the console's login (``engine`` parametrises it, as in tests/conftest.py).
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any Qt import

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csconsole.domain import clock
from csconsole.services import open_store, people, tickets
from tests.sql import connection

SUPERVISOR = "Sue Park"


@pytest.fixture(autouse=True)
def private_settings(qapp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """QSettings go to a fresh folder per test: no test sees the user's or another test's settings."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield


def build_store(path: Path | str, n_tickets: int = 48, seed: int = 3) -> Path | str:
    """A few dozen tickets with takes, bounces, ping-pong, repeat contacts and SLA breaches, their events
    appended in time order as a live floor appends them (``audit verify`` holds)."""
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(minutes=25 * n_tickets + 3)
    with open_store(str(path), create=True) as store:
        queues = [people.add_queue(store, n) for n in ("Billing", "Technical", "Returns")]
        reps = [people.add_agent(store, n, "agent", q.id) for n, q in
                (("Ana Lima", queues[0]), ("Raj Patel", queues[1]), ("Li Wei", queues[2]), ("Tom Berg", queues[0]))]
        sue = people.add_agent(store, SUPERVISOR, "supervisor")
        people.add_agent(store, "Max Roy", "manager")
        ids: dict[int, int] = {}
        actions: list[tuple[datetime, int, Callable[[str], object]]] = []

        def later(at: datetime, minutes: int, action: Callable[[str], object]) -> None:
            actions.append((at + timedelta(minutes=minutes), len(actions), action))

        for n in range(n_tickets):
            at = start + timedelta(minutes=25 * n)
            q = queues[n % 3]
            channel, priority = rng.choice(["phone", "email", "chat"]), rng.choice(["high", "normal", "low", "urgent"])

            def create(when: str, n: int = n, q: object = q, channel: str = channel, priority: str = priority) -> None:
                ids[n] = tickets.create_ticket(
                    store, actor_id=None, customer=f"Customer {n % 17}", subject=f"Problem number {n}",
                    channel=channel, priority=priority, queue_id=q.id, at=when,  # type: ignore[attr-defined]
                ).ticket_ids[0]

            later(at, 0, create)
            if n % 5 == 4:
                continue  # stays unowned
            owner = reps[n % 4]
            later(at, 2, lambda when, n=n, owner=owner: tickets.take(store, ids[n], actor_id=owner.id, at=when))
            holders = [(queues[(n + 1) % 3], reps[(n + 1) % 4]), (q, owner)]
            for b in range(n % 6):
                target_q, target = holders[b % 2]
                holder = holders[(b + 1) % 2][1]  # who holds it now moves it on: an agent moves only their own
                later(at, 5 + b, lambda when, n=n, holder=holder, tq=target_q, target=target: tickets.transfer(
                    store, ids[n], actor_id=holder.id, queue_id=tq.id, owner_id=target.id,
                    note=f"over to {target.name}", at=when))
            for c in range(n % 4):
                later(at, 20 + c, lambda when, n=n, c=c: tickets.contact(store, ids[n], note=f"called again ({c + 2})",
                                                                        at=when))
            if n % 7 == 0:
                later(at, 30, lambda when, n=n, owner=owner: tickets.reply(store, ids[n], actor_id=owner.id,
                                                                          note="we are on it", at=when))
            if n % 9 == 0:
                later(at, 40, lambda when, n=n: tickets.set_status(store, ids[n], actor_id=sue.id, status="resolved",
                                                                   at=when))
        for when, _, action in sorted(actions, key=lambda a: (a[0], a[1])):
            action(clock.to_text(when))
    return path


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("template") / "template.db")


@pytest.fixture
def store_path(store_template: Path, tmp_path: Path) -> Path:
    """A fresh copy per test, so writes in one test never leak into another."""
    target = tmp_path / "floor.db"
    with open_store(str(store_template), read_only=True) as source:
        connection(source).execute("VACUUM INTO ?", (str(target),))
    return target


@pytest.fixture(scope="session")
def pg_ui_template(request: pytest.FixtureRequest) -> str:
    """The same small store on the run's server, built once: a database each test copies."""
    server = request.getfixturevalue("pg_server")
    request.getfixturevalue("pg_desk")
    name = server.create_database(template=request.getfixturevalue("pg_store_template"))
    build_store(server.url(name))
    return name


@pytest.fixture
def floor_store(engine: str, store_template: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh copy of the small store per test, on ``engine``: its location as the console opens it."""
    if engine == "sqlite":
        target = tmp_path / "floor.db"
        with open_store(str(store_template), read_only=True) as source:
            connection(source).execute("VACUUM INTO ?", (str(target),))
        yield str(target)
        return
    from tests.sites import SiteMaker

    maker = SiteMaker("postgres", tmp_path, request.getfixturevalue("pg_server"),
                      request.getfixturevalue("pg_ui_template"))
    yield maker.new().location
    maker.drop()


@pytest.fixture(scope="session")
def big_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More than two pages of tickets, for paging and anchors."""
    return build_store(tmp_path_factory.mktemp("big") / "big.db", n_tickets=260, seed=5)


@pytest.fixture
def big_store_path(big_store_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "big.db"
    with open_store(str(big_store_template), read_only=True) as source:
        connection(source).execute("VACUUM INTO ?", (str(target),))
    return target


def open_window(qtbot, path: Path, *, read_only: bool = False, identity: str | None = SUPERVISOR):
    from csconsole.services import queries
    from csconsole.settings import Settings
    from csconsole.ui.main_window import MainWindow

    store = open_store(str(path), read_only=read_only)
    agent = queries.agent_by_name(store, identity) if identity else None
    window = MainWindow(store, Settings(), agent)
    qtbot.addWidget(window)
    window.resize(1400, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.table_model.loading and window.table_model.rowCount() > 0, timeout=5000)
    return window


@pytest.fixture
def window(qtbot, store_path: Path) -> Iterator[object]:
    win = open_window(qtbot, store_path)
    yield win
    win.close()
    win.store.close()


@pytest.fixture
def writer(store_path: Path) -> Iterator[object]:
    """A second connection, as another process (an agent's client, an importer) would have."""
    with open_store(str(store_path)) as store:
        yield store


def select_rows(window, rows: list[int]) -> None:
    """Select these rows of the ticket table as a user would (the first clicked, the rest Ctrl-clicked)."""
    window.selection.select_row(rows[0])
    model = window.table.selectionModel()
    for r in rows[1:]:
        model.select(window.table_model.index(r, 0), model.SelectionFlag.Select | model.SelectionFlag.Rows)
