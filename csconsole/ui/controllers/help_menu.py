"""Help menu: the user guide shipped with the app, the keyboard shortcuts sheet (read from the live actions,
so it cannot drift) and About.

Owns GUIDE, SHORTCUTS and ABOUT.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from csconsole import resources
from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.help import AboutDialog, GuideDialog, ShortcutsDialog
from csconsole.ui.messages import Dialogs
from csconsole.ui.runner import Runner


class HelpMenu(QObject):
    def __init__(self, runner: Runner, actions: Actions, dialogs: Dialogs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._actions, self._dialogs = runner, actions, dialogs
        actions.on_trigger(ActionId.GUIDE, self.show_guide)
        actions.on_trigger(ActionId.SHORTCUTS, self.show_shortcuts)
        actions.on_trigger(ActionId.ABOUT, self.show_about)

    def show_guide(self) -> None:
        try:
            text = resources.guide().read_text(encoding="utf-8")
        except (FileNotFoundError, OSError) as error:
            text = self.tr("The user guide is missing from this installation ({0}). Help > Keyboard shortcuts "
                           "lists every action.").format(error)
        dialog = GuideDialog(text, self._dialogs.parent_widget)
        dialog.shortcuts_button.clicked.connect(self.show_shortcuts)
        self._dialogs.open(dialog)

    def show_shortcuts(self) -> None:
        self._dialogs.open(ShortcutsDialog(self._actions.shortcut_table(), self._dialogs.parent_widget))

    def show_about(self) -> None:
        from csconsole.services import audit  # the audit's modules, not needed before the About box

        store = self._runner.store
        try:
            head: audit.Head | None = audit.head(store)  # the chain's last row: one indexed read
        except Exception:
            head = None
        self._dialogs.open(AboutDialog(str(store.location), store.schema_version(), head, store.read_only,
                                       self._dialogs.parent_widget))
