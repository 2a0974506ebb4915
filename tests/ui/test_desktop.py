"""Desktop manners: shortcuts, remembered layout and identity, accessible names, start-up without a crash."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QTableView

from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import CHIPS, SPECS, ActionId
from tests.ui.conftest import SUPERVISOR, open_window


def test_every_shortcut_is_unique_and_in_a_menu(window) -> None:
    shortcuts = [s.shortcut for s in SPECS.values() if s.shortcut]
    assert len(shortcuts) == len(set(shortcuts))
    assert [SPECS[c].shortcut for c in CHIPS] == [f"Ctrl+{n}" for n in range(1, 6)]
    for key in (ActionId.FIND, ActionId.REASSIGN, ActionId.REFRESH, ActionId.UNDO, ActionId.REDO):
        assert window.registry[key].shortcut().toString() == SPECS[key].shortcut
    in_menus = {a for menu in window.menuBar().actions() for a in menu.menu().actions()}
    assert all(window.registry[key] in in_menus for key in SPECS)


def test_keyboard_drives_chips_search_and_reassign(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=3000)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.registry[ActionId.CHIP_BOUNCED].isChecked()
    assert window.ticket_list.current_filter().min_bounces == 3
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filter_bar.search.hasFocus()
    qtbot.keyClicks(window.filter_bar.search, "Customer 3")
    qtbot.keyClick(window.filter_bar.search, Qt.Key.Key_Return)
    assert window.ticket_list.current_filter().search == "Customer 3"
    window.table.setFocus()
    window.selection.select_row(0)
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.dialogs.active is not None and window.dialogs.active.isVisible(),
                    timeout=3000)
    window.dialogs.active.reject()


def test_geometry_columns_and_identity_are_remembered(qtbot, store_path: Path) -> None:
    first = open_window(qtbot, store_path)
    head = first.table.horizontalHeader()
    head.resizeSection(1, 333)
    head.moveSection(head.visualIndex(5), 0)
    first.close()
    first.store.close()
    second = open_window(qtbot, store_path)
    try:
        assert second.table.horizontalHeader().sectionSize(1) == 333
        assert second.table.horizontalHeader().visualIndex(5) == 0
        second.session.set_identity(second.who.agent)
        assert Settings().get(Prefs.IDENTITY) == SUPERVISOR
    finally:
        second.close()
        second.store.close()


def test_controls_have_accessible_names(window) -> None:
    for widget in window.findChildren(QLineEdit) + window.findChildren(QTableView):
        if widget.isVisible() and widget.parent() is not None and widget.objectName() != "qt_spinbox_lineedit":
            assert widget.accessibleName() or widget.parent().accessibleName(), widget
    for button in window.filter_bar.findChildren(QAbstractButton):
        assert button.text() or button.accessibleName()


def test_startup_opens_a_store_and_recovers_from_a_bad_one(qtbot, store_path: Path, tmp_path: Path,
                                                          monkeypatch) -> None:
    from csconsole.ui import startup

    settings = Settings()
    settings.set(Prefs.IDENTITY, SUPERVISOR)
    console = startup.Console(settings)
    reasons: list[str] = []
    monkeypatch.setattr(startup.Console, "choose", lambda self, reason, read_only=False: reasons.append(reason) or False)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a store")
    assert console.start(str(junk), read_only=False, demo=False) is False
    assert "not a csconsole store" in reasons[-1]
    assert console.start(str(tmp_path / "missing.db"), read_only=False, demo=False) is False
    assert "no store" in reasons[-1].lower()
    assert console.start(str(store_path), read_only=False, demo=False) is True
    window = console.window
    qtbot.addWidget(window)
    assert window.who.agent is not None and window.who.agent.name == SUPERVISOR
    assert Settings().get(Prefs.LAST_STORE) == str(store_path.resolve())
    window.close()
    window.store.close()


def test_attention_tints_follow_a_switch_to_dark(qtbot, window) -> None:
    from PySide6.QtGui import QColor

    from csconsole.ui import theme
    from csconsole.ui.models.ticket_table import ATTENTION_ROLE

    model = window.table_model
    flagged = next(r for r in range(model.rowCount()) if model.index(r, 0).data(ATTENTION_ROLE))
    light = QColor(model.index(flagged, 1).data(Qt.ItemDataRole.BackgroundRole))
    try:
        theme.apply("dark")
        qtbot.waitUntil(lambda: QColor(model.index(flagged, 1).data(Qt.ItemDataRole.BackgroundRole)).lightness() < 100,
                        timeout=3000)
        assert light.lightness() > 200
    finally:
        theme.apply("system")


def test_a_remembered_sort_survives_the_next_start(qtbot, store_path: Path) -> None:
    from csconsole.domain.read_models import SortKey, TicketFilter
    from csconsole.services import queries

    first = open_window(qtbot, store_path)
    first.table.sortByColumn(9, Qt.SortOrder.DescendingOrder)  # bounces, most first
    qtbot.waitUntil(lambda: first.table_model.order.key is SortKey.BOUNCES and not first.table_model.loading,
                    timeout=3000)
    first.close()
    first.store.close()
    second = open_window(qtbot, store_path)
    try:
        qtbot.waitUntil(lambda: not second.table_model.loading, timeout=3000)
        assert second.table_model.order == queries.Order(SortKey.BOUNCES, descending=True)
        shown = [second.table_model.row_at(r).bounces for r in range(second.table_model.rowCount())]
        assert shown == sorted(shown, reverse=True) and shown[0] == max(
            r.bounces for r in queries.all_tickets(second.store, TicketFilter(open_only=True)))
    finally:
        second.close()
        second.store.close()
