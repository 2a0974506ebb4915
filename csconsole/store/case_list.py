"""The Recovery view's list of cases, and the counts its header and the dashboard show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from csconsole.store import directory
from csconsole.store.fragments import loyal_params, loyal_sql

if TYPE_CHECKING:
    from csconsole.store.store import Store


@dataclass(frozen=True)
class CaseRow:
    """One line of the Recovery view."""

    id: int
    ticket_id: int
    ref: str
    subject: str
    customer: str
    loyal: bool
    queue: str
    owner: str | None
    checklist: str
    steps_done: int
    steps_total: int
    next_step: str | None
    opened_at: str
    opened_by: str | None
    updated_at: str
    completed_at: str | None
    promise: str | None
    promised_by: str | None
    resolved_at: str | None
    follow_up: str | None
    outcome: str | None
    root_cause: str | None
    policy: str | None
    goodwill_kind: str | None
    goodwill_amount: float | None

    @property
    def is_open(self) -> bool:
        return self.completed_at is None

    def promise_overdue(self, today: str) -> bool:
        return self.promised_by is not None and self.resolved_at is None and self.promised_by < today

    def follow_up_due(self, today: str) -> bool:
        return self.follow_up is not None and self.completed_at is None and self.follow_up <= today


@dataclass(frozen=True)
class CaseFilter:
    open_only: bool = False
    promises_overdue: bool = False
    follow_ups_due: bool = False
    text: str = ""
    ticket_id: int | None = None


_CASE_COLUMNS = f"""
    SELECT r.id, r.ticket_id, t.ref, t.subject, c.name, {loyal_sql('c')},
           q.name, o.name, r.checklist, r.steps_done, r.steps_total, r.next_step, r.opened_at, ob.name,
           r.updated_at, r.completed_at, r.promise, r.promised_by, r.resolved_at, r.follow_up, r.outcome,
           r.root_cause, p.name, r.goodwill_kind, r.goodwill_amount
"""
_CASE_JOINS = """
    JOIN tickets t ON t.id = r.ticket_id
    JOIN customers c ON c.id = t.customer_id
    JOIN queues q ON q.id = t.queue_id
    LEFT JOIN agents o ON o.id = t.owner_id
    LEFT JOIN agents ob ON ob.id = r.opened_by
    LEFT JOIN policies p ON p.id = r.policy_id
"""
# Open cases first, the most urgent on top: a broken promise, then a follow-up due, then the latest.
# Takes today twice.
_CASE_ORDER = """
    r.completed_at IS NOT NULL,
    CASE WHEN r.promised_by < ? AND r.resolved_at IS NULL THEN 1 ELSE 0 END DESC,
    CASE WHEN r.follow_up <= ? AND r.completed_at IS NULL THEN 1 ELSE 0 END DESC,
    r.updated_at DESC, r.id DESC
"""


def case_rows(store: Store, flt: CaseFilter, *, today: str, now: str, limit: int = 1000) -> list[CaseRow]:
    clauses: list[str] = []
    where_params: list[object] = []
    if flt.open_only or flt.promises_overdue or flt.follow_ups_due:
        clauses.append("r.completed_at IS NULL")  # answered by the partial index ix_recovery_open
    if flt.promises_overdue:
        clauses.append("r.promised_by < ? AND r.resolved_at IS NULL")
        where_params.append(today)
    if flt.follow_ups_due:
        clauses.append("r.follow_up <= ?")
        where_params.append(today)
    if flt.ticket_id is not None:
        clauses.append("r.ticket_id = ?")
        where_params.append(flt.ticket_id)
    text = flt.text.strip()
    if text:
        columns = ("t.ref", "c.name", "t.subject", "r.checklist", "coalesce(p.name, '')")
        clauses.append("(" + " OR ".join(directory.contains(c) for c in columns) + ")")
        where_params += [f"%{directory.like_escape(text)}%"] * 5
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    params: list[object] = [*loyal_params(now)]
    if text:
        sql = f"{_CASE_COLUMNS} FROM recovery_cases r {_CASE_JOINS}{where} ORDER BY {_CASE_ORDER} LIMIT ?"
        params += [*where_params, today, today, limit]
    else:
        # Pick the page from recovery_cases alone, then join only its rows: at 1M tickets, 19k open cases
        # joined before the LIMIT cost ~1 s of random reads; the page alone costs a few ms.
        sql = (f"{_CASE_COLUMNS} FROM (SELECT * FROM recovery_cases r{where} ORDER BY {_CASE_ORDER} LIMIT ?) r"
               f" {_CASE_JOINS} ORDER BY {_CASE_ORDER}")
        params += [*where_params, today, today, limit, today, today]
    return [
        CaseRow(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), bool(r[5]), str(r[6]), r[7], str(r[8]),
                int(r[9]), int(r[10]), r[11], str(r[12]), r[13], str(r[14]), r[15], r[16], r[17], r[18], r[19],
                r[20], r[21], r[22], r[23], r[24])
        for r in store._conn.execute(sql, params)
    ]


@dataclass(frozen=True)
class RecoveryCounts:
    open_cases: int
    promises_overdue: int
    follow_ups_due: int
    complete: int


def counts(store: Store, today: str) -> RecoveryCounts:
    open_cases, promises, follow_ups = store._conn.execute(
        "SELECT count(*), count(CASE WHEN promised_by < ? AND resolved_at IS NULL THEN 1 END), "
        "count(CASE WHEN follow_up <= ? THEN 1 END) FROM recovery_cases WHERE completed_at IS NULL",
        (today, today),
    ).fetchone()
    complete = store._conn.execute("SELECT count(*) FROM recovery_cases WHERE completed_at IS NOT NULL").fetchone()[0]
    return RecoveryCounts(int(open_cases), int(promises), int(follow_ups), int(complete))


def open_count(store: Store) -> int:
    return int(store._conn.execute("SELECT count(*) FROM recovery_cases WHERE completed_at IS NULL").fetchone()[0])
