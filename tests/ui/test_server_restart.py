"""A store on a server that restarts under an open console: a banner says so, the listener and every
connection come back by themselves, no acknowledged action is lost, and the banner goes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from csconsole.services import open_store, queries, tickets
from tests.pg_server import PgServer
from tests.ui.conftest import build_store, open_window


@pytest.mark.slow
def test_a_server_restart_is_told_and_survived(qtbot, own_pg_server: PgServer) -> None:
    url = own_pg_server.url("postgres")
    build_store(url, n_tickets=12)
    window = open_window(qtbot, url)
    try:
        banner = window.window_layout.server_banner
        me = window.who.agent.id
        shown = window.table_model.ticket_id(0)
        raj = queries.agent_by_name(window.store, "Raj Patel").id
        acknowledged: list[int] = []
        with qtbot.waitSignal(window.runner.changes, timeout=5000):
            window.runner.commit(lambda s: tickets.add_note(s, shown, actor_id=me, note="before the restart"),
                                 lambda change: acknowledged.extend(change.seqs))
        assert acknowledged and not banner.isVisible()

        own_pg_server.stop("fast")
        qtbot.waitUntil(banner.isVisible, timeout=10_000)
        assert "not answering — reconnecting by itself" in banner.text()
        refused: list[str] = []
        window.runner.commit(lambda s: tickets.add_note(s, shown, actor_id=me, note="while it is down"),
                             failed=refused.append)
        qtbot.waitUntil(lambda: bool(refused), timeout=45_000)  # after the store's bound (store/retry.py)
        assert "\n" not in refused[0] and ("cannot reach" in refused[0] or "lost" in refused[0])

        with qtbot.waitSignal(window.runner.server_connection, timeout=30_000,
                              check_params_cb=lambda up: up):
            own_pg_server.start()
        assert not banner.isVisible()
        with qtbot.waitSignal(window.runner.changes, timeout=5000):
            window.runner.commit(lambda s: tickets.add_note(s, shown, actor_id=me, note="after the restart"),
                                 lambda change: acknowledged.extend(change.seqs))
        with qtbot.waitSignal(window.table_model.refreshed, timeout=5000), open_store(url) as desk:
            tickets.add_note(desk, shown, actor_id=raj, note="another desk, after the restart")  # heard again
        notes = [e.data.get("note") for e in queries.ticket_detail(window.store, shown).events if e.kind == "note"]
        assert notes == ["before the restart", "after the restart", "another desk, after the restart"]
        with open_store(url, read_only=True) as check:
            seqs = {e.seq for e in queries.ticket_detail(check, shown).events}
        assert set(acknowledged) <= seqs
    finally:
        window.close()
        window.store.close()


@pytest.mark.slow
def test_reads_while_the_server_is_stopped_show_the_banner_not_an_error_and_refresh_once_it_is_back(
        qtbot, own_pg_server: PgServer) -> None:
    """``pg_ctl stop -m immediate`` under an open console, then the console reads: a refresh (F5: the
    table's count, the chips' counts), another ticket picked (its story on the GUI thread's connection),
    rows painted. No error box, no error line, no traceback: the banner says the server is not answering
    and the detail pane why it shows nothing; once the server is back, the table and the detail read
    again by themselves, another desk's commit made meanwhile among them."""
    from PySide6.QtWidgets import QMessageBox

    url = own_pg_server.url("postgres")
    build_store(url, n_tickets=12)
    window = open_window(qtbot, url)
    errors: list[str] = []
    window.messages.shown.connect(lambda text, is_error: errors.append(text) if is_error else None)
    try:
        banner = window.window_layout.server_banner
        first, second = window.table_model.ticket_id(0), window.table_model.ticket_id(1)
        assert first is not None and second is not None
        raj = queries.agent_by_name(window.store, "Raj Patel").id
        window.selection.select_row(0)
        qtbot.waitUntil(lambda: window.detail.ticket_id == first, timeout=5000)

        own_pg_server.sql("CHECKPOINT")  # the test server's commits reach its disk late (synchronous_commit off)
        own_pg_server.stop("immediate")
        window.runner.reread_everything()  # F5 while it is down: counts and chips off the GUI thread
        window.selection.select_row(1)  # the story of another ticket, on the GUI thread's own connection
        qtbot.waitUntil(lambda: "not answering" in window.detail.title.text(), timeout=10_000)
        qtbot.waitUntil(banner.isVisible, timeout=10_000)
        assert "not answering — reconnecting" in banner.text()
        window.table.viewport().repaint()  # rows painted while it is down
        qtbot.wait(1500)  # the reads in flight wait for the server meanwhile
        assert banner.isVisible()

        own_pg_server.start()
        with open_store(url) as desk:  # another desk's commit, made as the server came back
            tickets.add_note(desk, second, actor_id=raj, note="made while the console was reconnecting")
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=30_000)
        qtbot.waitUntil(lambda: window.detail.ticket_id == second, timeout=10_000)
        qtbot.waitUntil(lambda: "made while the console was reconnecting" in _story(window), timeout=10_000)
        assert window.table_model.ticket_id(0) is not None  # the rows read again
        assert not window.table_model.loading
        assert errors == []
        assert not [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    finally:
        window.close()
        window.store.close()


def _story(window: object) -> str:
    return str(window.detail.events.text())  # type: ignore[attr-defined]


def test_file_open_takes_a_server_url_and_says_what_is_wrong_with_one(qtbot) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from csconsole.ui.dialogs.open_store import OpenStoreDialog

    dialog = OpenStoreDialog("/tmp")
    qtbot.addWidget(dialog)
    opening = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert not opening.isEnabled()
    qtbot.keyClicks(dialog.location, "postgresql://ana:secret@db.example:99999/floor")
    assert not opening.isEnabled() and 'the port "99999"' in dialog.problem.text()
    assert "secret" not in dialog.problem.text()
    dialog.location.clear()
    qtbot.keyClicks(dialog.location, "postgresql://ana@db.example/floor")
    assert opening.isEnabled() and dialog.problem.text() == ""
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(opening, Qt.MouseButton.LeftButton)
    assert dialog.chosen == "postgresql://ana@db.example/floor"
