"""The figures a run measures, their budgets (DESIGN §7), and the table and JSON they are reported in."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Budget:
    limit: float
    text: str  # as DESIGN §7 words it


@dataclass(frozen=True)
class Spec:
    key: str
    label: str
    unit: str  # "ms", "s", "MB", "x", "ev/s", "n"
    budget: Budget | None = None
    peer: str | None = None  # the peer figure key this one is compared with, if any


# Every figure of a run, in the order the table prints them. A figure missing from a run is a bug of the
# benchmark (the smoke test checks that every key is present, measured or with a note saying why not).
SEARCHES = (("subject", 50), ("customer", 16), ("ref", 16))  # issue 16: a ref or customer lookup <= 16 ms
QUICK_FILTERS = ("bounced", "callback", "attention", "unowned", "queue", "queue_bounced")
# Issue 16: the open view sorted by each column but the number (the console's columns Age, SLA, Bounces,
# Contacts, Priority), a page <= 16 ms; and each dashboard chart <= 300 ms at 1M.
OPEN_SORTS = ("created_at", "sla_due_at", "bounces", "contacts", "priority")
CHARTS = (("depth", "queue depth over the week (hourly)"), ("bounces", "bounce distribution"),
          ("pingpong", "ping-pong queue pairs"), ("days", "tickets, repeat contacts, breaches per day (30 days)"))
SPECS: tuple[Spec, ...] = (
    Spec("build_s", "build the demo store", "s", Budget(120, "< 120 s")),
    Spec("cold_start_ms", "console: cold start to first painted page", "ms", Budget(2000, "< 2 s"),
         "dbbrowser_first_rows_ms"),
    Spec("first_page_after_window_ms", "console: first page painted after window shown", "ms",
         Budget(300, "< 300 ms")),
    Spec("console_import_ms", "console: Python imports (csconsole + Qt)", "ms"),
    Spec("first_page_query_cold_ms", "first-page query, cold (new connection, file evicted)", "ms",
         Budget(20, "< 20 ms"), "sqlite3_first_page_cold_ms"),
    Spec("first_page_query_warm_ms", "first-page query, warm (median)", "ms", None, "sqlite3_first_page_ms"),
    Spec("first_page_vs_sqlite3_x", "first-page query (TicketRows) / same SQL in bare sqlite3", "x",
         Budget(1.5, "<= 1.5x")),
    Spec("first_page_sql_ms", "first-page SQL on the store's connection, tuples (median)", "ms", None,
         "sqlite3_first_page_ms"),
    Spec("first_page_sql_vs_sqlite3_x", "first-page SQL on the store / same SQL in bare sqlite3", "x",
         Budget(1.5, "<= 1.5x")),
    Spec("sqlite3_first_page_ms", "peer: same SQL, Python sqlite3 module (median)", "ms"),
    Spec("sqlite3_first_page_cold_ms", "peer: same SQL, Python sqlite3, cold (file evicted)", "ms"),
    Spec("sqlite3_cli_first_page_ms", "peer: same SQL, sqlite3 CLI .timer (median)", "ms"),
    Spec("datasette_first_page_ms", "peer: Datasette filtered page as JSON, first request", "ms"),
    Spec("datasette_warm_page_ms", "peer: Datasette same page, warm (median)", "ms"),
    Spec("datasette_sql_ms", "peer: Datasette same SQL as JSON, warm (median)", "ms"),
    Spec("dbbrowser_window_ms", "peer: DB Browser window mapped (Xvfb)", "ms"),
    Spec("dbbrowser_first_rows_ms", "peer: DB Browser first rows painted (Xvfb, screenshots)", "ms"),
    Spec("dbbrowser_rss_mb", "peer: DB Browser RSS with the table open", "MB"),
    *(Spec(f"filter_{name}_ms", f"filter {name}: page + count, store (median)", "ms", Budget(50, "< 50 ms"))
      for name in QUICK_FILTERS),
    *(Spec(f"gui_filter_{name}_ms", f"console: filter {name} to repainted page", "ms", Budget(50, "< 50 ms"))
      for name in QUICK_FILTERS),
    Spec("gui_click_p50_ms", "console: chip or queue click to repainted page, p50 (every click)", "ms"),
    Spec("gui_click_p95_ms", "console: chip or queue click to repainted page, p95", "ms", Budget(30, "p95 <= 30 ms")),
    Spec("gui_click_max_ms", "console: chip or queue click to repainted page, slowest", "ms", Budget(50, "< 50 ms")),
    *(spec for name, limit in SEARCHES for spec in (
        Spec(f"search_{name}_ms", f"search box, {name}: page + count, store (median)", "ms",
             Budget(limit, f"<= {limit} ms"), f"search_{name}_like_ms"),
        Spec(f"search_{name}_like_ms", f"peer: same {name} search by the plain LIKE (no index)", "ms"),
    )),
    Spec("anchors_ms", "page anchors (every 100th key; off the GUI thread)", "ms"),
    Spec("scroll_page_start_ms", "page fetch by key at the start", "ms", Budget(16, "< 16 ms")),
    Spec("scroll_page_middle_ms", "page fetch by key in the middle", "ms", Budget(16, "< 16 ms")),
    Spec("scroll_page_end_ms", "page fetch by key at the end", "ms", Budget(16, "< 16 ms")),
    *(Spec(f"open_sort_{key}_ms", f"open view sorted by {key}: slowest page (first or middle, either way)", "ms",
           Budget(16, "< 16 ms")) for key in OPEN_SORTS),
    Spec("open_sort_queue_ms", "open view of the smallest queue: slowest page of any sort", "ms",
         Budget(16, "< 16 ms")),
    *(spec for name, label in CHARTS for spec in (
        Spec(f"dashboard_{name}_ms", f"dashboard: {label}, from the tallies (median)", "ms",
             Budget(300, "<= 300 ms"), f"dashboard_{name}_scan_ms"),
        Spec(f"dashboard_{name}_scan_ms", f"peer: {label}, from every ticket (before the tallies)", "ms"),
    )),
    Spec("dashboard_snapshot_ms", "dashboard: every figure in one snapshot (median)", "ms"),
    Spec("gui_page_fetch_max_ms", "console: slowest page fetch while scrolling to the end", "ms",
         Budget(16, "< 16 ms")),
    Spec("gui_scroll_end_ms", "console: jump to the end until real rows painted", "ms"),
    Spec("rss_scrolled_mb", "console: RSS after scrolling to the end", "MB", Budget(250, "< 250 MB"),
         "dbbrowser_rss_mb"),
    Spec("reassign_p50_ms", "reassign one ticket, p50", "ms"),
    Spec("reassign_p99_ms", "reassign one ticket, p99", "ms", Budget(50, "p99 < 50 ms")),
    Spec("bulk_reassign_s", "bulk reassign (10,000 tickets; fewer in --quick)", "s", Budget(3, "< 3 s")),
    Spec("sla_retime_s", "SLA: store-wide business hours set, every open ticket re-timed (one transaction)", "s",
         Budget(2, "< 2 s")),
    Spec("live_commit_ms", "console: another process's commit visible (max)", "ms", Budget(1000, "< 1 s")),
    Spec("import_stall_ms", "console: longest GUI-thread stall while an import commits", "ms",
         Budget(100, "never > 100 ms")),
    Spec("audit_chain_s", "audit verify --chain-only (CLI, whole chain)", "s"),
    Spec("audit_chain_s_per_1m", "audit verify --chain-only per 1M events", "s", Budget(5, "< 5 s")),
    Spec("audit_events_per_s", "audit verify --chain-only throughput", "ev/s"),
    Spec("audit_verify_s", "audit verify (CLI: chain, appends, every derived table, schema)", "s"),
    Spec("audit_verify_s_per_1m_tickets", "audit verify per 1M tickets (~6.6M events)", "s", Budget(60, "< 60 s")),
    Spec("export_s", "export (CLI: every table as CSV and raw JSON lines, findings, audit verify, report.pdf)", "s",
         None, "export_dump_s"),
    Spec("export_cpu_s", "export CPU (user + system, its verify processes included)", "s"),
    Spec("export_dump_s", "peer: bare sqlite3 -csv dump of the same tables (CLI, one process per table)", "s"),
    Spec("export_vs_dump_x", "export / bare sqlite3 CSV dump of the same tables", "x", Budget(2, "<= 2x")),
)
BY_KEY = {s.key: s for s in SPECS}


@dataclass
class Figure:
    value: float | None = None
    note: str = ""  # how it was measured, or why it was not
    samples: int = 0

    @property
    def measured(self) -> bool:
        return self.value is not None


@dataclass
class SizeResult:
    tickets: int
    events: int = 0
    store: str = ""
    figures: dict[str, Figure] = field(default_factory=dict)

    def put(self, key: str, value: float | None, note: str = "", samples: int = 0) -> None:
        if key not in BY_KEY:
            raise KeyError(f"unknown figure {key}")
        self.figures[key] = Figure(value, note, samples)

    def skip(self, keys: Iterable[str], note: str) -> None:
        for key in keys:
            self.figures.setdefault(key, Figure(None, note))

    def value(self, key: str) -> float | None:
        found = self.figures.get(key)
        return found.value if found else None


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def verdict(spec: Spec, value: float | None) -> str:
    if spec.budget is None or value is None:
        return ""
    return "pass" if value <= spec.budget.limit else "FAIL"


def ratio(result: SizeResult, spec: Spec) -> float | None:
    if spec.peer is None:
        return None
    ours, theirs = result.value(spec.key), result.value(spec.peer)
    if ours is None or not theirs:
        return None
    return ours / theirs


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ev/s":
        return f"{value:,.0f}"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "n":
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def table(results: Sequence[SizeResult]) -> str:
    """Figure | value per size (growth) | unit | budget | pass/fail at the largest size | peer ratio."""
    largest = results[-1]
    header = ["figure", *(_size_label(r.tickets) for r in results), "unit", "budget", "verdict", "vs peer"]
    lines = [header]
    for spec in SPECS:
        figure = largest.figures.get(spec.key)
        if all(r.figures.get(spec.key) is None or r.figures[spec.key].value is None for r in results):
            note = figure.note if figure else "not measured"
            lines.append([spec.label, *("—" for _ in results), spec.unit, spec.budget.text if spec.budget else "",
                          "skipped", note[:60]])
            continue
        r = ratio(largest, spec)
        lines.append([
            spec.label,
            *(_fmt(res.value(spec.key), spec.unit) for res in results),
            spec.unit,
            spec.budget.text if spec.budget else "",
            verdict(spec, largest.value(spec.key)),
            f"{r:.2f}x {spec.peer.split('_')[0]}" if r is not None and spec.peer else "",
        ])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    out = []
    for n, row in enumerate(lines):
        out.append("  ".join(cell.ljust(w) if i == 0 or i >= len(results) + 1 else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(results: Sequence[SizeResult]) -> str:
    """The same table as ``table``, as Markdown (for docs/performance.md)."""
    largest = results[-1]
    head = ["figure", *(_size_label(r.tickets) for r in results), "unit", "budget", "verdict", "vs peer"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for spec in SPECS:
        r = ratio(largest, spec)
        cells = [spec.label, *(_fmt(res.value(spec.key), spec.unit) for res in results), spec.unit,
                 spec.budget.text if spec.budget else "",
                 verdict(spec, largest.value(spec.key)) or ("skipped" if largest.value(spec.key) is None else ""),
                 f"{r:.2f}x {spec.peer.split('_')[0]}" if r is not None and spec.peer else ""]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def from_json(report: dict[str, object]) -> list[SizeResult]:
    """SizeResults back from a ``--json`` file (to print or compare a run made earlier)."""
    results = []
    for size in report["sizes"].values():  # type: ignore[attr-defined]
        res = SizeResult(size["tickets"], size["events"], size["store"])
        for key, fig in size["figures"].items():
            if key in BY_KEY:
                res.figures[key] = Figure(fig["value"], fig["note"], fig["samples"])
        results.append(res)
    return results


def as_json(results: Sequence[SizeResult], machine: dict[str, object], notes: list[str]) -> dict[str, object]:
    sizes = {}
    for res in results:
        sizes[str(res.tickets)] = {
            "tickets": res.tickets, "events": res.events, "store": res.store,
            "figures": {
                spec.key: {
                    **asdict(res.figures.get(spec.key, Figure(None, "not measured"))),
                    "unit": spec.unit,
                    "budget": spec.budget.text if spec.budget else None,
                    "verdict": verdict(spec, res.value(spec.key)) or None,
                    "ratio_to_peer": ratio(res, spec),
                    "peer": spec.peer,
                }
                for spec in SPECS
            },
        }
    return {"machine": machine, "notes": notes, "sizes": sizes}
