"""Reassign through the dialog writes one audited event; undo and redo write their reverse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from csconsole.domain.read_models import TicketFilter
from csconsole.services import queries, tickets
from csconsole.ui.actions import ActionId
from csconsole.ui.dialogs.reassign import ReassignDialog
from tests.ui.conftest import SUPERVISOR, select_rows
from tests.ui.helpers import events_of


@pytest.fixture
def store_path(floor_store: str) -> str:
    """Reassign, undo and their refusals on both engines."""
    return floor_store


def _owned_rows(window, n: int) -> list[int]:
    """Rows of the first ``n`` tickets that have an owner other than Raj."""
    rows = [r for r in range(window.table_model.rowCount())
            if (row := window.table_model.row_at(r)).owner and row.owner != "Raj Patel"]
    return rows[:n]


def _reassign_via_dialog(qtbot, window, to: str, detail: str) -> None:
    window.registry[ActionId.REASSIGN].trigger()
    dialog = window.dialogs.active
    assert isinstance(dialog, ReassignDialog) and dialog.isVisible()
    assert dialog.select_agent(to)
    dialog.detail.setText(detail)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)


def _wait_for_kinds(qtbot, window, tid: int, kinds: list[str]) -> None:
    qtbot.waitUntil(lambda: [e.kind for e in events_of(window.store, tid)][-len(kinds):] == kinds, timeout=5000)


def test_reassign_writes_one_event_and_undo_writes_its_reverse(qtbot, window) -> None:
    row = _owned_rows(window, 1)[0]
    window.selection.select_row(row)
    ticket = window.table_model.row_at(row)
    before = len(events_of(window.store, ticket.id))

    _reassign_via_dialog(qtbot, window, "Raj Patel", "knows the router firmware")
    qtbot.waitUntil(lambda: len(events_of(window.store, ticket.id)) == before + 1, timeout=5000)
    event = events_of(window.store, ticket.id)[-1]
    assert event.kind == "reassign"
    assert event.actor == SUPERVISOR
    assert event.data["reason"] == "Ping-pong: one owner until resolved: knows the router firmware"
    assert queries.tickets_by_id(window.store, [ticket.id])[0].owner == "Raj Patel"
    qtbot.waitUntil(lambda: window.ticket_work.undo_stack.count() == 1 and window.registry[ActionId.UNDO].isEnabled(), timeout=5000)

    window.registry[ActionId.UNDO].trigger()
    qtbot.waitUntil(lambda: len(events_of(window.store, ticket.id)) == before + 2, timeout=5000)
    undo = events_of(window.store, ticket.id)[-1]
    assert undo.kind == "revert" and undo.data["reverts"] == [event.seq]  # a correction, not a new handoff
    assert queries.tickets_by_id(window.store, [ticket.id])[0].owner == ticket.owner

    qtbot.waitUntil(lambda: window.registry[ActionId.REDO].isEnabled(), timeout=5000)
    window.registry[ActionId.REDO].trigger()
    qtbot.waitUntil(lambda: len(events_of(window.store, ticket.id)) == before + 3, timeout=5000)
    assert queries.tickets_by_id(window.store, [ticket.id])[0].owner == "Raj Patel"


def test_bulk_reassign_and_bulk_undo(qtbot, window) -> None:
    rows = _owned_rows(window, 3)
    select_rows(window, rows)
    picked = {window.table_model.ticket_id(r): window.table_model.row_at(r).owner for r in rows}
    assert sorted(window.selection.ticket_ids()) == sorted(picked)
    counts = {tid: len(events_of(window.store, tid)) for tid in picked}

    _reassign_via_dialog(qtbot, window, "Raj Patel", "one owner for the outage")
    qtbot.waitUntil(lambda: all(len(events_of(window.store, t)) == counts[t] + 1 for t in picked), timeout=5000)
    rows_now = queries.tickets_by_id(window.store, list(picked))
    assert {r.owner for r in rows_now} == {"Raj Patel"}
    assert all(events_of(window.store, t)[-1].kind == "reassign" for t in picked)
    qtbot.waitUntil(lambda: window.registry[ActionId.UNDO].isEnabled(), timeout=5000)

    window.registry[ActionId.UNDO].trigger()
    qtbot.waitUntil(lambda: all(len(events_of(window.store, t)) == counts[t] + 2 for t in picked), timeout=5000)
    assert {r.id: r.owner for r in queries.tickets_by_id(window.store, list(picked))} == picked


def test_undo_is_refused_when_someone_acted_since(qtbot, window, writer) -> None:
    row = _owned_rows(window, 1)[0]
    window.selection.select_row(row)
    ticket = window.table_model.row_at(row)
    _reassign_via_dialog(qtbot, window, "Raj Patel", "specialist")
    qtbot.waitUntil(lambda: window.ticket_work.undo_stack.count() == 1 and window.registry[ActionId.UNDO].isEnabled(), timeout=5000)
    raj = queries.agent_by_name(writer, "Raj Patel")
    tickets.add_note(writer, ticket.id, actor_id=raj.id, note="on it")  # another process acts meanwhile
    before = len(events_of(window.store, ticket.id))

    window.registry[ActionId.UNDO].trigger()
    qtbot.waitUntil(lambda: "Undo refused" in window.messages.last, timeout=5000)
    assert f"ticket {ticket.ref} changed since" in window.messages.last  # named by its ref, as the user knows it
    assert "try again" not in window.messages.last  # it cannot succeed: it is off the undo list instead
    assert len(events_of(window.store, ticket.id)) == before  # nothing written
    assert window.ticket_work.undo_stack.count() == 0  # a refused undo cannot be retried
    assert not window.registry[ActionId.UNDO].isEnabled()
    assert queries.tickets_by_id(window.store, [ticket.id])[0].owner == "Raj Patel"


def test_a_refused_undo_does_not_block_older_ones(qtbot, window, writer) -> None:
    first, second = (window.table_model.row_at(r) for r in _owned_rows(window, 2))
    for ticket in (first, second):
        qtbot.waitUntil(lambda: window.registry[ActionId.REASSIGN].isEnabled() and not window.table_model.loading,
                        timeout=5000)
        assert window.selection.select_ticket(ticket.id)
        _reassign_via_dialog(qtbot, window, "Raj Patel", "specialist")
        qtbot.waitUntil(lambda t=ticket: queries.tickets_by_id(window.store, [t.id])[0].owner == "Raj Patel",
                        timeout=5000)
    qtbot.waitUntil(lambda: window.ticket_work.undo_stack.count() == 2 and window.registry[ActionId.UNDO].isEnabled(),
                    timeout=5000)
    tickets.add_note(writer, second.id, actor_id=queries.agent_by_name(writer, "Li Wei").id, note="mine now")

    window.registry[ActionId.UNDO].trigger()  # the second reassign: refused, someone acted since
    qtbot.waitUntil(lambda: "Undo refused" in window.messages.last, timeout=5000)
    qtbot.waitUntil(lambda: window.registry[ActionId.UNDO].isEnabled(), timeout=5000)
    assert window.ticket_work.undo_stack.count() == 1
    window.registry[ActionId.UNDO].trigger()  # the first one is still within reach
    qtbot.waitUntil(lambda: queries.tickets_by_id(window.store, [first.id])[0].owner == first.owner, timeout=5000)
    assert queries.tickets_by_id(window.store, [second.id])[0].owner == "Raj Patel"


def test_rule_refusal_is_a_plain_message(qtbot, store_path) -> None:
    from tests.ui.conftest import open_window

    window = open_window(qtbot, store_path, identity="Ana Lima")  # an agent may not reassign
    try:
        window.selection.select_row(_owned_rows(window, 1)[0])
        _reassign_via_dialog(qtbot, window, "Raj Patel", "please")
        qtbot.waitUntil(lambda: "only a supervisor or manager may reassign" in window.messages.last, timeout=5000)
        assert window.ticket_work.undo_stack.count() == 0
    finally:
        window.close()
        window.store.close()


def test_reassign_dialog_needs_an_agent_and_a_reason(qtbot, window) -> None:
    window.selection.select_row(0)
    window.registry[ActionId.REASSIGN].trigger()
    dialog = window.dialogs.active
    ok = dialog.buttons.buttons()[0]
    assert not ok.isEnabled()
    dialog.select_agent("Li Wei")
    assert not ok.isEnabled()  # the reason is required
    dialog.detail.setText("covering the shift")
    assert ok.isEnabled()
    loads = {load.agent.name: load.open_tickets for load in queries.agents_with_load(window.store)}
    shown = {dialog.model.index(r, 0).data(): int(dialog.model.index(r, 3).data())
             for r in range(dialog.model.rowCount())}
    assert shown == loads
    assert sum(shown.values()) == queries.tickets_count(window.store, TicketFilter(open_only=True)) - \
        queries.tickets_count(window.store, TicketFilter(open_only=True, unowned=True))
    dialog.reject()


def test_select_all_and_reassign_across_pages(qtbot, big_store_path) -> None:
    from tests.ui.conftest import open_window

    window = open_window(qtbot, big_store_path)
    try:
        qtbot.waitUntil(lambda: window.table_model.anchors is not None, timeout=5000)
        window.table.selectAll()
        count = window.table_model.rowCount()
        assert count > 200 and window.selection.count() == count  # more than two pages
        before = {r.id: r.owner for r in window.selection.rows()}
        assert len(before) == count
        _reassign_via_dialog(qtbot, window, "Li Wei", "the whole floor while the others train")
        moved = {t for t, owner in before.items() if owner != "Li Wei"}
        qtbot.waitUntil(lambda: queries.tickets_count(window.store, TicketFilter(open_only=True, owner_id=queries.agent_by_name(
            window.store, "Li Wei").id)) == count, timeout=10_000)
        assert all(events_of(window.store, t)[-1].kind == "reassign" for t in list(moved)[:20])
        qtbot.waitUntil(lambda: window.registry[ActionId.UNDO].isEnabled(), timeout=5000)
        window.registry[ActionId.UNDO].trigger()
        qtbot.waitUntil(lambda: {r.id: r.owner for r in queries.tickets_by_id(window.store, list(before))} == before,
                        timeout=10_000)
    finally:
        window.close()
        window.store.close()


def test_reassign_by_keyboard_alone(qtbot, window) -> None:
    row = _owned_rows(window, 1)[0]
    window.selection.select_row(row)
    ticket = window.table_model.row_at(row)
    before = len(events_of(window.store, ticket.id))
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.dialogs.active is not None and window.dialogs.active.isVisible(), timeout=3000)
    dialog = window.dialogs.active
    qtbot.keyClicks(dialog.search, "a")  # filters, and picks the first agent left
    first = dialog.agent_name()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)  # the next one, without leaving the filter
    chosen = dialog.agent_name()
    assert first and chosen and chosen != first
    dialog.detail.setFocus()
    qtbot.keyClicks(dialog.detail, "covers the evening shift")
    qtbot.keyClick(dialog.detail, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(events_of(window.store, ticket.id)) == before + 1, timeout=5000)
    assert queries.tickets_by_id(window.store, [ticket.id])[0].owner == chosen


def test_a_bulk_reassign_with_a_ticket_changed_meanwhile_offers_the_others(qtbot, window, writer) -> None:
    from PySide6.QtWidgets import QMessageBox

    rows = _owned_rows(window, 3)
    select_rows(window, rows)
    picked = {window.table_model.ticket_id(r): window.table_model.row_at(r) for r in rows}
    changed = next(iter(picked))
    window.registry[ActionId.REASSIGN].trigger()
    dialog = window.dialogs.active
    assert dialog.select_agent("Raj Patel")
    dialog.detail.setText("one owner")
    tickets.add_note(writer, changed, actor_id=queries.agent_by_name(writer, "Raj Patel").id, note="on it")
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: isinstance(window.dialogs.active, QMessageBox), timeout=5000)
    ask = window.dialogs.active
    assert picked[changed].ref in ask.text() and "1 of 3 tickets changed" in ask.text()
    assert all(r.owner != "Raj Patel" for r in queries.tickets_by_id(window.store, list(picked)))  # refused whole
    other = next(b for b in ask.buttons() if "Reassign the other 2" in b.text())
    qtbot.mouseClick(other, Qt.MouseButton.LeftButton)
    owners = lambda: {r.id: r.owner for r in queries.tickets_by_id(window.store, list(picked))}  # noqa: E731
    qtbot.waitUntil(lambda: sum(o == "Raj Patel" for o in owners().values()) == 2, timeout=5000)
    assert owners()[changed] == picked[changed].owner
