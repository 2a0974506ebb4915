"""Measure the budgets of DESIGN §7 at several store sizes, side by side with the tools a user would pick
instead, and print one table (``--json FILE`` writes it for comparing commits).

    python benchmarks/run.py --tickets 10000,100000,1000000 --reuse --json /tmp/csbench/bench.json

Stores live under /tmp/csbench (never in the repo); ``--reuse`` keeps a store of the same size and seed
and reports the build time measured when it was built. Writing benchmarks run on a scratch copy.
The machine is shared: timings are noisy, compare runs made back to back.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT_DIR = Path(__file__).resolve().parent.parent
if str(ROOT_DIR) not in sys.path:  # run as a script: make ``benchmarks`` and ``csconsole`` importable
    sys.path.insert(0, str(ROOT_DIR))

from benchmarks import peers
from benchmarks.event_log import write_event_log
from benchmarks.figures import QUICK_FILTERS, SPECS, SizeResult, as_json, markdown, table
from benchmarks.store_figures import QUEUE, measure_cli, measure_reads, measure_writes
from benchmarks.stores import ROOT, BuiltStore, demo_store, scratch_copy

PROBE_KEYS = ("cold_start_ms", "first_page_after_window_ms", "console_import_ms", "gui_page_fetch_max_ms",
              "gui_scroll_end_ms", "rss_scrolled_mb", "live_commit_ms", "import_stall_ms",
              *(f"gui_filter_{name}_ms" for name in QUICK_FILTERS))


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"nproc": os.cpu_count(), "python": platform.python_version(),
                            "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in cpu.splitlines() if line.startswith("model name"))
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["ram_gb"] = round(int(mem) / 1024 / 1024, 1)
        info["load_at_start"] = os.getloadavg()
    except (OSError, StopIteration):
        pass
    try:
        import PySide6
        from PySide6 import QtCore

        info["pyside6"], info["qt"] = PySide6.__version__, QtCore.qVersion()
    except ImportError:
        info["pyside6"] = None
    try:
        info["commit"] = subprocess.run(["git", "-C", str(ROOT_DIR), "rev-parse", "--short", "HEAD"],
                                        capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT_DIR), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        info["worktree_modified"] = bool(dirty)
    except (OSError, subprocess.CalledProcessError):
        pass
    return info


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def run_probe(path: Path, result: SizeResult, *, quick: bool) -> None:
    """The real console in a subprocess (offscreen), on the scratch copy ``path``."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    identity = conn.execute("SELECT name FROM agents WHERE role = 'supervisor' ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    csv_file = ROOT / f"import-{result.tickets}.csv"
    imported = write_event_log(csv_file, events=2_000 if quick else 20_000, tag=str(int(time.time())))
    config = ROOT / f"probe-config-{result.tickets}"
    config.mkdir(exist_ok=True)
    for old in config.rglob("*.conf"):
        old.unlink()  # every start is a first start: no saved layout
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config),
           "PYTHONPATH": os.pathsep.join([str(ROOT_DIR), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "benchmarks.console_probe", "--db", str(path), "--identity", identity,
           "--queue", QUEUE, "--csv", str(csv_file), "--live-reps", "2" if quick else "3"]
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


def measure_size(tickets: int, args: argparse.Namespace, notes: list[str]) -> SizeResult:
    reps = 5 if args.quick else 25
    log(f"{tickets:,} tickets: store")
    built: BuiltStore = demo_store(tickets, args.seed, reuse=args.reuse)
    result = SizeResult(tickets, built.events, str(built.path))
    result.put("build_s", built.build_seconds,
               f"reused; measured when built at {built.built_at}" if built.reused else "built in this run", 1)
    log(f"{tickets:,} tickets: reads")
    statements = measure_reads(built.path, result, reps=reps)
    scratch = scratch_copy(built, "scratch")
    movable = sqlite3.connect(scratch).execute("SELECT count(*) FROM tickets WHERE status != 'closed'").fetchone()[0]
    singles = min(100 if args.quick else 1000, movable // 2)
    bulk = min(1000 if args.quick else 10_000, movable - singles)
    log(f"{tickets:,} tickets: writes ({singles} single reassigns, bulk {bulk})")
    measure_writes(scratch, result, singles=singles, bulk=bulk)
    if not args.skip_gui:
        log(f"{tickets:,} tickets: console probe")
        run_probe(scratch, result, quick=args.quick)
    else:
        result.skip(PROBE_KEYS, "--skip-gui")
    log(f"{tickets:,} tickets: audit verify, export")
    measure_cli(built.path, result, built.events, ROOT)
    log(f"{tickets:,} tickets: peers")
    peers.bare_sqlite3(built.path, statements["first_page"], result, reps=reps)
    if args.skip_peers:
        result.skip((*peers.DATASETTE_KEYS, *peers.DBBROWSER_KEYS, "sqlite3_cli_first_page_ms"), "--skip-peers")
    else:
        peers.sqlite3_cli(built.path, statements["first_page"], result, reps=50 if args.quick else 200)
        peers.datasette(built.path, statements["first_page"], result, reps=5 if args.quick else 10)
        peers.dbbrowser(built.path, result)
    for old in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
        old.unlink(missing_ok=True)
    result.skip([s.key for s in SPECS], "not measured")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", default="10000,100000,1000000", help="store sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="reuse a store of the same size and seed")
    parser.add_argument("--json", metavar="FILE", help="write every figure as JSON")
    parser.add_argument("--markdown", metavar="FILE", help="write the table as Markdown too")
    parser.add_argument("--skip-peers", action="store_true",
                        help="skip the sqlite3 shell, Datasette and DB Browser (bare sqlite3 always runs)")
    parser.add_argument("--skip-gui", action="store_true", help="skip the console probe")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    args = parser.parse_args(argv)
    sizes = sorted(int(n.replace("_", "")) for n in args.tickets.split(",") if n.strip())
    ROOT.mkdir(parents=True, exist_ok=True)
    notes = ["Shared 2-core machine: timings are noisy; compare runs made back to back."]
    info = machine()
    results = []
    for n in sizes:
        try:
            results.append(measure_size(n, args, notes))
        except Exception as error:  # noqa: BLE001 - one broken size must not cost the others' figures
            log(f"{n:,} tickets: failed: {error!r}")
            failed = SizeResult(n)
            failed.skip([s.key for s in SPECS], f"this size failed: {error}"[:200])
            results.append(failed)
    print(table(results))
    for note in notes:
        print(f"note: {note}")
    if args.markdown:
        Path(args.markdown).write_text(markdown(results) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(as_json(results, info, notes), indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
