"""Recovery cases, evaluations, policies and custom checklists in SQLite.

``recovery_cases`` and ``evaluations`` are derived from events (``recovery_step``, ``evaluation``): they
are written in the same transaction as their event and ``rebuild`` recreates them from the events alone.
``policies`` and ``checklists`` are business data, like queues and agents.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from csconsole.domain.checklists import BUILT_IN, Checklist, Records
from csconsole.domain.errors import BadInput, NotFound
from csconsole.domain.recovery import CaseBook, RecoveryCase, RecoveryTriggers, fold_cases
from csconsole.domain.ticket import Event
from csconsole.domain.words import EventKind
from csconsole.store import directory

CASE_COLUMNS = (
    "id", "ticket_id", "checklist", "steps_done", "steps_total", "next_step", "opened_at", "opened_by",
    "updated_at", "completed_at", "promise", "promised_by", "resolved_at", "fix", "goodwill_kind",
    "goodwill_amount", "follow_up", "outcome", "root_cause", "policy_id", "change", "last_seq",
)
UPSERT_CASE = (
    f"INSERT OR REPLACE INTO recovery_cases ({', '.join(CASE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(CASE_COLUMNS))})"
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


def save_case(conn: sqlite3.Connection, case: RecoveryCase) -> None:
    conn.execute(UPSERT_CASE, case_values(case))


def save_evaluation(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(INSERT_EVALUATION, evaluation_values(event))


def recovery_events(conn: sqlite3.Connection, ticket_id: int) -> list[Event]:
    return [
        Event(ticket_id, kind, at, actor, json.loads(data), seq)
        for seq, kind, at, actor, data in conn.execute(
            "SELECT seq, kind, at, actor_id, data FROM events WHERE ticket_id = ? AND kind = ? ORDER BY seq",
            (ticket_id, EventKind.RECOVERY_STEP.value),
        )
    ]


def cases_of_ticket(conn: sqlite3.Connection, ticket_id: int) -> list[RecoveryCase]:
    """A ticket's cases, folded from its events (the authority, not the derived table)."""
    return list(fold_cases(recovery_events(conn, ticket_id)).values())


def case_by_id(conn: sqlite3.Connection, case_id: int) -> RecoveryCase:
    row = conn.execute("SELECT ticket_id FROM recovery_cases WHERE id = ?", (case_id,)).fetchone()
    if row is None:
        raise NotFound(f"no recovery case {case_id}")
    for case in cases_of_ticket(conn, int(row[0])):
        if case.id == case_id:
            return case
    raise NotFound(f"no recovery case {case_id}")


def rebuild(conn: sqlite3.Connection) -> int:
    """Recreate ``recovery_cases`` and ``evaluations`` from the events; returns how many rows differed."""
    before = _digest(conn)
    conn.execute("DELETE FROM recovery_cases")
    conn.execute("DELETE FROM evaluations")
    book = CaseBook()
    evaluations: list[tuple[object, ...]] = []

    reader = conn.execute(
        "SELECT seq, ticket_id, kind, at, actor_id, data FROM events WHERE kind IN (?, ?) ORDER BY seq",
        (EventKind.RECOVERY_STEP.value, EventKind.EVALUATION.value),
    )
    for seq, ticket_id, kind, at, actor, data in reader:
        event = Event(ticket_id, kind, at, actor, json.loads(data), seq)
        if kind == EventKind.EVALUATION:
            evaluations.append(evaluation_values(event))
        else:
            book.apply(event)
    conn.executemany(UPSERT_CASE, [case_values(c) for c in book.cases.values()])
    conn.executemany(INSERT_EVALUATION, evaluations)
    after = _digest(conn)
    return len({row[:2] for row in before ^ after})  # (table, id) of each row added, changed or gone


def _digest(conn: sqlite3.Connection) -> set[tuple[object, ...]]:
    rows = {("c", *r) for r in conn.execute(f"SELECT {', '.join(CASE_COLUMNS)} FROM recovery_cases")}
    rows |= {("e", *r) for r in conn.execute(f"SELECT {', '.join(EVALUATION_COLUMNS)} FROM evaluations")}
    return rows


# --- policies ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Policy:
    id: int
    name: str
    description: str
    owner: str
    active: bool


_POLICY_SQL = "SELECT id, name, description, owner, active FROM policies"


def _policy(row: Sequence[Any]) -> Policy:
    return Policy(int(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]))


def policies(conn: sqlite3.Connection, *, active_only: bool = False) -> list[Policy]:
    where = " WHERE active = 1" if active_only else ""
    return [_policy(r) for r in conn.execute(f"{_POLICY_SQL}{where} ORDER BY name")]


def policy(conn: sqlite3.Connection, policy_id: int) -> Policy:
    row = conn.execute(f"{_POLICY_SQL} WHERE id = ?", (policy_id,)).fetchone()
    if row is None:
        raise NotFound(f"no policy with id {policy_id}")
    return _policy(row)


def policy_by_name(conn: sqlite3.Connection, name: str) -> Policy:
    text = name.strip()
    row = conn.execute(f"{_POLICY_SQL} WHERE name = ? COLLATE NOCASE", (text,)).fetchone()
    if row is None and text.isdigit():
        row = conn.execute(f"{_POLICY_SQL} WHERE id = ?", (int(text),)).fetchone()
    if row is None:
        raise NotFound(f"unknown policy {name!r}; add it to the policy register first")
    return _policy(row)


def add_policy(conn: sqlite3.Connection, name: str, description: str, owner: str, at: str) -> Policy:
    if conn.execute("SELECT 1 FROM policies WHERE name = ? COLLATE NOCASE", (name,)).fetchone():
        raise BadInput(f"a policy named {name!r} already exists")
    cursor = conn.execute(
        "INSERT INTO policies (name, description, owner, active, created_at) VALUES (?, ?, ?, 1, ?)",
        (name, description, owner, at),
    )
    return policy(conn, int(cursor.lastrowid or 0))


def update_policy(conn: sqlite3.Connection, policy_id: int, **values: object) -> Policy:
    policy(conn, policy_id)
    if "name" in values and conn.execute(
        "SELECT 1 FROM policies WHERE name = ? COLLATE NOCASE AND id <> ?", (values["name"], policy_id)
    ).fetchone():
        raise BadInput(f"a policy named {values['name']!r} already exists")
    for column, value in values.items():
        if column not in ("name", "description", "owner", "active"):
            raise BadInput(f"a policy has no field {column!r}")
        conn.execute(f"UPDATE policies SET {column} = ? WHERE id = ?", (value, policy_id))
    return policy(conn, policy_id)


# --- checklists --------------------------------------------------------------------------------------

def checklists(conn: sqlite3.Connection) -> list[Checklist]:
    """The built-in checklists first (AWARE is the default), then the business's own."""
    own = [Checklist.from_data(json.loads(d)) for (d,) in conn.execute("SELECT data FROM checklists ORDER BY name")]
    return [*BUILT_IN.values(), *own]


def checklist(conn: sqlite3.Connection, name: str) -> Checklist:
    for known in checklists(conn):
        if known.name.lower() == name.strip().lower():
            return known
    names = ", ".join(c.name for c in checklists(conn))
    raise NotFound(f"unknown checklist {name!r} (known: {names})")


def save_checklist(conn: sqlite3.Connection, item: Checklist, at: str) -> None:
    if item.name.upper() in BUILT_IN:
        raise BadInput(f"{item.name} ships with csconsole and cannot be changed; give yours another name")
    data = json.dumps(item.to_data(), ensure_ascii=False, separators=(",", ":"))
    conn.execute(
        "INSERT INTO checklists (name, data, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET data = excluded.data",
        (item.name, data, at),
    )


def bulk_insert(conn: sqlite3.Connection, cases: Iterable[RecoveryCase], evaluations: Iterable[Event]) -> None:
    """For the demo loader: derived rows of many tickets at once."""
    conn.executemany(UPSERT_CASE, [case_values(c) for c in cases])
    conn.executemany(INSERT_EVALUATION, [evaluation_values(e) for e in evaluations])


# --- lists -------------------------------------------------------------------------------------------

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


_CASE_COLUMNS = """
    SELECT r.id, r.ticket_id, t.ref, t.subject, c.name,
           (c.since <= :loyal_cutoff OR c.resolved_tickets >= :loyal_resolved),
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
_CASE_ORDER = """
    r.completed_at IS NOT NULL,
    coalesce(r.promised_by < :today AND r.resolved_at IS NULL, 0) DESC,
    coalesce(r.follow_up <= :today AND r.completed_at IS NULL, 0) DESC,
    r.updated_at DESC, r.id DESC
"""


def case_rows(
    conn: sqlite3.Connection, flt: CaseFilter, *, today: str, loyal: dict[str, object], limit: int = 1000
) -> list[CaseRow]:
    clauses: list[str] = []
    params: dict[str, object] = {**loyal, "today": today, "limit": limit}
    if flt.open_only or flt.promises_overdue or flt.follow_ups_due:
        clauses.append("r.completed_at IS NULL")  # answered by the partial index ix_recovery_open
    if flt.promises_overdue:
        clauses.append("r.promised_by < :today AND r.resolved_at IS NULL")
    if flt.follow_ups_due:
        clauses.append("r.follow_up <= :today")
    if flt.ticket_id is not None:
        clauses.append("r.ticket_id = :ticket")
        params["ticket"] = flt.ticket_id
    text = flt.text.strip()
    if text:
        clauses.append("(t.ref LIKE :text ESCAPE '\\' OR c.name LIKE :text ESCAPE '\\' "
                       "OR t.subject LIKE :text ESCAPE '\\' OR r.checklist LIKE :text ESCAPE '\\' "
                       "OR coalesce(p.name, '') LIKE :text ESCAPE '\\')")
        params["text"] = f"%{directory.like_escape(text)}%"
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    if text:
        sql = f"{_CASE_COLUMNS} FROM recovery_cases r {_CASE_JOINS}{where} ORDER BY {_CASE_ORDER} LIMIT :limit"
    else:
        # Pick the page from recovery_cases alone, then join only its rows: at 1M tickets, 19k open cases
        # joined before the LIMIT cost ~1 s of random reads; the page alone costs a few ms.
        sql = (f"{_CASE_COLUMNS} FROM (SELECT * FROM recovery_cases r{where} ORDER BY {_CASE_ORDER} LIMIT :limit) r"
               f" {_CASE_JOINS} ORDER BY {_CASE_ORDER}")
    return [
        CaseRow(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), bool(r[5]), str(r[6]), r[7], str(r[8]),
                int(r[9]), int(r[10]), r[11], str(r[12]), r[13], str(r[14]), r[15], r[16], r[17], r[18], r[19],
                r[20], r[21], r[22], r[23], r[24])
        for r in conn.execute(sql, params)
    ]


@dataclass(frozen=True)
class RecoveryCounts:
    open_cases: int
    promises_overdue: int
    follow_ups_due: int
    complete: int


def counts(conn: sqlite3.Connection, today: str) -> RecoveryCounts:
    open_cases, promises, follow_ups = conn.execute(
        "SELECT count(*), coalesce(sum(promised_by < :today AND resolved_at IS NULL), 0), "
        "coalesce(sum(follow_up <= :today), 0) FROM recovery_cases WHERE completed_at IS NULL",
        {"today": today},
    ).fetchone()
    complete = conn.execute("SELECT count(*) FROM recovery_cases WHERE completed_at IS NOT NULL").fetchone()[0]
    return RecoveryCounts(int(open_cases), int(promises), int(follow_ups), int(complete))


@dataclass(frozen=True)
class Proposal:
    """A ticket that needs a recovery case and has no open one."""

    ticket_id: int
    ref: str
    subject: str
    customer: str
    loyal: bool
    bounces: int
    contacts: int
    sla_breached: bool
    reasons: tuple[str, ...]


def proposals(
    conn: sqlite3.Connection, *, now: str, loyal: dict[str, object], triggers: RecoveryTriggers = RecoveryTriggers(),
    limit: int = 200,
) -> list[Proposal]:
    """Tickets bounced >= N times, with >= M contacts, or (when on) a breached SLA on a loyal customer.

    Each arm is answered by its partial index (ix_tickets_bounced, ix_tickets_callbacks for thresholds of
    3 and above, ix_tickets_sla for a running clock past due); tickets that already have a case are left out.
    """
    bounced = "bounces >= :min_bounces" + (" AND bounces >= 3" if triggers.min_bounces >= 3 else "")
    called = "contacts >= :min_contacts" + (" AND contacts >= 3" if triggers.min_contacts >= 3 else "")
    loyal_arms = """
            UNION SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id
                  WHERE t.sla_due_at IS NOT NULL AND t.sla_due_at <= :now
                    AND (c.since <= :loyal_cutoff OR c.resolved_tickets >= :loyal_resolved)
            UNION SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id
                  WHERE t.sla_breaches > 0 AND t.status IN ('new','open','pending')
                    AND (c.since <= :loyal_cutoff OR c.resolved_tickets >= :loyal_resolved)""" \
        if triggers.loyal_breach else ""
    sql = f"""
        WITH candidates(id) AS (
            SELECT id FROM tickets WHERE {bounced}
            UNION SELECT id FROM tickets WHERE {called}{loyal_arms}
        )
        SELECT t.id, t.ref, t.subject, c.name,
               (c.since <= :loyal_cutoff OR c.resolved_tickets >= :loyal_resolved),
               t.bounces, t.contacts, (t.sla_breaches > 0 OR coalesce(t.sla_due_at <= :now, 0))
        FROM candidates k JOIN tickets t ON t.id = k.id JOIN customers c ON c.id = t.customer_id
        WHERE NOT EXISTS (SELECT 1 FROM recovery_cases r WHERE r.ticket_id = t.id)
        ORDER BY t.id DESC LIMIT :limit
    """
    out = []
    for tid, ref, subject, customer, is_loyal, bounces, contacts, breached in conn.execute(
        sql, {**loyal, "now": now, "limit": limit, "min_bounces": triggers.min_bounces,
              "min_contacts": triggers.min_contacts}
    ):
        reasons = []
        if bounces >= triggers.min_bounces:
            reasons.append(f"bounced {bounces} times")
        if contacts >= triggers.min_contacts:
            reasons.append(f"{contacts} contacts")
        if breached and is_loyal and triggers.loyal_breach:
            reasons.append("SLA breached on a loyal customer")
        out.append(Proposal(int(tid), str(ref), str(subject), str(customer), bool(is_loyal), int(bounces),
                            int(contacts), bool(breached), tuple(reasons)))
    return out
