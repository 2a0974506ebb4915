"""Read-only mode: a visible banner, every writing action off, and not one byte of the file changed."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import Qt

from csconsole.ui.actions import SPECS, ActionId
from tests.ui.conftest import open_window


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_only_leaves_the_file_unchanged(qtbot, store_path) -> None:
    before = _digest(store_path)
    window = open_window(qtbot, store_path, read_only=True)
    try:
        assert window.banner.isVisible()
        assert "(read-only audit)" in window.windowTitle()
        assert window.window_layout.mode_label.isVisible()
        assert "read-only audit" in window.window_layout.mode_label.text()  # in the status bar, all the time
        window.selection.select_row(0)
        assert window.selection.ticket_ids()
        for key, spec in SPECS.items():
            if spec.writes:
                assert not window.registry[key].isEnabled(), key
                assert "Read-only audit" in window.registry[key].toolTip(), key  # off, and says why
        # everything a reader does: chips, search, refresh, detail, sorting
        for chip in (ActionId.CHIP_BOUNCED, ActionId.CHIP_SLA, ActionId.CHIP_BOUNCED, ActionId.CHIP_SLA):
            window.registry[chip].trigger()
        window.filter_bar.search.setText("Customer")
        window.filter_bar.flush()
        window.registry[ActionId.REFRESH].trigger()
        window.table.sortByColumn(9, window.table.horizontalHeader().sortIndicatorOrder())
        # a write forced through anyway is refused before it reaches the store
        window.ticket_work.reassign()
        window.runner.commit(lambda s: None)
        qtbot.waitUntil(lambda: "read-only" in window.messages.last, timeout=2000)
        window.runner.wait()
    finally:
        window.close()
        window.store.close()
    assert _digest(store_path) == before


def test_writing_actions_are_on_in_a_writable_store(window) -> None:
    window.selection.select_row(0)
    assert not window.banner.isVisible()
    assert not window.window_layout.mode_label.isVisible()
    assert window.registry[ActionId.REASSIGN].isEnabled() and window.registry[ActionId.TAKE].isEnabled()
    assert " — " not in window.registry[ActionId.REASSIGN].toolTip()  # no reason given when nothing stops it


def test_without_an_identity_the_writing_actions_say_who_is_missing(qtbot, store_path) -> None:
    window = open_window(qtbot, store_path, identity=None)
    try:
        window.selection.select_row(0)
        assert not window.registry[ActionId.REASSIGN].isEnabled()
        assert "Say who you are first" in window.registry[ActionId.REASSIGN].toolTip()
        assert window.registry[ActionId.FIND].isEnabled()  # reading needs no name
    finally:
        window.close()
        window.store.close()


def test_file_open_read_only_reopens_the_chosen_store_for_audit(qtbot, window, tmp_path) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    chosen = str(tmp_path / "audit-copy.db")
    window.registry[ActionId.OPEN_READ_ONLY].trigger()
    qtbot.waitUntil(lambda: window.dialogs.active is not None and window.dialogs.active.isVisible(), timeout=3000)
    dialog = window.dialogs.active
    assert "read-only" in dialog.windowTitle()
    qtbot.keyClicks(dialog.location, chosen)
    with qtbot.waitSignal(window.switch_store, timeout=2000) as asked:
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Open), Qt.MouseButton.LeftButton)
    assert asked.args == [chosen, True]
    assert window.registry[ActionId.OPEN_READ_ONLY].text().replace("&", "") == "Open read-only…"
    assert window.registry[ActionId.OPEN_READ_ONLY] in window.menuBar().actions()[0].menu().actions()


def test_a_store_we_cannot_write_opens_read_only_and_says_so(qtbot, store_path, monkeypatch) -> None:
    from csconsole.settings import Prefs, Settings
    from csconsole.ui import startup

    monkeypatch.setattr(startup, "writable", lambda _path: False)  # as if the file were someone else's
    settings = Settings()
    settings.set(Prefs.IDENTITY, "Sue Park")
    console = startup.Console(settings)
    assert console.open(store_path)
    window = console.window
    try:
        assert window is not None and window.store.read_only
        assert "open read-only" in window.messages.last
        assert not window.registry[ActionId.TAKE].isEnabled()
    finally:
        window.close()
        window.store.close()


def test_a_console_started_read_only_stays_read_only_whatever_it_opens(qtbot, store_path) -> None:
    """--read-only is an audit session: File > Open store… on the same file opens it read-only again."""
    from csconsole.settings import Prefs, Settings
    from csconsole.ui import startup

    settings = Settings()
    settings.set(Prefs.IDENTITY, "Sue Park")
    console = startup.Console(settings)
    before = _digest(store_path)
    assert console.start(str(store_path), read_only=True, demo=False)
    try:
        first = console.window
        assert first is not None and first.store.read_only
        first.switch_store.emit(str(store_path), False)  # Open store…, not Open read-only…
        assert console.window is not first and console.window.store.read_only
        assert not console.window.registry[ActionId.TAKE].isEnabled()
    finally:
        console.window.close()
        console.window.store.close()
    assert _digest(store_path) == before
