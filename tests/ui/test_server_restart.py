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
        assert "not answering; reconnecting by itself" in banner.text()
        refused: list[str] = []
        window.runner.commit(lambda s: tickets.add_note(s, shown, actor_id=me, note="while it is down"),
                             failed=refused.append)
        qtbot.waitUntil(lambda: bool(refused), timeout=15_000)
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
