"""The real console in a subprocess (offscreen) on a scratch copy of a store, and the figures it reports."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.event_log import write_event_log
from benchmarks.figures import QUICK_FILTERS, SizeResult, percentile
from benchmarks.store_figures import QUEUE
from benchmarks.stores import FOLDERS

ROOT_DIR = Path(__file__).resolve().parent.parent
PROBE_KEYS = ("cold_start_ms", "first_page_after_window_ms", "console_import_ms", "gui_page_fetch_max_ms",
              "gui_scroll_end_ms", "rss_scrolled_mb", "live_commit_ms", "import_stall_ms",
              *(f"gui_filter_{name}_ms" for name in QUICK_FILTERS), "gui_click_p50_ms", "gui_click_p95_ms",
              "gui_click_max_ms")


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _supervisor(location: str) -> str:
    from csconsole.services import open_store, queries

    with open_store(location, read_only=True) as store:
        return min((a for a in queries.agents(store) if a.role.value == "supervisor"), key=lambda a: a.id).name


def run_probe(path: Path | str, result: SizeResult, *, quick: bool) -> None:
    """The real console in a subprocess (offscreen), on the scratch copy ``path`` (a file or a URL)."""
    identity = _supervisor(str(path))
    csv_file = FOLDERS.scratch / f"import-{result.tickets}.csv"
    imported = write_event_log(csv_file, events=2_000 if quick else 20_000, tag=str(int(time.time())))
    config = FOLDERS.scratch / f"probe-config-{result.tickets}"
    config.mkdir(exist_ok=True)
    for old in config.rglob("*.conf"):
        old.unlink()  # every start is a first start: no saved layout
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config),
           "PYTHONPATH": os.pathsep.join([str(ROOT_DIR), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "benchmarks.console_probe", "--db", str(path), "--identity", identity,
           "--queue", QUEUE, "--csv", str(csv_file), "--live-reps", "2" if quick else "3",
           "--click-rounds", "2" if quick else "5"]
    t0 = time.time()
    done = subprocess.run([*cmd, "--t0", repr(t0)], capture_output=True, text=True, cwd=ROOT_DIR, env=env,
                          timeout=900, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        result.skip(PROBE_KEYS, f"console probe failed (exit {done.returncode}): {done.stderr.strip()[-200:]}")
        return
    out = json.loads(lines[-1])
    if "t_first_paint" not in out:
        result.skip(PROBE_KEYS, f"console probe: {out.get('error', 'no first paint')}")
    shown, painted = out.get("t_window_shown"), out.get("t_first_paint")
    if painted:
        result.put("cold_start_ms", (painted - t0) * 1000,
                   f"spawn to first paint of the table viewport with rows (offscreen); interpreter start "
                   f"{(out['t_main'] - t0) * 1000:.0f} ms, imports {(out['t_imported'] - out['t_main']) * 1000:.0f} ms, "
                   f"window shown at {(shown - t0) * 1000:.0f} ms", 1)
        result.put("first_page_after_window_ms", (painted - shown) * 1000,
                   f"window.show() returned to first painted rows; {out.get('rows', 0):,} rows in the view", 1)
    result.put("console_import_ms", (out["t_imported"] - out["t_main"]) * 1000, "PySide6 + csconsole.ui imports", 1)
    for name in QUICK_FILTERS:
        found = out.get("filters", {}).get(name)
        if found and _finite(found["ms"]) is not None:
            result.put(f"gui_filter_{name}_ms", found["ms"], f"toggle to repainted page; count={found['count']:,}", 1)
        else:
            result.skip((f"gui_filter_{name}_ms",), "the console did not repaint (or has no such control)")
    clicks = [v for v in (_finite(c) for c in out.get("clicks_ms", [])) if v is not None]
    if clicks and len(clicks) == len(out["clicks_ms"]):
        note = f"{len(clicks)} clicks (each chip on and off, a queue and back, in rounds), click to repaint"
        result.put("gui_click_p50_ms", percentile(clicks, 50), note, len(clicks))
        result.put("gui_click_p95_ms", percentile(clicks, 95), note, len(clicks))
        result.put("gui_click_max_ms", max(clicks), note, len(clicks))
    else:
        result.skip(("gui_click_p50_ms", "gui_click_p95_ms", "gui_click_max_ms"),
                    "a click was not repainted within 10 s" if clicks else "no clicks measured")
    fetches = out.get("page_fetches_ms") or []
    if fetches:
        result.put("gui_page_fetch_max_ms", max(fetches),
                   f"{len(fetches)} fetches on the GUI thread (tickets_page/tickets_by_id), "
                   f"anchors waited {out.get('anchors_wait_ms', 0):.0f} ms", len(fetches))
    else:
        result.skip(("gui_page_fetch_max_ms",), "no page fetched while scrolling")
    if out.get("scroll"):
        result.put("gui_scroll_end_ms", out["scroll"]["end"], f"middle: {out['scroll']['middle']:.0f} ms", 1)
    result.put("rss_scrolled_mb", out["rss_scrolled_mb"], f"VmRSS; at first paint {out['rss_start_mb']:.0f} MB", 1)
    live = [_finite(v) for v in out.get("live_ms", [])]
    seen = [v for v in live if v is not None]
    if seen and len(seen) == len(live):
        result.put("live_commit_ms", max(seen), f"{len(seen)} commits by another process, each seen; "
                   f"median {sorted(seen)[len(seen) // 2]:.0f} ms", len(seen))
    else:
        result.put("live_commit_ms", 5000.0,
                   f"at least 5 s: only {len(seen)} of {len(live)} commits by another process were shown within 5 s "
                   "(see the store.py lock bug in docs/performance.md)", len(live))
    imp = out.get("import")
    if imp and imp.get("rc") == 0 and _finite(imp.get("stall_ms")) is not None:
        result.put("import_stall_ms", imp["stall_ms"],
                   f"5 ms heartbeat during `csconsole import` of {imported:,} events and 1 s after; "
                   f"the console {'re-read' if imp['refreshed'] else 'did NOT notice'} the commit", imp["beats"])
    else:
        result.skip(("import_stall_ms",), f"import failed: {imp}")


