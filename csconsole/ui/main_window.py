"""The supervisor's window: queues on the left, the lazy ticket table in the centre, the detail on the right.

Every write goes through ``Operations``; every panel refreshes from its one ``changed`` signal, whether
the commit was ours or another process's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QMessageBox,
)

from csconsole.domain.errors import DomainError
from csconsole.domain.read_models import SlaFilter, TicketFilter, TicketRow
from csconsole.domain.rules import Agent
from csconsole.services import Store, StoreError, queries
from csconsole.services.crosscheck import Disagreement
from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import CHIPS, A, Actions
from csconsole.ui.help import HelpActions
from csconsole.ui.importing import ImportActions, ImportWorker
from csconsole.ui.models.queues import ALL_QUEUES, QUEUE_ID_ROLE, QueuesModel
from csconsole.ui.models.ticket_table import PAGE, SORT_KEYS, Column, TicketTableModel
from csconsole.ui.operations import Operations
from csconsole.ui.panels import Panels
from csconsole.ui.session import SessionActions
from csconsole.ui.ticket_work import TicketWork
from csconsole.ui.watchlist import WatchList
from csconsole.ui.widgets.detail import DetailPane
from csconsole.ui.window_layout import WindowLayout

MAX_KEPT = 2_000  # selected tickets carried across a refresh or a filter change
TICK_MS = 30_000  # ages and SLA countdowns move on


class MainWindow(WindowLayout, TicketWork, SessionActions, ImportActions, HelpActions, Panels, QMainWindow):
    switch_store = Signal(str, bool)  # path, read-only: the start-up code reopens the console
    message_shown = Signal(str, bool)  # text, is_error (tests and the status bar listen)

    def __init__(self, store: Store, settings: Settings, identity: Agent | None) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.store = store
        self.settings = settings
        self.identity = identity
        self.ops = Operations(store, self)
        self.undo_stack = QUndoStack(self)
        self.actions = Actions(self)
        self.watch = WatchList(settings, str(store.path))
        self.last_message = ""
        self._closing = False
        self.active_dialog: QDialog | None = None  # the open, non-blocking dialog (tests drive it)
        self._queue_id = ALL_QUEUES
        self._search = ""
        self.import_worker: ImportWorker | None = None
        self.disagreements_by_ticket: dict[int, list[Disagreement]] = {}  # Zendesk cross-check, for the detail
        self.zendesk_checked = 0  # imported tickets carrying Zendesk's counts, as last cross-checked

        self.queues_model = QueuesModel(self)
        self.table_model = TicketTableModel(store, self.ops.read, self)
        self._keep: tuple[list[int], int | None] = ([], None)  # selection to restore after new rows arrive
        self.detail = DetailPane()
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(30)
        self._detail_timer.timeout.connect(self._detail_for_selection)
        self._build_views()
        self._build_menus()
        self._connect()
        self._connect_panels()
        self._restore_layout()
        self._update_title()

        self.ops.start_polling(settings.get(Prefs.POLL_MS))
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start(TICK_MS)
        self.apply_filter()
        self._refresh_side_panels()
        self.load_crosscheck()
        self._update_enabled()
        for warning in store.warnings:
            self.show_message(warning, error=True, modal=False)

    def export_audit_pack(self) -> None:
        """File → Export audit pack: off the GUI thread, with progress; works in read-only mode too."""
        from csconsole.ui.export_dialog import export_audit_pack  # Qt's PDF machinery only when asked

        export_audit_pack(self, str(self.store.path))

    def _connect(self) -> None:
        act = self.actions
        handlers: dict[A, Callable[[], None]] = {
            A.OPEN_STORE: self._open_store, A.NEW_STORE: self._new_store, A.DEMO_STORE: self._demo_store,
            A.NEW_QUEUE: self.add_queue, A.NEW_AGENT: self.add_agent, A.SLA_TARGETS: self.edit_sla_targets,
            A.IDENTITY: self.choose_identity, A.SET_PIN: self.set_my_pin, A.QUIT: self.close,
            A.UNDO: self.undo_stack.undo, A.REDO: self.undo_stack.redo,
            A.FIND: self._focus_search, A.REFRESH: self.refresh,
            A.FOCUS_QUEUES: self.queues_view.setFocus, A.FOCUS_TABLE: self.table.setFocus,
            A.FOCUS_DETAIL: self.detail.setFocus,
            A.NEW_TICKET: self.new_ticket, A.TAKE: self.take, A.REASSIGN: self.reassign,
            A.TRANSFER: self.transfer, A.REPLY: self.reply, A.NOTE: self.add_note, A.CONTACT: self.log_contact,
            A.ESCALATE: self.escalate, A.RESOLVE: lambda: self.set_status("resolved"),
            A.CLOSE: lambda: self.set_status("closed"), A.REOPEN: lambda: self.set_status("open"),
            A.SHORTCUTS: self.show_shortcuts, A.ABOUT: self.show_about,
            A.IMPORT_CSV: self.ask_import_csv, A.IMPORT_ZENDESK: self.ask_import_zendesk,
            A.EXPORT_PACK: self.export_audit_pack,
            A.CROSSCHECK: self.show_crosscheck, A.PREFERENCES: self.show_preferences,
            A.THEME_SYSTEM: lambda: self._set_theme("system"), A.THEME_LIGHT: lambda: self._set_theme("light"),
            A.THEME_DARK: lambda: self._set_theme("dark"),
        }
        for key, handler in handlers.items():
            act[key].triggered.connect(lambda _checked=False, h=handler: h())
        for key in CHIPS:
            act[key].toggled.connect(lambda _on: self.apply_filter())
        act[A.OPEN_ONLY].toggled.connect(self._open_only_toggled)
        act[A.WATCH].triggered.connect(self._toggle_watch)
        self.filter_bar.search_changed.connect(self._search_changed)
        self.queues_view.selectionModel().currentRowChanged.connect(self._queue_picked)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.queues_view.addAction(act[A.SLA_TARGETS])
        self.ops.changed.connect(self.on_changed)
        self.ops.read_failed.connect(lambda m: self.show_message(m, error=True, modal=False))
        self.table_model.query_applied.connect(self._query_applied)
        self.table_model.failed.connect(lambda m: (self.show_message(m, error=True, modal=False), self._update_busy()))
        self.table_model.about_to_refresh.connect(self._before_refresh)
        self.table_model.refreshed.connect(self._table_refreshed)
        self.ops.busy_changed.connect(lambda _b: (self._update_enabled(), self._update_busy()))
        self._busy_timer = QTimer(self)  # quick queries never flash the indicator
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(150)
        self._busy_timer.timeout.connect(self._update_busy)
        self.ops.write_failed.connect(lambda m: self.show_message(m, error=True))
        self.undo_stack.canUndoChanged.connect(lambda _c: self._update_enabled())
        self.undo_stack.canRedoChanged.connect(lambda _c: self._update_enabled())
        self.undo_stack.undoTextChanged.connect(
            lambda t: act[A.UNDO].setText(self.tr("&Undo {0}").format(t) if t else self.tr("&Undo")))
        self.undo_stack.redoTextChanged.connect(
            lambda t: act[A.REDO].setText(self.tr("&Redo {0}").format(t) if t else self.tr("&Redo")))
        self.message_shown.connect(lambda text, _e: self.statusBar().showMessage(text, 10_000))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self._closing = True
        self._tick.stop()
        if self.import_worker is not None:  # an import in flight rolls back rather than outlive the window
            self.import_worker.cancel.set()
            self.import_worker.wait()
        self.ops.shutdown()
        # Children are destroyed before our connections go: let none of them call back into us.
        for emitter in (self.undo_stack, self.ops, self.table_model, self.table.selectionModel(),
                        self.queues_view.selectionModel()):
            emitter.blockSignals(True)
        super().closeEvent(event)

    # --- filtering ---------------------------------------------------------------------------
    def base_filter(self) -> TicketFilter:
        """Queue, search and open-only: what the chips' counts are counted within."""
        return TicketFilter(
            queue_id=None if self._queue_id == ALL_QUEUES else self._queue_id,
            open_only=self.actions[A.OPEN_ONLY].isChecked(),
            search=self._search,
        )

    def chip_filter(self, key: A, base: TicketFilter) -> TicketFilter:
        match key:
            case A.CHIP_BOUNCED:
                return base.with_(min_bounces=3)
            case A.CHIP_CALLBACK:
                return base.with_(min_contacts=3)
            case A.CHIP_SLA:
                return base.with_(sla=SlaFilter.ATTENTION)
            case A.CHIP_UNOWNED:
                return base.with_(unowned=True)
            case A.CHIP_WATCHED:
                return base.with_(ticket_ids=frozenset(self.watch.ids))
        return base

    def current_filter(self) -> TicketFilter:
        flt = self.base_filter()
        for key in CHIPS:
            if self.actions[key].isChecked():
                flt = self.chip_filter(key, flt)
        return flt

    def apply_filter(self) -> None:
        """A different row set: counted and fetched off the GUI thread, then the table resets."""
        self._keep = (self.selected_ticket_ids(limit=MAX_KEPT), self.current_ticket_id())
        self.table_model.set_query(self.current_filter())
        self._busy_timer.start()
        self._refresh_chip_counts()

    def _update_busy(self) -> None:
        if not self._closing:
            self.busy.setVisible(self.ops.writing or self.table_model.loading)

    def _query_applied(self) -> None:
        self._update_busy()
        self._load_visible()
        self._reselect(*self._keep)
        if not self.table.selectionModel().hasSelection():
            if self.table_model.rowCount():
                self.select_row(0)  # the detail pane always tells the story of a visible ticket
            else:
                empty = queries.tickets_count(self.store, TicketFilter()) == 0
                self.detail.show_nothing(
                    self.tr("No tickets yet. Add a queue (File menu), then open a ticket (Ctrl+N).") if empty
                    else self.tr("No tickets match these filters."))
        self._show_counts_in_title()

    def _search_changed(self, text: str) -> None:
        if text.strip() != self._search:
            self._search = text.strip()
            self.apply_filter()

    def _open_only_toggled(self, on: bool) -> None:
        self.settings.set(Prefs.OPEN_ONLY, on)
        self.apply_filter()

    def _queue_picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        queue_id = current.siblingAtColumn(0).data(QUEUE_ID_ROLE) if current.isValid() else ALL_QUEUES
        if queue_id is not None and queue_id != self._queue_id:
            self._queue_id = int(queue_id)
            self.apply_filter()

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        if 0 <= section < len(Column) and Column(section) in SORT_KEYS:
            self.table_model.sort(section, order)
            return
        # Only some columns can be sorted by an index; put the indicator back on the one in use.
        current = next((c for c, k in SORT_KEYS.items() if k == self.table_model.order.key), Column.REF)
        head = self.table.horizontalHeader()
        head.blockSignals(True)
        head.setSortIndicator(current, Qt.SortOrder.DescendingOrder if self.table_model.order.descending
                              else Qt.SortOrder.AscendingOrder)
        head.blockSignals(False)

    def _focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    # --- live --------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.on_changed()

    def on_changed(self) -> None:
        """Someone committed (us or anyone else): re-read only what is shown, keep selection and scroll."""
        self.table_model.refresh()  # the count comes back off the GUI thread, see _table_refreshed
        self._refresh_side_panels()
        self._refresh_chip_counts()
        if self.detail.ticket_id is not None:
            self._show_detail(self.detail.ticket_id)

    def _before_refresh(self) -> None:
        self._keep = (self.selected_ticket_ids(limit=MAX_KEPT), self.current_ticket_id())

    def _table_refreshed(self) -> None:
        self._load_visible()
        self._reselect(*self._keep)
        self.refreshed_label.setText(self.tr("Refreshed {0}").format(datetime.now().strftime("%H:%M:%S")))

    def _on_tick(self) -> None:
        self.table_model.tick()
        self._refresh_side_panels()
        if self.zendesk_checked:
            self.load_crosscheck()

    def _refresh_side_panels(self) -> None:
        def got(stats: queries.FloorStats) -> None:
            self.queues_model.set_stats(stats.queues)
            if not self.queues_view.currentIndex().isValid():
                self.queues_view.setCurrentIndex(self.queues_model.index(self.queues_model.row_of(self._queue_id), 0))
            self.counts_label.setText(self.tr("Open {0:,} · breached {1:,} · bounced > 2 {2:,} · callbacks {3:,}")
                                      .format(stats.open_tickets, stats.breached, stats.bounced_over_two,
                                              stats.senior_callbacks))
            self.refreshed_label.setText(self.tr("Refreshed {0}").format(datetime.now().strftime("%H:%M:%S")))

        self.ops.read(queries.floor_stats, got, lambda m: self.show_message(m, error=True, modal=False), key="floor")

    def _refresh_chip_counts(self) -> None:
        base = self.base_filter()
        filters = {key: self.chip_filter(key, base) for key in CHIPS}

        def count(store: Store) -> dict[A, int]:
            return {key: queries.tickets_count(store, flt) for key, flt in filters.items()}

        def got(counts: dict[A, int]) -> None:
            if base != self.base_filter():
                return  # the user moved on; a newer request is in flight
            for key, n in counts.items():
                self.filter_bar.set_count(key, n)

        self.ops.read(count, got, key="chips")

    def _show_counts_in_title(self) -> None:
        self.table.setToolTip(self.tr("{0:,} tickets").format(self.table_model.rowCount()))

    # --- selection ---------------------------------------------------------------------------
    def selected_count(self) -> int:
        """Rows selected, counted from the selection's ranges (a million-row selection stays cheap)."""
        return sum(r.height() for r in self.table.selectionModel().selection())

    def selected_rows(self, limit: int | None = None) -> list[TicketRow]:
        """The selected rows that can be read (fetched on demand); at most ``limit`` of them."""
        numbers: list[int] = []
        for selected in self.table.selectionModel().selection():
            numbers.extend(range(selected.top(), selected.bottom() + 1))
            if limit is not None and len(numbers) >= limit:
                break
        return [row for n in sorted(set(numbers))[:limit] if (row := self.table_model.row_at(n)) is not None]

    def selected_ticket_ids(self, limit: int | None = None) -> list[int]:
        return [row.id for row in self.selected_rows(limit)]

    def current_ticket_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.table_model.ticket_id(index.row()) if index.isValid() else None

    def _load_visible(self) -> None:
        top = max(0, self.table.rowAt(0))
        bottom = self.table.rowAt(self.table.viewport().height() - 1)
        for row in (top, bottom if bottom >= 0 else top + PAGE):
            self.table_model.row_at(min(row, self.table_model.rowCount() - 1))

    def _reselect(self, ids: list[int], current: int | None = None) -> None:
        selection = self.table.selectionModel()
        wanted = QItemSelection()
        found = 0
        for tid in ids:
            row = self.table_model.row_of(tid)
            if row is not None:
                found += 1
                wanted.select(self.table_model.index(row, 0), self.table_model.index(row, len(Column) - 1))
        if found < len(ids) and selection.hasSelection():
            return  # some lie outside the rows held (scrolled far away): keep the selection as it stands
        selection.blockSignals(True)
        selection.select(wanted, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if current is not None and (row := self.table_model.row_of(current)) is not None:
            selection.setCurrentIndex(self.table_model.index(row, self.table.currentIndex().column() if
                                                             self.table.currentIndex().isValid() else 0),
                                      QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.blockSignals(False)
        self.table.viewport().update()
        self._update_enabled()
        if found and self.current_ticket_id() != self.detail.ticket_id:
            self._detail_timer.start()  # signals were blocked: the detail must still follow (show_ticket)

    def select_row(self, row: int) -> None:
        """Select one row, whatever keys are held (QTableView.selectRow would extend with Ctrl down)."""
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(self.table_model.index(row, 0), flags)
        self.table.scrollTo(self.table_model.index(row, 0))

    def select_ticket(self, ticket_id: int) -> bool:
        row = self.table_model.row_of(ticket_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def _selection_changed(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        # The detail follows a moment later: the table repaints first, and holding an arrow key
        # down through the list does not build a detail pane per row passed.
        self._detail_timer.start()
        self._update_enabled()

    def _detail_for_selection(self) -> None:
        if self._closing:
            return
        selection = self.table.selectionModel()
        current = self.table.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row()):
            self._show_detail(self.table_model.ticket_id(current.row()))
        else:
            ids = self.selected_ticket_ids(limit=1)
            self._show_detail(ids[0] if ids else None)

    def _show_detail(self, ticket_id: int | None) -> None:
        if ticket_id is None:
            self.detail.show_nothing()
            return
        try:
            self.detail.show_detail(queries.ticket_detail(self.store, ticket_id))
            self.detail.set_zendesk(self.zendesk_line(ticket_id))
        except (DomainError, StoreError) as error:
            self.detail.show_nothing(str(error))
        self.actions[A.WATCH].setChecked(ticket_id in self.watch.ids)

    def _update_enabled(self) -> None:
        if self._closing:
            return
        has_ticket = self.table.selectionModel().hasSelection() if self.table.selectionModel() else False
        self.actions.update_enabled(read_only=self.store.read_only, has_ticket=has_ticket,
                                    has_identity=self.identity is not None,
                                    busy=self.ops.writing or self.import_worker is not None)
        can_write = not self.store.read_only and self.identity is not None and not self.ops.writing
        self.actions[A.UNDO].setEnabled(can_write and self.undo_stack.canUndo())
        self.actions[A.REDO].setEnabled(can_write and self.undo_stack.canRedo())
        self.actions[A.IDENTITY].setEnabled(True)

    def _update_title(self) -> None:
        mode = self.tr(" (read-only)") if self.store.read_only else ""
        self.setWindowTitle(f"{self.store.path.name}{mode} — csconsole")
        who = self.identity
        self.who_label.setText(self.tr("At the console: {0} ({1})").format(who.name, who.role.value) if who
                               else self.tr("Nobody signed in: actions are off"))

    # --- messages ----------------------------------------------------------------------------
    def show_message(self, text: str, *, error: bool = False, modal: bool = True) -> None:
        """Refusals are plain sentences; the box does not block, so live updates keep flowing."""
        self.last_message = text
        self.message_shown.emit(text, error)
        if error and modal:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Not done"), text, QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.setObjectName("refusal")
            box.open()

    def _report(self, text: str, error: bool) -> None:
        self.show_message(text, error=error)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and not self._closing:
            self._style_banner()
            self.queues_model.set_stats(self.queues_model.stats())  # repaint with the new inks
            self.table_model.tick()  # row tints and inks are worked out per palette
            if self.detail.ticket_id is not None:
                self._show_detail(self.detail.ticket_id)
        super().changeEvent(event)
