"""Preferences ▸ Recovery checklists: AWARE, HEARD and LEARN ship; a business adds its own as data.

Cases already opened keep the checklist they were opened with, so changing one here never rewrites one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain.checklists import BUILT_IN, Checklist, Records
from csconsole.services import recovery
from csconsole.services.changes import Kind
from csconsole.ui.refusal import refusal_box
from csconsole.ui.runner import Runner

RECORDS = [r.value for r in Records]


class ChecklistDialog(QDialog):
    changed = Signal()
    refused = Signal(str)

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklist_dialog")
        self.setWindowTitle(self.tr("Recovery checklists"))
        self.runner = runner
        self.refusal: QMessageBox | None = None
        self.checklists: list[Checklist] = []
        self.names = QListWidget(objectName="checklists")
        self.names.setMaximumWidth(180)
        self.names.currentRowChanged.connect(self._show)
        self.name = QLineEdit(objectName="name")
        self.description = QLineEdit(objectName="description")
        self.steps = QTableWidget(0, 3, objectName="steps")
        self.steps.setHorizontalHeaderLabels([self.tr("Step"), self.tr("Hint"), self.tr("Records")])
        self.steps.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.steps.verticalHeader().hide()
        self.steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_step = QPushButton(self.tr("Add step"), objectName="add_step")
        self.remove_step = QPushButton(self.tr("Remove step"), objectName="remove_step")
        self.new = QPushButton(self.tr("&New checklist"), objectName="new")
        self.save = QPushButton(self.tr("&Save"), objectName="save")
        self.add_step.clicked.connect(lambda: self._append_step("", "", Records.NOTE.value))
        self.remove_step.clicked.connect(lambda: self.steps.removeRow(self.steps.currentRow()))
        self.new.clicked.connect(self._new)
        self.save.clicked.connect(self._save)

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Description"), self.description)
        step_buttons = QHBoxLayout()
        for button in (self.add_step, self.remove_step):
            step_buttons.addWidget(button)
        step_buttons.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.steps, 1)
        right.addLayout(step_buttons)
        top = QHBoxLayout()
        top.addWidget(self.names)
        top.addLayout(right, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.new, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(buttons)
        self.resize(820, 420)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        self.checklists = recovery.checklists(self.runner.store)
        self.names.clear()
        for item in self.checklists:
            self.names.addItem(item.name + (self.tr(" (built in)") if item.name in BUILT_IN else ""))
        names = [c.name for c in self.checklists]
        self.names.setCurrentRow(names.index(select) if select in names else 0)

    def _append_step(self, title: str, hint: str, records: str) -> None:
        row = self.steps.rowCount()
        self.steps.insertRow(row)
        self.steps.setItem(row, 0, QTableWidgetItem(title))
        self.steps.setItem(row, 1, QTableWidgetItem(hint))
        combo = QComboBox()
        combo.addItems(RECORDS)
        combo.setCurrentText(records)
        self.steps.setCellWidget(row, 2, combo)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.checklists):
            return
        item = self.checklists[row]
        built_in = item.name in BUILT_IN
        self.name.setText(item.name)
        self.description.setText(item.description)
        self.steps.setRowCount(0)
        for step in item.steps:
            self._append_step(step.title, step.hint, step.records.value)
        editable = not built_in and not self.runner.read_only
        for widget in (self.name, self.description, self.add_step, self.remove_step, self.save):
            widget.setEnabled(editable)
        self.steps.setEnabled(editable)
        self.new.setEnabled(not self.runner.read_only)

    def _new(self) -> None:
        self.names.clearSelection()
        self.name.clear()
        self.description.clear()
        self.steps.setRowCount(0)
        self._append_step("", "", Records.NOTE.value)
        for widget in (self.name, self.description, self.add_step, self.remove_step, self.save, self.steps):
            widget.setEnabled(True)
        self.name.setFocus()

    def rows(self) -> list[tuple[str, str, str]]:
        out = []
        for r in range(self.steps.rowCount()):
            title, hint = self.steps.item(r, 0), self.steps.item(r, 1)
            combo = self.steps.cellWidget(r, 2)
            out.append((title.text() if title else "", hint.text() if hint else "",
                        combo.currentText() if isinstance(combo, QComboBox) else "note"))
        return out

    def _save(self) -> None:
        name, description, steps = self.name.text(), self.description.text(), self.rows()

        def job(store: Any) -> Checklist:
            return recovery.save_checklist(store, name, steps, description)

        self.runner.commit(job, self._done, self._refuse, touches=[Kind.CHECKLISTS])

    def _done(self, item: Checklist) -> None:
        self.reload(select=item.name)
        self.changed.emit()

    def _refuse(self, message: str) -> None:
        self.refusal = refusal_box(self, self.tr("Not saved"), message)
        self.refused.emit(message)
