"""The tickets selected in the table: what one-ticket and bulk actions act on, kept across refreshes."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QItemSelectionRange, QObject, QTimer, Signal
from PySide6.QtWidgets import QTableView

from csconsole.domain.read_models import TicketRow
from csconsole.ui.models.ticket_table import PAGE, Column, TicketTableModel

MAX_KEPT = 2_000  # selected tickets carried across a refresh or a filter change


def _ranges(selection: QItemSelection) -> Iterator[QItemSelectionRange]:
    """The selection's ranges, by position (PySide6's stubs do not declare QItemSelection iterable)."""
    for i in range(selection.count()):
        yield selection.at(i)


class TicketSelection(QObject):
    """Reads and sets the table's selection by ticket id; ``changed`` fires at once, ``settled`` a moment later
    (the detail follows that: holding an arrow key down the list does not build a detail per row passed)."""

    changed = Signal()
    settled = Signal()

    def __init__(self, table: QTableView, model: TicketTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table, self.model = table, model
        self._kept: tuple[list[int], int | None] = ([], None)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(30)
        self._settle.timeout.connect(self.settled.emit)
        table.selectionModel().selectionChanged.connect(self._selection_changed)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._settle.start()
        self.changed.emit()

    def has_selection(self) -> bool:
        return self.table.selectionModel().hasSelection()

    def count(self) -> int:
        """Rows selected, counted from the selection's ranges (a million-row selection stays cheap)."""
        return sum(r.height() for r in _ranges(self.table.selectionModel().selection()))

    def rows(self, limit: int | None = None) -> list[TicketRow]:
        """The selected rows that can be read (fetched on demand); at most ``limit`` of them."""
        numbers: list[int] = []
        for selected in _ranges(self.table.selectionModel().selection()):
            numbers.extend(range(selected.top(), selected.bottom() + 1))
            if limit is not None and len(numbers) >= limit:
                break
        return [row for n in sorted(set(numbers))[:limit] if (row := self.model.row_at(n)) is not None]

    def ticket_ids(self, limit: int | None = None) -> list[int]:
        return [row.id for row in self.rows(limit)]

    def current_ticket_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.ticket_id(index.row()) if index.isValid() else None

    def one_ticket(self) -> int | None:
        """The ticket a one-ticket action acts on: the current row if selected, else the first selected."""
        current = self.table.currentIndex()
        if current.isValid() and self.table.selectionModel().isRowSelected(current.row()):
            return self.model.ticket_id(current.row())
        ids = self.ticket_ids(limit=1)
        return ids[0] if ids else None

    def label(self, ticket_id: int) -> str:
        """The ticket's ref when its row is held, else its id."""
        row = self.model.row_of(ticket_id)
        found = self.model.row_at(row) if row is not None else None
        return found.ref if found else f"#{ticket_id}"

    def row_of_ticket(self, ticket_id: int) -> TicketRow | None:
        number = self.model.row_of(ticket_id)
        return self.model.row_at(number) if number is not None else None

    def select_row(self, row: int) -> None:
        """Select one row, whatever keys are held (QTableView.selectRow would extend with Ctrl down)."""
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)
        self.table.scrollTo(self.model.index(row, 0))

    def select_ticket(self, ticket_id: int) -> bool:
        row = self.model.row_of(ticket_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    # --- across a new row set or a refresh ----------------------------------------------------------
    def remember(self, ids: list[int] | None = None, current: int | None = None) -> None:
        """What to select again once the rows are back (by default: what is selected now)."""
        self._kept = (ids, current) if ids is not None else (self.ticket_ids(limit=MAX_KEPT), self.current_ticket_id())

    @property
    def kept_current(self) -> int | None:
        """The ticket that was current when the selection was last remembered."""
        return self._kept[1]

    def restore(self) -> None:
        self._load_visible()
        self._reselect(*self._kept)

    def _load_visible(self) -> None:
        top = max(0, self.table.rowAt(0))
        bottom = self.table.rowAt(self.table.viewport().height() - 1)
        for row in (top, bottom if bottom >= 0 else top + PAGE):
            self.model.row_at(min(row, self.model.rowCount() - 1))

    def _reselect(self, ids: list[int], current: int | None = None) -> None:
        selection = self.table.selectionModel()
        wanted = QItemSelection()
        found = 0
        for tid in ids:
            row = self.model.row_of(tid)
            if row is not None:
                found += 1
                wanted.select(self.model.index(row, 0), self.model.index(row, len(Column) - 1))
        if found < len(ids) and selection.hasSelection():
            return  # some lie outside the rows held (scrolled far away): keep the selection as it stands
        selection.blockSignals(True)
        selection.select(wanted, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if current is not None and (row := self.model.row_of(current)) is not None:
            column = self.table.currentIndex().column() if self.table.currentIndex().isValid() else 0
            selection.setCurrentIndex(self.model.index(row, column), QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.blockSignals(False)
        self.table.viewport().update()
        self.changed.emit()
        if found:
            self._settle.start()  # signals were blocked: the detail must still follow

    def stop(self) -> None:
        self._settle.stop()
