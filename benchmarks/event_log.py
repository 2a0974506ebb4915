"""A CSV event log (DESIGN §6 import format) for the importer that commits while the console watches."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

COLUMNS = ("ticket", "at", "kind", "actor", "queue", "owner", "customer", "subject", "channel", "priority",
           "status", "note")


def _stamp(at: datetime, minutes: int) -> str:
    return (at + timedelta(minutes=minutes)).isoformat()


def write_event_log(path: Path, *, events: int, tag: str) -> int:
    """About ``events`` rows: tickets created, taken, transferred, answered and resolved in the last hour."""
    start = datetime.now(UTC) - timedelta(hours=1)
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        n = 0
        while rows < events:
            n += 1
            ref, at = f"BENCH-{tag}-{n}", start + timedelta(seconds=n % 3000)
            agent, other = f"Bench Agent {n % 20}", f"Bench Agent {(n + 7) % 20}"
            out.writerows([
                (ref, _stamp(at, 0), "created", "", "Billing", "", f"Bench Customer {n % 500}", "Imported ticket",
                 "email", "normal", "", ""),
                (ref, _stamp(at, 1), "take", agent, "Billing", agent, "", "", "", "", "", ""),
                (ref, _stamp(at, 2), "transfer", agent, "Technical", other, "", "", "", "", "", "needs a specialist"),
                (ref, _stamp(at, 3), "reply", other, "", "", "", "", "", "", "", "fixed on our side"),
                (ref, _stamp(at, 4), "status", other, "", "", "", "", "", "", "resolved", ""),
            ])
            rows += 5
    return rows
