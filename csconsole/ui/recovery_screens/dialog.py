"""The recovery dialog: walks a case's checklist one step at a time, each step with its own fields.

Every step is written by the services through the ``Runner`` (off the GUI thread); a refusal (a step out
of order, a missing field, an unknown policy) comes back as a plain message in a dialog, nothing written.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain.checklists import Checklist, Records, Step
from csconsole.domain.recovery import Outcome, RecoveryCase, RootCause
from csconsole.domain.rules import Agent
from csconsole.services import recovery
from csconsole.settings import Prefs, Settings
from csconsole.ui.refusal import refusal_box
from csconsole.ui.runner import Runner

GOODWILL_KINDS = ("", "refund", "voucher", "credit", "gift", "free upgrade")


def _date_edit(days_ahead: int) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate.currentDate().addDays(days_ahead))
    return edit


class StepForm(QWidget):
    """The fields of one step: a note, plus what the step records (promise, resolution, evaluation)."""

    def __init__(self, policies: list[recovery.Policy], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("step_note")
        self.note.setPlaceholderText(self.tr("What you did and what the customer said"))
        self.note.setMaximumHeight(90)

        self.promise = QLineEdit(objectName="promise")
        self.promise.setPlaceholderText(self.tr("What will be done, by whom"))
        self.promised_by = _date_edit(1)
        self.promised_by.setObjectName("promised_by")
        self.fix = QLineEdit(objectName="fix")
        self.fix.setPlaceholderText(self.tr("What was done"))
        self.goodwill_kind = QComboBox(objectName="goodwill_kind")
        self.goodwill_kind.setEditable(True)
        self.goodwill_kind.addItems(GOODWILL_KINDS)
        self.goodwill_amount = QDoubleSpinBox(objectName="goodwill_amount")
        self.goodwill_amount.setRange(0, 1_000_000)
        self.goodwill_amount.setDecimals(2)
        self.follow_up_on = QCheckBox(self.tr("Follow up on"), objectName="follow_up_on")
        self.follow_up_on.setChecked(True)
        self.follow_up = _date_edit(3)
        self.follow_up.setObjectName("follow_up")
        self.follow_up_on.toggled.connect(self.follow_up.setEnabled)
        self.outcome = QComboBox(objectName="outcome")
        self.outcome.addItems([o.value for o in Outcome])
        self.root_cause = QComboBox(objectName="root_cause")
        self.root_cause.addItems([c.value for c in RootCause])
        self.policy = QComboBox(objectName="policy")
        self.policy.addItem(self.tr("— none —"), None)
        for item in policies:
            if item.active:
                self.policy.addItem(item.name, item.id)
        self.change = QLineEdit(objectName="change")
        self.change.setPlaceholderText(self.tr("What should change so it does not happen again"))

        self.form = QFormLayout()
        self.form.addRow(self.tr("Note"), self.note)
        self._rows: dict[Records, list[QWidget]] = {
            Records.PROMISE: [self.promise, self.promised_by],
            Records.RESOLUTION: [self.fix, self.goodwill_kind, self.goodwill_amount, self.follow_up, self.outcome],
            Records.EVALUATION: [self.root_cause, self.policy, self.change],
        }
        self.form.addRow(self.tr("Promise"), self.promise)
        self.form.addRow(self.tr("Promised by"), self.promised_by)
        self.form.addRow(self.tr("Fix"), self.fix)
        self.form.addRow(self.tr("Goodwill"), self.goodwill_kind)
        self.form.addRow(self.tr("Amount"), self.goodwill_amount)
        self.form.addRow(self.follow_up_on, self.follow_up)
        self.form.addRow(self.tr("Outcome"), self.outcome)
        self.form.addRow(self.tr("Root cause"), self.root_cause)
        self.form.addRow(self.tr("Policy"), self.policy)
        self.form.addRow(self.tr("What should change"), self.change)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addLayout(self.form)
        layout.addStretch(1)
        self.step: Step | None = None

    def show_step(self, step: Step | None, number: int, total: int) -> None:
        self.step = step
        self.note.clear()
        for records, widgets in self._rows.items():
            for widget in widgets:
                self.form.setRowVisible(widget, step is not None and step.records is records)
        self.form.setRowVisible(self.note, step is not None)
        if step is None:
            self.title.setText(self.tr("Every step is done"))
            self.hint.setText(self.tr("This case is complete."))
            return
        self.title.setText(self.tr("Step {0} of {1}: {2}").format(number, total, step.title))
        self.hint.setText(step.hint)

    def fields(self) -> dict[str, Any]:
        if self.step is None:
            return {}
        match self.step.records:
            case Records.PROMISE:
                return {"promise": self.promise.text(), "promised_by": self.promised_by.date().toString("yyyy-MM-dd")}
            case Records.RESOLUTION:
                out: dict[str, Any] = {"fix": self.fix.text(), "outcome": self.outcome.currentText(),
                                       "goodwill_kind": self.goodwill_kind.currentText()}
                if self.goodwill_amount.value() > 0:
                    out["goodwill_amount"] = self.goodwill_amount.value()
                if self.follow_up_on.isChecked():
                    out["follow_up"] = self.follow_up.date().toString("yyyy-MM-dd")
                return out
            case Records.EVALUATION:
                return {"root_cause": self.root_cause.currentText(), "policy": self.policy.currentData(),
                        "change": self.change.text()}
        return {}


class RecoveryDialog(QDialog):
    """Open (or continue) the recovery case of one ticket and do its steps in order."""

    step_done = Signal(object)  # recovery.StepResult
    refused = Signal(str)

    def __init__(self, runner: Runner, identity: Agent | None, ticket_id: int, ticket_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery_dialog")
        self.setWindowTitle(self.tr("Service recovery — {0}").format(ticket_label))
        self.runner = runner
        self.identity = identity
        self.ticket_id = ticket_id
        self.refusal: QMessageBox | None = None
        store = runner.store  # a few small reads for one ticket: cheap on the GUI thread's connection
        self.case: RecoveryCase | None = recovery.current_case(store, ticket_id)
        self.checklists: list[Checklist] = recovery.checklists(store)
        policies = recovery.policies(store)

        self.checklist = QComboBox(objectName="checklist")
        for item in self.checklists:
            self.checklist.addItem(item.name)
        self.checklist.setToolTip(self.tr("A case keeps the checklist it was opened with"))
        self.checklist.setAccessibleName(self.tr("Checklist"))
        preferred = self.checklist.findText(Settings().get(Prefs.CHECKLIST))  # Preferences → Recovery
        if preferred >= 0:
            self.checklist.setCurrentIndex(preferred)
        self.progress = QLabel(objectName="progress")
        self.steps = QListWidget(objectName="steps")
        self.steps.setMaximumWidth(260)
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.form = StepForm(policies)
        self.do_step = QPushButton(self.tr("&Complete step"), objectName="do_step")
        self.do_step.setDefault(True)
        self.do_step.clicked.connect(self.submit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.do_step, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Checklist")))
        top.addWidget(self.checklist)
        top.addStretch(1)
        top.addWidget(self.progress)
        middle = QHBoxLayout()
        middle.addWidget(self.steps)
        box = QGroupBox()
        inner = QVBoxLayout(box)
        inner.addWidget(self.form)
        middle.addWidget(box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(buttons)
        self.checklist.currentIndexChanged.connect(self._render)
        self.resize(760, 480)
        self._render()

    @property
    def current_checklist(self) -> Checklist:
        if self.case is not None:
            return self.case.checklist
        return self.checklists[max(0, self.checklist.currentIndex())]

    def _render(self) -> None:
        checklist = self.current_checklist
        if self.case is not None:
            self.checklist.blockSignals(True)
            if self.checklist.findText(checklist.name) < 0:
                self.checklist.addItem(checklist.name)  # a custom checklist since renamed or changed
            self.checklist.setCurrentText(checklist.name)
            self.checklist.blockSignals(False)
        self.checklist.setEnabled(self.case is None)  # a case keeps the checklist it was opened with
        done = self.case.done if self.case else []
        self.steps.clear()
        for i, step in enumerate(checklist.steps):
            if i < len(done):
                record = done[i]
                item = QListWidgetItem(f"✔ {step.title}")
                item.setToolTip(f"{record.at} · {record.note}")
            elif i == len(done):
                item = QListWidgetItem(f"➜ {step.title}")
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            else:
                item = QListWidgetItem(f"   {step.title}")
                item.setForeground(self.palette().placeholderText())
            self.steps.addItem(item)
        total = len(checklist.steps)
        nxt = checklist.steps[len(done)] if len(done) < total else None
        self.progress.setText(self.tr("{0} of {1} steps done").format(len(done), total))
        self.form.show_step(nxt, len(done) + 1, total)
        promise = self.case.promise if self.case else {}
        if nxt is not None and nxt.records is Records.RESOLUTION and promise:
            # Resolve means "do it as promised": keep the promise in sight.
            self.form.hint.setText(self.tr("{0}\nPromised: {1}, by {2}.").format(
                nxt.hint, promise.get("promise", ""), promise.get("promised_by", "")))
        self.do_step.setEnabled(nxt is not None and not self.runner.read_only)
        self.do_step.setText(self.tr("&Complete {0}").format(nxt.title) if nxt else self.tr("&Complete step"))

    def submit(self) -> None:
        step = self.form.step
        if step is None:
            return
        if self.identity is None:
            self._refuse(self.tr("Choose who you are (File ▸ Identity) before recording a recovery step."))
            return
        ticket, actor, note = self.ticket_id, self.identity.id, self.form.note.toPlainText()
        fields = self.form.fields()
        checklist = self.current_checklist.name if self.case is None else None
        self.do_step.setEnabled(False)

        def job(store: Any) -> recovery.StepResult:
            return recovery.complete_step(store, ticket, actor_id=actor, step=step.key, note=note, fields=fields,
                                          checklist=checklist)

        self.runner.commit(job, self._done, self._refuse)

    def _done(self, result: recovery.StepResult) -> None:
        self.case = result.case
        self._render()
        self.step_done.emit(result)

    def _refuse(self, message: str) -> None:
        self._render_button()
        self.refusal = refusal_box(self, self.tr("Not recorded"), message)
        self.refused.emit(message)

    def _render_button(self) -> None:
        self.do_step.setEnabled(self.form.step is not None and not self.runner.read_only)

