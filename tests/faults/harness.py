"""What the fault-injection tests and ``benchmarks/faults.py`` share: real stores, real processes."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from csconsole.services import audit, open_store, people, tickets
from tests.sql import connection

ACTOR = Path(__file__).with_name("actor.py")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def make_store(path: Path | str, n_tickets: int = 40) -> Path | str:
    """The conftest floor (Billing/Tech; Ana, Raj, Li agents; Sue supervisor; Max manager), with tickets;
    ``path`` a file, or the URL of an empty store on a server."""
    with open_store(str(path), create=True) as store:
        billing = people.add_queue(store, "Billing").id
        people.add_queue(store, "Tech")
        ana = people.add_agent(store, "Ana", "agent", billing)
        people.add_agent(store, "Raj", "agent", billing)
        people.add_agent(store, "Li", "agent", billing)
        people.add_agent(store, "Sue", "supervisor")
        people.add_agent(store, "Max", "manager")
        for i in range(n_tickets):
            change = tickets.create_ticket(store, actor_id=None, customer=f"Customer {i % 7}",
                                           subject=f"Problem {i}", channel="phone", priority="normal",
                                           queue_id=billing)
            tickets.take(store, change.ticket_ids[0], actor_id=ana.id)
    return path


@dataclass(frozen=True)
class Ack:
    seq: int
    ticket_id: int
    owner: str
    reason: str


@dataclass
class Outcome:
    acks: list[Ack] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    stderr: str = ""


def _parse(lines: list[str], outcome: Outcome) -> None:
    for line in lines:
        if line.startswith("ack "):
            _, seq, ticket, owner, reason = line.split(maxsplit=4)
            outcome.acks.append(Ack(int(seq), int(ticket), owner, reason.strip()))
        elif line.strip():
            outcome.refusals.append(line.strip())


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ACTOR), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def start_together(processes: list[subprocess.Popen[str]]) -> None:
    """Release writers started with ``--together`` at the same moment, once each has said ready."""
    for process in processes:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()


def crash_once(path: Path | str, tag: str, rng: random.Random, *, max_acks: int = 40) -> Outcome:
    """Start a writer, SIGKILL it after a random number of acknowledged actions, collect what it acked."""
    process = spawn("write", str(path), "100000", tag)
    assert process.stdout is not None and process.stderr is not None
    wait_for = rng.randint(0, max_acks)
    lines: list[str] = []
    while len(lines) < wait_for:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    lines += process.stdout.readlines()  # acknowledged before the kill, still in the pipe
    outcome = Outcome(stderr=process.stderr.read())
    process.stdout.close()
    process.stderr.close()
    _parse(lines, outcome)
    return outcome


def run_to_end(processes: list[subprocess.Popen[str]]) -> list[Outcome]:
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        outcome = Outcome(stderr=err)
        _parse(out.splitlines(), outcome)
        outcomes.append(outcome)
    return outcomes


def check_store(path: Path | str, acks: list[Ack]) -> list[str]:
    """Reopen as the console would: file sound, chain whole, every acknowledged action there."""
    problems: list[str] = []
    with open_store(str(path)) as store:
        problems += [f"quick_check: {p}" for p in audit.quick_check(store)]
        verdict = audit.verify(store)
        if not verdict.ok:
            problems.append(f"chain: {verdict.problem}")
        for ack in acks:
            row = connection(store).execute("SELECT ticket_id, kind, data FROM events WHERE seq = ?",
                                     (ack.seq,)).fetchone()
            if row is None:
                problems.append(f"acknowledged event {ack.seq} is lost")
                continue
            data = json.loads(row[2])
            owner = connection(store).execute("SELECT name FROM agents WHERE id = ?",
                                       (data.get("owner"),)).fetchone()
            if (row[0], row[1], owner and owner[0], data.get("reason")) != (
                    ack.ticket_id, "reassign", ack.owner, ack.reason):
                problems.append(f"event {ack.seq} is not the acknowledged {ack}")
    return problems
