"""The floor a run starts from, and where it lives: an SQLite file, or a PostgreSQL database (a private
server started here from Debian's binaries as tests/pg_server.py does, made durable as a real one is).

The floor: five queues, one agent a desk (``Desk 01``... each with a home queue), the fault suite's cast
(Ana, Raj, Li, Sue the supervisor, Max the manager: ``tests/faults/harness.py`` drives them), ``history``
resolved tickets and a ``backlog`` of new ones waiting, as on a Monday at 9.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csconsole.services import audit, open_store, people, tickets

if TYPE_CHECKING:
    from benchmarks.floor import FloorRun

QUEUES = ("Billing", "Technical", "Returns", "Sales", "Escalations")
CAST = (("Ana", "agent"), ("Raj", "agent"), ("Li", "agent"), ("Sue", "supervisor"), ("Max", "manager"))
# A server that keeps what it acknowledged, as a floor's would (the test server trades that for speed).
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "max_connections": "300"}


def build_floor(location: str, *, desks: int, backlog: int, history: int, seed: int) -> list[str]:
    """Create the floor's store at ``location`` (which must hold none yet); returns the desks' agents."""
    rng = random.Random(seed)
    with open_store(location, create=True) as store:
        if audit.head(store).seq:
            raise SystemExit(f"{location} already holds a store with events; give an empty one")
        with store.atomic():  # one transaction: the floor appears whole
            queues = [people.add_queue(store, name).id for name in QUEUES]
            names = [f"Desk {n + 1:02d}" for n in range(desks)]
            agents = [people.add_agent(store, name, "agent", queues[n % len(queues)]).id
                      for n, name in enumerate(names)]
            for name, role in CAST:
                people.add_agent(store, name, role, queues[0] if role == "agent" else None)
            for n in range(history + backlog):
                queue = rng.choice(queues)
                change = tickets.create_ticket(
                    store, actor_id=None, customer=f"Customer {rng.randrange(2000)}", subject=f"Problem {n}",
                    channel=rng.choice(("phone", "email", "chat")), priority=rng.choice(("normal", "high", "low")),
                    queue_id=queue)
                if n < history:
                    ticket, agent = change.ticket_ids[0], rng.choice(agents)
                    tickets.take(store, ticket, actor_id=agent)
                    tickets.reply(store, ticket, actor_id=agent, note="answered")
                    tickets.set_status(store, ticket, actor_id=agent, status="resolved")
    return names


@contextmanager
def floor_server(config: FloorRun, folder: Path) -> Iterator[tuple[str, Any]]:
    """Where the run's store lives, and the server to stop for chaos (None: a file, or a server of yours)."""
    if config.engine == "sqlite":
        path = folder / "floor.db"
        for stale in folder.glob("floor.db*"):
            stale.unlink()
        yield str(path), None
        return
    if config.url:
        if config.chaos or config.outage_s is not None:
            raise SystemExit("--chaos and --outage stop the server: they need the private one (leave out --url)")
        yield config.url, None
        return
    from tests.pg_server import PgServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL binaries (initdb, pg_ctl): apt-get install postgresql, or give --url")
    server = PgServer(bindir)
    try:
        server.init_and_start()
        with open(server.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("".join(f"{key} = {value}\n" for key, value in DURABLE.items()))  # later lines win
        server.stop()
        server.start()
        yield server.url(server.create_database()), server
    finally:
        server.remove()
