"""Counts and place (issue 14, items 3 and 7): "N shown · N selected", Esc clears the search, the selected
ticket stays selected and in view across a search or a sort, the watch mark, and room for Recovery and the
Dashboard, remembered across runs."""

from __future__ import annotations

from PySide6.QtCore import Qt

from csconsole.domain.read_models import TicketFilter
from csconsole.services import queries
from csconsole.ui.actions import ActionId
from csconsole.ui.models.ticket_rows import Column
from csconsole.ui.watchlist import MARK
from tests.ui.conftest import open_window
from tests.ui.helpers import settle
from tests.ui.test_reassign import _owned_rows, _reassign_via_dialog


def test_the_bar_says_how_many_are_shown_and_selected(qtbot, window) -> None:
    counts = window.filter_bar.counts
    shown = queries.tickets_count(window.store, TicketFilter(open_only=True))
    assert counts.text() == f"{shown:,} shown · 1 selected"
    window.registry[ActionId.CHIP_BOUNCED].trigger()
    window.registry[ActionId.CHIP_CALLBACK].trigger()  # chips combine
    settle(qtbot, window)
    both = queries.tickets_count(window.store, TicketFilter(open_only=True, min_bounces=3, min_contacts=3))
    qtbot.waitUntil(lambda: counts.text().startswith(f"{both:,} shown"), timeout=3000)
    window.registry[ActionId.CHIP_BOUNCED].trigger()
    window.registry[ActionId.CHIP_CALLBACK].trigger()
    settle(qtbot, window)
    window.table.selectAll()
    assert counts.text() == f"{shown:,} shown · {shown:,} selected"


def test_esc_clears_the_search(qtbot, window) -> None:
    every = window.table_model.rowCount()
    window.registry[ActionId.FIND].trigger()
    qtbot.keyClicks(window.filter_bar.search, "Problem number 1")
    window.filter_bar.flush()
    settle(qtbot, window)
    assert window.table_model.rowCount() < every
    qtbot.keyClick(window.filter_bar.search, Qt.Key.Key_Escape)
    settle(qtbot, window)
    assert window.filter_bar.search.text() == "" and window.table_model.rowCount() == every


def _in_view(window, ticket_id: int) -> bool:
    row = window.table_model.row_of(ticket_id)
    if row is None:
        return False
    rect = window.table.visualRect(window.table_model.index(row, 0))
    return window.table.viewport().rect().intersects(rect)


def test_the_selected_ticket_stays_selected_and_in_view(qtbot, big_store_path) -> None:
    window = open_window(qtbot, big_store_path)
    try:
        qtbot.waitUntil(lambda: window.table_model.anchors is not None, timeout=5000)
        wanted = queries.tickets_page(window.store, TicketFilter(open_only=True), limit=200)[-1]  # far down
        window.filter_bar.search.setText(wanted.ref)
        window.filter_bar.flush()
        settle(qtbot, window)
        window.selection.select_row(0)
        assert window.selection.current_ticket_id() == wanted.id
        window.filter_bar.clear_search()  # the search cleared: the ticket sits on row ~200 now
        qtbot.waitUntil(lambda: window.selection.current_ticket_id() == wanted.id and _in_view(window, wanted.id),
                        timeout=5000)
        assert window.selection.ticket_ids() == [wanted.id]
        qtbot.waitUntil(lambda: window.detail_view.ticket_id == wanted.id, timeout=3000)  # the detail follows
        head = window.table.horizontalHeader()
        head.setSortIndicator(Column.CONTACTS, Qt.SortOrder.DescendingOrder)  # another order altogether
        qtbot.waitUntil(lambda: not window.table_model.loading and window.selection.current_ticket_id() == wanted.id
                        and _in_view(window, wanted.id), timeout=5000)
        order = window.table_model.order
        assert window.table_model.row_of(wanted.id) == queries.ticket_position(
            window.store, window.table_model.ticket_filter, wanted.id, order=order)
    finally:
        window.close()
        window.store.close()


def test_watching_shows_a_mark_and_reassigning_does_not_watch(qtbot, window) -> None:
    row = _owned_rows(window, 1)[0]
    window.selection.select_row(row)
    ticket = window.table_model.row_at(row)
    _reassign_via_dialog(qtbot, window, "Raj Patel", "specialist")
    qtbot.waitUntil(lambda: queries.tickets_by_id(window.store, [ticket.id])[0].owner == "Raj Patel", timeout=5000)
    assert ticket.id not in window.watch  # acting on a ticket does not watch it silently
    qtbot.waitUntil(lambda: window.registry[ActionId.WATCH].isEnabled(), timeout=3000)
    window.selection.select_ticket(ticket.id)
    window.registry[ActionId.WATCH].trigger()  # Ctrl+D
    place = window.table_model.row_of(ticket.id)
    assert window.table_model.index(place, Column.REF).data() == f"{MARK} {ticket.ref}"
    assert "watched" in window.table_model.index(place, Column.REF).data(Qt.ItemDataRole.AccessibleTextRole)
    qtbot.waitUntil(lambda: "watched" in window.detail.title.text(), timeout=3000)
    qtbot.waitUntil(lambda: window.registry[ActionId.CHIP_WATCHED].property("count") == 1, timeout=3000)
    window.registry[ActionId.WATCH].trigger()
    assert window.table_model.index(place, Column.REF).data() == ticket.ref
    qtbot.waitUntil(lambda: "watched" not in window.detail.title.text(), timeout=3000)


def test_recovery_is_a_tab_beside_the_tickets_and_a_case_shows_its_ticket(qtbot, store_path) -> None:
    from csconsole.services import recovery

    window = open_window(qtbot, store_path)
    try:
        recovery.open_recovery(window.store, 2, actor_id=queries.agent_by_name(window.store, "Sue Park").id)
        window.registry[ActionId.RECOVERY_PANEL].trigger()  # F7
        view = window.recovery.view()
        tabs = window.window_layout.centre_tabs
        assert tabs.currentWidget() is view and tabs.count() == 2 and tabs.tabBar().isVisible()
        assert window.table.height() > 0 and view.height() > 300  # room, not a dock squeezing the table
        qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
        view.table.selectRow(0)  # selecting a case shows its ticket in the detail pane beside it
        qtbot.waitUntil(lambda: window.detail_view.ticket_id == 2, timeout=5000)
        assert window.detail.isVisible()
        window.registry[ActionId.DASHBOARD_PANEL].trigger()  # F8: a window of its own
        board = window.dashboard.view()
        assert board.window() is not window and board.window().isVisible()
        assert tabs.indexOf(board) < 0
    finally:
        window.close()
        window.store.close()
    again = open_window(qtbot, store_path)  # the next run: as it was left
    try:
        qtbot.waitUntil(lambda: again.registry[ActionId.RECOVERY_PANEL].isChecked()
                        and again.registry[ActionId.DASHBOARD_PANEL].isChecked(), timeout=5000)
        assert again.window_layout.centre_tabs.currentWidget() is again.recovery.view()
        again.window_layout.centre_tabs.tabCloseRequested.emit(1)  # closing the tab turns F7 off
        assert not again.registry[ActionId.RECOVERY_PANEL].isChecked()
        assert again.window_layout.centre_tabs.count() == 1
    finally:
        again.close()
        again.store.close()
