"""The ticket table: an id-based lazy model over the store.

Holds the row count (a count query), a bounded cache of pages fetched by key, and the keys of every
PAGE-th row (``page_anchors``, computed off the GUI thread) so that any page can be reached by key,
never with OFFSET. Sorting and filtering are SQL's job; the model only says which.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Container
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal

from csconsole.domain import clock
from csconsole.domain.read_models import SortKey, TicketFilter, TicketRow
from csconsole.services import Store, StoreError, queries, retry_read
from csconsole.services.queries import Key, Order
from csconsole.ui.models.ticket_rows import NUMERIC, SORT_KEYS, Column, RowView, plain_row, tooltip

__all__ = ["ATTENTION_ROLE", "MAX_PAGES", "PAGE", "SORT_KEYS", "TICKET_ID_ROLE", "Column", "TicketTableModel"]

PAGE = 100
MAX_PAGES = 30  # ~3,000 rows held at most: a few screens either way of what is visible
WALK_LIMIT = 8  # pages we may fetch in sequence to reach one, before anchors arrive
# A new row set asks for its anchors once it is painted (a paint takes 10-20 ms): the anchors' read (13 ms
# at 1M tickets) would otherwise compete with the paint for a busy machine's cores.
ANCHORS_AFTER_MS = 40

Index = QModelIndex | QPersistentModelIndex
class BackgroundRead(Protocol):
    """The shape of Runner.read: run a job off the GUI thread, report on it."""

    def __call__(self, job: Callable[[Store], Any], done: Callable[[Any], None],
                 failed: Callable[[str], None] | None = None, *, urgent: bool = False,
                 key: str | None = None, away: Callable[[], None] | None = None) -> None: ...

TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ATTENTION_ROLE = Qt.ItemDataRole.UserRole + 2


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_TICKET_ID = int(TICKET_ID_ROLE)
_ATTENTION = int(ATTENTION_ROLE)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NUMERIC = frozenset(int(c) for c in NUMERIC)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_COLUMNS = len(Column)


class TicketTableModel(QAbstractTableModel):
    """Rows come from the store page by page; the model never holds the full result.

    With a ``run`` callable (the window passes Runner.read), counts, first pages and anchors are
    worked out off the GUI thread and applied when they arrive: a slow filter or a search never
    freezes the window. Without one (model tests), everything happens at once on ``store``.
    """

    query_applied = Signal()  # a new row set is in (after load_query / set_query)
    about_to_refresh = Signal()  # the rows are about to be re-read: remember what is selected
    refreshed = Signal()  # after a live refresh: the count and the visible rows are current
    anchors_ready = Signal()
    failed = Signal(str)  # a query could not run (a vanished or damaged file): the message
    # The server did not answer a read: no error to show (the window's banner says it), the rows wait as
    # placeholders, and the next refresh (the runner's once the server is back) reads them again.
    went_away = Signal()

    def __init__(self, store: Store, run: BackgroundRead | None = None, parent: Any = None,
                 watched: Container[int] = frozenset()) -> None:
        super().__init__(parent)
        self._store = store
        self._watched = watched  # the watch list: its tickets carry a mark
        self._run = run
        self._filter = TicketFilter(open_only=True)
        self._order = Order(SortKey.ID, descending=True)
        self._asked_order = self._order  # the latest order asked for, maybe still on its way
        self._asked_filter = self._filter  # likewise
        self._count = 0
        # each page holds rows; a row becomes a RowView the first time it is painted
        self._pages: OrderedDict[int, list[TicketRow | RowView]] = OrderedDict()
        self._anchors: list[Key] | None = None
        self._generation = 0
        self.loading = False  # a new row set is on its way
        self._unreachable = False  # a page read failed (a server away): placeholders until the next refresh
        self._asked_lost = False  # the server went away before the rows asked for arrived: ask again
        self._now = clock.now_text()
        self._headers = [
            self.tr("Ref"), self.tr("Subject"), self.tr("Customer"), self.tr("Queue"), self.tr("Owner"),
            self.tr("Status"), self.tr("Priority"), self.tr("Age"), self.tr("SLA"), self.tr("Bounces"),
            "⇄", self.tr("Contacts"),
        ]

    # --- what the model shows -------------------------------------------------------------
    @property
    def ticket_filter(self) -> TicketFilter:
        return self._filter

    @property
    def order(self) -> Order:
        return self._asked_order

    @property
    def anchors(self) -> list[Key] | None:
        return self._anchors

    def _submit(self, job: Callable[[Store], Any], done: Callable[[Any], None], key: str) -> None:
        if self._run is None:
            done(job(self._store))
        else:
            self._run(job, done, self._query_failed, urgent=True, key=key, away=self._server_away)

    def _query_failed(self, message: str) -> None:
        self.loading = False  # or no refresh would ever run again
        self.failed.emit(message)

    def _server_away(self) -> None:
        if self.loading:
            self._asked_lost = True  # a new row set never came: the refresh once it is back asks for it
        self.loading = False
        self.went_away.emit()

    def set_query(self, flt: TicketFilter, order: Order | None = None) -> None:
        """A new row set: count and first page, then a reset (different rows, not the same rows moved)."""
        order = order or self._asked_order
        self._asked_order, self._asked_filter = order, flt
        now = clock.now_text()
        self._generation += 1
        generation = self._generation
        self.loading = True

        def job(store: Store) -> tuple[int, list[TicketRow]]:
            return queries.tickets_count_and_page(store, flt, order=order, limit=PAGE, now=now)

        def done(result: tuple[int, list[TicketRow]]) -> None:
            if generation != self._generation:
                return  # the user has moved on; a newer query is in flight
            self._asked_lost = False
            count, first = result
            self.beginResetModel()
            self._filter, self._order, self._now, self._count = flt, order, now, count
            self._pages.clear()
            self._unreachable = False
            if first:
                self._pages[0] = list(first)
            self._anchors = None
            self.endResetModel()
            self.loading = False
            self.query_applied.emit()
            self._ask_anchors_later()

        self._submit(job, done, "rows")

    def refresh(self) -> None:
        """Someone committed: re-read the count and what is visible, keeping scroll position (no reset)."""
        if self.loading:
            return  # the query in flight reads the new state anyway
        if self._asked_lost:  # the server went away before the row set asked for came: ask it again
            self.set_query(self._asked_filter, self._asked_order)
            return
        flt, now = self._filter, clock.now_text()

        def done(count: int) -> None:
            # Stale only if another row set came in since: an earlier refresh landing first leaves this
            # one current (dropping it would leave the commits it saw off the screen until the next one).
            if flt == self._filter and not self.loading:
                self._apply_refresh(count, now)

        self._submit(lambda store: queries.tickets_count(store, flt, now=now), done, "recount")

    def _apply_refresh(self, count: int, now: str) -> None:
        self.about_to_refresh.emit()
        self._now = now
        self._pages.clear()
        self._unreachable = False
        self._generation += 1  # anchors in flight describe the old rows
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        elif count < self._count:
            self.beginRemoveRows(QModelIndex(), count, self._count - 1)
            self._count = count
            self.endRemoveRows()
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(Column) - 1))
        self._ask_anchors()  # stale anchors stay in use (nearly right) until the new ones arrive
        self.refreshed.emit()

    @property
    def now(self) -> str:
        return self._now

    def tick(self) -> None:
        """Age, SLA and attention move with the clock (and colours with the palette): redo the held views."""
        self._now = clock.now_text()
        for number, items in self._pages.items():
            self._pages[number] = [plain_row(i) for i in items]  # views are rebuilt as they are painted
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, _COLUMNS - 1))

    def _ask_anchors_later(self) -> None:
        if self._run is None:
            self._ask_anchors()
            return
        generation = self._generation
        QTimer.singleShot(ANCHORS_AFTER_MS, self, lambda: self._ask_anchors() if generation == self._generation
                          else None)

    def _ask_anchors(self) -> None:
        if self._run is None or self._count <= PAGE:
            return
        generation, flt, order, now = self._generation, self._filter, self._order, self._now

        def arrived(keys: list[Key]) -> None:
            if generation != self._generation:
                return
            self._anchors = keys
            self.anchors_ready.emit()
            if self._count:  # rows shown as placeholders can now be fetched
                self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(Column) - 1))

        self._run(lambda store: queries.page_anchors(store, flt, order=order, step=PAGE, now=now), arrived,
                  self.failed.emit, key="anchors")

    # --- rows -------------------------------------------------------------------------------
    def _view(self, row: int) -> RowView | None:
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, PAGE)
        items = self._pages.get(number)
        if items is None:
            if self._unreachable:
                return None
            try:  # on the GUI thread: never waits for a server away (the runner's refresh comes once it is back)
                items = retry_read(lambda: self._load(number), self._store.location, patient=False)
            except StoreError as error:
                self._unreachable = True
                if error.server_away:
                    self.went_away.emit()
                else:
                    self.failed.emit(str(error))
                return None
            if items is None:
                return None
        if offset >= len(items):
            return None
        item = items[offset]
        if not isinstance(item, RowView):
            item = items[offset] = RowView(item, self._now, item.id in self._watched)
        return item

    def row_at(self, row: int) -> TicketRow | None:
        view = self._view(row)
        return view.row if view is not None else None

    def ticket_id(self, row: int) -> int | None:
        view = self._view(row)
        return view.row.id if view is not None else None

    def row_of(self, ticket_id: int) -> int | None:
        """Where a ticket sits, if it is among the pages held."""
        for number, items in self._pages.items():
            for offset, item in enumerate(items):
                if plain_row(item).id == ticket_id:
                    return number * PAGE + offset
        return None

    def cached_rows(self) -> int:
        return sum(len(items) for items in self._pages.values())

    def _keep(self, number: int, rows: list[TicketRow]) -> list[TicketRow | RowView]:
        views: list[TicketRow | RowView] = list(rows)
        self._pages[number] = views
        self._pages.move_to_end(number)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return views

    def _load(self, number: int) -> list[TicketRow | RowView] | None:
        def page(after: queries.Key | None) -> list[TicketRow]:
            return queries.tickets_page(self._store, self._filter, order=self._order, after=after, limit=PAGE,
                                        now=self._now)

        if number == 0:
            return self._keep(0, page(None))
        if self._anchors is not None and number < len(self._anchors):
            # The page from its anchor row on, in one statement (on a server, one round trip).
            return self._keep(number, queries.tickets_page(self._store, self._filter, order=self._order,
                                                           after=self._anchors[number], limit=PAGE,
                                                           now=self._now, inclusive=True))
        # No anchors yet: walk forward by key from the nearest page held, if it is close.
        for back in range(1, WALK_LIMIT + 1):
            start = number - back
            if start < 0:
                break
            held = self._pages.get(start)
            if held is None and start != 0:
                continue
            views = held if held is not None else self._load(0)
            assert views is not None
            for step in range(start + 1, number + 1):
                if len(views) < PAGE:
                    return []
                views = self._keep(step, page(queries.key_of(plain_row(views[-1]), self._order)))
            return views
        return None  # shown as a placeholder until the anchors arrive

    # --- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.PINGPONG:
            return self.tr("Ping-pong: handoffs back to a queue or owner that held the ticket before")
        if role == Qt.ItemDataRole.AccessibleTextRole and section == Column.PINGPONG:
            return self.tr("Ping-pong")
        if role == Qt.ItemDataRole.ToolTipRole:
            sortable = self.tr("click to sort") if Column(section) in SORT_KEYS else self.tr("not sortable")
            return f"{self._headers[section]} ({sortable})"
        if role == Qt.ItemDataRole.TextAlignmentRole and Column(section) in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(Column(column)) if 0 <= column < len(Column) else None
        if key is None:
            return
        wanted = Order(key, descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self._asked_order:
            self.set_query(self._asked_filter, wanted)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called thousands of times per paint: plain int comparisons on a view built once per fetch.
        column = index.column()
        view = self._view(index.row()) if 0 <= column < _COLUMNS else None
        role = int(role)
        if view is None:
            return "…" if role == _DISPLAY and column == 0 and 0 <= index.row() < self._count else None
        if role == _DISPLAY:
            return view.texts[column]
        if role == _BACKGROUND:
            return view.background
        if role == _DECORATION:
            return view.ref_icon if column == Column.REF else view.customer_icon if column == Column.CUSTOMER else None
        if role == _ALIGN:
            return _RIGHT if column in _NUMERIC else None
        if role == _FOREGROUND:
            return view.sla_ink if column == Column.SLA else None
        if role == _TICKET_ID:
            return view.row.id
        if role == _ATTENTION:
            return view.reason
        if role == _TOOLTIP:
            return tooltip(view.row, Column(column), self._now, view.watched)
        if role == _ACCESSIBLE:
            spoken = self.tr("Ping-pong") if column == Column.PINGPONG else self._headers[column]
            if column == Column.REF and view.watched:
                return self.tr("{0}: {1}, watched").format(spoken, view.row.ref)
            return f"{spoken}: {view.texts[column]}"
        return None
