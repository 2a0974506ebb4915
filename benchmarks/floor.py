"""A floor under load: N agent desks acting at once and M supervisors' consoles watching, for a while.

    python benchmarks/floor.py                                  # 40 desks, 4 consoles, 5 minutes, SQLite
    python benchmarks/floor.py --desks 8 --consoles 1 --seconds 20 --json /tmp/floor.json
    python benchmarks/floor.py --engine postgres                # a private server, started here
    python benchmarks/floor.py --engine postgres --url postgresql://...   # a database of yours (emptied!)
    python benchmarks/floor.py --chaos                          # faults in the middle of the load
    python benchmarks/floor.py --engine postgres --logins       # each desk its own login, checked by the server
    python benchmarks/floor.py --engine postgres --outage 5     # the server crashes at the middle, back 5 s later

Desks (``floor_desk.py``, one process each) take, answer, pass on with a note, log a customer's call and
resolve tickets through the services, at the mix written there, each after a think time (mean
``--think``, 1 s: a real agent acts about once a minute, so 40 desks here write like a floor of a few
thousand). Consoles (``floor_console.py``) are the console's ticket table model and runner, offscreen.

Printed and written (``--json``): actions per second; p50/p99 latency per kind of action; acknowledged
actions lost (must be 0); duplicates (0); the chain verified; derived columns drifted (0); p99 time from a
desk's acknowledged commit to each console's screen (< 1 s); errors shown to a person (0): a store error
at a desk or a failed read at a console. A rule's refusal (another desk took the ticket first) is counted
apart: it is the floor working, not failing.

``--chaos``: on SQLite, the fault suite's crash harness (tests/faults/harness.py ``crash_once``) SIGKILLs a
supervisor's desk in the middle of its writes, again and again, while the floor works; its acknowledged
reassignments are checked as the suite checks them. On PostgreSQL the server is stopped with ``pg_ctl stop
-m immediate`` in the middle of the load and started again: desks and consoles must come back by themselves.

``--outage N`` (PostgreSQL, the private server): ``pg_ctl stop -m immediate`` at the middle of the run,
``pg_ctl start`` N seconds later (``--chaos`` on PostgreSQL is the same with N = 3). Reported beside the
rest: when it stopped and how long it was down, the actions that were in flight across it (they waited
it out inside the services), desks that acknowledged actions again after it (all must), and consoles
that put their banner up and took it down again by themselves, then showed commits made after it (all
must). Errors shown to a person stay 0: a read the server did not answer is the banner's to tell.
Exit code 1 when a figure misses what it must be.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT_DIR = Path(__file__).resolve().parent.parent
if str(ROOT_DIR) not in sys.path:  # run as a script: make ``benchmarks``, ``tests`` and ``csconsole`` importable
    sys.path.insert(0, str(ROOT_DIR))

from benchmarks import floor_check
from benchmarks.floor_store import build_floor, floor_server
from csconsole.services import audit, open_store
from tests.faults import harness

SEEN_BUDGET_MS = 1000.0
SETTLE_S = 2.0  # consoles keep watching after the last desk is done, so its last commits reach them


@dataclass
class FloorRun:
    engine: str = "sqlite"
    desks: int = 40
    consoles: int = 4
    seconds: float = 300.0
    think: float = 1.0
    backlog: int = 400
    history: int = 2000
    seed: int = 12
    chaos: bool = False
    outage_s: float | None = None  # PostgreSQL: the server stopped at the middle for this long (--chaos: 3 s)
    url: str | None = None
    logins: bool = False  # PostgreSQL: each desk its own agent's login, the consoles a supervisor's
    folder: Path | None = None
    notes: list[str] = field(default_factory=list)


def log(text: str) -> None:
    print(f"[floor {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _spawn(module: str, *args: str, stderr: IO[str]) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT_DIR))
    return subprocess.Popen([sys.executable, "-m", module, *args], cwd=ROOT_DIR, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)


def run(config: FloorRun) -> dict[str, Any]:
    """One floor run; every figure in one dict (``ok`` says whether each met what it must be)."""
    folder = Path(tempfile.mkdtemp(prefix="csfloor-")) if config.folder is None else config.folder
    folder.mkdir(parents=True, exist_ok=True)
    with floor_server(config, folder) as (location, server):
        began = time.perf_counter()
        agents = build_floor(location, desks=config.desks, backlog=config.backlog, history=config.history,
                             seed=config.seed)
        with open_store(location, read_only=True) as store:
            start_head = audit.head(store).seq
        log(f"{config.engine} floor built in {time.perf_counter() - began:.1f} s: {start_head} events; "
            f"{config.desks} desks, {config.consoles} consoles, {config.seconds:.0f} s")
        where = floor_logins(config, location, server, agents)
        figures = _load(config, location, server, folder, agents, start_head, where)
    if config.folder is None:
        shutil.rmtree(folder, ignore_errors=True)
    return figures


def _load(config: FloorRun, location: str, server: Any, folder: Path, agents: list[str],
          start_head: int, where: dict[str, str]) -> dict[str, Any]:
    errors_file = (folder / "stderr.txt").open("w", encoding="utf-8")
    desk_logs = [folder / f"desk-{n:02d}.jsonl" for n in range(len(agents))]
    console_logs = [folder / f"console-{n}.json" for n in range(config.consoles)]
    consoles = [_spawn("benchmarks.floor_console", where.get(CONSOLE_LOGIN, location), "--log", str(path),
                       "--seconds", str(config.seconds + 600), stderr=errors_file) for path in console_logs]
    desks = [_spawn("benchmarks.floor_desk", where.get(agent, location), agent, "--log", str(path),
                    "--seconds", str(config.seconds),
                    "--think", str(config.think), "--seed", str(config.seed * 1000 + n), stderr=errors_file)
             for n, (agent, path) in enumerate(zip(agents, desk_logs, strict=True))]
    harness.start_together([*consoles, *desks])  # each said ready: stores open, first pages in
    started = time.time()
    log("the floor is working")
    chaos: dict[str, Any] = {}
    faulty = config.chaos or (config.outage_s is not None and config.engine == "postgres")
    fault = threading.Thread(target=_chaos, args=(config, location, server, started, chaos)) if faulty else None
    if fault is not None:
        fault.start()
    for process in desks:
        process.communicate(timeout=config.seconds + 300)
    elapsed = time.time() - started
    time.sleep(SETTLE_S)  # the desks' last commits reach the consoles (their exits no longer eat the CPU)
    for process in consoles:
        process.communicate("stop\n", timeout=300)
    if fault is not None:
        fault.join()
    errors_file.close()
    stderr = (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    desk = floor_check.read_desk_logs(desk_logs)
    watched = [json.loads(path.read_text(encoding="utf-8")) for path in console_logs if path.exists()]
    with open_store(location) as store:
        checks = floor_check.check_store(store, desk.acks, start_head)
    if chaos.get("crash_acks") is not None:
        chaos["crash_problems"] = harness.check_store(Path(location), chaos.pop("crash_acks"))
    seen = floor_check.seen_by_consoles(watched, desk.acks, SETTLE_S)
    if "back_at" in chaos:
        chaos.update(floor_check.through_outage(desk.acks, watched, chaos["stopped_at"], chaos["back_at"]))
    kinds = Counter(ack["kind"] for ack in desk.acks)
    figures: dict[str, Any] = {
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items() if k != "url"},
        "seconds": elapsed,
        "actions": len(desk.acks),
        "actions_per_s": len(desk.acks) / elapsed if elapsed else 0.0,
        "mix": {kind: round(100 * n / max(1, len(desk.acks)), 1) for kind, n in sorted(kinds.items())},
        "latency": floor_check.latency_by_kind(desk.acks),
        "refused_by_rules": len(desk.refusals),
        "retries": desk.retries,
        "commits_confirmed": desk.confirmed,
        "desks_finished": desk.finished,
        **checks,
        **seen,
        "errors_shown": len(desk.errors) + seen["console_errors"] + ("Traceback" in stderr),
        "error_samples": [e["msg"] for e in desk.errors[:5]],
        "stderr_tail": stderr[-1500:],
        "chaos": chaos,
    }
    figures["ok"] = _verdict(figures, config)
    return figures


CONSOLE_LOGIN = "Sue"  # the cast's supervisor: whose login the consoles watch through (--logins)


def floor_logins(config: FloorRun, location: str, server: Any, agents: list[str]) -> dict[str, str]:
    """With ``logins``: each desk's agent and the consoles' supervisor get their own login (``csconsole
    floor``), so the server checks every write of the run (store/postgres/floor_guard.py); agent → URL."""
    if not config.logins:
        return {}
    if server is None:
        raise SystemExit("--logins makes logins on the private server: leave out --url (and it needs --engine postgres)")
    from csconsole.services import floor, parse_location

    dbname = parse_location(location).dbname  # type: ignore[union-attr]
    urls = {}
    with open_store(location) as store:
        for name, role in [*((agent, "agent") for agent in agents), (CONSOLE_LOGIN, "supervisor")]:
            floor.add_person(store, name, role, password=f"pw {name}")
            urls[name] = server.url(dbname, user=name, password=f"pw {name}")
    return urls


def _chaos(config: FloorRun, location: str, server: Any, started: float, out: dict[str, Any]) -> None:
    if config.engine == "sqlite":
        rng, acks, kills, tracebacks = random.Random(config.seed), [], 0, 0
        time.sleep(min(5.0, config.seconds / 5))
        while time.time() < started + config.seconds - 5:
            outcome = harness.crash_once(Path(location), f"kill{kills}", rng)
            acks += outcome.acks
            kills += 1
            tracebacks += "Traceback" in outcome.stderr
        out.update(kind="SIGKILL of a supervisor's desk mid-write (tests/faults crash_once)", kills=kills,
                   crash_acknowledged=len(acks), crash_tracebacks=tracebacks, crash_acks=acks)
        return
    outage = config.outage_s if config.outage_s is not None else 3.0
    time.sleep(config.seconds * 0.5)
    stopped = time.time()
    server.stop("immediate")
    time.sleep(outage)
    server.start()  # pg_ctl -w: returns once the server accepts connections again (crash recovery done)
    back = time.time()
    out.update(kind="pg_ctl stop -m immediate, then pg_ctl start", stopped_at_s=round(stopped - started, 1),
               down_s=round(back - stopped, 1), stopped_at=stopped, back_at=back)


def _verdict(figures: dict[str, Any], config: FloorRun) -> dict[str, bool]:
    seen_p99 = figures["commit_seen_p99_ms"]
    verdict = {
        "acknowledged_lost": figures["acknowledged_lost"] == 0,
        "duplicates": figures["duplicates"] == 0,
        "chain_verified": bool(figures["chain_verified"]),
        "derived_rows_drifted": figures["derived_rows_drifted"] == 0,
        "commit_seen_p99_ms": seen_p99 is not None and seen_p99 < SEEN_BUDGET_MS,
        "commits_never_seen": figures["commits_never_seen"] == 0,
        "errors_shown": figures["errors_shown"] == 0,
        "desks_finished": figures["desks_finished"] == config.desks,
    }
    if config.chaos and config.engine == "sqlite":
        verdict["crash_problems"] = figures["chaos"].get("crash_problems") == []
    if "back_at" in figures["chaos"]:
        chaos = figures["chaos"]
        verdict["desks_reconnected"] = chaos["desks_reconnected"] == config.desks
        verdict["consoles_reconnected"] = chaos["consoles_reconnected"] == config.consoles
    return verdict


def report(figures: dict[str, Any]) -> str:
    cfg, ok = figures["config"], figures["ok"]
    mark = lambda name: "ok" if ok.get(name, True) else "MISSED"  # noqa: E731
    lines = [
        f"floor on {cfg['engine']}: {cfg['desks']} desks, {cfg['consoles']} consoles, {figures['seconds']:.0f} s"
        f"{' with chaos' if cfg['chaos'] else ''}{', each desk its own login' if cfg.get('logins') else ''}",
        f"  actions acknowledged       {figures['actions']}  ({figures['actions_per_s']:.1f}/s; "
        f"{figures['refused_by_rules']} refused by the rules; {figures['retries']} units re-run; "
        f"{figures['commits_confirmed']} lost at COMMIT and found committed)",
    ]
    for kind, lat in figures["latency"].items():
        lines.append(f"  {kind:<10} n={lat['n']:<6} p50 {lat['p50_ms']:7.1f} ms   p99 {lat['p99_ms']:7.1f} ms"
                     f"   max {lat['max_ms']:7.1f} ms")
    p99 = figures["commit_seen_p99_ms"]
    lines += [
        f"  acknowledged lost          {figures['acknowledged_lost']}  (must be 0) {mark('acknowledged_lost')}",
        f"  duplicates                 {figures['duplicates']}  (must be 0) {mark('duplicates')}",
        f"  chain verified             {figures['chain_verified']} ({figures['chain_events_checked']} events) "
        f"{mark('chain_verified')}",
        f"  derived rows drifted       {figures['derived_rows_drifted']}  (must be 0) {mark('derived_rows_drifted')}",
        f"  commit seen by consoles    p50 {figures['commit_seen_p50_ms'] or float('nan'):.0f} ms, "
        f"p99 {p99 if p99 is not None else float('nan'):.0f} ms (budget < {SEEN_BUDGET_MS:.0f}) "
        f"{mark('commit_seen_p99_ms')}; never seen {figures['commits_never_seen']}",
        f"  errors shown to a person   {figures['errors_shown']}  (must be 0) {mark('errors_shown')}",
    ]
    chaos = figures["chaos"]
    if "back_at" in chaos:
        lines += [
            f"  server stopped (immediate) {chaos['stopped_at_s']:.0f} s in, down {chaos['down_s']:.1f} s; "
            f"{chaos['acted_across']} actions in flight waited it out (the longest {chaos['acted_across_max_s']} s)",
            f"  desks reconnected          {chaos['desks_reconnected']} of {cfg['desks']} "
            f"{mark('desks_reconnected')}",
            f"  consoles reconnected       {chaos['consoles_reconnected']} of {cfg['consoles']} (banner up "
            f"{chaos['consoles_told_away']}, down again {chaos['consoles_told_back']}; reads the server did not "
            f"answer {chaos['console_reads_away']}) {mark('consoles_reconnected')}",
            f"  first commit seen after    {chaos['first_seen_after_back_s']} s after the server was back",
        ]
    elif chaos:
        lines.append(f"  chaos: {json.dumps(chaos)}")
    for sample in figures["error_samples"]:
        lines.append(f"    error: {sample}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="PostgreSQL: a database to use (its csconsole schema is replaced)")
    parser.add_argument("--desks", type=int, default=40)
    parser.add_argument("--consoles", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between one desk's actions")
    parser.add_argument("--backlog", type=int, default=400, help="open tickets waiting when the floor opens")
    parser.add_argument("--history", type=int, default=2000, help="resolved tickets already in the store")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--chaos", action="store_true")
    parser.add_argument("--outage", type=float, metavar="SECONDS",
                        help="PostgreSQL: stop the server (pg_ctl stop -m immediate) at the middle of the run and "
                             "start it again after SECONDS")
    parser.add_argument("--logins", action="store_true",
                        help="PostgreSQL: every desk its own agent's login, checked by the server")
    parser.add_argument("--folder", type=Path, help="keep the store and the logs here")
    parser.add_argument("--json", metavar="FILE", help="write every figure as JSON")
    args = parser.parse_args(argv)
    config = FloorRun(engine=args.engine, desks=args.desks, consoles=args.consoles, seconds=args.seconds,
                      think=args.think, backlog=args.backlog, history=args.history, seed=args.seed,
                      chaos=args.chaos, outage_s=args.outage, url=args.url, logins=args.logins,
                      folder=args.folder)
    if config.outage_s is not None and config.engine != "postgres":
        parser.error("--outage stops a PostgreSQL server: use it with --engine postgres")
    from benchmarks.run import machine

    before = machine()  # the load average before our own processes add to it
    figures = run(config)
    figures["machine"] = before
    print(report(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if all(figures["ok"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
