"""Who is at the console, which store is open, how it looks, and help: the window's session menus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from csconsole.domain.errors import DomainError
from csconsole.domain.rules import Agent
from csconsole.services import StoreError, people, pin, preferences, queries, recovery
from csconsole.settings import Prefs
from csconsole.ui import theme
from csconsole.ui.accessibility import name_controls
from csconsole.ui.actions import A
from csconsole.ui.dialogs.pin import PinDialog
from csconsole.ui.dialogs.preferences import Choices, PreferencesDialog, QueueTargets
from csconsole.ui.dialogs.sla import SlaDialog
from csconsole.ui.dialogs.start import IdentityDialog

if TYPE_CHECKING:
    from csconsole.ui.main_window import MainWindow


class SessionActions:
    """Mixed into MainWindow."""

    def choose_identity(self: MainWindow) -> None:
        dialog = IdentityDialog(queries.agents(self.store), self.identity.name if self.identity else "", self)
        if self.store.read_only:
            dialog.create.setEnabled(False)

        def accepted() -> None:
            name, is_new = dialog.chosen()
            try:
                agent = (people.add_agent(self.store, name, "supervisor") if is_new
                         else queries.agent_by_name(self.store, name))
            except (DomainError, StoreError) as error:
                self.show_message(str(error), error=True)
                return
            if self.store.read_only or not pin.has_pin(self.store, agent.id):
                self.set_identity(agent)
                return
            ask = PinDialog(agent.name, unlock=True, parent=self)

            def unlocked() -> None:
                if pin.verify_pin(self.store, agent.id, ask.current.text()):
                    self.set_identity(agent)
                else:
                    self.show_message(self.tr("That is not the PIN of {0}; nothing changed.").format(agent.name),
                                      error=True)

            self._open_dialog(ask, unlocked)

        self._open_dialog(dialog, accepted)

    def set_my_pin(self: MainWindow) -> None:
        me = self.identity
        if me is None:
            return
        if not me.role.may_supervise:
            self.show_message(self.tr("Only supervisors and managers have a console PIN."), error=True)
            return
        dialog = PinDialog(me.name, unlock=False, has_pin=pin.has_pin(self.store, me.id), parent=self)

        def accepted() -> None:
            new, current = dialog.new.text(), dialog.current.text() or None
            self.ops.write(lambda s: pin.set_pin(s, me.id, new, current=current),
                           lambda _r: self.show_message(self.tr("Your console PIN is set.")),
                           lambda m: self.show_message(m, error=True))

        self._open_dialog(dialog, accepted)

    def set_identity(self: MainWindow, agent: Agent | None) -> None:
        self.identity = agent
        if agent is not None:
            self.settings.set(Prefs.IDENTITY, agent.name)
        self.undo_stack.clear()  # undo belongs to the person who did it
        self._panels_identity()
        self._update_title()
        self._update_enabled()

    def _open_store(self: MainWindow) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open store"), str(self.store.path.parent),
                                              self.tr("csconsole stores (*.db *.sqlite);;All files (*)"))
        if name:
            self.switch_store.emit(name, False)

    def _new_store(self: MainWindow) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("New store"), str(self.store.path.parent),
                                              self.tr("csconsole stores (*.db)"))
        if name:
            self.switch_store.emit("new:" + name, False)

    def add_queue(self: MainWindow) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add a queue"), self.tr("Name of the new queue:"))
        if ok and name.strip():
            self.ops.write(lambda s: people.add_queue(s, name),
                           lambda q: self.show_message(self.tr("Queue {0} added").format(q.name)),
                           lambda m: self.show_message(m, error=True))

    def edit_sla_targets(self: MainWindow) -> None:
        stats = self.queues_model.stats_at(self.queues_view.currentIndex().row())
        if stats is None or stats.queue_id < 0:
            self.show_message(self.tr("Pick a queue on the left first."), error=True)
            return
        queue_id = stats.queue_id
        dialog = SlaDialog(stats.name, preferences.queue_targets(self.store, queue_id), self)

        def accepted() -> None:
            minutes = dialog.values()
            self.ops.write(lambda s: preferences.set_queue_targets(s, queue_id, minutes),
                           lambda moved: self.show_message(
                               self.tr("SLA targets of {0} saved; {1} open tickets re-timed").format(stats.name, moved)),
                           lambda m: self.show_message(m, error=True))

        self._open_dialog(dialog, accepted)

    def add_agent(self: MainWindow) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add an agent"), self.tr("Full name:"))
        if not ok or not name.strip():
            return
        roles = ["agent", "supervisor", "manager"]
        role, ok = QInputDialog.getItem(self, self.tr("Add an agent"), self.tr("Role:"), roles, 0, False)
        if not ok:
            return
        names = [self.tr("— no home queue")] + [q.name for q in queries.queues(self.store)]
        home, ok = QInputDialog.getItem(self, self.tr("Add an agent"), self.tr("Home queue:"), names, 0, False)
        if not ok:
            return
        queue_id = next((q.id for q in queries.queues(self.store) if q.name == home), None)
        self.ops.write(lambda s: people.add_agent(s, name, role, queue_id),
                       lambda a: self.show_message(self.tr("{0} added as {1}").format(a.name, a.role.value)),
                       lambda m: self.show_message(m, error=True))

    def _demo_store(self: MainWindow) -> None:
        self.switch_store.emit("demo:", False)

    def _set_theme(self: MainWindow, name: str) -> None:
        self.settings.set(Prefs.THEME, name)
        for key, value in ((A.THEME_SYSTEM, "system"), (A.THEME_LIGHT, "light"), (A.THEME_DARK, "dark")):
            self.actions[key].setChecked(value == name)
        theme.apply(name)

    # --- preferences -------------------------------------------------------------------------
    def preference_choices(self: MainWindow) -> Choices:
        """What is in force now: this console's QSettings and the store's SLA targets."""
        targets = [QueueTargets(q.id, q.name, preferences.queue_targets(self.store, q.id))
                   for q in queries.queues(self.store)]
        return Choices(self.settings.get(Prefs.THEME), self.settings.get(Prefs.POLL_MS),
                       self.settings.get(Prefs.REASONS), self.settings.get(Prefs.CHECKLIST), targets,
                       self.settings.recovery_triggers())

    def show_preferences(self: MainWindow) -> None:
        who = self.tr("{0} ({1})").format(self.identity.name, self.identity.role.value) if self.identity \
            else self.tr("nobody")
        checklists = [c.name for c in recovery.checklists(self.store)]
        dialog = PreferencesDialog(self.preference_choices(), checklists, who, read_only=self.store.read_only,
                                   parent=self)
        dialog.set_pin.setEnabled(not self.store.read_only and self.identity is not None)
        # Identity and PIN have their own dialogs (with the PIN check): the buttons lead there.
        dialog.identity_requested.connect(lambda: (dialog.reject(), self.actions[A.IDENTITY].trigger()))
        dialog.pin_requested.connect(lambda: (dialog.reject(), self.actions[A.SET_PIN].trigger()))
        dialog.checklists_requested.connect(lambda: self._edit_checklists(dialog))
        self._open_dialog(dialog, lambda: self.save_preferences(dialog.choices(), dialog.changed_targets()))

    def _edit_checklists(self: MainWindow, dialog: PreferencesDialog) -> None:
        from csconsole.ui.recovery.checklists import ChecklistDialog  # the recovery view's own editor

        editor = ChecklistDialog(self.ops, dialog)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chosen = dialog.checklist.currentText()
        editor.finished.connect(lambda _c: dialog.set_checklists(
            [c.name for c in recovery.checklists(self.store)], chosen))
        self.checklist_editor = editor
        name_controls(editor)
        editor.open()

    def save_preferences(self: MainWindow, choices: Choices, changed: list[QueueTargets]) -> None:
        """This console's settings at once; changed SLA targets in the store, in one background write."""
        if choices.theme != self.settings.get(Prefs.THEME):
            self._set_theme(choices.theme)
        if choices.poll_ms != self.settings.get(Prefs.POLL_MS):
            self.settings.set(Prefs.POLL_MS, choices.poll_ms)
            self.ops.start_polling(choices.poll_ms)
        self.settings.set(Prefs.REASONS, choices.reasons)
        self.settings.set(Prefs.CHECKLIST, choices.checklist)
        self.settings.set(Prefs.TRIGGER_BOUNCES, choices.triggers.min_bounces)
        self.settings.set(Prefs.TRIGGER_CONTACTS, choices.triggers.min_contacts)
        self.settings.set(Prefs.TRIGGER_LOYAL_BREACH, choices.triggers.loyal_breach)
        self.settings.sync()
        self.ops.changed.emit()  # the recovery view re-reads its proposals
        if not changed or self.store.read_only:
            self.show_message(self.tr("Preferences saved."))
            return

        def job(store: object) -> int:
            return sum(preferences.set_queue_targets(store, q.queue_id, dict(q.minutes)) for q in changed)

        self.ops.write(job, lambda moved: self.show_message(
            self.tr("Preferences saved; SLA targets of {0} queues changed, {1} open tickets re-timed")
            .format(len(changed), moved)), lambda m: self.show_message(m, error=True))
