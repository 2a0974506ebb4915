"""Measure the budgets of DESIGN §7 at several store sizes, side by side with the tools a user would pick
instead, and print one table (``--json FILE`` writes it for comparing commits).

    python benchmarks/run.py --tickets 10000,100000,1000000 --reuse --json /tmp/csbench/bench.json
    python benchmarks/run.py --engine both --tickets 100000 --skip-peers --reuse

``--engine postgres`` measures a store on a PostgreSQL server of the run's own (every commit durable,
reached over loopback TCP, built from the same anchor as the SQLite store of that size: the same events);
``--engine both`` measures both and prints them side by side with their ratios and the server's budgets
(every page and filter within 2x SQLite's figure of the same run, reassign p99 < 50 ms, another desk's
commit seen < 500 ms).

Stores live in ``--store-dir`` (default /tmp/csbench, never in the repo); ``--reuse`` keeps a store of the
same size and seed and reports the build time measured when it was built. Writing benchmarks run on a
scratch copy in a folder of the run's own, removed at its end. The machine is shared: timings are noisy,
compare runs made back to back.
"""

from __future__ import annotations

import argparse
import json
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

from benchmarks import engines, peers
from benchmarks.figures import SPECS, SizeResult, as_json, markdown, table
from benchmarks.probe_run import PROBE_KEYS, run_probe
from benchmarks.store_figures import measure_cli, measure_reads, measure_writes
from benchmarks.stores import FOLDERS, ROOT, BuiltStore, demo_store, scratch_copy


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


def _movable(location: str) -> int:
    from csconsole.domain.read_models import TicketFilter
    from csconsole.services import open_store, queries

    with open_store(location, read_only=True) as store:
        return queries.tickets_count(store, TicketFilter(open_only=True)) + queries.tickets_count(
            store, TicketFilter(status="resolved"))


def measure_size(tickets: int, args: argparse.Namespace, notes: list[str], server: Any = None,
                 twin: BuiltStore | None = None) -> tuple[SizeResult, BuiltStore | None]:
    """Every figure at one size, on SQLite (``server`` None) or on the run's PostgreSQL server, whose
    store is built from ``twin``'s anchor (the SQLite store of that size) when there is one."""
    reps = 5 if args.quick else 25
    engine = "postgres" if server is not None else "sqlite"
    log(f"{tickets:,} tickets on {engine}: store")
    if server is None:
        built: BuiltStore = demo_store(tickets, args.seed, reuse=args.reuse)
    else:
        built = server.demo_store(tickets, args.seed, reuse=args.reuse, anchor=twin.anchor if twin else "")
    result = SizeResult(tickets, built.events, built.path if server is None else built.path.rsplit("@", 1)[-1])
    result.put("build_s", built.build_seconds,
               f"reused; measured when built at {built.built_at}" if built.reused else "built in this run", 1)
    log(f"{tickets:,} tickets on {engine}: reads")
    statements = measure_reads(built.path, result, reps=reps)
    scratch = str(scratch_copy(built, "scratch")) if server is None else server.scratch_copy(built, "scratch")
    movable = _movable(scratch)
    singles = min(100 if args.quick else 1000, movable // 2)
    bulk = min(1000 if args.quick else 10_000, movable - singles)
    log(f"{tickets:,} tickets on {engine}: writes ({singles} single reassigns, bulk {bulk})")
    measure_writes(scratch, result, singles=singles, bulk=bulk)
    if not args.skip_gui:
        log(f"{tickets:,} tickets on {engine}: console probe")
        run_probe(scratch, result, quick=args.quick)
    else:
        result.skip(PROBE_KEYS, "--skip-gui")
    log(f"{tickets:,} tickets on {engine}: audit verify" + ("" if server else ", export"))
    measure_cli(built.path, result, built.events, FOLDERS.scratch, export=server is None)
    if server is None:
        log(f"{tickets:,} tickets: peers")
        peers.bare_sqlite3(Path(built.path), statements["first_page"], result, reps=reps)
        if args.skip_peers:
            result.skip((*peers.DATASETTE_KEYS, *peers.DBBROWSER_KEYS, "sqlite3_cli_first_page_ms"), "--skip-peers")
        else:
            peers.sqlite3_cli(Path(built.path), statements["first_page"], result, reps=50 if args.quick else 200)
            peers.datasette(Path(built.path), statements["first_page"], result, reps=5 if args.quick else 10)
            peers.dbbrowser(Path(built.path), result)
        for old in (scratch, f"{scratch}-wal", f"{scratch}-shm"):
            Path(old).unlink(missing_ok=True)
    else:
        server.drop(scratch)
        result.skip([s.key for s in SPECS], "SQLite's peers: not run on a server")
    result.skip([s.key for s in SPECS], "not measured")
    return result, built


def _sizes(sizes: list[int], args: argparse.Namespace, notes: list[str], server: Any = None,
           twins: dict[int, BuiltStore] | None = None) -> tuple[list[SizeResult], dict[int, BuiltStore]]:
    results, built = [], {}
    for n in sizes:
        try:
            result, made = measure_size(n, args, notes, server, (twins or {}).get(n))
            results.append(result)
            if made is not None:
                built[n] = made
        except Exception as error:
            log(f"{n:,} tickets: failed: {error!r}")
            failed = SizeResult(n)
            failed.skip([s.key for s in SPECS], f"this size failed: {error}"[:200])
            results.append(failed)
    return results, built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", default="10000,100000,1000000", help="store sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="sqlite",
                        help="the store's engine; both: side by side with the ratios (default sqlite)")
    parser.add_argument("--reuse", action="store_true", help="reuse a store of the same size and seed")
    parser.add_argument("--store-dir", metavar="DIR", default=str(ROOT),
                        help=f"where built stores are kept (default {ROOT}); each run's scratch files go in a "
                             "folder of its own inside, removed at the end")
    parser.add_argument("--json", metavar="FILE", help="write every figure as JSON")
    parser.add_argument("--markdown", metavar="FILE", help="write the table as Markdown too")
    parser.add_argument("--skip-peers", action="store_true",
                        help="skip the sqlite3 shell, Datasette and DB Browser (bare sqlite3 always runs)")
    parser.add_argument("--skip-gui", action="store_true", help="skip the console probe")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    args = parser.parse_args(argv)
    sizes = sorted(int(n.replace("_", "")) for n in args.tickets.split(",") if n.strip())
    FOLDERS.start(Path(args.store_dir))
    notes = ["Shared 2-core machine: timings are noisy; compare runs made back to back."]
    info = machine()
    lite: list[SizeResult] = []
    server_results: list[SizeResult] = []
    twins: dict[int, BuiltStore] = {}
    try:
        if args.engine in ("sqlite", "both"):
            lite, twins = _sizes(sizes, args, notes)
        if args.engine in ("postgres", "both"):
            from benchmarks.pg_stores import BenchServer

            server = BenchServer(reuse=args.reuse)
            info["postgresql"] = server.server.version()
            notes.append("PostgreSQL: a server of the run's own on this machine, durable (fsync, synchronous_commit "
                         "on), reached over loopback TCP as its superuser; the same events as the SQLite store.")
            try:
                server_results, _ = _sizes(sizes, args, notes, server, twins)
            finally:
                server.close()
    finally:
        FOLDERS.finish()
    primary = lite or server_results
    print(table(primary))
    if lite and server_results:
        print()
        print(engines.side_by_side(lite, server_results))
    for note in notes:
        print(f"note: {note}")
    if args.markdown:
        text = markdown(primary)
        if lite and server_results:
            text += "\n\n" + engines.markdown(lite, server_results)
        Path(args.markdown).write_text(text + "\n")
    if args.json:
        report = as_json(primary, info, notes)
        report["engine"] = "sqlite" if lite else "postgres"
        if lite and server_results:
            report["postgres"] = as_json(server_results, info, notes)["sizes"]
            report["side_by_side"] = engines.as_json(lite, server_results)
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
