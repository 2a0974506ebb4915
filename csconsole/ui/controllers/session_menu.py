"""Who is at the console and which store is open: the File menu's session half, and adding an agent.

Owns OPEN_STORE, OPEN_READ_ONLY, NEW_STORE, DEMO_STORE, IDENTITY, SET_PIN and NEW_AGENT. Every write (a new agent,
the Argon2id PIN check, which may rehash and save) runs on the runner, never on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog

from csconsole.domain.rules import Agent
from csconsole.services import Location, people, pin, queries
from csconsole.services.changes import Kind
from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.dialogs.open_store import OpenStoreDialog
from csconsole.ui.dialogs.pin import PinDialog
from csconsole.ui.dialogs.start import IdentityDialog, folder_near
from csconsole.ui.messages import Dialogs, Messages
from csconsole.ui.runner import Runner
from csconsole.ui.who import Who

ROLES = ["agent", "supervisor", "manager"]


class SessionMenu(QObject):
    switch_store = Signal(str, bool)  # a path or URL (or "new:PATH", "demo:"), read-only: start-up reopens

    def __init__(self, runner: Runner, actions: Actions, who: Who, settings: Settings, messages: Messages,
                 dialogs: Dialogs, location: Location, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._who, self._settings = runner, who, settings
        self._messages, self._dialogs, self._folder = messages, dialogs, str(folder_near(location))
        actions.on_trigger(ActionId.OPEN_STORE, self.open_store)
        actions.on_trigger(ActionId.OPEN_READ_ONLY, lambda: self.open_store(read_only=True))
        actions.on_trigger(ActionId.NEW_STORE, self.new_store)
        actions.on_trigger(ActionId.DEMO_STORE, lambda: self.switch_store.emit("demo:", False))
        actions.on_trigger(ActionId.IDENTITY, self.choose_identity)
        actions.on_trigger(ActionId.SET_PIN, self.set_my_pin)
        actions.on_trigger(ActionId.NEW_AGENT, self.add_agent)

    def choose_identity(self) -> None:
        store = self._runner.store
        own = people.login_agent(store)
        if own is not None:
            self._messages.error(self.tr("On this server you act as your own login, {0}; to act as someone else, "
                                         "open the store with their login.").format(own.name))
            return
        dialog = IdentityDialog(queries.agents(store), self._who.agent.name if self._who.agent else "",
                                self._dialogs.parent_widget, guards=pin.guards(store))
        if self._runner.read_only:
            dialog.add_me.setEnabled(False)

        def accepted() -> None:
            name, is_new = dialog.chosen()
            if is_new:
                sponsor, typed = dialog.vouched_by()
                # Once vouched for, the new supervisor is signed in as they are (they set their own PIN).
                self._runner.commit(lambda s: pin.join_as_supervisor(s, name, sponsor_id=sponsor, sponsor_pin=typed),
                                    self.set_identity, self._messages.error, touches=[Kind.AGENTS, Kind.PINS])
                return
            self._runner.read(lambda s: queries.agent_by_name(s, name), self._unlock, self._messages.error,
                              away=lambda: self._messages.show(self.tr(
                                  "The server is not answering; nobody was signed in. Try again once it is back.")))

        self._dialogs.open(dialog, accepted)

    def _unlock(self, agent: Agent) -> None:
        if self._runner.read_only or not pin.has_pin(self._runner.store, agent.id):
            self.set_identity(agent)
            return
        ask = PinDialog(agent.name, unlock=True, parent=self._dialogs.parent_widget)

        def checked(ok: bool) -> None:
            if ok:
                self.set_identity(agent)
            else:
                self._messages.error(self.tr("That is not the PIN of {0}; nothing changed.").format(agent.name))

        def unlocked() -> None:
            typed = ask.current.text()
            self._runner.commit(lambda s: pin.verify_pin(s, agent.id, typed), checked, self._messages.error,
                                touches=[Kind.PINS])

        self._dialogs.open(ask, unlocked)

    def set_identity(self, agent: Agent | None) -> None:
        if agent is not None:
            self._settings.set(Prefs.IDENTITY, agent.name)
        self._who.set(agent)

    def set_my_pin(self) -> None:
        me = self._who.agent
        if me is None:
            return
        if not me.role.may_supervise:
            self._messages.error(self.tr("Only supervisors and managers have a console PIN."))
            return
        dialog = PinDialog(me.name, unlock=False, has_pin=pin.has_pin(self._runner.store, me.id),
                           parent=self._dialogs.parent_widget)

        def accepted() -> None:
            new, current = dialog.new.text(), dialog.current.text() or None
            self._runner.commit(lambda s: pin.set_pin(s, me.id, new, current=current),
                                lambda _r: self._messages.show(self.tr("Your console PIN is set.")),
                                self._messages.error, touches=[Kind.PINS])

        self._dialogs.open(dialog, accepted)

    def open_store(self, *, read_only: bool = False) -> None:
        """File > Open store… (a file, typed or browsed, or a server's URL), or Open read-only… for an audit:
        the store is then opened so that nothing changes it."""
        dialog = OpenStoreDialog(self._folder, parent=self._dialogs.parent_widget)
        if read_only:
            dialog.setWindowTitle(self.tr("Open a store read-only, for audit"))
        self._dialogs.open(dialog, lambda: self.switch_store.emit(dialog.chosen, read_only))

    def new_store(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self._dialogs.parent_widget, self.tr("New store"), self._folder,
                                              self.tr("csconsole stores (*.db)"))
        if name:
            self.switch_store.emit("new:" + name, False)

    def add_agent(self) -> None:
        parent = self._dialogs.parent_widget
        name, ok = QInputDialog.getText(parent, self.tr("Add an agent"), self.tr("Full name:"))
        if not ok or not name.strip():
            return
        role, ok = QInputDialog.getItem(parent, self.tr("Add an agent"), self.tr("Role:"), ROLES, 0, False)
        if not ok:
            return
        queues = queries.queues(self._runner.store)
        names = [self.tr("— no home queue")] + [q.name for q in queues]
        home, ok = QInputDialog.getItem(parent, self.tr("Add an agent"), self.tr("Home queue:"), names, 0, False)
        if not ok:
            return
        queue_id = next((q.id for q in queues if q.name == home), None)
        self._runner.commit(lambda s: people.add_agent(s, name, role, queue_id),
                            lambda a: self._messages.show(self.tr("{0} added as {1}").format(a.name, a.role.value)),
                            self._messages.error, touches=[Kind.AGENTS])
