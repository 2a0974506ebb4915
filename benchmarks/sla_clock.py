"""Micro-benchmark of the SLA clock's business-time arithmetic and of its per-event and re-timing cost.

    python benchmarks/sla_clock.py [--calls 200000]

Prints µs per call, best of five rounds, for the 24/7 clock and for a Berlin office schedule with
Bavarian holidays (its year buckets are built before timing: what a long fold amortises). The machine is
shared: compare runs made back to back.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent
if str(ROOT_DIR) not in sys.path:
    sys.path.insert(0, str(ROOT_DIR))

from csconsole.domain import instants
from csconsole.domain.business_time import ALWAYS, Calendar, calendar_for
from csconsole.domain.sla_clock import SlaClocks
from csconsole.domain.sla_policy import PolicyBook, PolicyVersion, SlaPolicy
from csconsole.domain.sla_spec import parse_schedule
from csconsole.domain.ticket import Event

OFFICE = SlaPolicy(parse_schedule("mon-fri 09:00-12:00,13:00-17:00", "Europe/Berlin", "DE-BY"))


def best_us(work: Callable[[], None], calls: int, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


def arithmetic(calendar: Calendar, calls: int) -> dict[str, float]:
    rng = random.Random(7)
    base = instants.to_seconds("2026-01-01T00:00:00Z")
    starts = [base + rng.randrange(0, 365 * 86400) for _ in range(calls)]
    texts = [instants.to_text(s) for s in starts]
    minutes = [rng.choice([15, 60, 240, 480, 1440, 2400]) for _ in range(calls)]
    ends = [s + rng.randrange(0, 10 * 86400) for s in starts]
    end_texts = [instants.to_text(e) for e in ends]
    for s, m in zip(starts, minutes):  # build the buckets once
        calendar.add_s(s, m * 60.0)

    def add_s() -> None:
        for s, m in zip(starts, minutes):
            calendar.add_s(s, m * 60.0)

    def add_text() -> None:
        for t, m in zip(texts, minutes):
            calendar.add(t, m)

    def elapsed_text() -> None:
        for a, b in zip(texts, end_texts):
            calendar.elapsed(a, b)

    return {"add_s": best_us(add_s, calls), "add (text)": best_us(add_text, calls),
            "elapsed (text)": best_us(elapsed_text, calls)}


def story(ticket: int, start: float) -> list[Event]:
    """A typical ticket: created, taken, replied, the customer back, pending, back, resolved."""
    steps = [("created", 0, {"customer": 1, "subject": "s", "channel": "email", "priority": "normal", "queue": 1}),
             ("take", 300, {"queue": 1, "owner": 2}), ("reply", 2400, {"note": "n"}), ("contact", 9000, {}),
             ("reply", 12000, {"note": "n"}), ("status", 12100, {"status": "pending"}), ("contact", 90000, {}),
             ("status", 90100, {"status": "open"}), ("status", 100000, {"status": "resolved"})]
    return [Event(ticket, kind, instants.to_text(start + offset), None, data, ticket * 10 + n)
            for n, (kind, offset, data) in enumerate(steps)]


def clocks(book: PolicyBook, tickets: int) -> dict[str, float]:
    rng = random.Random(7)
    base = instants.to_seconds("2026-01-01T00:00:00Z")
    stories = [story(t, base + rng.randrange(0, 365 * 86400)) for t in range(1, tickets + 1)]
    events = sum(len(s) for s in stories)

    def fold_all() -> None:
        for events_of_one in stories:
            state = SlaClocks()
            for event in events_of_one:
                state.apply(event, book)

    opened = []
    for events_of_one in stories:
        state = SlaClocks()
        for event in events_of_one[:3]:
            state.apply(event, book)
        opened.append(state.to_json())
    edit = PolicyBook((*book.versions, PolicyVersion(len(book.versions) + 1, 1, 10**9, "2027-01-01T00:00:00Z",
                                                     SlaPolicy(parse_schedule("mon-sat 08:00-20:00", "UTC")))))

    def retime_all() -> None:
        for stored in opened:
            state = SlaClocks.from_json(stored)
            state.catch_up(edit)
            state.to_json()

    return {"apply, per event": best_us(fold_all, events, rounds=3),
            "re-time one stored row (load, catch_up, dump)": best_us(retime_all, tickets, rounds=3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--tickets", type=int, default=20_000)
    args = parser.parse_args()
    office_book = PolicyBook([PolicyVersion(1, None, 0, "2020-01-01T00:00:00Z", OFFICE)])
    rows = [
        ("24/7", arithmetic(ALWAYS, args.calls), clocks(PolicyBook(), args.tickets)),
        ("Berlin office + DE-BY holidays", arithmetic(calendar_for(OFFICE.schedule), args.calls),
         clocks(office_book, args.tickets)),
    ]
    for name, figures, clock_figures in rows:
        print(name)
        for label, value in (*figures.items(), *clock_figures.items()):
            print(f"  {label:<48} {value:7.2f} µs")


if __name__ == "__main__":
    main()
