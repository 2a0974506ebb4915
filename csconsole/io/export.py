"""The audit pack (DESIGN §6 ``export``): one CSV per table, the report, and a manifest of sha256 hashes.

Everything is read in one snapshot (a single read transaction), so the CSVs, the report and the chain
head describe the same moment even while agents keep working. Rows are streamed table by table and
events ticket by ticket: a 1M-ticket store (6M events) is never held in memory. Nothing is written to
the store, so a store opened read-only exports as well and keeps every byte.

The PDF is drawn by the caller's ``render`` (the Qt side, csconsole.ui.report_pdf): this module
imports no Qt.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from csconsole.domain import clock
from csconsole.domain.errors import BadInput
from csconsole.domain.findings import Finding, rule_breaches
from csconsole.domain.ticket import Event
from csconsole.domain.words import Role
from csconsole.store import chain, directory
from csconsole.store.ledger import sla_targets
from csconsole.store.queries import queue_stats
from csconsole.store.store import Store

Progress = Callable[[int, int], None]
Render = Callable[["ReportData", Path], None]

LISTED = 50  # tickets per list in the report; every one of them is in tickets.csv
LISTED_FINDINGS = 100  # findings in the report; every one of them is in findings.csv
BATCH = 5_000
REPORT = "report.pdf"
MANIFEST = "manifest.json"
FINDINGS = "findings.csv"
# Secrets are not audit data: PIN hashes of a few digits fall to an offline guess once they leave the store.
WITHHELD = {"agent_pins": "console PIN hashes (secrets, not audit data)"}


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
class FindingLine:
    ref: str
    seq: int | None
    at: str
    rule: str
    detail: str


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


@dataclass(frozen=True)
class ExportedFile:
    name: str
    rows: int | None
    bytes: int
    sha256: str


@dataclass
class ReportData:
    """What report.pdf shows; plain data, so the renderer needs no store."""

    store: str
    generated_at: str
    read_only: bool
    schema_version: int
    period_start: str | None = None
    period_end: str | None = None
    tickets: int = 0
    events: int = 0
    customers: int = 0
    agents: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    event_kinds: dict[str, int] = field(default_factory=dict)
    queues: list[QueueLine] = field(default_factory=list)
    bounced_total: int = 0
    bounced: list[TicketLine] = field(default_factory=list)
    callbacks_total: int = 0
    callbacks: list[TicketLine] = field(default_factory=list)
    recovery: RecoverySummary | None = None
    findings_total: int = 0
    findings_by_rule: dict[str, int] = field(default_factory=dict)
    findings: list[FindingLine] = field(default_factory=list)
    chain_head: chain.Head = chain.Head(0, chain.GENESIS)
    chain_ok: bool = True
    chain_checked: int = 0
    chain_problem: str = ""
    tables: dict[str, int] = field(default_factory=dict)
    files: list[ExportedFile] = field(default_factory=list)  # the CSVs, hashed before the PDF is drawn


@dataclass(frozen=True)
class ExportResult:
    out_dir: Path
    report: ReportData
    files: list[ExportedFile]


def export(store: Store, out_dir: Path, *, render: Render | None = None,
           progress: Progress | None = None) -> ExportResult:
    """Write the audit pack into ``out_dir`` (new or empty). ``render`` draws report.pdf from the data."""
    out = _prepare_dir(Path(out_dir))
    try:
        return _export(store, out, render, _Ticker(progress))
    except BaseException:
        # A half-written pack must not pass for a whole one: take back every file of this attempt.
        for file in out.iterdir():
            file.unlink(missing_ok=True)
        raise


def _export(store: Store, out: Path, render: Render | None, tick: _Ticker) -> ExportResult:
    with store.read() as conn:
        tables = _tables(conn)
        counts = {name: _count(conn, name) for name in tables}
        events = counts.get("events", 0)
        tick.total = sum(counts.values()) + 2 * events + 1
        report = ReportData(
            store=str(store.path), generated_at=clock.now_text(), read_only=store.read_only,
            schema_version=store.schema_version(), tables=counts,
        )
        written = [_write_table(conn, out, name, tick) for name in tables]
        _summary(conn, report)
        written.append(_findings(conn, out, report, tick))
        verdict = chain.verify(conn)
        tick.advance(events)
        report.chain_head, report.chain_ok = verdict.head, verdict.ok
        report.chain_checked, report.chain_problem = verdict.checked, verdict.problem
    report.files = list(written)
    if render is not None:
        render(report, out / REPORT)
        written.append(_described(out / REPORT, None))
    _write_manifest(out, report, written)
    tick.finish()
    return ExportResult(out, report, written)


class _Ticker:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0
        self.total = 1

    def advance(self, units: int) -> None:
        self.done += units
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def _prepare_dir(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise BadInput(f"{out} is a file; the audit pack needs a folder")
    if out.is_dir() and any(out.iterdir()):
        raise BadInput(f"{out} is not empty; choose a new folder so two packs never mix")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"cannot create {out}: {error.strerror}") from None
    return out


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name"
    ) if name not in WITHHELD]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0])


def _write_table(conn: sqlite3.Connection, out: Path, table: str, tick: _Ticker) -> ExportedFile:
    cursor = conn.execute(f"SELECT * FROM {_quoted(table)}")
    header = [d[0] for d in cursor.description]
    file = out / f"{table}.csv"
    rows = 0
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        while batch := cursor.fetchmany(BATCH):
            writer.writerows(batch)
            rows += len(batch)
            tick.advance(len(batch))
    return _described(file, rows)


def _described(file: Path, rows: int | None) -> ExportedFile:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return ExportedFile(file.name, rows, file.stat().st_size, digest.hexdigest())


def _write_manifest(out: Path, report: ReportData, files: list[ExportedFile]) -> None:
    manifest = {
        "store": report.store,
        "generated_at": report.generated_at,
        "schema_version": report.schema_version,
        "chain": {"seq": report.chain_head.seq, "head": report.chain_head.hash, "verified": report.chain_ok,
                  "checked": report.chain_checked, "problem": report.chain_problem or None},
        "files": [{"name": f.name, "sha256": f.sha256, "bytes": f.bytes, "rows": f.rows} for f in files],
        "withheld": WITHHELD,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- the report's figures, each one SQL answered from an index or one pass -------------------------------

def _summary(conn: sqlite3.Connection, report: ReportData) -> None:
    report.tickets = report.tables.get("tickets", 0)
    report.events = report.tables.get("events", 0)
    report.customers = report.tables.get("customers", 0)
    report.agents = report.tables.get("agents", 0)
    # Not the last event's time: an import of older history is appended after newer work.
    report.period_start, report.period_end = conn.execute(
        "SELECT min(created_at), max(updated_at) FROM tickets").fetchone()
    report.statuses = dict(conn.execute(
        "SELECT status, count(*) FROM tickets GROUP BY status ORDER BY 2 DESC"
    ).fetchall())
    totals = dict(conn.execute("SELECT queue_id, count(*) FROM tickets GROUP BY queue_id").fetchall())
    report.queues = [
        QueueLine(q.name, q.depth, q.oldest_created_at, q.at_risk, q.breached, int(totals.get(q.queue_id, 0)))
        for q in queue_stats(conn, report.generated_at)
    ]
    # Both counts and both lists are answered by the partial indexes on bounces >= 3 and contacts >= 3.
    now = report.generated_at
    report.bounced_total = _scalar(conn, "SELECT count(*) FROM tickets WHERE bounces >= 3")
    report.bounced = _ticket_lines(conn, "t.bounces >= 3", "t.bounces DESC, t.id DESC", now)
    report.callbacks_total = _scalar(conn, "SELECT count(*) FROM tickets WHERE contacts >= 3")
    report.callbacks = _ticket_lines(conn, "t.contacts >= 3", "t.contacts DESC, t.id DESC", now)
    report.recovery = _recovery(conn)


def _scalar(conn: sqlite3.Connection, sql: str) -> int:
    return int(conn.execute(sql).fetchone()[0])


def _ticket_lines(conn: sqlite3.Connection, where: str, order: str, now: str) -> list[TicketLine]:
    queue_names, agent_names = directory.names(conn)
    rows = conn.execute(
        "SELECT t.ref, t.subject, c.name, "
        "(c.since <= :loyal_cutoff OR c.resolved_tickets >= :loyal_resolved), "
        "t.queue_id, t.owner_id, t.status, t.bounces, t.pingpongs, t.contacts, t.path "
        "FROM tickets t JOIN customers c ON c.id = t.customer_id "
        f"WHERE {where} ORDER BY {order} LIMIT {LISTED}",
        {"loyal_cutoff": directory.loyal_since_cutoff(now), "loyal_resolved": directory.LOYAL_RESOLVED},
    )
    return [
        TicketLine(
            ref, subject, customer, bool(loyal), queue_names.get(qid, "?"),
            agent_names.get(oid) if oid is not None else None, status, bounces, pingpongs, contacts,
            tuple(f"{queue_names.get(q, '?')}/{agent_names.get(o, '?') if o is not None else '—'}"
                  for q, o in json.loads(path)),
        )
        for ref, subject, customer, loyal, qid, oid, status, bounces, pingpongs, contacts, path in rows
    ]


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return found is not None


def _recovery(conn: sqlite3.Connection) -> RecoverySummary | None:
    """Recovery cases and the two scores; None for a store without them (schema before recovery)."""
    if not (_has_table(conn, "recovery_cases") and _has_table(conn, "evaluations")):
        return None
    has_policies = _has_table(conn, "policies")
    policy_name = "(SELECT name FROM policies p WHERE p.id = r.policy_id)" if has_policies else "NULL"
    cases, open_cases = conn.execute(
        "SELECT count(*), coalesce(sum(completed_at IS NULL), 0) FROM recovery_cases"
    ).fetchone()
    listed = [
        CaseLine(*row) for row in conn.execute(
            f"SELECT t.ref, c.name, r.checklist, r.steps_done, r.steps_total, r.opened_at, r.completed_at, "
            f"r.outcome, r.root_cause, {policy_name} FROM recovery_cases r "
            f"JOIN tickets t ON t.id = r.ticket_id JOIN customers c ON c.id = t.customer_id "
            f"ORDER BY r.completed_at IS NOT NULL, r.id DESC LIMIT {LISTED}"
        )
    ]
    evaluations, associate_avg, policy_avg = conn.execute(
        "SELECT count(*), avg(associate_score), avg(policy_score) FROM evaluations"
    ).fetchone()
    # The two scores are never mixed: associates by associate_score, policies by policy_score.
    associate_scores = _scores(conn, (
        "SELECT a.name, avg(e.associate_score), count(*) FROM evaluations e "
        "JOIN agents a ON a.id = e.associate_id GROUP BY a.id ORDER BY avg(e.associate_score), a.name LIMIT 20"
    ))
    policy_scores = [] if not has_policies else _scores(conn, (
        "SELECT p.name, avg(e.policy_score), count(*) FROM evaluations e JOIN policies p ON p.id = e.policy_id "
        "WHERE e.policy_score IS NOT NULL GROUP BY p.id ORDER BY avg(e.policy_score), p.name LIMIT 20"
    ))
    return RecoverySummary(
        cases=int(cases), open=int(open_cases), complete=int(cases) - int(open_cases),
        outcomes=_tally(conn, "outcome"), root_causes=_tally(conn, "root_cause"),
        listed=listed, evaluations=int(evaluations),
        associate_average=None if associate_avg is None else float(associate_avg),
        policy_average=None if policy_avg is None else float(policy_avg),
        associate_scores=associate_scores, policy_scores=policy_scores,
    )


def _scores(conn: sqlite3.Connection, sql: str) -> list[ScoreLine]:
    return [ScoreLine(str(name), float(average), int(count)) for name, average, count in conn.execute(sql)]


def _tally(conn: sqlite3.Connection, column: str) -> dict[str, int]:
    return {str(value): int(n) for value, n in conn.execute(
        f"SELECT {column}, count(*) FROM recovery_cases WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"
    )}


# --- findings: rule breaches in the recorded history, walked ticket by ticket ------------------------------

def _events_by_ticket(conn: sqlite3.Connection, tick: _Ticker) -> Iterator[tuple[int, list[Event]]]:
    """Each ticket's events in order, one ticket at a time (the index on (ticket_id, seq) serves it)."""
    cursor = conn.execute(
        "SELECT ticket_id, seq, kind, at, actor_id, data FROM events ORDER BY ticket_id, seq"
    )
    current: list[Event] = []
    current_id: int | None = None
    while batch := cursor.fetchmany(BATCH):
        for ticket_id, seq, kind, at, actor, data in batch:
            if ticket_id != current_id:
                if current_id is not None:
                    yield current_id, current
                current, current_id = [], ticket_id
            current.append(Event(ticket_id, kind, at, actor, json.loads(data), seq))
        tick.advance(len(batch))
    if current_id is not None:
        yield current_id, current


def _findings(conn: sqlite3.Connection, out: Path, report: ReportData, tick: _Ticker) -> ExportedFile:
    roles: dict[int, Role] = {a.id: a.role for a in directory.agents(conn)}
    targets = sla_targets(conn)
    kinds: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    kept: list[Finding] = []
    file = out / FINDINGS
    rows = 0
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "ref", "seq", "at", "rule", "detail"])
        refs: dict[int, str] = {}  # only of the findings the report lists
        for ticket_id, events in _events_by_ticket(conn, tick):
            kinds.update(e.kind for e in events)
            found = rule_breaches(ticket_id, events, roles, targets)
            if not found:
                continue
            ref = _ref(conn, ticket_id)
            for finding in found:
                writer.writerow([ticket_id, ref, finding.seq, finding.at, finding.rule, finding.detail])
                rules[finding.rule] += 1
                rows += 1
                if len(kept) < LISTED_FINDINGS:
                    kept.append(finding)
                    refs[ticket_id] = ref
    report.event_kinds = dict(kinds.most_common())
    report.findings_total = rows
    report.findings_by_rule = dict(rules.most_common())
    report.findings = [FindingLine(refs[f.ticket_id], f.seq, f.at, f.rule, f.detail) for f in kept]
    return _described(file, rows)


def _ref(conn: sqlite3.Connection, ticket_id: int) -> str:
    row = conn.execute("SELECT ref FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    return str(row[0]) if row else str(ticket_id)
