"""What a floor run proves, read from the desks' and consoles' logs and the store itself.

Every action a desk logged as acknowledged must be in the store: each of its events at its seq, on its
ticket, of its kind, carrying its token; no token twice (an action recorded twice); the chain whole;
the derived columns what the events make them (rebuild changes nothing: no lost update). From the
consoles' logs: how long each acknowledged commit took to be on each console's screen.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csconsole.services import Store, audit
from tests.sql import connection

# The last event each kind of action appends (a contact on a resolved ticket reopens it first).
LAST_EVENT = {"create": "created", "take": "take", "reply": "reply", "transfer": "transfer",
              "contact": "contact", "resolve": "status"}
TOKEN = re.compile(r"^(\S+-\d+) ")


@dataclass
class DeskLogs:
    acks: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    retries: int = 0
    confirmed: int = 0  # writes whose COMMIT lost its connection, found committed by asking the server
    finished: int = 0  # desks that wrote their closing line


def read_desk_logs(paths: list[Path]) -> DeskLogs:
    logs = DeskLogs()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "kind" in record:
                logs.acks.append(record)
            elif "refused" in record:
                logs.refusals.append(record)
            elif "error" in record:
                logs.errors.append(record)
            elif "retries" in record:
                logs.retries += record["retries"]
                logs.confirmed += record.get("confirmed", 0)
                logs.finished += 1
    return logs


def _token(data: dict[str, Any]) -> str | None:
    found = TOKEN.match(str(data.get("note") or data.get("subject") or ""))
    return found.group(1) if found else None


def check_store(store: Store, acks: list[dict[str, Any]], after_seq: int) -> dict[str, Any]:
    """Lost and duplicated actions, the chain, and drift of the derived columns, as figures."""
    events = {seq: (ticket, kind, json.loads(data)) for seq, ticket, kind, data in connection(store).execute(
        "SELECT seq, ticket_id, kind, data FROM events WHERE seq > ? ORDER BY seq", (after_seq,))}
    lost: list[str] = []
    for ack in acks:
        *earlier, last = ack["seqs"]
        found = events.get(last)
        if found is None or any(seq not in events for seq in earlier):
            lost.append(f"{ack['token']} ({ack['kind']} of ticket {ack['ticket']}): events {ack['seqs']} missing")
            continue
        ticket, kind, data = found
        token = _token(data)
        if ticket != ack["ticket"] or kind != LAST_EVENT[ack["kind"]] or token not in (None, ack["token"]):
            lost.append(f"{ack['token']}: event {last} is {kind} of ticket {ticket} ({token}), not the acknowledged one")
    tokens = Counter(t for _, _, data in events.values() if (t := _token(data)) is not None)
    claimed = Counter(seq for ack in acks for seq in ack["seqs"])
    verdict = audit.verify(store)
    return {
        "acknowledged": len(acks),
        "acknowledged_lost": len(lost),
        "lost_samples": lost[:5],
        "duplicates": sum(n - 1 for n in tokens.values() if n > 1) + sum(n - 1 for n in claimed.values() if n > 1),
        "events_written": len(events),
        "chain_verified": verdict.ok,
        "chain_events_checked": verdict.checked,
        "chain_problem": verdict.problem,
        "derived_rows_drifted": audit.rebuild(store).corrected,
    }


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency_by_kind(acks: list[dict[str, Any]]) -> dict[str, dict[str, float | int | None]]:
    by_kind: dict[str, list[float]] = {}
    for ack in acks:
        by_kind.setdefault(ack["kind"], []).append((ack["t1"] - ack["t0"]) * 1000)
    return {kind: {"n": len(ms), "p50_ms": percentile(ms, 0.5), "p99_ms": percentile(ms, 0.99), "max_ms": max(ms)}
            for kind, ms in sorted(by_kind.items())}


def seen_by_consoles(consoles: list[dict[str, Any]], acks: list[dict[str, Any]],
                     settle: float) -> dict[str, Any]:
    """For each console and each commit acknowledged while it watched (and at least ``settle`` seconds
    before it stopped): the time from the acknowledgement to the first refreshed page that holds it."""
    every: list[float] = []
    per_console: list[float | None] = []
    unseen = 0
    for console in consoles:
        seen = console["seen"]
        heads = [head for _, head in seen]
        mine: list[float] = []
        for ack in acks:
            if not console["t_start"] <= ack["t1"] <= console["t_end"] - settle:
                continue
            at = bisect.bisect_left(heads, max(ack["seqs"]))
            if at == len(heads):
                unseen += 1
                continue
            mine.append(max(0.0, seen[at][0] - ack["t1"]) * 1000)
        every += mine
        per_console.append(percentile(mine, 0.99))
    return {"commit_seen_p50_ms": percentile(every, 0.5), "commit_seen_p99_ms": percentile(every, 0.99),
            "commit_seen_max_ms": max(every) if every else None, "commit_seen_p99_ms_per_console": per_console,
            "commits_never_seen": unseen, "console_refreshes": [c["refreshes"] for c in consoles],
            "console_errors": sum(len(c["errors"]) for c in consoles)}


def through_outage(acks: list[dict[str, Any]], consoles: list[dict[str, Any]], stopped: float,
                   back: float) -> dict[str, Any]:
    """How the floor came through a server stopped at ``stopped`` and accepting again at ``back`` (epoch s):
    actions in flight across it (begun, their list read included, before it came back and acknowledged
    after it stopped: they waited it out); desks that had an action acknowledged after it was back (by their
    token's desk: the action in flight across it counts, as the run may end soon after); consoles that told the banner up
    and down again and showed a commit acknowledged after it."""
    across = [a for a in acks if a.get("looked", a["t0"]) < back and a["t1"] > stopped]
    desks_after = {a["token"].rsplit("-", 1)[0] for a in acks if a["t1"] > back}  # committed on the server again
    after = [a for a in acks if a["t1"] > back]
    first_seq_after = min((max(a["seqs"]) for a in after), default=None)
    told_away = told_back = reconnected = 0
    first_seen: list[float] = []
    for console in consoles:
        states = [up for _, up in console.get("connection", [])]
        went = False in states
        told_away += went
        told_back += went and states[-1] is True
        shown_after = [t for t, head in console["seen"] if first_seq_after is not None and head >= first_seq_after]
        if shown_after:
            first_seen.append(shown_after[0] - back)
        reconnected += bool(shown_after) and not console.get("away_at_end", False)
    return {"acted_across": len(across),
            "acted_across_max_s": round(max((a["t1"] - a.get("looked", a["t0"]) for a in across), default=0.0), 1),
            "desks_reconnected": len(desks_after), "consoles_told_away": told_away, "consoles_told_back": told_back,
            "consoles_reconnected": reconnected,
            "console_reads_away": sum(c.get("reads_away", 0) for c in consoles),
            "first_seen_after_back_s": round(min(first_seen), 2) if first_seen else None}
