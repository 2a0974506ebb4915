"""The fault-injection suite at full length (the CI runs short loops of the same code, tests/faults/).

    python benchmarks/faults.py                       # 100 SIGKILLs, 5 contention rounds, 100 tampers a kind,
                                                      # 100 damaged files, 1000 fuzzed imports
    python benchmarks/faults.py --crash-runs 300 --json /tmp/faults.json
    python benchmarks/faults.py --export /tmp/csbench/demo-1000000-s7-v6.db   # also time an audit pack

Every figure is printed with what it must be (0 lost, 100% caught...); the exit code is 1 when one
of them is not met. Stores live in a temporary folder; nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT_DIR = Path(__file__).resolve().parent.parent
if str(ROOT_DIR) not in sys.path:  # run as a script: make ``tests`` and ``csconsole`` importable
    sys.path.insert(0, str(ROOT_DIR))

from csconsole.cli import main as cli
from csconsole.services import audit, open_store
from tests.faults import test_corruption, test_tamper
from tests.faults.harness import (
    check_store,
    crash_once,
    make_store,
    run_to_end,
    sha256,
    spawn,
    start_together,
)

Figures = dict[str, Any]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def crash(folder: Path, runs: int, seed: int) -> Figures:
    store = make_store(folder / "crash.db")
    rng = random.Random(seed)
    acked = lost = bad_checks = tracebacks = 0
    started = time.perf_counter()
    for run in range(runs):
        outcome = crash_once(store, f"run{run}", rng)
        problems = check_store(store, outcome.acks)
        acked += len(outcome.acks)
        lost += sum("lost" in p or "not the acknowledged" in p for p in problems)
        bad_checks += sum(p.startswith(("quick_check", "chain")) for p in problems)
        tracebacks += "Traceback" in outcome.stderr
        if (run + 1) % 10 == 0:
            log(f"crash: {run + 1}/{runs} kills, {acked} acknowledged, {lost} lost")
    with open_store(str(store), read_only=True) as reader:
        events = audit.head(reader).seq
    return {"kills": runs, "acknowledged": acked, "lost": lost, "failed_checks": bad_checks,
            "tracebacks": tracebacks, "events_in_store": events, "seconds": time.perf_counter() - started}


def contention(folder: Path, rounds: int, actions: int) -> Figures:
    store = make_store(folder / "busy.db")
    acked = lost = locked = refusals = 0
    started = time.perf_counter()
    for round_ in range(rounds):
        writers = [spawn("write", str(store), str(actions), f"r{round_}{side}", "--parity", str(n),
                         "--together") for n, side in enumerate("LR")]
        start_together(writers)
        outcomes = run_to_end([*writers, spawn("read", str(store), str(2 * actions))])
        acks = [a for o in outcomes[:2] for a in o.acks]
        acked += len(acks)
        lost += len(check_store(store, acks))
        every_line = [line for o in outcomes for line in (*o.refusals, o.stderr)]
        locked += sum("locked" in line or "busy" in line for line in every_line)
        refusals += sum(len(o.refusals) for o in outcomes[:2]) + sum(
            r.startswith("error") for r in outcomes[2].refusals)
        log(f"contention: round {round_ + 1}/{rounds}, {acked} acknowledged")
    return {"rounds": rounds, "writers": 2, "readers": 1, "acknowledged": acked,
            "expected": rounds * 2 * actions, "lost": lost, "locked_seen": locked, "refusals": refusals,
            "seconds": time.perf_counter() - started}


def tamper(folder: Path, per_kind: int) -> Figures:
    source = make_store(folder / "tamper.db", n_tickets=60)
    with open_store(str(source), read_only=True) as store:
        head = audit.head(store)
    caught = named = total = 0
    for how, damage in test_tamper.TAMPERING.items():
        rng = random.Random(how)
        for _ in range(per_kind):
            path = folder / "t.db"
            shutil.copy(source, path)
            expected = damage(path, rng, head.seq)
            with open_store(str(path), read_only=True) as store:
                verdict = audit.verify(store, head.hash)
            total += 1
            caught += not verdict.ok
            if expected is None:  # a deleted tail: only the kept head tells
                named += "rewritten" in verdict.problem
            else:
                named += verdict.bad_seq == expected
            path.unlink()
    floor = test_tamper.build_full_floor(folder / "full.db")
    kinds = len(test_tamper.CASES)
    each = [test_tamper.caught_and_named(what, floor, folder / "case.db") for what in test_tamper.CASES]
    return {"tampered": total, "caught": caught, "first_bad_event_named": named,
            "caught_pct": 100.0 * caught / total, "named_pct": 100.0 * named / total,
            "kinds": kinds, "kinds_caught": sum(c for c, _, _ in each), "kinds_named": sum(n for _, n, _ in each)}


def corruption(folder: Path, files: int, seed: int) -> Figures:
    source = make_store(folder / "pristine.db", n_tickets=300)
    rng = random.Random(seed)
    damages: list[Callable[[Path], None]] = list(test_corruption.DAMAGE.values())
    clear = changed = unclear = commands = 0
    for n in range(files):
        path = folder / f"broken{n}.db"
        shutil.copy(source, path)
        if n % len(damages) == 0:  # random bytes at a random place, of a random length
            data = bytearray(path.read_bytes())
            start = rng.randrange(0, len(data))
            data[start:start + rng.randint(1, 16384)] = rng.randbytes(rng.randint(1, 16384))
            path.write_bytes(bytes(data))
        else:
            damages[n % len(damages)](path)
        damaged = _damaged(path)
        before = sha256(path)
        for command in (["stats", str(path)], ["audit", "verify", str(path)],
                        ["reassign", str(path), "7", "--to", "Raj", "--reason", "x", "--as", "Sue"]):
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = cli(command)
            commands += 1
            text = err.getvalue()
            if "Traceback" in text or "unexpected error" in text:
                unclear += 1
            elif code != 0:
                clear += 1
        changed += damaged and sha256(path) != before  # an undamaged spot (free space) may be written
        for extra in Path(folder).glob(f"broken{n}.db*"):
            extra.unlink()
    return {"damaged_files": files, "commands": commands, "clear_refusals": clear, "unclear": unclear,
            "damaged_files_changed": changed}


def _damaged(path: Path) -> bool:
    """Did the damage hit anything SQLite reads? (immutable=1: looking leaves no -wal or -shm behind)"""
    try:
        conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            return conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return True


def fuzz(examples: int) -> Figures:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/faults/test_import_fuzz.py"],
        cwd=ROOT_DIR, env={**os.environ, "CSCONSOLE_FUZZ_EXAMPLES": str(examples)}, capture_output=True,
        text=True,
    )
    return {"examples_per_test": examples, "passed": done.returncode == 0,
            "summary": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:],
            "seconds": time.perf_counter() - started}


def export_timing(store: Path, folder: Path) -> Figures:
    from csconsole.io.export import export
    from csconsole.ui.report_pdf import render_report

    started = time.perf_counter()
    with open_store(str(store), read_only=True) as opened:
        result = export(opened, folder / "pack", render=render_report)
    seconds = time.perf_counter() - started
    size = sum(f.bytes for f in result.files)
    return {"store": str(store), "events": result.report.events, "seconds": seconds,
            "pack_mb": size / 1e6, "findings": result.report.findings_total,
            "chain_ok": result.report.chain_ok}


def verdicts(figures: Figures) -> list[tuple[str, str, bool]]:
    rows: list[tuple[str, str, bool]] = []
    if "crash" in figures:
        c = figures["crash"]
        rows.append((f"crash: {c['kills']} SIGKILLs, {c['acknowledged']} acknowledged actions",
                     f"lost {c['lost']}, failed checks {c['failed_checks']} (must be 0)",
                     c["lost"] == 0 and c["failed_checks"] == 0 and c["tracebacks"] == 0))
    if "contention" in figures:
        c = figures["contention"]
        rows.append((f"contention: {c['rounds']} rounds, 2 writers + 1 reader, {c['acknowledged']} actions",
                     f"lost {c['lost']}, 'locked' seen {c['locked_seen']} (must be 0)",
                     c["lost"] == 0 and c["locked_seen"] == 0 and c["acknowledged"] == c["expected"]))
    if "tamper" in figures:
        t = figures["tamper"]
        rows.append((f"tamper: {t['tampered']} edits/deletions/insertions/reorderings",
                     f"caught {t['caught_pct']:.0f}%, first bad event named {t['named_pct']:.0f}% "
                     "(must be 100%)",
                     t["caught"] == t["tampered"] == t["first_bad_event_named"]))
        rows.append((f"tamper: {t['kinds']} kinds (log, every derived table, guards, forged appends)",
                     f"caught {t['kinds_caught']}, named {t['kinds_named']} (must be all)",
                     t["kinds"] == t["kinds_caught"] == t["kinds_named"]))
    if "corruption" in figures:
        c = figures["corruption"]
        rows.append((f"corruption: {c['damaged_files']} damaged files, {c['commands']} commands",
                     f"unclear {c['unclear']}, damaged files changed {c['damaged_files_changed']} "
                     "(must be 0)",
                     c["unclear"] == 0 and c["damaged_files_changed"] == 0))
    if "fuzz" in figures:
        f = figures["fuzz"]
        rows.append((f"fuzzed imports: {f['examples_per_test']} examples a test", f["summary"], f["passed"]))
    if "export" in figures:
        e = figures["export"]
        rows.append((f"export: {e['events']:,} events, {e['pack_mb']:.0f} MB pack",
                     f"{e['seconds']:.1f} s, chain ok {e['chain_ok']}", e["chain_ok"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crash-runs", type=int, default=100)
    parser.add_argument("--contention-rounds", type=int, default=5)
    parser.add_argument("--contention-actions", type=int, default=300, help="per writer per round")
    parser.add_argument("--tamper", type=int, default=100, help="random positions per kind of tampering")
    parser.add_argument("--corruption", type=int, default=100, help="damaged files")
    parser.add_argument("--fuzz", type=int, default=1000, help="Hypothesis examples per fuzz test")
    parser.add_argument("--export", type=Path, metavar="STORE", help="also time an audit pack of STORE")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--json", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    figures: Figures = {}
    with tempfile.TemporaryDirectory(prefix="csfaults-") as tmp:
        folder = Path(tmp)
        for name, run in (
            ("crash", lambda: crash(folder, args.crash_runs, args.seed)),
            ("contention", lambda: contention(folder, args.contention_rounds, args.contention_actions)),
            ("tamper", lambda: tamper(folder, args.tamper)),
            ("corruption", lambda: corruption(folder, args.corruption, args.seed)),
            ("fuzz", lambda: fuzz(args.fuzz)),
        ):
            log(f"{name}...")
            figures[name] = run()
        if args.export:
            log("export...")
            figures["export"] = export_timing(args.export, folder)
    rows = verdicts(figures)
    for what, result, ok in rows:
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {result}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if all(ok for _, _, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
