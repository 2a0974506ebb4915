"""The audit report's figures (DESIGN §6 ``export``), each one SQL answered from an index or one pass.

The scores are the dashboard's own (``dashboard.associate_scores``, ``policy_scores``): the report and the
dashboard rank the same associates and policies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csconsole.domain.read_models import NO_OWNER
from csconsole.store import dashboard, directory, table_dump
from csconsole.store.fragments import loyal_params, loyal_sql
from csconsole.store.queries import queue_stats

if TYPE_CHECKING:
    from csconsole.store.store import Store

LISTED = 50  # tickets and cases per list in the report; every one of them is in the CSVs


@dataclass(frozen=True)
class QueueLine:
    name: str
    open: int
    oldest_open_at: str | None
    at_risk: int
    breached: int
    total: int


@dataclass(frozen=True)
class TicketLine:
    ref: str
    subject: str
    customer: str
    loyal: bool
    queue: str
    owner: str | None
    status: str
    bounces: int
    pingpongs: int
    contacts: int
    path: tuple[str, ...]


@dataclass(frozen=True)
class CaseLine:
    ref: str
    customer: str
    checklist: str
    steps_done: int
    steps_total: int
    opened_at: str
    completed_at: str | None
    outcome: str | None
    root_cause: str | None
    policy: str | None


@dataclass(frozen=True)
class ScoreLine:
    name: str
    average: float
    count: int


@dataclass(frozen=True)
class RecoverySummary:
    cases: int
    open: int
    complete: int
    outcomes: dict[str, int]
    root_causes: dict[str, int]
    listed: list[CaseLine]
    evaluations: int
    associate_average: float | None
    policy_average: float | None
    associate_scores: list[ScoreLine]
    policy_scores: list[ScoreLine]


def period(store: Store) -> tuple[str | None, str | None]:
    """From the first ticket's creation to the last change (not the last event's time: an import of
    older history is appended after newer work)."""
    start, end = store._conn.execute("SELECT min(created_at), max(updated_at) FROM tickets").fetchone()
    return start, end


def statuses(store: Store) -> dict[str, int]:
    return dict(store._conn.execute("SELECT status, count(*) FROM tickets GROUP BY status ORDER BY 2 DESC").fetchall())


def queue_lines(store: Store, now: str) -> list[QueueLine]:
    totals = dict(store._conn.execute("SELECT queue_id, count(*) FROM tickets GROUP BY queue_id").fetchall())
    return [
        QueueLine(q.name, q.depth, q.oldest_created_at, q.at_risk, q.breached, int(totals.get(q.queue_id, 0)))
        for q in queue_stats(store, now)
    ]


# Both counts and both lists are answered by the partial indexes on bounces >= 3 and contacts >= 3.
_FLAGGED = {"bounced": ("t.bounces >= 3", "t.bounces DESC, t.id DESC"),
            "callbacks": ("t.contacts >= 3", "t.contacts DESC, t.id DESC")}


def flagged_count(store: Store, flag: str) -> int:
    """Tickets bounced more than twice (``bounced``) or called about more than twice (``callbacks``)."""
    where, _ = _FLAGGED[flag]
    return int(store._conn.execute(f"SELECT count(*) FROM tickets t WHERE {where}").fetchone()[0])


def flagged_tickets(store: Store, flag: str, now: str) -> list[TicketLine]:
    """The ``LISTED`` worst of them, worst first."""
    where, order = _FLAGGED[flag]
    queue_names, agent_names = directory.names(store)
    rows = store._conn.execute(
        f"SELECT t.ref, t.subject, c.name, {loyal_sql('c')}, "
        "t.queue_id, t.owner_id, t.status, t.bounces, t.pingpongs, t.contacts, t.path "
        "FROM tickets t JOIN customers c ON c.id = t.customer_id "
        f"WHERE {where} ORDER BY {order} LIMIT {LISTED}",
        loyal_params(now),
    )
    return [
        TicketLine(
            ref, subject, customer, bool(loyal), queue_names.get(qid, "?"),
            agent_names.get(oid) if oid is not None else None, status, bounces, pingpongs, contacts,
            tuple(f"{queue_names.get(q, '?')}/{agent_names.get(o, '?') if o is not None else NO_OWNER}"
                  for q, o in json.loads(path)),
        )
        for ref, subject, customer, loyal, qid, oid, status, bounces, pingpongs, contacts, path in rows
    ]


def recovery_summary(store: Store) -> RecoverySummary | None:
    """Recovery cases and the two scores; None for a store without them (schema before recovery)."""
    tables = set(table_dump.table_names(store))
    if not {"recovery_cases", "evaluations"} <= tables:
        return None
    conn = store._conn
    has_policies = "policies" in tables
    policy_name = "(SELECT name FROM policies p WHERE p.id = r.policy_id)" if has_policies else "NULL"
    cases, open_cases = conn.execute(
        "SELECT count(*), count(CASE WHEN completed_at IS NULL THEN 1 END) FROM recovery_cases"
    ).fetchone()
    listed = [
        CaseLine(*row) for row in conn.execute(
            f"SELECT t.ref, c.name, r.checklist, r.steps_done, r.steps_total, r.opened_at, r.completed_at, "
            f"r.outcome, r.root_cause, {policy_name} FROM recovery_cases r "
            f"JOIN tickets t ON t.id = r.ticket_id JOIN customers c ON c.id = t.customer_id "
            f"ORDER BY r.completed_at IS NOT NULL, r.id DESC LIMIT {LISTED}"
        )
    ]
    evaluations = int(conn.execute("SELECT count(*) FROM evaluations").fetchone()[0])
    associate_avg, policy_avg = dashboard.score_averages(store)
    # The two scores are never mixed: associates by associate_score, policies by policy_score; the report
    # lists the lowest averages first.
    associates = sorted(dashboard.associate_scores(store), key=lambda s: (s.average, s.name))
    policies = dashboard.policy_scores(store) if has_policies else []
    return RecoverySummary(
        cases=int(cases), open=int(open_cases), complete=int(cases) - int(open_cases),
        outcomes=_tally(store, "outcome"), root_causes=_tally(store, "root_cause"),
        listed=listed, evaluations=evaluations,
        associate_average=associate_avg, policy_average=policy_avg,
        associate_scores=[ScoreLine(s.name, s.average, s.evaluations) for s in associates],
        policy_scores=[ScoreLine(s.name, s.average, s.evaluations) for s in policies],
    )


def _tally(store: Store, column: str) -> dict[str, int]:
    return {str(value): int(n) for value, n in store._conn.execute(
        f"SELECT {column}, count(*) FROM recovery_cases WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"
    )}
