"""Import budgets (issue 17): a large CSV in bounded time and memory, live writers never stopped by an
import, and every hostile input refused fast in bounded memory.

    python benchmarks/imports.py [--rows 1000000] [--out /tmp/csbench/imports] [--skip-live] [--skip-hostile]

Each import runs as ``csconsole import`` in a child process; its peak RSS is the child's own (wait4 via a
wrapper, tests/imports/runner.py). The live writer is another process reassigning tickets in a loop while
the import runs, timing each reassign from call to commit.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.import_inputs import deep_json, event_log, fifo, huge_field, zip_bomb
from tests.imports.runner import csconsole

BUDGET_SECONDS, BUDGET_MB = 60.0, 300.0
HOSTILE_SECONDS = 5.0
LIVE_P99_SECONDS = 1.0

_WRITER = """
import json, sys, time
from pathlib import Path
from csconsole.services import open_store, queries, tickets
path, stop, out = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
waits = []
with open_store(path) as store:
    sue = queries.agent_by_name(store, "Sue").id
    ana, raj = (queries.agent_by_name(store, n).id for n in ("Ana", "Raj"))
    owner = {ticket: ana for ticket in range(1, 201)}
    n = 0
    while not stop.exists():
        n += 1
        ticket = 1 + n % 200
        owner[ticket] = raj if owner[ticket] == ana else ana
        started = time.perf_counter()
        tickets.reassign(store, [ticket], actor_id=sue, to_id=owner[ticket], reason="live floor")
        waits.append(time.perf_counter() - started)
        time.sleep(0.02)  # a busy floor: ~40 actions a second from this desk
Path(out).write_text(json.dumps(waits))
"""


def floor(path: Path) -> Path:
    """A store with the live floor the writer works on: 200 tickets held by Ana, Raj, a supervisor Sue."""
    from csconsole.services import open_store, people, tickets

    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    with open_store(str(path), create=True) as store:
        billing = people.add_queue(store, "Billing").id
        ana = people.add_agent(store, "Ana", "agent", billing)
        people.add_agent(store, "Raj", "agent", billing)
        people.add_agent(store, "Sue", "supervisor")
        for i in range(200):
            change = tickets.create_ticket(store, actor_id=None, customer=f"Walk-in {i}", subject="Help",
                                           channel="phone", priority="normal", queue_id=billing)
            tickets.take(store, change.ticket_ids[0], actor_id=ana.id)
    return path


def big_import(work: Path, rows: int) -> dict[str, float]:
    log = work / f"log-{rows}.csv"
    if not log.exists():
        event_log(log, rows)
    store = floor(work / "alone.db")
    run = csconsole("import", str(store), str(log), timeout=1800)
    assert run.code == 0, run.err
    return {"rows": rows, "file_mb": log.stat().st_size / 1024**2, "seconds": run.seconds, "peak_mb": run.peak_mb}


def live_import(work: Path, rows: int) -> dict[str, float]:
    log = work / f"log-{rows}.csv"
    store = floor(work / "live.db")
    stop, out = work / "stop", work / "waits.json"
    stop.unlink(missing_ok=True)
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(store), str(stop), str(out)], cwd=ROOT)
    time.sleep(1.0)
    try:
        run = csconsole("import", str(store), str(log), timeout=3600)
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert run.code == 0, run.err
    waits = sorted(json.loads(out.read_text()))
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    return {"seconds": run.seconds, "peak_mb": run.peak_mb, "writes": len(waits),
            "p50_ms": statistics.median(waits) * 1000, "p99_ms": p99 * 1000, "max_ms": waits[-1] * 1000,
            "over_1s": sum(w > 1 for w in waits)}


def hostile(work: Path) -> list[dict[str, object]]:
    folder = work / "hostile"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    fixture = ROOT / "tests" / "fixtures" / "zendesk"
    deep = folder / "deep"
    shutil.copytree(fixture, deep)
    deep_json(deep)
    cases: list[tuple[str, list[str]]] = [
        ("zip bomb: 2 MB inflating to 2 GiB", [str(zip_bomb(folder / "bomb.zip", 2.0)), "--format", "zendesk"]),
        ("/dev/zero as the CSV", ["/dev/zero"]),
        ("a FIFO as the CSV", [str(fifo(folder / "pipe.csv"))]),
        ("a folder as the CSV", [str(folder)]),
        ("a 200 MB field", [str(huge_field(folder / "field.csv", 200))]),
        ("JSON nested 100,000 deep", [str(deep), "--format", "zendesk"]),
    ]
    results = []
    for name, args in cases:
        store = floor(folder / "target.db")
        run = csconsole("import", str(store), *args, timeout=120)
        message = next((line for line in run.err.splitlines() if line.strip()), "")
        results.append({"input": name, "exit": run.code, "seconds": run.seconds, "peak_mb": run.peak_mb,
                        "message": message.replace(str(folder) + "/", "")})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/csbench/imports"))
    parser.add_argument("--skip-live", action="store_true")
    parser.add_argument("--skip-hostile", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    ok = True
    figures: dict[str, object] = {}
    if not args.skip_hostile:
        figures["hostile"] = rows = hostile(args.out)
        for r in rows:
            good = r["exit"] == 2 and r["seconds"] < HOSTILE_SECONDS and r["peak_mb"] < BUDGET_MB
            ok &= good
            print(f"{'ok  ' if good else 'FAIL'} {r['input']:<36} {r['seconds']:5.2f} s {r['peak_mb']:6.0f} MB  "
                  f"{r['message']}")
    alone = big_import(args.out, args.rows)
    figures["alone"] = alone
    good = alone["seconds"] < BUDGET_SECONDS and alone["peak_mb"] < BUDGET_MB
    ok &= good
    print(f"{'ok  ' if good else 'FAIL'} import {args.rows:,} rows ({alone['file_mb']:.0f} MB): "
          f"{alone['seconds']:.1f} s (budget {BUDGET_SECONDS:.0f}), {alone['peak_mb']:.0f} MB (budget {BUDGET_MB:.0f})")
    if not args.skip_live:
        live = live_import(args.out, args.rows)
        figures["live"] = live
        good = live["p99_ms"] < LIVE_P99_SECONDS * 1000
        ok &= good
        print(f"{'ok  ' if good else 'FAIL'} live reassigns during the import: {live['writes']} writes, "
              f"p50 {live['p50_ms']:.0f} ms, p99 {live['p99_ms']:.0f} ms (budget {LIVE_P99_SECONDS * 1000:.0f}), "
              f"max {live['max_ms']:.0f} ms, {live['over_1s']} over 1 s; import {live['seconds']:.1f} s, "
              f"{live['peak_mb']:.0f} MB")
    (args.out / "imports.json").write_text(json.dumps(figures, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
