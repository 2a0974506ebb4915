"""Agents with their open load and home queue, for the reassign and transfer pickers (a short list)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from csconsole.services.queries import AgentLoad

Index = QModelIndex | QPersistentModelIndex
AGENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class AgentColumn(IntEnum):
    NAME = 0
    ROLE = 1
    QUEUE = 2
    LOAD = 3


class AgentsModel(QAbstractTableModel):
    def __init__(self, loads: list[AgentLoad] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._loads = [a for a in (loads or []) if a.agent.active]
        self._headers = [self.tr("Agent"), self.tr("Role"), self.tr("Queue"), self.tr("Open load")]

    def set_loads(self, loads: list[AgentLoad]) -> None:
        self.beginResetModel()
        self._loads = [a for a in loads if a.agent.active]
        self.endResetModel()

    def load_at(self, row: int) -> AgentLoad | None:
        return self._loads[row] if 0 <= row < len(self._loads) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._loads)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AgentColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        load = self.load_at(index.row()) if index.isValid() else None
        if load is None or not 0 <= index.column() < len(AgentColumn):
            return None
        column = AgentColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            match column:
                case AgentColumn.NAME:
                    return load.agent.name
                case AgentColumn.ROLE:
                    return load.agent.role.value
                case AgentColumn.QUEUE:
                    return load.queue or "—"
                case AgentColumn.LOAD:
                    # numbers sort as numbers in the proxy (EditRole) and read as text
                    return load.open_tickets if role == Qt.ItemDataRole.EditRole else str(load.open_tickets)
        if role == AGENT_ID_ROLE:
            return load.agent.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column == AgentColumn.LOAD:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
