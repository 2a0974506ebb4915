"""Help menu: the shortcuts sheet lists every action with a shortcut; About names the store and its chain head."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog

from csconsole import __version__
from csconsole.services import audit
from csconsole.ui.actions import SPECS, ActionId
from csconsole.ui.help import AboutDialog, ShortcutsDialog, app_icon, set_identity


def test_the_shortcuts_sheet_lists_every_action_with_a_shortcut(qtbot, window) -> None:
    window.registry[ActionId.SHORTCUTS].trigger()
    sheet = window.dialogs.active
    assert isinstance(sheet, ShortcutsDialog)
    listed = set(sheet.shortcuts())
    expected = {(SPECS[key].text.replace("&", "").rstrip("…"),
                 action.shortcut().toString(QKeySequence.SequenceFormat.NativeText))
                for key, action in window.registry.items() if not action.shortcut().isEmpty()}
    assert listed == expected
    assert ("Preferences", QKeySequence("Ctrl+,").toString(QKeySequence.SequenceFormat.NativeText)) in listed
    assert len(listed) > 30
    sheet.filter.setText("recovery")
    visible = [r for r in range(sheet.table.rowCount()) if not sheet.table.isRowHidden(r)]
    assert visible and all("recovery" in " ".join(sheet.table.item(r, c).text().lower() for c in range(3))
                           for r in visible)


def test_about_shows_the_chain_head_of_the_store(qtbot, window) -> None:
    window.registry[ActionId.ABOUT].trigger()
    about = window.dialogs.active
    assert isinstance(about, AboutDialog)
    head = audit.head(window.store)
    text = about.text.text()
    assert head.hash in text and f"{head.seq:,}" in text
    assert str(window.store.path) in text
    assert f"<td>{window.store.schema_version()}</td>" in text
    assert __version__ in text
    about.copy_head.click()  # the head to keep outside the file, as `csconsole audit head` prints it
    assert QApplication.clipboard().text() == f"{head.seq} {head.hash}"


def test_the_application_identity(qtbot) -> None:
    app = QApplication.instance()
    set_identity(app)
    assert QApplication.desktopFileName() == "csconsole"
    assert QApplication.applicationName() == "csconsole"
    sizes = {s.width() for s in app_icon().availableSizes()}
    assert {16, 32, 48, 64, 128, 256} <= sizes
    assert not app.windowIcon().isNull()


def test_every_dialog_names_its_controls_for_screen_readers(qtbot, window) -> None:
    """Each dialog the console opens: no visible control a screen reader would announce without a name."""
    from csconsole.ui.accessibility import unnamed

    window.selection.select_row(0)
    qtbot.waitUntil(lambda: window.registry[ActionId.TAKE].isEnabled(), timeout=5000)
    checked = []
    for key in (ActionId.PREFERENCES, ActionId.NEW_TICKET, ActionId.REASSIGN, ActionId.TRANSFER, ActionId.REPLY, ActionId.NOTE, ActionId.CONTACT, ActionId.ESCALATE,
                ActionId.SHORTCUTS, ActionId.ABOUT, ActionId.IDENTITY, ActionId.SET_PIN, ActionId.OPEN_RECOVERY):
        window.dialogs.active = None
        window.registry[key].trigger()
        dialog = window.dialogs.active
        if dialog is None and key is ActionId.OPEN_RECOVERY:
            dialog = window.recovery.view().findChild(QDialog, "recovery_dialog")
        assert dialog is not None, key
        qtbot.waitExposed(dialog)
        assert unnamed(dialog) == [], (key, [(type(w).__name__, w.objectName()) for w in unnamed(dialog)])
        checked.append(key)
        dialog.reject()
    view = window.recovery.view()
    for opener in (view.open_checklists, view.open_policies):
        dialog = opener()
        qtbot.waitExposed(dialog)
        assert unnamed(dialog) == [], [(type(w).__name__, w.objectName()) for w in unnamed(dialog)]
        dialog.reject()
    assert len(checked) == 13


def test_help_opens_the_user_guide_shipped_with_the_app(qtbot, window) -> None:
    from csconsole import resources
    from csconsole.ui.help import GuideDialog

    window.registry[ActionId.GUIDE].trigger()
    guide = window.dialogs.active
    assert isinstance(guide, GuideDialog)
    shown = guide.browser.toPlainText()
    assert "Giving a ticket one owner" in shown and "**" not in shown  # rendered, not Markdown source
    guide.find_field.setText("read-only audit")
    assert guide.find_next() and guide.browser.textCursor().selectedText() == "read-only audit"
    guide.shortcuts_button.click()
    assert isinstance(window.dialogs.active, ShortcutsDialog)
    assert resources.guide().is_file()


def test_every_shortcut_and_menu_the_guide_names_exists(window) -> None:
    """The guide stays true to the app: each `Key` it names is an action's shortcut (or one of the few keys a
    dialog or the search box handles itself), each **Menu › Item** an action in that menu."""
    import re

    from csconsole import resources

    text = resources.guide().read_text(encoding="utf-8")
    shortcuts = {action.shortcut().toString() for _key, action in window.registry.items()
                 if not action.shortcut().isEmpty()}
    handled_by_widgets = {"Esc", "Enter", "Tab", "Ctrl+Enter"}  # the search box's Esc, dialogs' Enter, Tab...
    named = set(re.findall(r"`((?:Ctrl|Alt|Shift|F\d)[^`]*|Esc|Enter|Tab)`", text))
    assert len(named) > 25
    for key in named:
        canonical = QKeySequence(key).toString()
        assert canonical in shortcuts or key in handled_by_widgets, key
    menus = {menu.title().replace("&", ""): {a.text().replace("&", "") for a in menu.actions()}
             for menu in (m.menu() for m in window.menuBar().actions()) if menu is not None}
    paths = re.findall(r"\*\*(File|Edit|View|Ticket|Tools|Help) › ([^*]+)\*\*", text)
    assert len(paths) > 25
    for menu, item in paths:
        item = " ".join(item.split())  # a name may wrap in the Markdown source
        assert item in menus[menu] or any(t.startswith(item) for t in menus[menu]), (menu, item)  # "Undo …"
    for key, spec in SPECS.items():  # and the guide's shortcuts are the ones the console has
        if spec.shortcut and f"`{spec.shortcut}`" in text:
            assert window.registry[key].shortcut() == QKeySequence(spec.shortcut)
