"""A real process acting on a store, for the fault-injection suite (crash, contention).

``write STORE COUNT TAG [--parity P]`` (with ``--together``: says ``ready`` and waits for a line on
stdin, so several writers start at once) reassigns tickets through the service, printing one line per
acknowledged action *after* its transaction committed: ``ack SEQ TICKET OWNER REASON``. A refusal
prints ``refused MESSAGE``; neither ever prints a traceback (a traceback is a failure of the suite).

``read STORE COUNT`` plays a console: floor figures, a page of tickets, one ticket's story, the
change poll; it prints ``error MESSAGE`` for anything that reaches a user, then ``done N``.
"""

from __future__ import annotations

import random
import sys

from csconsole.domain.errors import DomainError
from csconsole.domain.read_models import TicketFilter
from csconsole.services import open_store, queries, tickets


def write(path: str, count: int, tag: str, parity: int | None, together: bool) -> None:
    rng = random.Random(tag)
    with open_store(path) as store:
        supervisor = queries.agent_by_name(store, "Sue").id
        agents = {a.name: a.id for a in queries.agents(store) if a.name in ("Ana", "Raj", "Li")}
        ids = [r.id for r in queries.all_tickets(store, TicketFilter())]
        if parity is not None:
            ids = [i for i in ids if i % 2 == parity]
        if together:
            print("ready", flush=True)
            sys.stdin.readline()
        for n in range(count):
            ticket_id = rng.choice(ids)
            owner = queries.tickets_by_id(store, [ticket_id])[0].owner
            target = rng.choice([name for name in agents if name != owner])
            reason = f"{tag}-{n}"
            try:
                change = tickets.reassign(store, [ticket_id], actor_id=supervisor, to_id=agents[target],
                                          reason=reason)
            except DomainError as error:
                print(f"refused {error}", flush=True)
                continue
            print(f"ack {change.seqs[-1]} {ticket_id} {target} {reason}", flush=True)


def read(path: str, count: int) -> None:
    done = 0
    with open_store(path, read_only=True) as store:
        for _ in range(count):
            try:
                store.data_version()
                queries.floor_stats(store)
                page = queries.tickets_page(store, TicketFilter(open_only=True), limit=50)
                if page:
                    queries.ticket_detail(store, page[done % len(page)].id)
                done += 1
            except DomainError as error:
                print(f"error {error}", flush=True)
            except Exception as error:
                print(f"error {type(error).__name__}: {error}", flush=True)
    print(f"done {done}", flush=True)


def main(argv: list[str]) -> None:
    mode, path, count = argv[0], argv[1], int(argv[2])
    if mode == "write":
        parity = int(argv[argv.index("--parity") + 1]) if "--parity" in argv else None
        write(path, count, argv[3], parity, "--together" in argv)
    else:
        read(path, count)


if __name__ == "__main__":
    main(sys.argv[1:])
