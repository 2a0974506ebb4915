"""Agents with their open load and home queue, for the reassign and transfer pickers (a short list).

Likely agents first: the front-line agents of the tickets' own queues by open load, then the other agents by
load, then supervisors and managers; the tickets' current owners last, marked (bold, a dot, and said so)."""

from __future__ import annotations

from collections.abc import Collection
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from csconsole.domain.words import Role
from csconsole.services.queries import AgentLoad
from csconsole.ui import colours

Index = QModelIndex | QPersistentModelIndex
AGENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class AgentColumn(IntEnum):
    NAME = 0
    ROLE = 1
    QUEUE = 2
    LOAD = 3


def likely_first(loads: list[AgentLoad], queues: Collection[str] = (), owners: Collection[str] = ()) -> list[AgentLoad]:
    """The queue's own agents by load, then other agents by load, then supervisors and managers; the current
    owners last (they have the tickets already)."""
    def rank(load: AgentLoad) -> tuple[bool, int, int, str]:
        front_line = load.agent.role is Role.AGENT
        home = front_line and load.queue is not None and load.queue in queues
        return load.agent.name in owners, (0 if home else 1 if front_line else 2), load.open_tickets, load.agent.name

    return sorted((a for a in loads if a.agent.active), key=rank)


class AgentsModel(QAbstractTableModel):
    def __init__(self, loads: list[AgentLoad] | None = None, parent: Any = None, *, queues: Collection[str] = (),
                 owners: Collection[str] = ()) -> None:
        super().__init__(parent)
        self._queues, self._owners = frozenset(queues), frozenset(owners)
        self._loads = likely_first(loads or [], self._queues, self._owners)
        self._headers = [self.tr("Agent"), self.tr("Role"), self.tr("Queue"), self.tr("Open load")]

    def set_loads(self, loads: list[AgentLoad]) -> None:
        self.beginResetModel()
        self._loads = likely_first(loads, self._queues, self._owners)
        self.endResetModel()

    def is_owner(self, row: int) -> bool:
        load = self.load_at(row)
        return load is not None and load.agent.name in self._owners

    def load_at(self, row: int) -> AgentLoad | None:
        return self._loads[row] if 0 <= row < len(self._loads) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._loads)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
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
        owner = load.agent.name in self._owners
        if owner and column == AgentColumn.NAME:
            if role == Qt.ItemDataRole.DecorationRole:
                return colours.badge(colours.BLUE, "")
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return self.tr("{0}, who owns it now").format(load.agent.name)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == AgentColumn.LOAD:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
