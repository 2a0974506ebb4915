"""Preferences and the theme: this console's settings at once; the store's SLA policies each in its own
dialog (``SlaPolicyEditor``), saved when that dialog is.

Owns PREFERENCES and the three THEME actions. Settings are this console's own (QSettings), not the
store's: when they change what a screen shows (the recovery triggers), the runner announces it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Qt

from csconsole.services import recovery
from csconsole.services import sla as sla_service
from csconsole.services.changes import Kind
from csconsole.settings import Prefs, Settings
from csconsole.ui import theme
from csconsole.ui.accessibility import name_controls
from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.controllers.sla_policies import SlaPolicyEditor
from csconsole.ui.dialogs.preferences_dialog import Choices, PreferencesDialog
from csconsole.ui.messages import Dialogs, Messages
from csconsole.ui.runner import Runner
from csconsole.ui.who import Who

THEMES = {ActionId.THEME_SYSTEM: "system", ActionId.THEME_LIGHT: "light", ActionId.THEME_DARK: "dark"}


class PreferencesMenu(QObject):
    def __init__(self, runner: Runner, actions: Actions, who: Who, settings: Settings, messages: Messages,
                 dialogs: Dialogs, poll_interval_changed: Callable[[int], None], sla_policies: SlaPolicyEditor,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._actions, self._who, self._settings = runner, actions, who, settings
        self._messages, self._dialogs, self._poll_interval_changed = messages, dialogs, poll_interval_changed
        self._sla_policies = sla_policies
        self.checklist_editor: QObject | None = None  # the checklist editor opened from the dialog (tests)
        actions.on_trigger(ActionId.PREFERENCES, self.show_preferences)
        theme_now = settings.get(Prefs.THEME)
        for key, name in THEMES.items():
            actions[key].setChecked(theme_now == name)
            actions.on_trigger(key, partial(self.set_theme, name))

    def set_theme(self, name: str) -> None:
        self._settings.set(Prefs.THEME, name)
        for key, value in THEMES.items():
            self._actions[key].setChecked(value == name)
        theme.apply(name)

    def preference_choices(self) -> Choices:
        """What is in force now: this console's QSettings and the store's SLA policies."""
        return Choices(self._settings.get(Prefs.THEME), self._settings.get(Prefs.POLL_MS),
                       self._settings.get(Prefs.REASONS), self._settings.get(Prefs.CHECKLIST),
                       sla_service.policies(self._runner.store),
                       self._settings.recovery_triggers(), self._settings.get(Prefs.CURRENCY))

    def show_preferences(self) -> None:
        agent = self._who.agent
        who = self.tr("{0} ({1})").format(agent.name, agent.role.value) if agent else self.tr("nobody")
        checklists = [c.name for c in recovery.checklists(self._runner.store)]
        read_only = self._runner.read_only
        dialog = PreferencesDialog(self.preference_choices(), checklists, who, read_only=read_only,
                                   parent=self._dialogs.parent_widget)
        dialog.set_pin.setEnabled(not read_only and agent is not None)
        # Identity and PIN have their own dialogs (with the PIN check): the buttons lead there.
        def leave_for(action: ActionId) -> None:
            dialog.reject()
            self._actions[action].trigger()

        dialog.identity_requested.connect(partial(leave_for, ActionId.IDENTITY))
        dialog.pin_requested.connect(partial(leave_for, ActionId.SET_PIN))
        dialog.checklists_requested.connect(lambda: self._edit_checklists(dialog))
        dialog.sla_edit_requested.connect(lambda queue_id: self._sla_policies.edit(
            queue_id, dialog, lambda: dialog.set_policies(sla_service.policies(self._runner.store))))
        self._dialogs.open(dialog, lambda: self.save_preferences(dialog.choices()))

    def _edit_checklists(self, dialog: PreferencesDialog) -> None:
        from csconsole.ui.recovery_screens.checklists import ChecklistDialog  # the recovery view's own editor

        editor = ChecklistDialog(self._runner, dialog)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chosen = dialog.checklist.currentText()
        editor.finished.connect(lambda _c: dialog.set_checklists(
            [c.name for c in recovery.checklists(self._runner.store)], chosen))
        self.checklist_editor = editor
        name_controls(editor)
        editor.open()

    def save_preferences(self, choices: Choices) -> None:
        """This console's settings, at once (SLA policies were saved by their own dialog)."""
        if choices.theme != self._settings.get(Prefs.THEME):
            self.set_theme(choices.theme)
        if choices.poll_ms != self._settings.get(Prefs.POLL_MS):
            self._settings.set(Prefs.POLL_MS, choices.poll_ms)
            self._poll_interval_changed(choices.poll_ms)
        self._settings.set(Prefs.REASONS, choices.reasons)
        self._settings.set(Prefs.CHECKLIST, choices.checklist)
        self._settings.set(Prefs.TRIGGER_BOUNCES, choices.triggers.min_bounces)
        self._settings.set(Prefs.TRIGGER_CONTACTS, choices.triggers.min_contacts)
        self._settings.set(Prefs.TRIGGER_LOYAL_BREACH, choices.triggers.loyal_breach)
        self._settings.set(Prefs.CURRENCY, choices.currency)
        self._settings.sync()
        self._runner.announce_settings(Kind.PREFERENCES)  # the recovery view re-reads its proposals
        self._messages.show(self.tr("Preferences saved."))
