"""Tamper: what someone with plain sqlite3 and a copy of the store would do, each caught by ``audit verify``
and named in its one line.

The log itself (edited, deleted, inserted, reordered, truncated, rechained), every table derived from it
(ticket rows, references, agents, customers, queues, recovery cases, evaluations, PINs, Zendesk links),
the schema's guards, and events appended by hand with a correct link: forged, backdated, dated ahead, by
someone who never existed. The randomised loop at the end (``TAMPERING``) is also what
``benchmarks/faults.py`` runs a hundred times a kind.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from csconsole.cli import main
from csconsole.domain import clock
from csconsole.domain.sla_policy import SlaPolicy
from csconsole.domain.sla_targets import parse_targets
from csconsole.io.zendesk import import_zendesk
from csconsole.services import audit, open_store, people, pin, recovery, sla, tickets
from csconsole.store import chain
from tests.faults.harness import make_store

POSITIONS = 12  # random positions per kind of tampering
ZENDESK = Path(__file__).parents[1] / "fixtures" / "zendesk"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    path = make_store(tmp_path_factory.mktemp("tamper") / "store.db", n_tickets=30)
    with open_store(str(path), read_only=True) as store:
        head = audit.head(store)
    return path, head.seq, head.hash


# --- a floor with something in every derived table -----------------------------------------------------

@dataclass(frozen=True)
class Floor:
    path: Path
    head: chain.Head
    ana: int  # an agent
    raj: int  # another agent
    sue: int  # a supervisor with a PIN
    billing: int
    ticket: int  # owned by Ana, with a lost recovery case and an evaluation


@pytest.fixture(scope="module")
def full_floor(tmp_path_factory: pytest.TempPathFactory) -> Floor:
    return build_full_floor(tmp_path_factory.mktemp("full") / "floor.db")


def build_full_floor(path: Path) -> Floor:
    """Live work (agents, a PIN, a policy, SLA targets, tickets, a lost recovery case, an evaluation) and a
    Zendesk import: something in every derived table."""
    with open_store(str(path), create=True) as store:
        billing = people.add_queue(store, "Billing").id
        people.add_queue(store, "Tech")
        ana = people.add_agent(store, "Ana", "agent", billing).id
        raj = people.add_agent(store, "Raj", "agent", billing).id
        sue = people.add_agent(store, "Sue", "supervisor").id
        pin.set_pin(store, sue, "2468")
        recovery.add_policy(store, "Refunds over $50 need approval")
        sla.set_policy(store, billing, SlaPolicy(targets=parse_targets(["urgent:first=30,resolution=120"])))
        ids = []
        for n in range(6):
            tid = tickets.create_ticket(store, actor_id=None, customer=f"Customer {n}", subject=f"Problem {n}",
                                        channel="phone", priority="urgent", queue_id=billing).ticket_ids[0]
            tickets.take(store, tid, actor_id=ana if n % 2 == 0 else raj)
            ids.append(tid)
        tickets.set_status(store, ids[1], actor_id=raj, status="resolved")
        ticket = ids[0]
        plan = [("acknowledge", {}), ("widen", {}),
                ("agree", {"promise": "Refund", "promised_by": clock.now_text()[:10]}),
                ("resolve", {"fix": "Refunded", "outcome": "lost", "goodwill_kind": "voucher", "goodwill_amount": 5,
                             "follow_up": clock.now_text()[:10]}),
                ("evaluate", {"root_cause": "policy", "policy": "Refunds over $50 need approval", "change": "Raise it"})]
        for name, fields in plan:
            recovery.complete_step(store, ticket, actor_id=sue, step=name, note="done", fields=fields)
        recovery.evaluate(store, ticket, actor_id=sue, associate_score=2, policy="Refunds over $50 need approval",
                          policy_score=1, comment="policy said no")
        import_zendesk(store, ZENDESK)
        assert audit.verify(store).ok
        head = audit.head(store)
    return Floor(path, head, ana, raj, sue, billing, ticket)


def _tamper(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """What someone with plain sqlite3 would do: drop the append-only guards, then edit."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_append_only_update")
    conn.execute("DROP TRIGGER events_append_only_delete")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def _edit(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Edits of the derived tables alone: the log and its guards untouched."""
    conn = sqlite3.connect(path)
    for sql, params in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def _forge(path: Path, ticket_id: int | None, kind: str, actor: int | None, data: str, at: str | None = None) -> int:
    """Append an event by hand at the tail, its hash linked correctly to the head: the chain holds."""
    conn = sqlite3.connect(path)
    seq, prev = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    when = at or clock.now_text()
    digest = chain.link(prev, chain.canonical_event(seq + 1, ticket_id, kind, when, actor, data))
    conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", (seq + 1, ticket_id, kind, when, actor, data, digest))
    conn.commit()
    conn.close()
    return seq + 1


def _value(path: Path, sql: str, *params: object) -> object:
    conn = sqlite3.connect(path)
    row = conn.execute(sql, params).fetchone()
    conn.close()
    return row[0]


Case = Callable[[Floor, Path], str]  # tampers the copy, returns what the verdict must name


def _ticket_owner(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE tickets SET owner_id = ? WHERE id = ?", (f.raj, f.ticket)))
    return "owner is Raj in the store, Ana by its events"


def _ticket_status(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE tickets SET status = 'closed' WHERE id = ?", (f.ticket,)))
    return "status is closed in the store, open by its events"


def _ticket_bounces(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE tickets SET bounces = 4 WHERE id = ?", (f.ticket,)))
    return "bounces is 4 in the store, 0 by its events"


def _ticket_subject(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE tickets SET subject = 'Nothing happened' WHERE id = ?", (f.ticket,)))
    return "subject is Nothing happened in the store, Problem 0 by its events"


def _ref_swap(f: Floor, p: Path) -> str:
    a, b = (str(_value(p, "SELECT ref FROM tickets WHERE id = ?", i)) for i in (f.ticket, f.ticket + 1))
    _edit(p, ("UPDATE tickets SET ref = 'x' WHERE id = ?", (f.ticket,)),
          ("UPDATE tickets SET ref = ? WHERE id = ?", (a, f.ticket + 1)),
          ("UPDATE tickets SET ref = ? WHERE id = ?", (b, f.ticket)))
    return f"ticket {a}: ref is {b} in the store, {a} by its events"


def _agent_promoted(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE agents SET role = 'supervisor' WHERE id = ?", (f.ana,)))
    return f"agent {f.ana}: role is supervisor in the store, agent by its events"


def _agent_names_swapped(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE agents SET name = 'x' WHERE id = ?", (f.ana,)),
          ("UPDATE agents SET name = 'Ana' WHERE id = ?", (f.raj,)),
          ("UPDATE agents SET name = 'Raj' WHERE id = ?", (f.ana,)))
    return f"agent {f.ana}: name is Raj in the store, Ana by its events"


def _customer_since(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE customers SET since = '2015-01-01T00:00:00Z' WHERE name = 'Customer 0'", ()))
    return "since is 2015-01-01T00:00:00Z in the store"


def _resolved_count(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE customers SET resolved_tickets = 7 WHERE name = 'Customer 2'", ()))
    return "resolved tickets is 7 in the store, 0 by its tickets' events"


def _sla_due(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE tickets SET resolution_due_at = '2099-01-01T00:00:00Z' WHERE id = "
              "(SELECT max(id) FROM tickets WHERE status = 'open' AND id != ?)", (f.ticket,)))  # a row of its own
    return "resolution due at is 2099-01-01T00:00:00Z in the store"


def _recovery_outcome(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE recovery_cases SET outcome = 'recovered' WHERE ticket_id = ?", (f.ticket,)))
    return "outcome is recovered in the store, lost by its events"


def _evaluation_scores(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE evaluations SET associate_score = 5, policy_score = 4 WHERE ticket_id = ?", (f.ticket,)))
    return "associate score is 5 in the store, 2 by its events"


def _pin_replaced(f: Floor, p: Path) -> str:
    from csconsole.services.pin import hasher

    _edit(p, ("UPDATE agent_pins SET hash = ? WHERE agent_id = ?", (hasher().hash("1357"), f.sue)))
    return f"PIN of agent {f.sue}: the stored hash is not the one its events recorded (it was replaced)"


def _pin_deleted(f: Floor, p: Path) -> str:
    _edit(p, ("DELETE FROM agent_pins WHERE agent_id = ?", (f.sue,)))
    return f"PIN of agent {f.sue} is missing in the store, though its events set it (the hash was deleted)"


def _zendesk_metrics(f: Floor, p: Path) -> str:
    ref = str(_value(p, "SELECT t.ref FROM zendesk_tickets z JOIN tickets t ON t.id = z.ticket_id "
                        "WHERE z.replies IS NOT NULL ORDER BY z.ticket_id LIMIT 1"))
    _edit(p, ("UPDATE zendesk_tickets SET replies = replies + 7 WHERE ticket_id = (SELECT id FROM tickets WHERE ref = ?)",
              (ref,)))
    return f"Zendesk link of {ref}: replies is"


def _policy_renamed(f: Floor, p: Path) -> str:
    _edit(p, ("UPDATE policies SET name = 'Refunds are fine'", ()))
    return "policy 1: name is Refunds are fine in the store, Refunds over $50 need approval by its events"


def _triggers_dropped(f: Floor, p: Path) -> str:
    _edit(p, ("DROP TRIGGER events_append_only_delete", ()))
    return "the append-only trigger events_append_only_delete is missing (dropped)"


def _edited_event(f: Floor, p: Path) -> str:
    _tamper(p, ("UPDATE events SET at = '2020-01-01T00:00:00Z' WHERE seq = 20", ()))
    return "event 20 "


def _truncated(f: Floor, p: Path) -> str:
    _tamper(p, ("DELETE FROM events WHERE seq > ?", (f.head.seq - 3,)))
    return "in the store"  # the rows the last events changed outlive them: named even without a kept head


def _forged_reassign(f: Floor, p: Path) -> str:
    seq = _forge(p, f.ticket, "reassign", f.ana, f'{{"owner":{f.ana},"queue":{f.billing},"reason":"mine now"}}')
    return f"event {seq} (reassign on "


def _forged_close(f: Floor, p: Path) -> str:
    seq = _forge(p, f.ticket + 2, "status", f.raj, '{"note":"","status":"closed"}')
    return f"event {seq} (status on "


def _backdated(f: Floor, p: Path) -> str:
    seq = _forge(p, f.ticket, "note", f.ana, '{"note":"customer agreed to wait"}', at="2026-01-05T09:00:00Z")
    return f"event {seq} (note on "


def _dated_ahead(f: Floor, p: Path) -> str:
    seq = _forge(p, f.ticket, "note", f.ana, '{"note":"see you"}', at="2099-01-01T00:00:00Z")
    return f"event {seq} (note on "


def _unknown_actor(f: Floor, p: Path) -> str:
    seq = _forge(p, f.ticket, "reply", 999, '{"note":"hello"}')
    return f"event {seq} (reply on "


def _promoted_by_hand(f: Floor, p: Path) -> str:
    seq = _forge(p, None, "agent_changed", 999, f'{{"agent":{f.ana},"role":"supervisor"}}')
    return f"event {seq} (agent_changed on the floor's records"


CASES: dict[str, tuple[Case, str]] = {  # what is tampered → (how, a word the verdict must say about it)
    "event edited": (_edited_event, "does not match its hash"),
    "log truncated": (_truncated, "by its events"),
    "ticket owner": (_ticket_owner, "ticket"),
    "ticket status": (_ticket_status, "ticket"),
    "ticket bounces": (_ticket_bounces, "ticket"),
    "ticket subject": (_ticket_subject, "ticket"),
    "refs swapped": (_ref_swap, "ref"),
    "agent promoted": (_agent_promoted, "role"),
    "agents' names swapped": (_agent_names_swapped, "name"),
    "customer since": (_customer_since, "customer"),
    "customer resolved tickets": (_resolved_count, "customer"),
    "ticket SLA due time": (_sla_due, "ticket"),
    "recovery outcome": (_recovery_outcome, "recovery case"),
    "evaluation scores": (_evaluation_scores, "evaluation"),
    "PIN hash replaced": (_pin_replaced, "replaced"),
    "PIN hash deleted": (_pin_deleted, "deleted"),
    "Zendesk metrics": (_zendesk_metrics, "Zendesk"),
    "policy renamed": (_policy_renamed, "policy"),
    "trigger dropped": (_triggers_dropped, "trigger"),
    "forged live reassign by an agent": (_forged_reassign, "only a supervisor or manager records it live"),
    "forged close by a non-owner": (_forged_close, "recorded live, yet the console refuses it"),
    "backdated append": (_backdated, "backdated"),
    "append dated ahead": (_dated_ahead, "after this check ran"),
    "append by an unknown actor": (_unknown_actor, "whom no earlier event added"),
    "role change by an unknown actor": (_promoted_by_hand, "whom no earlier event added"),
}


def caught_and_named(what: str, floor: Floor, path: Path) -> tuple[bool, bool, str]:
    """Tamper a copy of ``floor`` at ``path`` as ``CASES[what]`` says: (caught, named, the verdict's line)."""
    shutil.copy(floor.path, path)
    how, word = CASES[what]
    names = how(floor, path)
    with open_store(str(path), read_only=True) as store:
        verdict = audit.verify(store)
    return not verdict.ok, names in verdict.problem and word in verdict.problem, verdict.problem


@pytest.mark.parametrize("what", CASES)
def test_every_kind_of_tampering_is_caught_and_named(what: str, full_floor: Floor, tmp_path: Path) -> None:
    caught, named, problem = caught_and_named(what, full_floor, tmp_path / "copy.db")
    assert caught and named and "\n" not in problem, (what, problem)


def test_the_command_line_says_it_in_one_line_and_exits_1(full_floor: Floor, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "copy.db"
    shutil.copy(full_floor.path, path)
    _agent_promoted(full_floor, path)
    assert main(["audit", "verify", str(path)]) == 1
    err = capsys.readouterr().err
    assert err == f"csconsole: audit failed: agent {full_floor.ana}: role is supervisor in the store, agent by its events\n"


def test_the_untouched_floor_verifies_and_rebuild_changes_nothing(full_floor: Floor, tmp_path: Path) -> None:
    path = tmp_path / "copy.db"
    shutil.copy(full_floor.path, path)
    with open_store(str(path)) as store:
        assert audit.verify(store, full_floor.head.hash).ok
        rebuilt = audit.rebuild(store)
        assert (rebuilt.corrected, rebuilt.cannot) == (0, [])


def test_rebuild_puts_back_every_derived_table_but_a_pin_hash(full_floor: Floor, tmp_path: Path) -> None:
    path = tmp_path / "copy.db"
    shutil.copy(full_floor.path, path)
    for what in ("ticket owner", "refs swapped", "agent promoted", "agents' names swapped", "customer since",
                 "customer resolved tickets", "ticket SLA due time", "recovery outcome", "evaluation scores",
                 "Zendesk metrics", "policy renamed", "PIN hash replaced"):
        CASES[what][0](full_floor, path)
    with open_store(str(path)) as store:
        rebuilt = audit.rebuild(store)
        assert rebuilt.corrected >= 11
        assert len(rebuilt.cannot) == 1 and "replaced" in rebuilt.cannot[0] and "set it again" in rebuilt.cannot[0]
        assert "PIN of agent" in audit.verify(store).problem  # only the hash the events cannot give back
    with open_store(str(path)) as store:
        pin.clear_pin(store, full_floor.sue, by=None, current="1357")
        assert audit.verify(store).ok


# --- the log itself at random positions ----------------------------------------------------------------

def _row(path: Path, seq: int) -> tuple[object, ...]:
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT seq, ticket_id, kind, at, actor_id, data, hash FROM events WHERE seq = ?",
                       (seq,)).fetchone()
    conn.close()
    return row


def _random_edit(path: Path, rng: random.Random, last: int) -> int:
    seq = rng.randint(1, last)
    column, value = rng.choice([
        ("data", '{"note":"all fine, nothing to see"}'), ("at", "2020-01-01T00:00:00Z"), ("kind", "note"),
        ("actor_id", 5), ("ticket_id", 1 + seq % 3), ("hash", "f" * 64),
    ])
    if _row(path, seq)[(["seq", "ticket_id", "kind", "at", "actor_id", "data", "hash"]).index(column)] == value:
        column, value = "hash", "e" * 64
    _tamper(path, (f"UPDATE events SET {column} = ? WHERE seq = ?", (value, seq)))
    return seq


def _random_delete(path: Path, rng: random.Random, last: int) -> int | None:
    seq = rng.randint(1, last)
    _tamper(path, ("DELETE FROM events WHERE seq = ?", (seq,)))
    return None if seq == last else seq + 1  # a deleted tail is caught by the kept head


def _random_insert(path: Path, rng: random.Random, last: int) -> int:
    """A forged event slipped in at ``seq``, hash chained properly from the event before it."""
    seq = rng.randint(2, last)
    prev = str(_row(path, seq - 1)[6])
    data = '{"note":"customer agreed to wait"}'
    forged = chain.link(prev, chain.canonical_event(seq, 1, "note", "2026-01-01T00:00:00Z", 1, data))
    _tamper(path,
            ("UPDATE events SET seq = seq + 1000000 WHERE seq >= ?", (seq,)),
            ("UPDATE events SET seq = seq - 999999 WHERE seq >= 1000000", ()),
            ("INSERT INTO events VALUES (?, 1, 'note', '2026-01-01T00:00:00Z', 1, ?, ?)",
             (seq, data, forged)))
    return seq + 1  # the forged link holds; the genuine event after it no longer does


def _random_reorder(path: Path, rng: random.Random, last: int) -> int:
    first, second = sorted(rng.sample(range(1, last + 1), 2))
    _tamper(path,
            ("UPDATE events SET seq = -1 WHERE seq = ?", (first,)),
            ("UPDATE events SET seq = ? WHERE seq = ?", (first, second)),
            ("UPDATE events SET seq = ? WHERE seq = -1", (second,)))
    return first


TAMPERING: dict[str, Callable[[Path, random.Random, int], int | None]] = {
    "edited": _random_edit, "deleted": _random_delete, "inserted": _random_insert, "reordered": _random_reorder,
}


@pytest.mark.parametrize("how", TAMPERING)
def test_tampering_at_random_positions_is_always_caught_and_named(
    how: str, pristine: tuple[Path, int, str], tmp_path: Path
) -> None:
    source, last, kept = pristine
    rng = random.Random(how)
    for attempt in range(POSITIONS):
        path = tmp_path / f"{attempt}.db"
        shutil.copy(source, path)
        expected = TAMPERING[how](path, rng, last)
        with open_store(str(path), read_only=True) as store:
            verdict = audit.verify(store, kept)
        assert not verdict.ok, (how, attempt)
        if expected is None:
            assert "rewritten" in verdict.problem
        else:
            assert verdict.bad_seq == expected, (how, verdict.problem)
            assert f"event {expected}" in verdict.problem


def test_a_rewritten_chain_verifies_alone_but_not_against_the_kept_head(
    pristine: tuple[Path, int, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, last, kept = pristine
    rng = random.Random(11)
    for attempt in range(POSITIONS):
        path = tmp_path / f"{attempt}.db"
        shutil.copy(source, path)
        start = rng.randint(1, last)
        conn = sqlite3.connect(path)
        rows = conn.execute(
            "SELECT seq, ticket_id, kind, at, actor_id, data FROM events ORDER BY seq"
        ).fetchall()
        conn.close()
        prev, updates = chain.GENESIS, []
        for seq, ticket_id, kind, at, actor, data in rows:
            if seq == start:
                data = '{"note":"we never said that"}'
            prev = chain.link(prev, chain.canonical_event(seq, ticket_id, kind, at, actor, data))
            if seq >= start:
                updates.append(("UPDATE events SET data = ?, hash = ? WHERE seq = ?", (data, prev, seq)))
        _tamper(path, *updates)
        assert main(["audit", "verify", str(path), "--chain-only"]) == 0  # self-consistent again...
        assert main(["audit", "verify", str(path), "--head", kept]) == 1  # ...but not what was kept
        err = capsys.readouterr().err
        assert "rewritten" in err and err.count("\n") == 1


def test_the_cli_names_the_first_bad_event(pristine: tuple[Path, int, str], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    source, last, kept = pristine
    path = tmp_path / "store.db"
    shutil.copy(source, path)
    _tamper(path, ("UPDATE events SET data = '{\"note\":\"x\"}' WHERE seq = ?", (last // 2,)))
    assert main(["audit", "verify", str(path), "--head", kept]) == 1
    assert f"event {last // 2} " in capsys.readouterr().err


# --- the same verdicts when the parts run in two processes ----------------------------------------------

IN_PARTS = ("event edited", "log truncated", "ticket owner", "customer resolved tickets", "recovery outcome",
            "agent promoted", "backdated append", "append dated ahead", "forged live reassign by an agent")


@pytest.mark.slow
@pytest.mark.parametrize("what", IN_PARTS)
def test_two_processes_give_the_same_verdict_as_one(what: str, full_floor: Floor, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A large store's check runs in a pool of two processes, in many parts, while this one compares the
    floor's records: the same line, the same counts as the check made here in one part."""
    from csconsole.store import recompute
    from csconsole.store import verify as verifying

    path = tmp_path / "copy.db"
    caught, named, alone = caught_and_named(what, full_floor, path)
    assert caught and named, (what, alone)
    with open_store(str(path), read_only=True) as store:
        here = audit.verify(store)
    monkeypatch.setattr(verifying, "POOL_FROM", 0)
    monkeypatch.setattr(verifying, "CHAIN_PART", 5)  # several chain parts and ticket ranges, every link
    monkeypatch.setattr(recompute, "RANGE", 2)  # between parts checked
    with open_store(str(path), read_only=True) as store:
        pooled = audit.verify(store)
    assert (pooled.ok, pooled.problem, pooled.bad_seq, pooled.checked, pooled.rows, pooled.findings) == \
        (here.ok, here.problem, here.bad_seq, here.checked, here.rows, here.findings)


@pytest.mark.slow
def test_two_processes_pass_an_untouched_floor(full_floor: Floor, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from csconsole.store import verify as verifying

    with open_store(str(full_floor.path), read_only=True) as store:
        here = audit.verify(store)
    monkeypatch.setattr(verifying, "POOL_FROM", 0)
    monkeypatch.setattr(verifying, "CHAIN_PART", 5)
    with open_store(str(full_floor.path), read_only=True) as store:
        pooled = audit.verify(store)
    assert here.ok and pooled.ok, (here.problem, pooled.problem)
    assert (pooled.checked, pooled.rows, pooled.findings, pooled.head) == (here.checked, here.rows, here.findings,
                                                                           here.head)
