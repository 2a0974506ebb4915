"""Commits by another connection appear without losing the selection, the scroll position or a half-typed search.

On both engines: a store file tells of other commits through SQLite's ``data_version`` poll (what changed
is unknown), a store on a server by notification (which tickets changed)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from csconsole.domain.read_models import TicketFilter
from csconsole.services import queries, tickets
from csconsole.ui.actions import ActionId


@pytest.fixture
def store_path(floor_store: str) -> str:
    return floor_store


def test_a_write_from_another_connection_shows_up(qtbot, window, writer) -> None:
    window.selection.select_row(3)
    selected = window.selection.current_ticket_id()
    qtbot.waitUntil(lambda: window.detail.ticket_id == selected, timeout=3000)
    window.filter_bar.search.setText("Cust")  # half typed, not applied yet
    window.filter_bar._debounce.stop()
    count = window.table_model.rowCount()
    queue = queries.queue_by_name(writer, "Billing")

    # another process: a new ticket, and a note on the ticket we are looking at
    tickets.create_ticket(writer, actor_id=None, customer="New Person", subject="Router on fire",
                          channel="phone", priority="urgent", queue_id=queue.id)
    raj = queries.agent_by_name(writer, "Raj Patel")
    tickets.add_note(writer, selected, actor_id=raj.id, note="spoke to the customer")

    qtbot.waitUntil(lambda: window.table_model.rowCount() == count + 1, timeout=2000)
    assert window.table_model.rowCount() == queries.tickets_count(writer, window.ticket_list.current_filter())
    assert window.table_model.row_at(0).subject == "Router on fire"  # newest first
    qtbot.waitUntil(lambda: any(e.summary == "Note: spoke to the customer"
                                for e in queries.ticket_detail(window.store, selected).events), timeout=2000)
    qtbot.waitUntil(lambda: window.detail.event_count ==
                    len(queries.ticket_detail(window.store, selected).events), timeout=2000)
    assert window.selection.ticket_ids() == [selected]  # the same ticket, although it moved down a row
    assert window.selection.current_ticket_id() == selected
    assert window.filter_bar.search.text() == "Cust"
    assert window.findChild(QLabel, "refreshed").text().startswith("Refreshed")


def test_queues_panel_follows_other_writers(qtbot, window, writer) -> None:
    returns = queries.queue_by_name(writer, "Returns")
    qtbot.waitUntil(lambda: window.queues_model.rowCount() == 4, timeout=3000)
    row = window.queues_model.row_of(returns.id)
    before = int(window.queues_model.index(row, 1).data())
    assert before == queries.tickets_count(writer, TicketFilter(queue_id=returns.id, open_only=True))
    tickets.create_ticket(writer, actor_id=None, customer="Pat", subject="Wrong size", channel="email",
                          priority="low", queue_id=returns.id)
    qtbot.waitUntil(lambda: int(window.queues_model.index(row, 1).data()) == before + 1, timeout=2000)


def test_scroll_position_survives_a_refresh(qtbot, big_store_path) -> None:
    from csconsole.services import open_store
    from tests.ui.conftest import open_window

    window = open_window(qtbot, big_store_path)
    try:
        window.registry[ActionId.OPEN_ONLY].setChecked(False)
        qtbot.waitUntil(lambda: window.table_model.anchors is not None, timeout=3000)
        window.table.scrollTo(window.table_model.index(180, 0))
        position = window.table.verticalScrollBar().value()
        assert position > 0
        with qtbot.waitSignal(window.table_model.refreshed, timeout=2000), open_store(str(big_store_path)) as other:
            agent = queries.agent_by_name(other, "Li Wei")
            tickets.add_note(other, 5, actor_id=agent.id, note="still here")
        assert window.table.verticalScrollBar().value() == position
    finally:
        window.close()
        window.store.close()


def test_a_commit_on_another_ticket_leaves_the_detail_pane_alone(qtbot, window) -> None:
    """The changes event names the tickets a commit touched: the pane re-reads only its own ticket's commits."""
    window.selection.select_row(3)
    shown = window.selection.current_ticket_id()
    qtbot.waitUntil(lambda: window.detail.ticket_id == shown, timeout=3000)
    other = window.table_model.ticket_id(5)
    assert other is not None and other != shown
    reads: list[int] = []
    window.detail_view.read.connect(reads.append)
    me = window.who.agent.id

    with qtbot.waitSignal(window.runner.changes, timeout=5000) as seen, \
            qtbot.waitSignal(window.table_model.refreshed, timeout=5000):  # the table still re-reads its rows
        window.runner.commit(lambda s: tickets.add_note(s, other, actor_id=me, note="elsewhere"))
    assert seen.args[0].ticket_ids == {other}
    qtbot.wait(600)  # past the selection's settle timer and two live polls: our own commit is not re-announced
    assert reads == []
    assert window.detail.ticket_id == shown

    with qtbot.waitSignal(window.detail_view.read, timeout=5000):
        window.runner.commit(lambda s: tickets.add_note(s, shown, actor_id=me, note="on the shown ticket"))
    assert reads == [shown]
    assert any(e.summary == "Note: on the shown ticket" for e in queries.ticket_detail(window.store, shown).events)


def test_another_process_commit_rereads_what_is_shown(qtbot, window, writer) -> None:
    """A file's poll says nothing of what changed: the shown ticket is re-read. A server names the tickets:
    the detail pane re-reads only when its own ticket is among them."""
    qtbot.waitUntil(lambda: window.detail.ticket_id is not None, timeout=3000)
    shown = window.detail.ticket_id
    elsewhere = next(window.table_model.ticket_id(r) for r in range(1, 10) if window.table_model.ticket_id(r) != shown)
    raj = queries.agent_by_name(writer, "Raj Patel")
    if not window.store.notifies:
        with qtbot.waitSignal(window.runner.changes, timeout=3000) as seen, \
                qtbot.waitSignal(window.detail_view.read, timeout=3000) as read:
            tickets.add_note(writer, elsewhere, actor_id=raj.id, note="from another desk")
        assert seen.args[0].is_unknown
        assert read.args == [shown]
        return
    reads: list[int] = []
    window.detail_view.read.connect(reads.append)
    with qtbot.waitSignal(window.runner.changes, timeout=3000) as seen, \
            qtbot.waitSignal(window.table_model.refreshed, timeout=3000):  # the list still re-reads its rows
        tickets.add_note(writer, elsewhere, actor_id=raj.id, note="from another desk")
    assert seen.args[0].ticket_ids == {elsewhere} and not seen.args[0].is_unknown
    qtbot.wait(500)
    assert reads == []
    with qtbot.waitSignal(window.detail_view.read, timeout=3000) as read:
        tickets.add_note(writer, shown, actor_id=raj.id, note="on the ticket you look at")
    assert read.args == [shown]


def test_a_burst_of_commits_from_other_desks_is_a_few_rereads_the_last_one_included(qtbot, window, writer) -> None:
    """A busy floor commits many times a second: a console hears them a poll interval at a time (a server's
    notifications too, the first after a quiet spell at once), and what it shows ends with the last."""
    qtbot.waitUntil(lambda: window.detail.ticket_id is not None, timeout=3000)
    shown = window.detail.ticket_id
    raj = queries.agent_by_name(writer, "Raj Patel")
    heard: list[object] = []
    window.runner.changes.connect(heard.append)
    for n in range(20):  # ~25 ms apart, the event loop running between them, as another desk's commits come
        tickets.add_note(writer, shown, actor_id=raj.id, note=f"burst {n}")
        qtbot.wait(25)
    events = len(queries.ticket_detail(writer, shown).events)
    qtbot.waitUntil(lambda: window.detail.event_count == events, timeout=3000)
    assert 1 <= len(heard) <= 8, len(heard)  # 20 commits over >= 0.5 s, a delivery each 250 ms at most
