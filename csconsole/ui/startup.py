"""From the command line to a window: choose the store, know who is at the console, open, switch stores."""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from csconsole.domain.errors import DomainError
from csconsole.domain.rules import Agent
from csconsole.services import Location, Store, StoreError, open_store, parse_location, people, pin, queries
from csconsole.settings import Prefs, Settings
from csconsole.ui import theme
from csconsole.ui.dialogs.pin import PinDialog
from csconsole.ui.dialogs.start import (
    IdentityDialog,
    StoreChooser,
    build_demo_with_progress,
    data_dir,
    default_store_path,
)
from csconsole.ui.help import install_translations, set_identity
from csconsole.ui.main_window import MainWindow
from csconsole.ui.runner import Runner

PIN_TRIES = 3


def writable(path: Path) -> bool:
    """A store we may write: the file and its folder (SQLite's WAL files live beside it)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


class Console(QObject):
    """Owns the one window and its store; reopens both when the user switches stores."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.window: MainWindow | None = None
        # A console started read-only (--read-only) is an audit session: every store it opens, it opens
        # read-only, whatever the menu used; only a new start without --read-only writes.
        self.audit = False

    def start(self, db: str | None, *, read_only: bool, demo: bool) -> bool:
        """``db``: a file or a server's URL (from --db or CSCONSOLE_DB); else the store opened last."""
        self.audit = read_only
        if demo:
            return self.open_demo(read_only=read_only)
        named = db or self.settings.get(Prefs.LAST_STORE) or str(default_store_path())
        try:
            location = parse_location(named)
        except StoreError as error:
            return self.choose(self.tr("That store could not be opened: {0}").format(error), read_only=read_only)
        if isinstance(location, Path) and not location.exists():
            reason = (self.tr("There is no store at {0}.").format(location) if db
                      else self.tr("Welcome. There is no store yet: open one, start an empty one, or explore the demo."))
            return self.choose(reason, read_only=read_only)
        return self.open(location, read_only=read_only)

    def choose(self, reason: str, *, read_only: bool = False) -> bool:
        chooser = StoreChooser(reason, self.window)
        if chooser.exec() != QDialog.DialogCode.Accepted or not chooser.location:
            return False
        if chooser.choice == StoreChooser.DEMO:
            return self.open_demo(read_only=read_only)
        return self.open(chooser.location, read_only=read_only, create=chooser.choice == StoreChooser.CREATE)

    def open_demo(self, *, read_only: bool) -> bool:
        path = data_dir() / "demo.db"
        if not path.exists():
            error = build_demo_with_progress(path, parent=self.window)
            if error:
                return self.choose(self.tr("The demo store could not be built: {0}").format(error))
        return self.open(path, read_only=read_only)

    def open(self, where: str | Location, *, read_only: bool = False, create: bool = False) -> bool:
        """Open a store file or a store on a server; what fails to open is said, and the chooser shown."""
        try:
            location = parse_location(where) if isinstance(where, str) else where
            forced = isinstance(location, Path) and location.exists() and not read_only and not writable(location)
            store = open_store(location, read_only=read_only or forced, create=create)
        except (StoreError, DomainError) as error:
            return self.choose(self.tr("That store could not be opened: {0}").format(error), read_only=read_only)
        # Remembered for next time; never with a password (libpq finds it again in ~/.pgpass).
        self.settings.set(Prefs.LAST_STORE, str(location.resolve()) if isinstance(location, Path)
                          else location.without_password())
        runner = Runner(store)  # the window's runner from here on: the PIN check already runs on it
        identity = self.identify(store, runner)
        window = self.show(store, identity, runner)
        if forced:
            window.messages.show(self.tr("You cannot write to {0}; it is open read-only.").format(location), modal=False)
        return True

    def identify(self, store: Store, runner: Runner) -> Agent | None:
        """The remembered supervisor if this store knows them; otherwise ask (never in read-only mode).
        A supervisor who set a console PIN is asked for it (three tries)."""
        own = people.login_agent(store)
        if own is not None:  # a person's own login on a server: they are who acts, no one else
            return own
        if people.auditor_login(store):
            return None  # an auditor's login reads; nobody to sign in as
        name = self.settings.get(Prefs.IDENTITY)
        agent: Agent | None = None
        if name:
            try:
                agent = queries.agent_by_name(store, name)
            except DomainError:
                agent = None
        if agent is None and store.read_only:
            return None
        if agent is None:
            agent = self._ask_identity(store, runner, name)
        if agent is None or store.read_only or not pin.has_pin(store, agent.id):
            return agent
        return agent if self._unlock(runner, agent) else None

    def _ask_identity(self, store: Store, runner: Runner, name: str) -> Agent | None:
        dialog = IdentityDialog(queries.agents(store), name, guards=pin.guards(store))
        agent: Agent  # what either job returns (the runner hands results back as Any)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            chosen, is_new = dialog.chosen()
            if is_new:  # a write: on the runner, the dialog keeps painting meanwhile
                sponsor, typed = dialog.vouched_by()
                agent, error = runner.wait_for(partial(pin.join_as_supervisor, name=chosen, sponsor_id=sponsor,
                                                       sponsor_pin=typed), write=True)
            else:
                agent, error = runner.wait_for(partial(queries.agent_by_name, name=chosen))
            if error is not None:
                QMessageBox.warning(dialog, self.tr("Not done"), error)
                continue
            self.settings.set(Prefs.IDENTITY, agent.name)
            return agent
        return None  # the console opens anyway; writing actions stay off until someone signs in

    def _unlock(self, runner: Runner, agent: Agent) -> bool:
        message = ""
        for _ in range(PIN_TRIES):
            dialog = PinDialog(agent.name, unlock=True, message=message)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            typed = dialog.current.text()
            # Argon2id takes a while and may rehash (a write): never on the GUI thread.
            ok, error = runner.wait_for(partial(pin.verify_pin, agent_id=agent.id, pin=typed), write=True)
            if ok:
                return True
            message = error or self.tr("That is not the PIN of {0}. Try again.").format(agent.name)
        return False

    def show(self, store: Store, identity: Agent | None, runner: Runner | None = None) -> MainWindow:
        old = self.window
        window = MainWindow(store, self.settings, identity, runner)
        window.switch_store.connect(self._switch)
        window.show()
        self.window = window
        if old is not None:
            old.close()
            old.store.close()
            old.deleteLater()
        return window

    def _switch(self, target: str, read_only: bool) -> None:
        read_only = read_only or self.audit
        if target.startswith("new:") and self.audit:
            QMessageBox.information(self.window, self.tr("Read-only audit"), self.tr(
                "This console was started read-only, for audit: it opens stores only to read them. Start "
                "csconsole without --read-only to create a store."))
            return
        if target == "demo:":
            self.open_demo(read_only=read_only)
        elif target.startswith("new:"):
            self.open(Path(target[4:]), create=True)
        else:
            self.open(target, read_only=read_only)


def run(db: str | None, *, read_only: bool, demo: bool) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    set_identity(app)  # names, desktop file name and icon, once
    install_translations(app)
    settings = Settings()
    name = settings.get(Prefs.THEME)
    if name != "system":
        theme.apply(name)
    console = Console(settings)
    if not console.start(db, read_only=read_only, demo=demo):
        return 0
    code = int(app.exec())
    if console.window is not None:
        console.window.store.close()
    return code
