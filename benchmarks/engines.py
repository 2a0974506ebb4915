"""SQLite and PostgreSQL side by side: the same figures of one run, their ratio, and the server's budgets
(issue 11): every page and filter within 2x the SQLite figure of the same run, reassign p99 < 50 ms, a
commit by another desk seen by the console < 500 ms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.figures import (
    BY_KEY,
    CHARTS,
    OPEN_SORTS,
    QUICK_FILTERS,
    SEARCHES,
    SizeResult,
    _fmt,
    _size_label,
)

WITHIN = 2.0  # a page or filter on the server: at most this many times SQLite's figure of the same run
# Pages and filters: held to WITHIN x SQLite's figure.
PAGES = ("first_page_query_warm_ms", "first_page_sql_ms", *(f"filter_{name}_ms" for name in QUICK_FILTERS),
         *(f"search_{name}_ms" for name, _ in SEARCHES),
         "scroll_page_start_ms", "scroll_page_middle_ms", "scroll_page_end_ms")
# The server's own budgets, whatever SQLite measures.
OWN = {"reassign_p99_ms": (50.0, "p99 < 50 ms"), "live_commit_ms": (500.0, "< 500 ms"),
       **{f"open_sort_{key}_ms": (16.0, "< 16 ms") for key in (*OPEN_SORTS, "queue")},
       **{f"dashboard_{name}_ms": (300.0, "<= 300 ms") for name, _ in CHARTS}}
SHOWN = ("build_s", "first_page_query_cold_ms", *PAGES, "reassign_p50_ms", "reassign_p99_ms", "bulk_reassign_s",
         "audit_verify_s", "audit_verify_s_per_1m_tickets", "live_commit_ms", "cold_start_ms", "rss_scrolled_mb",
         *(f"open_sort_{key}_ms" for key in (*OPEN_SORTS, "queue")),
         *(key for name, _ in CHARTS for key in (f"dashboard_{name}_ms", f"dashboard_{name}_scan_ms")),
         "dashboard_snapshot_ms")


@dataclass(frozen=True)
class Line:
    key: str
    tickets: int
    sqlite: float | None
    postgres: float | None
    budget: str
    verdict: str  # "pass", "FAIL" or ""

    @property
    def ratio(self) -> float | None:
        return self.postgres / self.sqlite if self.sqlite and self.postgres is not None else None


def lines(lite: Sequence[SizeResult], server: Sequence[SizeResult]) -> list[Line]:
    out = []
    for mine, theirs in zip(lite, server, strict=True):
        for key in SHOWN:
            a, b = mine.value(key), theirs.value(key)
            budget, verdict = "", ""
            if key in PAGES:
                budget = f"<= {WITHIN:g}x SQLite"
                verdict = "" if a is None or b is None else ("pass" if b <= WITHIN * a else "FAIL")
            elif key in OWN:
                limit, budget = OWN[key]
                verdict = "" if b is None else ("pass" if b <= limit else "FAIL")
            out.append(Line(key, mine.tickets, a, b, budget, verdict))
    return out


def _rows(lite: Sequence[SizeResult], server: Sequence[SizeResult]) -> list[list[str]]:
    rows = []
    for line in lines(lite, server):
        spec = BY_KEY[line.key]
        rows.append([_size_label(line.tickets), spec.label, _fmt(line.sqlite, spec.unit), _fmt(line.postgres, spec.unit),
                     spec.unit, f"{line.ratio:.2f}x" if line.ratio is not None else "—", line.budget, line.verdict])
    return rows


HEADER = ["size", "figure", "SQLite", "PostgreSQL", "unit", "PG/SQLite", "server budget", "verdict"]


def side_by_side(lite: Sequence[SizeResult], server: Sequence[SizeResult]) -> str:
    rows = [HEADER, *_rows(lite, server)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    text = []
    for n, row in enumerate(rows):
        text.append("  ".join(c.ljust(w) if i in (0, 1, 4, 6, 7) else c.rjust(w)
                              for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        if n == 0:
            text.append("  ".join("-" * w for w in widths))
    return "\n".join(text)


def markdown(lite: Sequence[SizeResult], server: Sequence[SizeResult]) -> str:
    rows = _rows(lite, server)
    out = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    out += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
    return "\n".join(out)


def as_json(lite: Sequence[SizeResult], server: Sequence[SizeResult]) -> list[dict[str, object]]:
    return [{"key": x.key, "tickets": x.tickets, "sqlite": x.sqlite, "postgres": x.postgres, "ratio": x.ratio,
             "budget": x.budget or None, "verdict": x.verdict or None} for x in lines(lite, server)]
