"""The audit chain of DESIGN §5: each event's hash = sha256(previous hash || canonical JSON of the event).

The canonical JSON has sorted keys and no spaces; ``data`` is stored already canonical, so the event's
canonical text is composed from the row as it lies in the table, and verifying needs no JSON parsing.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csconsole.store.store import Store

GENESIS = "0" * 64
BATCH = 20_000  # rows a fetch while verifying


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_data(data: dict[str, Any]) -> str:
    return _ENCODER.encode(data)


def canonical_event(seq: int, ticket_id: int | None, kind: str, at: str, actor: int | None, data: str) -> str:
    """The text an event's hash covers: the same on every engine, and for an event on no ticket (the
    floor's records) ``"ticket":null``, as ``"actor":null`` is an event by the customer."""
    actor_text = "null" if actor is None else str(actor)
    ticket_text = "null" if ticket_id is None else str(ticket_id)
    return (
        f'{{"actor":{actor_text},"at":"{at}","data":{data},"kind":"{kind}",'
        f'"seq":{seq},"ticket":{ticket_text}}}'
    )


def link(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


def head(store: Store) -> Head:
    row = store._conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return Head(0, GENESIS) if row is None else Head(row[0], row[1])


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    head: Head
    problem: str = ""
    bad_seq: int | None = None


Observer = Callable[[int, "int | None", str, str, str], None]  # seq, ticket, kind, at, canonical data


def verify(store: Store, expected_head: str | None = None, *, until: int | None = None,
           observe: Observer | None = None, read: Callable[[int], None] | None = None) -> Verdict:
    """Recompute the chain; name the first event that does not match.

    ``expected_head`` is a hash an auditor kept earlier (``audit head``): it must still be in the
    chain, else everything up to it was rewritten. ``until``: stop after that seq (the head another
    connection's snapshot saw). ``observe`` sees every event that matched, in order; ``read`` hears
    how many were checked, a batch at a time. Inside ``store.read()`` (or a write): the whole log is
    read through one snapshot.
    """
    prev = GENESIS
    expected_seq = 1
    checked = 0
    head_found = expected_head is None
    last = Head(0, GENESIS)
    where = "" if until is None else f" WHERE seq <= {int(until)}"
    rows = store._engine.scan(store._conn, f"SELECT seq, ticket_id, kind, at, actor_id, data, hash FROM events{where} "
                                           "ORDER BY seq")
    while batch := list(itertools.islice(rows, BATCH)):
        for seq, ticket_id, kind, at, actor, data, stored in batch:
            if seq != expected_seq:
                what = f"events {expected_seq}..{seq - 1} are missing" if seq > expected_seq else "sequence out of order"
                return Verdict(False, checked, last, f"event {seq}: {what} (deleted or reordered)", seq)
            computed = link(prev, canonical_event(seq, ticket_id, kind, at, actor, data))
            if computed != stored:
                on = f"ticket {ticket_id}" if ticket_id is not None else "the floor's records"
                return Verdict(
                    False, checked, last,
                    f"event {seq} ({on}, {kind} at {at}) does not match its hash: edited, inserted or reordered",
                    seq,
                )
            if not head_found and stored == expected_head:
                head_found = True
            if observe is not None:
                observe(seq, ticket_id, kind, at, data)
            prev = stored
            expected_seq += 1
            checked += 1
            last = Head(seq, stored)
        if read is not None:
            read(len(batch))
    if not head_found:
        return Verdict(
            False, checked, last,
            f"the head {expected_head} kept earlier is not in the chain: the log was rewritten",
        )
    return Verdict(True, checked, last)
