"""The audit pack (DESIGN §6 ``export``): one CSV per table, the report, and a manifest of sha256 hashes.

Two copies of every table, for two readers. ``<table>.csv`` is for spreadsheets: every cell that could
start a formula is neutralised (``safe_csv``), so a customer's ``=HYPERLINK(...)`` cannot run on the
auditor's machine. ``raw/<table>.jsonl`` is for programs: the rows exactly as stored (``pack_raw``), the
log included, from which a store can be rebuilt. The manifest says which file is which, and the head
of the chain the pack was made at.

Everything is read in one snapshot (a single read transaction), so the CSVs, the report and the chain
head describe the same moment even while agents keep working. Rows are streamed table by table, straight
from the store's cursor to the file: the store neutralises the CSV cells as it reads them and, on SQLite,
spells the raw lines itself (``table_dump.guarded_rows``, ``json_lines``), so a CSV row is the driver's
tuple handed to csv.writer's C loop and a raw line one string, with no Python call per cell. The findings
are the rule breaches ``audit verify`` met while it folded every ticket; a store that does not verify is
walked again for them, ticket by ticket. A 1M-ticket store (6M events) is never held in memory. Nothing
is written to the store, so a store opened read-only exports as well and keeps every byte.

The figures and the rows come from the store (``store.report_figures``, ``store.table_dump``); this module
writes the pack. The PDF is drawn by the caller's ``render`` (the Qt side, csconsole.ui.report_pdf): this module
imports no Qt.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from csconsole.domain import clock
from csconsole.domain.errors import BadInput
from csconsole.domain.findings import Finding, rule_breaches
from csconsole.io import pack_raw
from csconsole.io.safe_csv import FORMULA_STARTS, GUARD, GUARDED_STARTS, SafeWriter
from csconsole.store import chain, recompute, report_figures, table_dump
from csconsole.store import verify as verifying
from csconsole.store.report_figures import CaseLine, QueueLine, RecoverySummary, ScoreLine, TicketLine
from csconsole.store.store import Store

__all__ = [
    "WITHHELD",
    "CaseLine",
    "QueueLine",
    "RecoverySummary",
    "ReportData",
    "ScoreLine",
    "TicketLine",
    "export",
]

Progress = Callable[[int, int], None]
Render = Callable[["ReportData", Path], None]

LISTED_FINDINGS = 100  # findings in the report; every one of them is in findings.csv
REPORT = "report.pdf"
MANIFEST = "manifest.json"
FINDINGS = "findings.csv"
# Secrets are not audit data: PIN hashes of a few digits fall to an offline guess once they leave the store.
# The log keeps only each hash's commitment (pin_set events), which gives nothing to guess with.
WITHHELD = {"agent_pins": "console PIN hashes (secrets, not audit data; the pin_set events carry their "
                          "commitments)"}
FORMATS = {
    "csv": ("for spreadsheets: one file per table; every text cell that begins with "
            + ", ".join(repr(c) for c in FORMULA_STARTS) + " or ' carries one more leading ' so that no "
            "formula runs when it is opened (OWASP CSV injection); csconsole.io.safe_csv.restore gives the "
            "raw text back"),
    "jsonl": (f"for programs, not spreadsheets: {pack_raw.RAW}/<table>.jsonl holds each row exactly as stored, "
              f"one JSON object a line; {pack_raw.EVENTS} is the log itself (data as the text its hash covers), "
              "from which `csconsole import NEW.db PACK --format pack` rebuilds a store whose `audit verify` "
              "holds with the same head"),
    "pdf": "for people: the report, its findings and the chain head",
}
_FOR = {".csv": "spreadsheets", ".jsonl": "programs", ".pdf": "people"}


@dataclass(frozen=True)
class FindingLine:
    ref: str
    seq: int | None
    at: str
    rule: str
    detail: str


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
    # Written beside the target and renamed into place when whole: a pack killed half-way is a hidden
    # ".partial" folder, never a folder of complete-looking CSVs without its manifest.
    partial = out.with_name(f".{out.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir()
        result = _export(store, partial, render, _Ticker(progress))
        os.replace(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return ExportResult(out, result.report, result.files)


def _export(store: Store, out: Path, render: Render | None, tick: _Ticker) -> ExportResult:
    with store.read():
        tables = [name for name in table_dump.table_names(store) if name not in WITHHELD]
        counts = {name: table_dump.row_count(store, name) for name in tables}
        events = counts.get("events", 0)
        tick.total = 2 * sum(counts.values()) + 3 * events + 1
        report = ReportData(
            store=str(store.location), generated_at=clock.now_text(), read_only=store.read_only,
            schema_version=store.schema_version(), tables=counts,
        )
        written: list[ExportedFile] = []

        def write_tables() -> None:  # while verify's processes check the store (the second core)
            written.extend(_write_table(store, out, name, tick) for name in tables)
            written.extend(_described_raw(out, *pack_raw.write_table(store, out, name, tick.advance))
                           for name in tables)
            _summary(store, report)

        verdict = verifying.verify(store, now=report.generated_at, progress=tick.follow(), meanwhile=write_tables)
        report.chain_head, report.chain_ok = verdict.head, verdict.ok
        report.chain_checked, report.chain_problem = verdict.checked, verdict.problem
        written.append(_findings(store, out, report, tick, verdict))
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

    def follow(self) -> Progress:
        """A progress callback for a step that counts its own (done, total): its done, added as it grows."""
        seen = [0]

        def heard(done: int, total: int) -> None:
            self.advance(done - seen[0])
            seen[0] = done
        return heard

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def _prepare_dir(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise BadInput(f"{out} is a file; the audit pack needs a folder")
    if out.is_dir() and any(out.iterdir()):
        raise BadInput(f"{out} is not empty; choose a new folder so two packs never mix")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadInput(f"cannot create {out}: {error.strerror}") from None
    if not os.access(out.parent, os.W_OK):
        raise BadInput(f"cannot create {out}: folder {out.parent} cannot be written")
    return out


def _write_table(store: Store, out: Path, table: str, tick: _Ticker) -> ExportedFile:
    header, batches = table_dump.guarded_rows(store, table, GUARDED_STARTS, GUARD)  # neutralised as read
    file = out / f"{table}.csv"
    rows = 0
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(header)
        for batch in batches:
            writer.write_neutralised(batch)
            rows += len(batch)
            tick.advance(len(batch))
    return _described(file, rows)


def _described(file: Path, rows: int | None, name: str | None = None) -> ExportedFile:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return ExportedFile(name or file.name, rows, file.stat().st_size, digest.hexdigest())


def _described_raw(out: Path, file: Path, rows: int) -> ExportedFile:
    return _described(file, rows, file.relative_to(out).as_posix())


def _write_manifest(out: Path, report: ReportData, files: list[ExportedFile]) -> None:
    manifest = {
        "store": report.store,
        "generated_at": report.generated_at,
        "schema_version": report.schema_version,
        "chain": {"seq": report.chain_head.seq, "head": report.chain_head.hash, "verified": report.chain_ok,
                  "checked": report.chain_checked, "problem": report.chain_problem or None},
        "formats": FORMATS,
        "files": [{"name": f.name, "for": _FOR[Path(f.name).suffix], "sha256": f.sha256, "bytes": f.bytes,
                   "rows": f.rows} for f in files],
        "withheld": WITHHELD,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _summary(store: Store, report: ReportData) -> None:
    report.tickets = report.tables.get("tickets", 0)
    report.events = report.tables.get("events", 0)
    report.customers = report.tables.get("customers", 0)
    report.agents = report.tables.get("agents", 0)
    now = report.generated_at
    report.period_start, report.period_end = report_figures.period(store)
    report.statuses = report_figures.statuses(store)
    report.queues = report_figures.queue_lines(store, now)
    report.bounced_total = report_figures.flagged_count(store, "bounced")
    report.bounced = report_figures.flagged_tickets(store, "bounced", now)
    report.callbacks_total = report_figures.flagged_count(store, "callbacks")
    report.callbacks = report_figures.flagged_tickets(store, "callbacks", now)
    report.recovery = report_figures.recovery_summary(store)


# --- findings: rule breaches in the recorded history, walked ticket by ticket ------------------------------

def _findings(store: Store, out: Path, report: ReportData, tick: _Ticker, verdict: verifying.Verdict) -> ExportedFile:
    """Each action judged by the roles in force when it happened (the registry's events), not today's.

    A store that verifies had every ticket folded by ``audit verify``, which judged each event on the way
    (``provenance.TicketWitness``): its breaches are these. Otherwise the log is walked again for them."""
    kinds: Counter[str] = Counter(table_dump.record_kinds(store))
    rules: Counter[str] = Counter()
    kept: list[Finding] = []
    file = out / FINDINGS
    rows = 0
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(["ticket_id", "ref", "seq", "at", "rule", "detail"])
        refs: dict[int, str] = {}  # only of the findings the report lists
        found: Iterable[tuple[int, list[Finding]]]
        if verdict.breaches is not None:
            kinds.update(verdict.ticket_kinds)
            found = ((ticket_id, list(group)) for ticket_id, group in
                     itertools.groupby(verdict.breaches, key=lambda f: f.ticket_id))
            tick.advance(sum(verdict.ticket_kinds.values()))  # the walk's share of the work, done
        else:
            found = _walked(store, tick, kinds)
        for ticket_id, breaches in found:
            ref = table_dump.ticket_ref(store, ticket_id)
            for finding in breaches:
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


def _walked(store: Store, tick: _Ticker, kinds: Counter[str]) -> Iterator[tuple[int, list[Finding]]]:
    """Each ticket's rule breaches, walking its events (counted into ``kinds``)."""
    roles, _ = recompute.fold_registry(store)
    book = roles.book()
    for ticket_id, events in table_dump.events_by_ticket(store, tick.advance):
        kinds.update(e.kind for e in events)
        found = rule_breaches(ticket_id, events, roles, book)
        if found:
            yield ticket_id, found
