"""benchmarks/run.py still runs end to end and reports every figure (measured, or skipped with a reason).

Timings are never asserted: budgets are the benchmark's business on a quiet machine, not CI's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.figures import SPECS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_benchmark_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--tickets", "2000", "--skip-peers", "--quick",
         "--reuse", "--store-dir", str(tmp_path / "stores"), "--json", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    figures = report["sizes"]["2000"]["figures"]
    assert set(figures) == {spec.key for spec in SPECS}
    for key, figure in figures.items():
        assert figure["value"] is not None or figure["note"], f"{key}: neither measured nor explained"
    # What the smoke run can always measure on any machine with Qt offscreen:
    for key in ("build_s", "first_page_query_cold_ms", "first_page_vs_sqlite3_x", "filter_bounced_ms",
                "scroll_page_end_ms", "reassign_p99_ms", "bulk_reassign_s", "cold_start_ms", "gui_filter_unowned_ms",
                "live_commit_ms", "import_stall_ms", "rss_scrolled_mb", "audit_events_per_s"):
        assert figures[key]["value"] is not None, f"{key}: {figures[key]['note']}"
    assert report["machine"]["nproc"] >= 1
    for spec in SPECS:
        assert spec.label in done.stdout  # the printed table names every figure
    assert [p.name for p in (tmp_path / "stores").iterdir() if p.name.startswith("session-")] == [], \
        "the run's scratch folder is removed at its end"


@pytest.mark.slow
def test_benchmark_measures_both_engines_side_by_side(pg_server: object, tmp_path: Path) -> None:
    """``--engine both``: the server's figures beside SQLite's, with the ratios and the server's budgets."""
    from benchmarks.engines import OWN, PAGES

    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--engine", "both", "--tickets", "1000",
         "--skip-peers", "--skip-gui", "--quick", "--store-dir", str(tmp_path / "stores"), "--json", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    server = report["postgres"]["1000"]["figures"]
    for key in (*PAGES, "reassign_p99_ms", "bulk_reassign_s", "audit_verify_s", "build_s"):
        assert server[key]["value"] is not None, f"{key}: {server[key]['note']}"
    judged = {line["key"]: line for line in report["side_by_side"]}
    assert all(judged[key]["ratio"] is not None and judged[key]["verdict"] in ("pass", "FAIL") for key in PAGES)
    assert judged["reassign_p99_ms"]["verdict"] in ("pass", "FAIL") and set(OWN) <= set(judged)
    assert "PG/SQLite" in done.stdout
