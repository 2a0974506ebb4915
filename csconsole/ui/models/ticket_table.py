"""The ticket table: an id-based lazy model over the store.

Holds the row count (a count query), a bounded cache of pages fetched by key, and the keys of every
PAGE-th row (``page_anchors``, computed off the GUI thread) so that any page can be reached by key,
never with OFFSET. Sorting and filtering are SQL's job; the model only says which.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from csconsole.domain import clock
from csconsole.domain.views import NO_OWNER, SortKey, TicketFilter, TicketRow
from csconsole.domain.words import SlaState, Tier
from csconsole.services import Store, queries
from csconsole.services.queries import Key, Order
from csconsole.ui import look, text

PAGE = 100
MAX_PAGES = 30  # ~3,000 rows held at most: a few screens either way of what is visible
WALK_LIMIT = 8  # pages we may fetch in sequence to reach one, before anchors arrive

Index = QModelIndex | QPersistentModelIndex
AnchorRequest = Callable[[TicketFilter, Order, int, Callable[[list[Key]], None]], None]

TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ATTENTION_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    REF = 0
    SUBJECT = 1
    CUSTOMER = 2
    QUEUE = 3
    OWNER = 4
    STATUS = 5
    PRIORITY = 6
    AGE = 7
    SLA = 8
    BOUNCES = 9
    PINGPONG = 10
    CONTACTS = 11


SORT_KEYS: dict[Column, SortKey] = {
    Column.REF: SortKey.ID,
    Column.AGE: SortKey.CREATED,
    Column.SLA: SortKey.SLA_DUE,
    Column.BOUNCES: SortKey.BOUNCES,
    Column.CONTACTS: SortKey.CONTACTS,
}
NUMERIC = {Column.BOUNCES, Column.PINGPONG, Column.CONTACTS, Column.AGE, Column.SLA}


def attention(row: TicketRow, now: str) -> str | None:
    """Why a row needs a supervisor's eye, most urgent reason first; None when it does not."""
    state = row.sla_state(now)
    if state is SlaState.BREACHED:
        return "breached"
    if row.bounced_over_two or row.pingpongs:
        return "pingpong"
    if row.senior_callback:
        return "callback"
    if state is SlaState.AT_RISK:
        return "at_risk"
    return None


ATTENTION_LOOK = {
    "breached": (look.RED, "!"),
    "pingpong": (look.AMBER, "⇄"),
    "callback": (look.BLUE, "☎"),
    "at_risk": (look.AMBER, "…"),
}


class TicketTableModel(QAbstractTableModel):
    """Rows come from the store page by page; the model never holds the full result."""

    refreshed = Signal()  # after a live refresh re-read what is visible
    anchors_ready = Signal()

    def __init__(self, store: Store, request_anchors: AnchorRequest | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._request_anchors = request_anchors
        self._filter = TicketFilter(open_only=True)
        self._order = Order(SortKey.ID, descending=True)
        self._count = 0
        self._pages: OrderedDict[int, list[TicketRow]] = OrderedDict()
        self._anchors: list[Key] | None = None
        self._generation = 0
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
        return self._order

    def set_query(self, flt: TicketFilter, order: Order | None = None) -> None:
        """A new row set: reset (the rows are different rows, not the same rows moved)."""
        self.beginResetModel()
        self._filter = flt
        if order is not None:
            self._order = order
        self._now = clock.now_text()
        self._count = queries.tickets_count(self._store, flt, now=self._now)
        self._pages.clear()
        self._anchors = None
        self._generation += 1
        self.endResetModel()
        self._ask_anchors()

    def refresh(self) -> None:
        """Someone committed: re-read the count and what is visible, keeping scroll position (no reset)."""
        self._now = clock.now_text()
        count = queries.tickets_count(self._store, self._filter, now=self._now)
        self._pages.clear()
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

    def tick(self) -> None:
        """Age and SLA columns move with the clock."""
        self._now = clock.now_text()
        if self._count:
            self.dataChanged.emit(self.index(0, Column.AGE), self.index(self._count - 1, Column.SLA))

    def _ask_anchors(self) -> None:
        if self._request_anchors is None or self._count <= PAGE:
            return
        generation = self._generation

        def arrived(keys: list[Key]) -> None:
            if generation != self._generation:
                return
            self._anchors = keys
            self.anchors_ready.emit()
            if self._count:  # rows shown as placeholders can now be fetched
                self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(Column) - 1))

        self._request_anchors(self._filter, self._order, PAGE, arrived)

    # --- rows -------------------------------------------------------------------------------
    def row_at(self, row: int) -> TicketRow | None:
        if not 0 <= row < self._count:
            return None
        rows = self._page(row // PAGE)
        offset = row % PAGE
        return rows[offset] if rows is not None and offset < len(rows) else None

    def ticket_id(self, row: int) -> int | None:
        found = self.row_at(row)
        return found.id if found else None

    def row_of(self, ticket_id: int) -> int | None:
        """Where a ticket sits, if it is among the pages held."""
        for number, rows in self._pages.items():
            for offset, r in enumerate(rows):
                if r.id == ticket_id:
                    return number * PAGE + offset
        return None

    def cached_rows(self) -> int:
        return sum(len(rows) for rows in self._pages.values())

    def _page(self, number: int) -> list[TicketRow] | None:
        rows = self._pages.get(number)
        if rows is not None:
            self._pages.move_to_end(number)
            return rows
        rows = self._fetch(number)
        if rows is None:
            return None
        self._pages[number] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def _fetch(self, number: int) -> list[TicketRow] | None:
        page = lambda after: queries.tickets_page(  # noqa: E731
            self._store, self._filter, order=self._order, after=after, limit=PAGE, now=self._now)
        if number == 0:
            return page(None)
        if self._anchors is not None and number < len(self._anchors):
            anchor = self._anchors[number]
            first = queries.tickets_by_id(self._store, [anchor[1]], now=self._now)
            rest = queries.tickets_page(self._store, self._filter, order=self._order, after=anchor,
                                        limit=PAGE - 1, now=self._now)
            return first + rest
        # No anchors yet: walk forward by key from the nearest page held, if it is close.
        for back in range(1, WALK_LIMIT + 1):
            start = number - back
            if start < 0:
                break
            held = self._pages.get(start)
            if held is None and start != 0:
                continue
            rows = held if held is not None else page(None)
            for step in range(start + 1, number + 1):
                if len(rows) < PAGE:
                    return []
                rows = page(queries.key_of(rows[-1], self._order))
                self._pages[step] = rows
            return rows
        return None  # shown as a placeholder until the anchors arrive

    # --- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
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
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(Column(column)) if 0 <= column < len(Column) else None
        if key is None:
            return
        wanted = Order(key, descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self._order:
            self.set_query(self._filter, wanted)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._count or not 0 <= index.column() < len(Column):
            return None
        row = self.row_at(index.row())
        column = Column(index.column())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole and column == Column.REF else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == TICKET_ID_ROLE:
            return row.id
        if role == ATTENTION_ROLE:
            return attention(row, self._now)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            reason = attention(row, self._now)
            return look.tint(ATTENTION_LOOK[reason][0]) if reason else None
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.SLA:
            hue = look.sla_hue(row.sla_state(self._now))
            return look.ink(hue) if hue else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            spoken = self.tr("Ping-pong") if column == Column.PINGPONG else self._headers[column]
            return f"{spoken}: {self._display(row, column)}"
        return None

    def _display(self, row: TicketRow, column: Column) -> str:
        match column:
            case Column.REF:
                return row.ref
            case Column.SUBJECT:
                return row.subject
            case Column.CUSTOMER:
                return row.customer
            case Column.QUEUE:
                return row.queue
            case Column.OWNER:
                return row.owner or NO_OWNER
            case Column.STATUS:
                return row.status
            case Column.PRIORITY:
                return row.priority
            case Column.AGE:
                return text.age(row.created_at, self._now)
            case Column.SLA:
                return text.countdown(row.sla_due_at, self._now)
            case Column.BOUNCES:
                return str(row.bounces)
            case Column.PINGPONG:
                return f"⇄{row.pingpongs}" if row.pingpongs else ""
            case Column.CONTACTS:
                return str(row.contacts)
        return ""

    def _decoration(self, row: TicketRow, column: Column) -> Any:
        if column == Column.REF:
            reason = attention(row, self._now)
            return look.badge(*ATTENTION_LOOK[reason]) if reason else None
        if column == Column.CUSTOMER and row.customer_tier is Tier.LOYAL:
            return look.badge(look.GOLD, "★")
        return None

    def _tooltip(self, row: TicketRow, column: Column) -> str | None:
        if column == Column.REF:
            reasons = []
            state = row.sla_state(self._now)
            if state is SlaState.BREACHED:
                reasons.append(self.tr("SLA breached"))
            elif state is SlaState.AT_RISK:
                reasons.append(self.tr("SLA at risk"))
            if row.bounced_over_two:
                reasons.append(self.tr("bounced {0} times").format(row.bounces))
            if row.pingpongs:
                reasons.append(self.tr("ping-ponged {0} times").format(row.pingpongs))
            if row.senior_callback:
                reasons.append(self.tr("customer contacted us {0} times: senior callback").format(row.contacts))
            return "; ".join(reasons) or None
        if column == Column.CUSTOMER and row.customer_tier is Tier.LOYAL:
            return self.tr("Loyal customer")
        if column == Column.SUBJECT:
            return " → ".join(row.path) or None
        return None
