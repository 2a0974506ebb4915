"""The supervisor's window: queues on the left, the lazy ticket table in the centre, the detail on the right.

A thin shell. It owns the layout (``WindowLayout``), the runner, the action registry and the message
area, and composes the controllers, handing each only what it needs. Every write goes through the
runner; every screen re-reads from the runner's one ``changes`` event, whether the commit was ours or
another process's.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow

from csconsole.domain.rules import Agent
from csconsole.services import Store
from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.controllers.help_menu import HelpMenu
from csconsole.ui.controllers.import_export import ImportExport
from csconsole.ui.controllers.preferences_menu import PreferencesMenu
from csconsole.ui.controllers.queues_panel import QueuesPanel
from csconsole.ui.controllers.session_menu import SessionMenu
from csconsole.ui.controllers.side_panels import DashboardPanel, RecoveryPanel
from csconsole.ui.controllers.sla_policies import SlaPolicyEditor
from csconsole.ui.controllers.ticket_detail import DetailController
from csconsole.ui.controllers.ticket_list import TicketList
from csconsole.ui.controllers.ticket_work import TicketWork
from csconsole.ui.messages import Dialogs, Messages
from csconsole.ui.models.queues import QueuesModel
from csconsole.ui.models.ticket_table import TicketTableModel
from csconsole.ui.panels import Panels
from csconsole.ui.runner import Runner
from csconsole.ui.selection import TicketSelection
from csconsole.ui.watchlist import WatchList
from csconsole.ui.who import Who
from csconsole.ui.window_layout import WindowLayout

TICK_MS = 30_000  # ages and SLA countdowns move on


class MainWindow(QMainWindow):
    switch_store = Signal(str, bool)  # path, read-only: the start-up code reopens the console

    def __init__(self, store: Store, settings: Settings, identity: Agent | None, runner: Runner | None = None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.store = store
        self.runner = runner or Runner(store)
        self.runner.setParent(self)
        self.registry = Actions(self)  # not ``actions``: that is QWidget.actions()
        self.messages = Messages(self)
        self.dialogs = Dialogs(self)
        self.who = Who(identity, self)
        self._closing = False
        self._shown = False
        self.watch = watch = WatchList(settings, str(store.location), self)
        runner, registry = self.runner, self.registry

        # --- the layout, and the widgets it shows ---------------------------------------------------
        self.queues_model = QueuesModel(self)
        self.table_model = TicketTableModel(store, runner.read, self, watched=watch)
        self.window_layout = WindowLayout(self, registry, settings, self.queues_model, self.table_model,
                                          store.read_only)
        lay = self.window_layout
        self.table, self.queues_view, self.filter_bar, self.detail = lay.table, lay.queues_view, lay.filter_bar, lay.detail
        self.banner, self.busy = lay.banner, lay.busy

        # --- the controllers: each handed only what it needs ------------------------------------------
        self.selection = TicketSelection(self.table, self.table_model, self)
        self.ticket_list = TicketList(runner, registry, self.selection, self.filter_bar, self.queues_view,
                                      settings, watch, self.messages, self)
        self.sla_policies = SlaPolicyEditor(runner, lambda: self.who.agent.id if self.who.agent else None,
                                            self.messages, self.dialogs, self)
        self.queues = QueuesPanel(runner, registry, self.queues_view, self.queues_model, lay.counts_label,
                                  lay.refreshed_label, self.messages, self.dialogs, lambda: self.ticket_list.queue_id,
                                  self.sla_policies, self)
        self.imports = ImportExport(runner, registry, self.who, settings, self.messages, self.dialogs,
                                    store.location, self)
        self.detail_view = DetailController(runner, registry, self.selection, self.detail, watch,
                                            self.imports.zendesk_line, settings.currency, self)
        self.ticket_work = TicketWork(runner, registry, self.selection, self.who, watch, settings,
                                      self.messages, self.dialogs, self)
        self.session = SessionMenu(runner, registry, self.who, settings, self.messages, self.dialogs,
                                   store.location, self)
        self.preferences = PreferencesMenu(runner, registry, self.who, settings, self.messages, self.dialogs,
                                           runner.start_polling, self.sla_policies, self)
        self.panels = Panels(lay.centre_tabs, self, settings, self.messages)
        self.recovery = RecoveryPanel(runner, registry, self.selection, self.who, self.panels, self)
        self.dashboard = DashboardPanel(runner, registry, self.panels, self)
        self.help = HelpMenu(runner, registry, self.dialogs, self)
        self._connect()

        self._splitter_restored = lay.restore()
        head = self.table.horizontalHeader()
        self.ticket_list.sort_changed(head.sortIndicatorSection(), head.sortIndicatorOrder())
        self._update_title()
        runner.start_polling(settings.get(Prefs.POLL_MS))
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start(TICK_MS)
        self.ticket_list.apply_filter()
        self.queues.refresh()
        self.imports.load_crosscheck()
        self._update_enabled()
        for warning in store.warnings:
            self.messages.note_error(warning)

    def _connect(self) -> None:
        act = self.registry
        act.on_trigger(ActionId.QUIT, self.close)
        act.on_trigger(ActionId.FOCUS_QUEUES, self.queues_view.setFocus)
        act.on_trigger(ActionId.FOCUS_TABLE, self.table.setFocus)
        act.on_trigger(ActionId.FOCUS_DETAIL, self.detail.setFocus)
        self.session.switch_store.connect(self.switch_store.emit)
        self._busy_timer = QTimer(self)  # quick queries never flash the indicator
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(150)
        self._busy_timer.timeout.connect(self._update_busy)
        self.ticket_list.loading_changed.connect(lambda loading: self._busy_timer.start() if loading
                                                 else self._update_busy())
        self.ticket_list.nothing_shown.connect(self.detail_view.show_nothing)
        self.queues_view.clicked.connect(lambda _index: self.panels.show_tickets())  # a queue: its tickets
        self.table_model.refreshed.connect(self.queues.mark_refreshed)
        for wanted in (self.imports.ticket_wanted, self.recovery.ticket_wanted):
            wanted.connect(self.ticket_list.show_ticket)
        self.imports.crosscheck_changed.connect(self.detail_view.redraw)
        self.selection.changed.connect(self._update_enabled)
        self.who.changed.connect(self._who_changed)
        self.runner.busy_changed.connect(self._busy_changed)
        self.runner.failed.connect(self.messages.error)
        self.runner.server_connection.connect(self._server_connection)
        self.ticket_work.undo_stack.canUndoChanged.connect(lambda _c: self._update_enabled())
        self.messages.shown.connect(lambda text, _e: self.statusBar().showMessage(text, 10_000))

    # --- what the controllers share -------------------------------------------------------------------
    def _who_changed(self) -> None:
        self._update_title()
        self._update_enabled()

    def _busy_changed(self, _busy: bool) -> None:
        self._update_enabled()
        self._update_busy()

    def _update_enabled(self) -> None:
        if self._closing:
            return
        self.registry.update_enabled(read_only=self.store.read_only, has_ticket=self.selection.has_selection(),
                                     has_identity=self.who.agent is not None,
                                     busy=self.runner.writing or self.imports.importing)
        self.ticket_work.update_undo()
        self.registry.set_enabled(ActionId.IDENTITY, "")

    def _update_busy(self) -> None:
        if not self._closing:
            self.busy.setVisible(self.runner.writing or self.table_model.loading)

    def _update_title(self) -> None:
        # The desktop adds the application's name ("— csconsole") itself: the title names only the store.
        mode = self.tr(" (read-only audit)") if self.store.read_only else ""
        self.setWindowTitle(f"{self.store.title}{mode}")
        self.window_layout.mode_label.setText(self.tr("<b>read-only audit</b>") if self.store.read_only else "")
        who = self.who.agent
        self.window_layout.who_label.setText(self.tr("At the console: {0} ({1})").format(who.name, who.role.value) if who
                                       else self.tr("Nobody signed in: actions are off"))

    def _server_connection(self, up: bool) -> None:
        """A store on a server went away (a restart, the network): say so until it answers again; the
        runner reconnects by itself and then every screen re-reads."""
        if self._closing:
            return
        banner = self.window_layout.server_banner
        banner.setText(self.tr(
            "The server of {0} is not answering — reconnecting by itself. Work you saw confirmed is safe "
            "on the server; the screens show what they last read and refresh once it is back.").format(
            self.store.title))
        banner.setVisible(not up)
        if up:
            self.messages.show(self.tr("Connected to the server again; the screens are up to date."))

    def _on_tick(self) -> None:
        self.table_model.tick()
        self.queues.refresh()
        self.imports.tick()

    # --- Qt events ------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown:
            return
        self._shown = True
        if not self._splitter_restored:  # once the layout has given the splitter its width
            QTimer.singleShot(0, self.window_layout.default_sizes)
        if self.table_model.rowCount() and not self.selection.has_selection():
            self.selection.select_row(0)  # the detail pane shows a story from the first second
        # the Recovery tab and the Dashboard window as they were left, once the first rows are painted
        QTimer.singleShot(0, lambda: self.panels.restore({"recovery_panel": self.registry[ActionId.RECOVERY_PANEL],
                                                          "dashboard_panel": self.registry[ActionId.DASHBOARD_PANEL]}))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.window_layout.save()
        self.panels.save()
        self.panels.close_windows()
        self._closing = True
        self._tick.stop()
        self.selection.stop()
        self.detail_view.stop()
        self.runner.shutdown()  # an import in flight is cancelled and rolls back rather than outlive the window
        # Children are destroyed before our connections go: let none of them call back into us.
        for emitter in (self.ticket_work.undo_stack, self.runner, self.table_model, self.table.selectionModel(),
                        self.queues_view.selectionModel(), self.who):
            emitter.blockSignals(True)
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and not self._closing:
            self.window_layout.palette_changed()
            self.detail_view.redraw()
        super().changeEvent(event)
