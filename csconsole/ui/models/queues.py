"""The queues panel: every queue with its open depth, oldest wait and SLA counts, plus "All queues"."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from csconsole.domain import clock
from csconsole.domain.read_models import QueueStats
from csconsole.ui import colours, durations
from csconsole.ui.wording import plural

Index = QModelIndex | QPersistentModelIndex
QUEUE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_QUEUES = -1  # the id the "All queues" row carries


class QueueColumn(IntEnum):
    NAME = 0
    DEPTH = 1
    OLDEST = 2
    AT_RISK = 3
    BREACHED = 4


class QueuesModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._stats: list[QueueStats] = []
        self._now = clock.now_text()
        # short headers keep the panel narrow; the tooltips say them in full
        self._headers = [self.tr("Queue"), self.tr("Open"), self.tr("Oldest"), self.tr("Risk"), self.tr("Late")]
        self._header_tips = [self.tr("Queue; its bar: open tickets on time, at risk and breached"), self.tr("Open tickets"),
                             self.tr("Longest wait of an open ticket"), self.tr("SLA at risk: under 25% of the time left"),
                             self.tr("SLA breached")]

    def set_stats(self, stats: list[QueueStats], now: str | None = None) -> None:
        """Same queues: update in place (the selection stays); different queues: reset."""
        self._now = now or clock.now_text()
        if [s.queue_id for s in stats] == [s.queue_id for s in self._stats]:
            self._stats = list(stats)
            if self.rowCount():
                self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(QueueColumn) - 1))
            return
        self.beginResetModel()
        self._stats = list(stats)
        self.endResetModel()

    def stats(self) -> list[QueueStats]:
        return list(self._stats)

    def total(self) -> QueueStats:
        oldest = min((s.oldest_created_at for s in self._stats if s.oldest_created_at), default=None)
        return QueueStats(ALL_QUEUES, self.tr("All queues"), sum(s.depth for s in self._stats), oldest,
                          sum(s.at_risk for s in self._stats), sum(s.breached for s in self._stats))

    def stats_at(self, row: int) -> QueueStats | None:
        if row == 0:
            return self.total()
        return self._stats[row - 1] if 0 < row <= len(self._stats) else None

    def row_of(self, queue_id: int) -> int:
        if queue_id == ALL_QUEUES:
            return 0
        for n, s in enumerate(self._stats):
            if s.queue_id == queue_id:
                return n + 1
        return 0

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._stats) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(QueueColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._header_tips[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section != QueueColumn.NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        stats = self.stats_at(index.row())
        if stats is None or not 0 <= index.column() < len(QueueColumn):
            return None
        column = QueueColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case QueueColumn.NAME:
                    return stats.name
                case QueueColumn.DEPTH:
                    return str(stats.depth)
                case QueueColumn.OLDEST:
                    return durations.age(stats.oldest_created_at, self._now) or "—"
                case QueueColumn.AT_RISK:
                    return str(stats.at_risk)
                case QueueColumn.BREACHED:
                    return str(stats.breached)
        if role == QUEUE_ID_ROLE:
            return stats.queue_id
        if role == Qt.ItemDataRole.DecorationRole and column == QueueColumn.NAME:
            return colours.sla_bar(max(0, stats.depth - stats.at_risk - stats.breached), stats.at_risk, stats.breached)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == QueueColumn.BREACHED and stats.breached:
                return colours.ink(colours.RED)
            if column == QueueColumn.AT_RISK and stats.at_risk:
                return colours.ink(colours.AMBER)
        if role == Qt.ItemDataRole.FontRole and index.row() == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column != QueueColumn.NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            on_time = max(0, stats.depth - stats.at_risk - stats.breached)
            return self.tr("{0}: {1} · {2:,} on time, {3:,} at risk, {4:,} breached").format(
                stats.name, plural(stats.depth, self.tr("{0} open ticket"), self.tr("{0} open tickets")),
                on_time, stats.at_risk, stats.breached)
        return None
