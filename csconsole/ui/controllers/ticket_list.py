"""Which tickets the table shows: the queue picked, the chips, open-only, the search and the sort.

Owns FIND, REFRESH, OPEN_ONLY and the five chips, and says how many tickets are shown and selected. A new
row set is counted and fetched off the GUI thread; on a commit the table re-reads its count and visible
rows only when tickets changed. Whatever changes the row set (a chip, the search, a sort), the ticket
that was selected stays selected and in view when the new rows still hold it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QTableView

from csconsole.domain.read_models import SlaFilter, TicketFilter
from csconsole.services import Store, StoreError, queries, retry_read
from csconsole.services.changes import Kind
from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import CHIPS, ActionId, Actions
from csconsole.ui.changes_event import Changes
from csconsole.ui.messages import Messages
from csconsole.ui.models.queues import ALL_QUEUES, QUEUE_ID_ROLE
from csconsole.ui.models.ticket_table import PAGE, SORT_KEYS, Column, TicketTableModel
from csconsole.ui.runner import Runner
from csconsole.ui.selection import TicketSelection
from csconsole.ui.watchlist import WatchList
from csconsole.ui.widgets.filter_bar import FilterBar

# What moves the table's rows and the chips' counts.
TABLE_KINDS = (Kind.TICKETS, Kind.SLA_TARGETS, Kind.RECOVERY, Kind.EVALUATIONS)


class TicketList(QObject):
    rows_ready = Signal()  # a new row set is in and the selection restored
    nothing_shown = Signal(str)  # no row to select: why (the detail pane says it)
    loading_changed = Signal(bool)  # a row set started (True) or stopped loading: the busy indicator

    def __init__(self, runner: Runner, actions: Actions, selection: TicketSelection, filter_bar: FilterBar,
                 queue_picker: QTableView, settings: Settings, watch: WatchList, messages: Messages,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._actions, self._selection = runner, actions, selection
        self._model: TicketTableModel = selection.model
        self._table = selection.table
        self._filter_bar, self._queues, self._settings, self._watch = filter_bar, queue_picker, settings, watch
        self._messages = messages
        self._queue_id = ALL_QUEUES
        self._search = ""
        self._counted_base: TicketFilter | None = None  # what the chips' counts shown were counted within

        actions[ActionId.OPEN_ONLY].setChecked(settings.get(Prefs.OPEN_ONLY))
        actions.on_trigger(ActionId.FIND, self.focus_search)
        actions.on_trigger(ActionId.REFRESH, runner.reread_everything)
        for key in CHIPS:
            actions.on_toggle(key, lambda _on: self.apply_filter())
        actions.on_toggle(ActionId.OPEN_ONLY, self._open_only_toggled)
        filter_bar.search_changed.connect(self._search_changed)
        queue_picker.selectionModel().currentRowChanged.connect(self._queue_picked)
        self._table.horizontalHeader().sortIndicatorChanged.connect(self.sort_changed)
        self._model.query_applied.connect(self._query_applied)
        self._model.about_to_refresh.connect(self._selection.remember)
        self._model.refreshed.connect(self._selection.restore)
        self._model.failed.connect(self._query_failed)
        self._model.went_away.connect(self._server_away)
        self._model.refreshed.connect(lambda: filter_bar.set_shown(self._model.rowCount()))
        selection.changed.connect(lambda: filter_bar.set_selected(selection.count()))
        runner.changes.connect(self.on_changes)
        watch.changed.connect(self.watch_list_changed)

    # --- the filter -------------------------------------------------------------------------------
    @property
    def queue_id(self) -> int:
        return self._queue_id

    def base_filter(self) -> TicketFilter:
        """Queue, search and open-only: what the chips' counts are counted within."""
        return TicketFilter(
            queue_id=None if self._queue_id == ALL_QUEUES else self._queue_id,
            open_only=self._actions[ActionId.OPEN_ONLY].isChecked(),
            search=self._search,
        )

    def chip_filter(self, key: ActionId, base: TicketFilter) -> TicketFilter:
        match key:
            case ActionId.CHIP_BOUNCED:
                return base.with_(min_bounces=3)
            case ActionId.CHIP_CALLBACK:
                return base.with_(min_contacts=3)
            case ActionId.CHIP_SLA:
                return base.with_(sla=SlaFilter.ATTENTION)
            case ActionId.CHIP_UNOWNED:
                return base.with_(unowned=True)
            case ActionId.CHIP_WATCHED:
                return base.with_(ticket_ids=frozenset(self._watch.ids))
        return base

    def current_filter(self) -> TicketFilter:
        flt = self.base_filter()
        for key in CHIPS:
            if self._actions[key].isChecked():
                flt = self.chip_filter(key, flt)
        return flt

    def apply_filter(self) -> None:
        """A different row set: counted and fetched off the GUI thread, then the table resets. The chips'
        counts are counted within the queue, search and open-only alone: toggling a chip leaves them as
        they are (five counts less competing with the new page: 10-25 ms of work at 1M)."""
        self._selection.remember()
        self._model.set_query(self.current_filter())
        self.loading_changed.emit(True)
        if self.base_filter() != self._counted_base:
            self.refresh_chip_counts()

    def watch_list_changed(self) -> None:
        self._model.tick()  # the rows' watch marks
        self.refresh_chip_counts()
        if self._actions[ActionId.CHIP_WATCHED].isChecked():
            self.apply_filter()

    def show_ticket(self, ticket_id: int) -> None:
        """Bring a ticket into the table and select it: where it sits in the rows shown, or else (the chips or
        the search hide it) after clearing them."""
        if self._selection.select_ticket(ticket_id):
            return
        self._bring_back(ticket_id, lambda: self._show_hidden(ticket_id))

    def _show_hidden(self, ticket_id: int) -> None:
        rows = queries.tickets_by_id(self._runner.store, [ticket_id])
        found = rows[0].ref if rows else str(ticket_id)
        for key in (*CHIPS, ActionId.OPEN_ONLY):
            self._actions[key].blockSignals(True)
            self._actions[key].setChecked(False)
            self._actions[key].blockSignals(False)
        self._filter_bar.search.setText(found)
        self._search = found
        self.apply_filter()
        self._selection.remember([ticket_id], ticket_id)

    def _query_failed(self, message: str) -> None:
        self._messages.note_error(message)
        self.loading_changed.emit(False)

    def _server_away(self) -> None:
        """The rows could not be read: the server is away. The banner says so, not an error."""
        self._runner.server_lost()
        self.loading_changed.emit(False)

    def _query_applied(self) -> None:
        self.loading_changed.emit(False)
        self._selection.restore()
        kept = self._selection.kept_current
        if kept is not None and self._selection.current_ticket_id() != kept and self._model.rowCount():
            self._bring_back(kept, self._select_first)  # further down the new rows, perhaps
        elif not self._selection.has_selection():
            self._select_first()
        self._filter_bar.set_shown(self._model.rowCount())
        self.rows_ready.emit()

    def _select_first(self) -> None:
        """Nothing kept in the new rows: the first one, so the detail pane always tells a visible ticket's story."""
        if self._selection.has_selection():
            return
        if self._model.rowCount():
            self._selection.select_row(0)
            return
        try:
            empty = retry_read(lambda: queries.tickets_count(self._runner.store, TicketFilter()) == 0,
                               self._runner.store.location, patient=False)
        except StoreError as error:
            if error.server_away:
                self._runner.server_lost()
            empty = False
        self.nothing_shown.emit(
            self.tr("No tickets yet. Add a queue (File menu), then open a ticket (Ctrl+N).") if empty
            else self.tr("No tickets match these filters."))

    def _bring_back(self, ticket_id: int, otherwise: Callable[[], None]) -> None:
        """Select ``ticket_id`` where it sits in the rows shown (asked off the GUI thread: it may be far down),
        and scroll to it; ``otherwise`` when these rows leave it out."""
        flt, order, now = self._model.ticket_filter, self._model.order, self._model.now

        def found(row: int | None) -> None:
            if self._model.ticket_filter != flt or self._model.order != order or self._model.loading:
                return  # the user moved on; the newer row set keeps its own selection
            if row is None or row >= self._model.rowCount():
                otherwise()
            elif row < PAGE or self._model.anchors is not None:
                self._selection.select_row(row)
            else:  # its page is reached by key once the anchors are in
                self._model.anchors_ready.connect(lambda: self._selection.select_row(row),
                                                  Qt.ConnectionType.SingleShotConnection)

        self._runner.read(lambda store: queries.ticket_position(store, flt, ticket_id, order=order, now=now), found,
                          key="position")

    def _search_changed(self, text: str) -> None:
        if text.strip() != self._search:
            self._search = text.strip()
            self.apply_filter()

    def _open_only_toggled(self, on: bool) -> None:
        self._settings.set(Prefs.OPEN_ONLY, on)
        self.apply_filter()

    def _queue_picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        queue_id = current.siblingAtColumn(0).data(QUEUE_ID_ROLE) if current.isValid() else ALL_QUEUES
        if queue_id is not None and queue_id != self._queue_id:
            self._queue_id = int(queue_id)
            self.apply_filter()

    def sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        if 0 <= section < len(Column) and Column(section) in SORT_KEYS:
            self._selection.remember()
            self._model.sort(section, order)
            if self._model.loading:
                self.loading_changed.emit(True)
            return
        # Only some columns can be sorted by an index; put the indicator back on the one in use.
        current = next((c for c, k in SORT_KEYS.items() if k == self._model.order.key), Column.REF)
        head = self._table.horizontalHeader()
        head.blockSignals(True)
        head.setSortIndicator(current, Qt.SortOrder.DescendingOrder if self._model.order.descending
                              else Qt.SortOrder.AscendingOrder)
        head.blockSignals(False)

    def focus_search(self) -> None:
        self._filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._filter_bar.search.selectAll()

    # --- live -------------------------------------------------------------------------------------
    def on_changes(self, changes: Changes) -> None:
        """Tickets changed (ours or anyone's): re-read the count and visible rows, keeping selection and scroll."""
        if changes.touches(*TABLE_KINDS):
            self._model.refresh()  # the count comes back off the GUI thread
            self.refresh_chip_counts()

    def refresh_chip_counts(self) -> None:
        base = self.base_filter()
        self._counted_base = base
        filters = {key: self.chip_filter(key, base) for key in CHIPS}

        def count(store: Store) -> dict[ActionId, int]:
            return {key: queries.tickets_count(store, flt) for key, flt in filters.items()}

        def got(counts: dict[ActionId, int]) -> None:
            if base != self.base_filter():
                return  # the user moved on; a newer request is in flight
            for key, n in counts.items():
                self._filter_bar.set_count(key, n)

        self._runner.read(count, got, key="chips")
