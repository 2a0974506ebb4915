"""Undo as a correction (issue 14): ``undo.revert`` takes an action back with one audited event, and
the ticket's counts, path, status and customer figures are what they were before the mistake."""

from __future__ import annotations

import pytest

from csconsole.domain.errors import RuleViolation
from csconsole.services import audit, queries, tickets, undo
from tests.conftest import Floor
from tests.sql import connection


def bounced_ticket(floor: Floor, customer: str) -> int:
    """Billing/Ana → Tech/Raj → Billing/Ana: two handoffs, one ping-pong."""
    s = floor.store
    tid = tickets.create_ticket(s, actor_id=None, customer=customer, subject="Bill wrong", channel="email",
                                priority="normal", queue_id=floor.billing).ticket_ids[0]
    tickets.take(s, tid, actor_id=floor.ana.id)
    tickets.transfer(s, tid, actor_id=floor.ana.id, queue_id=floor.tech, owner_id=floor.raj.id, note="fault")
    tickets.transfer(s, tid, actor_id=floor.raj.id, queue_id=floor.billing, owner_id=floor.ana.id, note="bill")
    return tid


def figures(floor: Floor, ids: list[int]) -> list[tuple[object, ...]]:
    return [(r.bounces, r.pingpongs, r.path, r.owner, r.status, r.sla_due_at)
            for r in queries.tickets_by_id(floor.store, ids)]


def resolved_counts(floor: Floor) -> list[tuple[int, int]]:
    return connection(floor.store).execute("SELECT id, resolved_tickets FROM customers ORDER BY id").fetchall()


def test_undoing_a_bulk_reassign_leaves_every_ticket_as_it_was(floor: Floor) -> None:
    """The new supervisor's trip: reassign three tickets, Ctrl+Z; none may end with more bounces."""
    ids = [bounced_ticket(floor, f"C{i}") for i in range(3)]
    before = figures(floor, ids)
    change = tickets.reassign(floor.store, ids, actor_id=floor.sue.id, to_id=floor.raj.id, reason="load")
    assert all(b + 1 == a for (b, *_), (a, *_) in zip(before, figures(floor, ids), strict=True))
    undone = undo.revert(floor.store, {t.ticket_id: t.seqs for t in change.tickets},
                         actor_id=floor.sue.id, note="Undo: reassign")
    assert figures(floor, ids) == before
    assert audit.rebuild(floor.store).corrected == 0  # what the ledger kept is what the events alone give
    assert audit.verify(floor.store).ok
    detail = queries.ticket_detail(floor.store, ids[0])
    assert [(e.kind, e.undone) for e in detail.events[-2:]] == [("reassign", True), ("revert", True)]
    assert [step.owner for step in detail.path] == ["Ana", "Raj", "Ana"]  # the undone step is not on the path
    redone = undo.revert(floor.store, {t.ticket_id: t.seqs for t in undone.tickets}, actor_id=floor.sue.id)
    assert [row[3] for row in figures(floor, ids)] == ["Raj"] * 3
    assert [t.after_holder for t in redone.tickets] == [t.after_holder for t in change.tickets]
    assert audit.rebuild(floor.store).corrected == 0


def test_undoing_a_resolve_reopens_the_ticket_and_the_customers_count(floor: Floor) -> None:
    tid = bounced_ticket(floor, "Acme")
    before, counts = figures(floor, [tid]), resolved_counts(floor)
    change = tickets.set_status(floor.store, tid, actor_id=floor.ana.id, status="resolved")
    assert resolved_counts(floor) != counts
    undo.revert(floor.store, {tid: change.tickets[0].seqs}, actor_id=floor.ana.id)
    assert figures(floor, [tid]) == before  # open again, its response clock running as before
    assert resolved_counts(floor) == counts
    assert audit.rebuild(floor.store).corrected == 0


def test_an_undo_is_refused_whole_and_names_the_ticket_when_someone_acted_since(floor: Floor) -> None:
    ids = [bounced_ticket(floor, f"C{i}") for i in range(2)]
    change = tickets.reassign(floor.store, ids, actor_id=floor.sue.id, to_id=floor.li.id, reason="load")
    tickets.reply(floor.store, ids[1], actor_id=floor.li.id, note="On it")
    ref = queries.tickets_by_id(floor.store, [ids[1]])[0].ref
    events = connection(floor.store).execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(RuleViolation, match=f"ticket {ref} changed since"):
        undo.revert(floor.store, {t.ticket_id: t.seqs for t in change.tickets}, actor_id=floor.sue.id)
    assert connection(floor.store).execute("SELECT count(*) FROM events").fetchone()[0] == events


def test_an_agent_cannot_undo_a_supervisors_reassign(floor: Floor) -> None:
    tid = bounced_ticket(floor, "Acme")
    change = tickets.reassign(floor.store, [tid], actor_id=floor.sue.id, to_id=floor.li.id, reason="load")
    with pytest.raises(RuleViolation, match="only who did it or a supervisor"):
        undo.revert(floor.store, {tid: change.tickets[0].seqs}, actor_id=floor.ana.id)


def test_the_history_tells_an_undo_and_a_redo_by_what_they_take_back(floor: Floor) -> None:
    tid = bounced_ticket(floor, "Acme")
    change = tickets.reassign(floor.store, [tid], actor_id=floor.sue.id, to_id=floor.raj.id, reason="load")
    undone = undo.revert(floor.store, {tid: change.tickets[0].seqs}, actor_id=floor.sue.id, note="Reassign A-1")
    redone = undo.revert(floor.store, {tid: undone.tickets[0].seqs}, actor_id=floor.sue.id, note="Reassign A-1")
    undo.revert(floor.store, {tid: redone.tickets[0].seqs}, actor_id=floor.sue.id)
    lines = [(e.summary, e.undone) for e in queries.ticket_detail(floor.store, tid).events[-4:]]
    assert lines == [
        ("Reassigned → Billing/Raj: load", True),  # undone again by the last undo
        ("Undone: the reassign (Reassign A-1)", True),
        ("Redone: the reassign (Reassign A-1)", True),
        ("Undone: the reassign", True),
    ]


def test_a_transfer_without_a_note_says_so_without_a_dangling_colon(floor: Floor) -> None:
    from csconsole.domain import history

    line = history.summary("transfer", {"queue": floor.tech, "owner": None, "note": ""}, {floor.tech: "Tech"}, {})
    assert line == f"Transferred → Tech/— {history.NO_TRANSFER_NOTE}"
    assert ": " not in line and not line.endswith(":")
