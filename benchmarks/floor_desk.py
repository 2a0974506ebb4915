"""One agent's desk on the floor (``benchmarks/floor.py`` starts N of them as processes).

    python -m benchmarks.floor_desk STORE AGENT --log FILE --seconds S [--think 1.0] [--seed N]

Says ``ready`` on stdout once its store is open and waits for a line on stdin (every desk starts at
once), then works for S seconds: a think time (exponential, mean ``--think``), then one action through
the services, as the console's commit would call them. Each action the service acknowledged is one JSON
line in the log, written after the call returned (so after its COMMIT): its kind, ticket, the events'
seqs, a token that the action's note or subject carries (to find an action recorded twice), and when it
began (its list read, ``looked``; its write, ``t0``) and was acknowledged (``t1``). A rule's refusal (another desk took the ticket first) and an error a person
would have seen are logged too, never a traceback.

The mix, per ticket's life on a phone and e-mail floor: created (1), taken (1), answered about twice,
chased by the customer about once in two or three tickets, passed to another queue about once in four,
resolved (1): about 5.8 actions a ticket, hence ``MIX``. A desk holding ``PILE`` open tickets works them
before it takes more; with nothing of its own to answer, pass or resolve, it takes one.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from csconsole.domain.errors import DomainError
from csconsole.domain.read_models import Order, SortKey, TicketFilter, TicketRow
from csconsole.services import Store, StoreError, database_failure, open_store, queries, retry_read, tickets
from csconsole.services.changes import Change

MIX = {"reply": 35, "take": 18, "resolve": 17, "create": 17, "contact": 8, "transfer": 5}
PILE = 8  # open tickets a desk holds before it stops taking new ones
REOPEN_SHARE = 0.2  # of contacts: a customer coming back about a ticket this desk resolved
CHANNELS = ("phone", "email", "chat", "phone", "email")
PRIORITIES = ("normal", "normal", "normal", "high", "low", "urgent")


class Desk:
    def __init__(self, store: Store, where: str, agent: str, seed: int, log: IO[str]) -> None:
        self.store, self.where, self.log = store, where, log
        self.rng = random.Random(seed)
        me = queries.agent_by_name(store, agent)
        self.me = me.id
        self.home = me.queue_id or queries.queues(store)[0].id
        self.queues = [q.id for q in queries.queues(store)]
        self.tag = agent.replace(" ", "").lower()
        self.done = 0
        self.replied: set[int] = set()
        self.resolved: list[int] = []

    # --- what the desk sees (read as the console's runner reads: waiting out a server restart) ---------
    def mine(self) -> list[TicketRow]:
        return retry_read(lambda: queries.tickets_page(self.store, TicketFilter(owner_id=self.me, open_only=True),
                                                       limit=50), self.where)

    def waiting(self) -> list[TicketRow]:
        """The oldest unowned tickets of the desk's queue (of any queue when its own is empty)."""
        oldest = Order(SortKey.ID)
        def oldest_of(flt: TicketFilter) -> list[TicketRow]:
            return retry_read(lambda: queries.tickets_page(self.store, flt, order=oldest, limit=10), self.where)

        for flt in (TicketFilter(queue_id=self.home, unowned=True, open_only=True),
                    TicketFilter(unowned=True, open_only=True)):
            rows = oldest_of(flt)
            if rows:
                return rows
        return []

    # --- one action ------------------------------------------------------------------------------
    def act(self) -> None:
        looked = time.time()  # the action begins with the desk's own list (a read), then its write
        try:
            mine = self.mine()
        except Exception as error:
            self.write({"error": "list", "ticket": None, "msg": self.plain(error), "t0": time.time()})
            return
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        answered = [r for r in mine if r.id in self.replied]
        if kind == "take" and len(mine) >= PILE:
            kind = "reply"
        if (kind in ("reply", "transfer", "contact") and not mine) or (kind == "resolve" and not answered):
            kind = "reply" if kind == "resolve" and mine else "take"
        token = f"{self.tag}-{self.done}"
        self.done += 1
        began, ticket = time.time(), None
        try:
            kind, ticket, call = self._work(kind, token, mine, answered)
            began = time.time()
            change = call()
        except StoreError as error:  # the store failed this person: what the retry exists to prevent
            self.write({"error": kind, "ticket": ticket, "msg": str(error), "t0": began})
            return
        except DomainError as error:  # a rule said no: another desk got there first
            self.write({"refused": kind, "ticket": ticket, "msg": str(error)})
            return
        except Exception as error:
            self.write({"error": kind, "ticket": ticket, "msg": self.plain(error), "t0": began})
            return
        acked = time.time()
        ticket = change.ticket_ids[0]
        if kind == "reply":
            self.replied.add(ticket)
        elif kind == "resolve":
            self.resolved = [*self.resolved[-19:], ticket]
        self.write({"kind": kind, "ticket": ticket, "seqs": list(change.seqs), "token": token,
                     "t0": began, "t1": acked, "looked": looked})

    def _work(self, kind: str, token: str, mine: list[TicketRow],
              answered: list[TicketRow]) -> tuple[str, int | None, Callable[[], Change]]:
        """The action to do now: its kind (a take finds nothing waiting: a new ticket instead), its
        ticket, and the service call."""
        store, me, rng = self.store, self.me, self.rng
        if kind == "take":
            waiting = self.waiting()
            if not waiting:
                kind = "create"
            else:
                ticket = rng.choice(waiting).id
                return "take", ticket, lambda: tickets.take(store, ticket, actor_id=me)
        if kind == "create":
            return "create", None, lambda: tickets.create_ticket(
                store, actor_id=me, customer=f"Customer {rng.randrange(2000)}", subject=f"{token} a new problem",
                channel=rng.choice(CHANNELS), priority=rng.choice(PRIORITIES), queue_id=self.home)
        if kind == "reply":
            ticket = rng.choice(mine).id
            return "reply", ticket, lambda: tickets.reply(store, ticket, actor_id=me, note=f"{token} we are on it")
        if kind == "resolve":
            ticket = rng.choice(answered).id
            return "resolve", ticket, lambda: tickets.set_status(store, ticket, actor_id=me, status="resolved",
                                                      note=f"{token} fixed")
        if kind == "transfer":
            ticket = rng.choice(mine).id
            queue = rng.choice([q for q in self.queues if q != self.home] or self.queues)
            return "transfer", ticket, lambda: tickets.transfer(store, ticket, actor_id=me, queue_id=queue,
                                                    note=f"{token} billing part done, needs the next team")
        if self.resolved and rng.random() < REOPEN_SHARE:  # contact
            ticket = rng.choice(self.resolved)
        else:
            ticket = rng.choice(mine).id
        return "contact", ticket, lambda: tickets.contact(store, ticket, note=f"{token} customer called again")

    def plain(self, error: BaseException) -> str:
        """What the console's runner would show for ``error`` (an engine's failure in a plain line)."""
        if isinstance(error, DomainError):
            return str(error)
        return database_failure(error, self.where) or f"unexpected {type(error).__name__}: {error}"

    def write(self, record: dict[str, Any]) -> None:
        self.log.write(json.dumps(record) + "\n")
        self.log.flush()  # a desk killed later keeps what it acknowledged before


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("agent")
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a desk's actions")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with open_store(args.store) as store, args.log.open("a", encoding="utf-8") as log:
        desk = Desk(store, args.store, args.agent, args.seed, log)
        print("ready", flush=True)
        sys.stdin.readline()
        until = time.monotonic() + args.seconds
        while (left := until - time.monotonic()) > 0:
            time.sleep(min(left, desk.rng.expovariate(1 / args.think)) if args.think > 0 else 0)
            if time.monotonic() < until:
                desk.act()
        desk.write({"retries": store.retries, "confirmed": store.commits_confirmed, "actions": desk.done})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
