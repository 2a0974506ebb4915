"""Reassign one ticket or the whole selection: pick an agent (with open load and queue) and a reason.

The likely agents come first (the tickets' own queue's, by load) and the current owner is marked."""

from __future__ import annotations

from collections.abc import Collection
from html import escape

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain.rules import REASSIGN_REASONS
from csconsole.services.queries import AgentLoad
from csconsole.ui.models.agents import AGENT_ID_ROLE, AgentColumn, AgentsModel


class ReassignDialog(QDialog):
    def __init__(self, loads: list[AgentLoad], ticket_labels: list[str], parent: QWidget | None = None,
                 reasons: list[str] | None = None, *, queues: Collection[str] = (),
                 owners: Collection[str] = ()) -> None:
        """``queues`` and ``owners``: where the tickets sit now, so the likely agents come first and the
        current owners are marked."""
        super().__init__(parent)
        count = len(ticket_labels)
        self._single = count == 1  # the owner of one ticket is no new owner for it
        self.setWindowTitle(self.tr("Reassign ticket") if count == 1 else self.tr("Reassign {0} tickets").format(count))
        self.setObjectName("reassign_dialog")
        shown = ", ".join(ticket_labels[:6]) + (self.tr(" and {0} more").format(count - 6) if count > 6 else "")
        what = QLabel(self.tr("<b>Give a new owner to:</b> {0}").format(shown))
        what.setWordWrap(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Type to filter agents…"))
        self.search.setAccessibleName(self.tr("Filter agents"))
        self.search.setClearButtonEnabled(True)
        self.model = AgentsModel(loads, self, queues=queues, owners=owners)
        self._proxy = QSortFilterProxyModel(self)  # a short list: a proxy is the right tool here
        self._proxy.setSourceModel(self.model)
        self._proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._proxy.setFilterKeyColumn(-1)
        self._proxy.setSortRole(Qt.ItemDataRole.EditRole)
        self.search.textChanged.connect(self._filter_agents)
        self.search.installEventFilter(self)  # Up and Down in the filter move through the agents
        self.agents = QTableView()
        self.agents.setModel(self._proxy)
        self.agents.setAccessibleName(self.tr("Agents with their open load"))
        self.agents.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agents.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.agents.setSortingEnabled(True)
        self.agents.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # likely agents first
        self._proxy.sort(-1)
        self.agents.verticalHeader().hide()
        self.agents.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.agents.horizontalHeader().setSectionResizeMode(AgentColumn.NAME, QHeaderView.ResizeMode.Stretch)
        self.agents.setMinimumHeight(220)
        self.agents.selectionModel().selectionChanged.connect(self._validate)

        self.reason = QComboBox()
        self.reason.addItems(reasons or list(REASSIGN_REASONS))  # Preferences → Reassignment reasons
        self.reason.setAccessibleName(self.tr("Reason"))
        self.detail = QLineEdit()
        self.detail.setPlaceholderText(self.tr("What the new owner should know (required)"))
        self.detail.setAccessibleName(self.tr("Reason details"))
        self.detail.textChanged.connect(self._validate)

        form = QFormLayout()
        form.addRow(self.tr("&Agent filter:"), self.search)
        form.addRow(self.tr("&Reason:"), self.reason)
        form.addRow(self.tr("&Details:"), self.detail)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Reassign"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        where = ", ".join(sorted(queues))
        order = QLabel(self.tr("The agents of {0} first, fewest open tickets first; <b>●</b> the owner now, last.")
                       .format(escape(where)) if where else self.tr("Fewest open tickets first; <b>●</b> the "
                                                                     "owner now, last."))
        order.setObjectName("agent_order")
        order.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addWidget(order)
        layout.addWidget(self.agents)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(560, 460)
        self.search.setFocus()
        self._validate()

    def _filter_agents(self, text: str) -> None:
        self._proxy.setFilterFixedString(text)
        if self.agent_id() is None and self._proxy.rowCount():
            self.agents.selectRow(0)  # keyboard users type a few letters and go on to the reason

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                QApplication.sendEvent(self.agents, event)
                return True
        return super().eventFilter(watched, event)

    def select_agent(self, name: str) -> bool:
        for row in range(self._proxy.rowCount()):
            index = self._proxy.index(row, AgentColumn.NAME)
            if index.data(Qt.ItemDataRole.EditRole) == name:
                self.agents.selectionModel().select(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                self.agents.scrollTo(index)
                return True
        return False

    def agent_id(self) -> int | None:
        rows = self.agents.selectionModel().selectedRows()
        return int(rows[0].data(AGENT_ID_ROLE)) if rows else None

    def agent_name(self) -> str:
        rows = self.agents.selectionModel().selectedRows()
        return str(rows[0].siblingAtColumn(AgentColumn.NAME).data(Qt.ItemDataRole.EditRole)) if rows else ""

    def reason_text(self) -> str:
        detail = self.detail.text().strip()
        return f"{self.reason.currentText()}: {detail}" if detail else ""

    def _validate(self) -> None:
        rows = self.agents.selectionModel().selectedRows()
        owns_it = self._single and bool(rows) and self.model.is_owner(self._proxy.mapToSource(rows[0]).row())
        ok = self.agent_id() is not None and bool(self.detail.text().strip()) and not owns_it
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
