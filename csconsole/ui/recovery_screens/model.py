"""The Recovery view's table: a short list (open cases are few), so a plain model over the rows SQL returns."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from csconsole.services.recovery import CaseRow
from csconsole.ui import colours

CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class CaseColumn(IntEnum):
    TICKET = 0
    CUSTOMER = 1
    PROGRESS = 2
    NEXT = 3
    PROMISED_BY = 4
    FOLLOW_UP = 5
    OUTCOME = 6
    ROOT_CAUSE = 7
    POLICY = 8
    OPENED_BY = 9


HEADERS = {
    CaseColumn.TICKET: "Ticket", CaseColumn.CUSTOMER: "Customer", CaseColumn.PROGRESS: "Checklist",
    CaseColumn.NEXT: "Next step", CaseColumn.PROMISED_BY: "Promised by", CaseColumn.FOLLOW_UP: "Follow-up",
    CaseColumn.OUTCOME: "Outcome", CaseColumn.ROOT_CAUSE: "Root cause", CaseColumn.POLICY: "Policy",
    CaseColumn.OPENED_BY: "Opened by",
}


def progress_text(row: CaseRow) -> str:
    """The checklist at a glance: one filled dot per step done."""
    return f"{row.checklist} {'●' * row.steps_done}{'○' * (row.steps_total - row.steps_done)} " \
           f"{row.steps_done}/{row.steps_total}"


class RecoveryCasesModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseRow] = []
        self._today = ""

    def set_rows(self, rows: list[CaseRow], today: str) -> None:
        self.beginResetModel()  # the row set changes: reset, never a layout swap
        self._rows = list(rows)
        self._today = today
        self.endResetModel()

    def row_at(self, row: int) -> CaseRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of_case(self, case_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == case_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(CaseColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(CaseColumn):
            return self.tr(HEADERS[CaseColumn(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(CaseColumn):
            return None
        row = self._rows[index.row()]
        column = CaseColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == CASE_ID_ROLE:
            return row.id
        if role == TICKET_ID_ROLE:
            return row.ticket_id
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is CaseColumn.PROMISED_BY and row.promise_overdue(self._today):
                return colours.ink(colours.RED)
            if column is CaseColumn.FOLLOW_UP and row.follow_up_due(self._today):
                return colours.ink(colours.AMBER)
            if column is CaseColumn.PROGRESS and not row.is_open:
                return colours.ink(colours.GREEN)
            if column is CaseColumn.CUSTOMER and row.loyal:
                return colours.ink(colours.GOLD)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is CaseColumn.PROMISED_BY and row.promise:
                late = " — past its date, not resolved yet" if row.promise_overdue(self._today) else ""
                return f"{row.promise}{late}"
            if column is CaseColumn.CUSTOMER and row.loyal:
                return self.tr("Loyal customer")
            if column is CaseColumn.TICKET:
                return row.subject
        return None

    def _text(self, row: CaseRow, column: CaseColumn) -> str:
        match column:
            case CaseColumn.TICKET:
                return row.ref
            case CaseColumn.CUSTOMER:
                return f"★ {row.customer}" if row.loyal else row.customer
            case CaseColumn.PROGRESS:
                return progress_text(row)
            case CaseColumn.NEXT:
                return row.next_step or self.tr("complete")
            case CaseColumn.PROMISED_BY:
                flag = " ⚠" if row.promise_overdue(self._today) else ""
                return f"{row.promised_by}{flag}" if row.promised_by else "—"
            case CaseColumn.FOLLOW_UP:
                flag = " ⏰" if row.follow_up_due(self._today) else ""
                return f"{row.follow_up}{flag}" if row.follow_up else "—"
            case CaseColumn.OUTCOME:
                return row.outcome or "—"
            case CaseColumn.ROOT_CAUSE:
                return row.root_cause or "—"
            case CaseColumn.POLICY:
                return row.policy or "—"
            case CaseColumn.OPENED_BY:
                return row.opened_by or "—"
