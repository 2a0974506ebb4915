"""The policy register: name, description, owner, active. Policies are retired, never deleted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csconsole.services import recovery
from csconsole.services.changes import Kind
from csconsole.ui.refusal import refusal_box
from csconsole.ui.runner import Runner


class PolicyDialog(QDialog):
    changed = Signal()
    refused = Signal(str)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("policy_dialog")
        self.setWindowTitle(self.tr("Policy register"))
        self.runner = runner
        self.refusal: QMessageBox | None = None
        self.policies: list[recovery.Policy] = []
        self.table = QTableWidget(0, 4, objectName="policies")
        self.table.setHorizontalHeaderLabels([self.tr("Policy"), self.tr("Owner"), self.tr("Active"),
                                              self.tr("Description")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._selected)

        self.name = QLineEdit(objectName="name")
        self.owner = QLineEdit(objectName="owner")
        self.description = QLineEdit(objectName="description")
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Owner"), self.owner)
        form.addRow(self.tr("Description"), self.description)
        self.add = QPushButton(self.tr("&Add as new"), objectName="add")
        self.save = QPushButton(self.tr("&Save changes"), objectName="save")
        self.toggle = QPushButton(self.tr("&Retire"), objectName="toggle")
        self.add.clicked.connect(self._add)
        self.save.clicked.connect(self._save)
        self.toggle.clicked.connect(self._toggle)
        row = QHBoxLayout()
        for button in (self.add, self.save, self.toggle):
            button.setEnabled(not runner.read_only)
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(820, 460)
        self.reload()

    def reload(self) -> None:
        self.policies = recovery.policies(self.runner.store)
        self.table.setRowCount(len(self.policies))
        for r, item in enumerate(self.policies):
            for c, text in enumerate((item.name, item.owner, self.tr("yes") if item.active else self.tr("retired"),
                                      item.description)):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                self.table.setItem(r, c, cell)
        self._selected()

    def current(self) -> recovery.Policy | None:
        row = self.table.currentRow()
        return self.policies[row] if 0 <= row < len(self.policies) and self.table.selectedItems() else None

    def _selected(self) -> None:
        item = self.current()
        self.save.setEnabled(item is not None and not self.runner.read_only)
        self.toggle.setEnabled(item is not None and not self.runner.read_only)
        if item is None:
            return
        self.name.setText(item.name)
        self.owner.setText(item.owner)
        self.description.setText(item.description)
        self.toggle.setText(self.tr("&Retire") if item.active else self.tr("Re&activate"))

    def _run(self, job: Any) -> None:
        self.runner.commit(job, self._done, self._refuse, touches=[Kind.POLICIES])

    def _add(self) -> None:
        name, owner, description = self.name.text(), self.owner.text(), self.description.text()
        self._run(lambda store: recovery.add_policy(store, name, owner=owner, description=description))

    def _save(self) -> None:
        item = self.current()
        if item is None:
            return
        name, owner, description = self.name.text(), self.owner.text(), self.description.text()
        self._run(lambda store: recovery.update_policy(store, item.id, name=name, owner=owner,
                                                       description=description))

    def _toggle(self) -> None:
        item = self.current()
        if item is None:
            return
        self._run(lambda store: recovery.update_policy(store, item.id, active=not item.active))

    def _done(self, _result: object) -> None:
        self.reload()
        self.changed.emit()

    def _refuse(self, message: str) -> None:
        self.refusal = refusal_box(self, self.tr("Not saved"), message)
        self.refused.emit(message)
