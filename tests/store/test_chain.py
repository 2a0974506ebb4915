"""`audit verify` catches edited, deleted, inserted and reordered events, and a rewritten chain."""

from __future__ import annotations

import pytest

from csconsole.cli import main
from csconsole.services import audit, open_store, tickets
from csconsole.store import chain
from tests.conftest import Floor
from tests.sites import Site


@pytest.fixture
def logged(floor: Floor) -> Site:
    for i in range(5):
        change = tickets.create_ticket(floor.store, actor_id=None, customer=f"C{i}", subject=f"s{i}",
                                       channel="phone", priority="normal", queue_id=floor.billing)
        tid = change.ticket_ids[0]
        tickets.take(floor.store, tid, actor_id=floor.ana.id)
        tickets.reply(floor.store, tid, actor_id=floor.ana.id, note="hello")
    floor.store.close()
    return floor.site  # 12 events of the floor's queues, agents and customers, then 15 of its tickets



def verify(site: Site, head: str | None = None) -> chain.Verdict:
    with open_store(site.location, read_only=True) as store:
        return audit.verify(store, head)


def test_an_untouched_chain_verifies(logged: Site) -> None:
    verdict = verify(logged)
    assert verdict.ok and verdict.checked == 27 and verdict.head.seq == 27


def test_an_edited_event_is_named(logged: Site) -> None:
    logged.tamper("""UPDATE events SET data = '{"note":"all fine"}' WHERE seq = 6""")
    verdict = verify(logged)
    assert not verdict.ok and verdict.bad_seq == 6


def test_a_deleted_event_is_named(logged: Site) -> None:
    logged.tamper("DELETE FROM events WHERE seq = 9")
    verdict = verify(logged)
    assert not verdict.ok and verdict.bad_seq == 10 and "9..9 are missing" in verdict.problem


def test_an_inserted_event_is_named(logged: Site) -> None:
    # Shift the tail up by one and slip a forged event in at 8, with a hash chained from 7.
    prev = logged.sql("SELECT hash FROM events WHERE seq = 7")[0][0]
    data = '{"note":"customer agreed to wait"}'
    forged = chain.link(prev, chain.canonical_event(8, 1, "note", "2026-01-01T00:00:00Z", 1, data))
    logged.tamper(
           "UPDATE events SET seq = seq + 100 WHERE seq >= 8",
           "UPDATE events SET seq = seq - 99 WHERE seq >= 108",
           f"INSERT INTO events VALUES (8, 1, 'note', '2026-01-01T00:00:00Z', 1, '{data}', '{forged}')")
    verdict = verify(logged)
    assert not verdict.ok and verdict.bad_seq == 9


def test_reordered_events_are_named(logged: Site) -> None:
    logged.tamper(
           "UPDATE events SET seq = 1000 WHERE seq = 4",
           "UPDATE events SET seq = 4 WHERE seq = 5",
           "UPDATE events SET seq = 5 WHERE seq = 1000")
    verdict = verify(logged)
    assert not verdict.ok and verdict.bad_seq == 4


def test_a_rewritten_chain_is_caught_with_the_head_kept_earlier(logged: Site) -> None:
    kept = verify(logged).head.hash
    # Rewrite event 11 (the first ticket's reply: a note no table derives from) and recompute every hash
    # after it: the chain is self-consistent again...
    rows = logged.sql("SELECT seq, ticket_id, kind, at, actor_id, data FROM events ORDER BY seq")
    prev, updates = chain.GENESIS, []
    for seq, tid, kind, at, actor, data in rows:
        if seq == 11:
            assert kind == "reply"
            data = '{"note":"we never said that"}'
        prev = chain.link(prev, chain.canonical_event(seq, tid, kind, at, actor, data))
        updates.append(f"UPDATE events SET data = '{data}', hash = '{prev}' WHERE seq = {seq}")
    logged.tamper(*updates)
    with open_store(logged.location, read_only=True) as store:
        assert audit.verify(store, chain_only=True).ok
        assert "the append-only trigger events_append_only_" in audit.verify(store).problem  # the guards it switched off
    # ...but not with the head the auditor kept.
    verdict = verify(logged, kept)
    assert not verdict.ok and "rewritten" in verdict.problem


def test_cli_audit_exit_codes_and_messages(logged: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "head", logged.location]) == 0
    seq, head = capsys.readouterr().out.split()
    assert seq == "27" and len(head) == 64
    assert main(["audit", "verify", logged.location, "--head", head]) == 0
    assert main(["audit", "verify", logged.location, "--chain-only"]) == 0
    assert "; the chain holds; head 27 " in capsys.readouterr().out
    logged.tamper("UPDATE events SET at = '2020-01-01T00:00:00Z' WHERE seq = 2")
    assert main(["audit", "verify", logged.location]) == 1
    assert "event 2 " in capsys.readouterr().err
