"""Recovery cases and evaluations as derived rows, and a ticket's cases folded from its events.

``recovery_cases`` and ``evaluations`` are derived from events (``recovery_step``, ``evaluation``): they
are written in the same transaction as their event and ``rebuild`` recreates them from the events alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from csconsole.domain.checklists import Records
from csconsole.domain.errors import NotFound
from csconsole.domain.recovery import RecoveryCase, fold_cases
from csconsole.domain.ticket import Event
from csconsole.domain.words import EventKind

if TYPE_CHECKING:
    from csconsole.store.store import Store

CASE_COLUMNS = (
    "id", "ticket_id", "checklist", "steps_done", "steps_total", "next_step", "opened_at", "opened_by",
    "updated_at", "completed_at", "promise", "promised_by", "resolved_at", "fix", "goodwill_kind",
    "goodwill_amount", "follow_up", "outcome", "root_cause", "policy_id", "change", "last_seq",
)
UPSERT_CASE = (
    f"INSERT INTO recovery_cases ({', '.join(CASE_COLUMNS)}) VALUES ({', '.join('?' * len(CASE_COLUMNS))}) "
    "ON CONFLICT (id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in CASE_COLUMNS[1:])
)
EVALUATION_COLUMNS = (
    "id", "ticket_id", "at", "evaluator_id", "associate_id", "associate_score", "policy_id", "policy_score",
    "comment",
)
INSERT_EVALUATION = (
    f"INSERT INTO evaluations ({', '.join(EVALUATION_COLUMNS)}) VALUES ({', '.join('?' * len(EVALUATION_COLUMNS))})"
)


def case_values(case: RecoveryCase) -> tuple[object, ...]:
    promise, resolution, evaluation = case.promise, case.resolution, case.evaluation
    resolved_at = next((d.at for d in case.done if d.step.records is Records.RESOLUTION), None)
    nxt = case.next_step
    return (
        case.id, case.ticket_id, case.checklist.name, len(case.done), len(case.checklist.steps),
        nxt.title if nxt else None, case.opened_at, case.opened_by, case.updated_at, case.completed_at,
        promise.get("promise"), promise.get("promised_by"), resolved_at, resolution.get("fix"),
        resolution.get("goodwill_kind"), resolution.get("goodwill_amount"), resolution.get("follow_up"),
        resolution.get("outcome"), evaluation.get("root_cause"), evaluation.get("policy"),
        evaluation.get("change"), case.last_seq,
    )


def evaluation_values(event: Event) -> tuple[object, ...]:
    d = event.data
    return (event.seq, event.ticket_id, event.at, event.actor, d.get("associate"), d["associate_score"],
            d.get("policy"), d.get("policy_score"), d.get("comment", ""))


def save_case(store: Store, case: RecoveryCase) -> None:
    store._conn.execute(UPSERT_CASE, case_values(case))


def save_evaluation(store: Store, event: Event) -> None:
    store._conn.execute(INSERT_EVALUATION, evaluation_values(event))


def recovery_events(store: Store, ticket_id: int) -> list[Event]:
    return [
        Event(ticket_id, kind, at, actor, json.loads(data), seq)
        for seq, kind, at, actor, data in store._conn.execute(
            "SELECT seq, kind, at, actor_id, data FROM events WHERE ticket_id = ? AND kind = ? ORDER BY seq",
            (ticket_id, EventKind.RECOVERY_STEP.value),
        )
    ]


def cases_of_ticket(store: Store, ticket_id: int) -> list[RecoveryCase]:
    """A ticket's cases, folded from its events (the authority, not the derived table)."""
    return list(fold_cases(recovery_events(store, ticket_id)).values())


def case_by_id(store: Store, case_id: int) -> RecoveryCase:
    row = store._conn.execute("SELECT ticket_id FROM recovery_cases WHERE id = ?", (case_id,)).fetchone()
    if row is None:
        raise NotFound(f"no recovery case {case_id}")
    for case in cases_of_ticket(store, int(row[0])):
        if case.id == case_id:
            return case
    raise NotFound(f"no recovery case {case_id}")


def bulk_insert(store: Store, cases: Iterable[RecoveryCase], evaluations: Iterable[Event]) -> None:
    """For the demo loader: derived rows of many new cases and evaluations at once."""
    engine, conn = store._engine, store._conn
    engine.fill(conn, "recovery_cases", CASE_COLUMNS, (case_values(c) for c in cases))
    engine.fill(conn, "evaluations", EVALUATION_COLUMNS, (evaluation_values(e) for e in evaluations))
