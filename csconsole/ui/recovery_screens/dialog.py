"""The recovery dialog: walks a case's checklist one step at a time, each step with its own fields.

Every step is written by the services through the ``Runner`` (off the GUI thread); a refusal (a step out
of order, a missing field, an unknown policy) comes back as a plain message in a dialog, nothing written.
From the keyboard: the cursor is in the step's note, Tab moves on, Enter (or Ctrl+Enter in the note)
completes the step. Done steps, a finished case's above all, can be read again one by one from the list.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
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
from csconsole.domain.recovery import Outcome, RecoveryCase, RootCause, StepDone, money
from csconsole.domain.rules import Agent
from csconsole.services import queries, recovery
from csconsole.settings import Prefs, Settings
from csconsole.ui import durations
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
        self.note.setTabChangesFocus(True)  # Tab moves on to the next field, as everywhere else

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
        self.goodwill_amount.setSuffix(f" {Settings().currency()}")  # Preferences → This console
        self.follow_up_on = QCheckBox(self.tr("Follow up on"), objectName="follow_up_on")
        self.follow_up_on.setChecked(True)
        self.follow_up = _date_edit(3)
        self.follow_up.setObjectName("follow_up")
        self.follow_up_on.toggled.connect(self.follow_up.setEnabled)
        self.outcome = QComboBox(objectName="outcome")
        self.outcome.addItems([o.value for o in Outcome])
        self.root_cause = QComboBox(objectName="root_cause")
        # No default: a skipped field must not blame the associate (or anyone) by itself.
        self.root_cause.addItem(self.tr("— choose the root cause —"), None)
        for cause in RootCause:
            self.root_cause.addItem(cause.value, cause.value)
        self.policy = QComboBox(objectName="policy")
        self.policy.addItem(self.tr("— none —"), None)
        for item in policies:
            if item.active:
                self.policy.addItem(item.name, item.id)
        self.change = QLineEdit(objectName="change")
        self.change.setPlaceholderText(self.tr("What should change so it does not happen again"))

        self.review = QLabel(objectName="step_review")  # a done step, read again
        self.review.setWordWrap(True)
        self.review.setTextFormat(Qt.TextFormat.RichText)
        self.review.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.review.hide()

        self.form = QFormLayout()
        self.form.addRow(self.tr("&Note"), self.note)
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
        layout.addWidget(self.review)
        layout.addLayout(self.form)
        layout.addStretch(1)
        self.step: Step | None = None

    def show_step(self, step: Step | None, number: int, total: int) -> None:
        self.step = step
        self.review.hide()
        self.note.clear()
        self.root_cause.setCurrentIndex(0)
        for records, widgets in self._rows.items():
            for widget in widgets:
                self.form.setRowVisible(widget, step is not None and step.records is records)
        self.form.setRowVisible(self.note, step is not None)
        if step is None:
            self.title.setText(self.tr("Every step is done"))
            self.hint.setText(self.tr("This case is complete. Pick a step on the left (or use the arrow keys "
                                      "there) to read what was recorded."))
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
                return {"root_cause": self.root_cause.currentData() or "", "policy": self.policy.currentData(),
                        "change": self.change.text()}
        return {}


    def show_done(self, record: StepDone, number: int, total: int, who: str, policies: dict[int, str]) -> None:
        """A done step, read again: when and by whom, the note, and what the step recorded."""
        self.step = None
        for widgets in self._rows.values():
            for widget in widgets:
                self.form.setRowVisible(widget, False)
        self.form.setRowVisible(self.note, False)
        self.title.setText(self.tr("Step {0} of {1}: {2} (done)").format(number, total, record.step.title))
        self.hint.setText(record.step.hint)
        lines = [self.tr("Done {0} by {1}").format(durations.local_time(record.at), escape(who))]
        if record.note:
            lines.append(f"<i>“{escape(record.note)}”</i>")
        labels = {"promise": self.tr("Promise"), "promised_by": self.tr("Promised by"), "fix": self.tr("Fix"),
                  "goodwill_kind": self.tr("Goodwill"), "goodwill_amount": self.tr("Amount"),
                  "follow_up": self.tr("Follow up on"), "outcome": self.tr("Outcome"),
                  "root_cause": self.tr("Root cause"), "policy": self.tr("Policy"),
                  "change": self.tr("What should change")}
        for key, label in labels.items():
            value = record.fields.get(key)
            if value in (None, ""):
                continue
            if key == "policy":
                value = policies.get(int(value), f"#{value}")
            elif key == "goodwill_amount":
                value = money(value, Settings().currency())
            lines.append(f"<b>{escape(label)}:</b> {escape(str(value))}")
        self.review.setText("<br>".join(lines))
        self.review.show()


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
        self._policy_names = {p.id: p.name for p in policies}
        self._agent_names = {a.id: a.name for a in queries.agents(store)}

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
        self.steps.setAccessibleName(self.tr("Steps: pick a done one to read it again"))
        self.steps.currentRowChanged.connect(self._step_picked)
        self.form = StepForm(policies)
        self.do_step = QPushButton(self.tr("&Complete step"), objectName="do_step")
        self.do_step.clicked.connect(self.submit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.do_step, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAutoDefault(False)  # Enter completes the step; only a click or Esc closes
        self.do_step.setAutoDefault(True)
        self.do_step.setDefault(True)
        submit = QShortcut(QKeySequence("Ctrl+Return"), self)  # from inside the note, where Enter is a new line
        submit.activated.connect(lambda: self.do_step.isEnabled() and self.do_step.click())

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
        self.steps.blockSignals(True)  # rebuilding the list is no pick of the user's
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
        self.steps.setCurrentRow(len(done) if nxt is not None else -1)
        self.steps.blockSignals(False)
        promise = self.case.promise if self.case else {}
        if nxt is not None and nxt.records is Records.RESOLUTION and promise:
            # Resolve means "do it as promised": keep the promise in sight.
            self.form.hint.setText(self.tr("{0}\nPromised: {1}, by {2}.").format(
                nxt.hint, promise.get("promise", ""), promise.get("promised_by", "")))
        self.do_step.setEnabled(nxt is not None and not self.runner.read_only)
        self.do_step.setText(self.tr("&Complete {0}").format(nxt.title) if nxt else self.tr("&Complete step"))
        if nxt is not None:
            self.form.note.setFocus(Qt.FocusReason.OtherFocusReason)  # what is typed next goes into the step
        else:
            self.steps.setFocus(Qt.FocusReason.OtherFocusReason)  # a finished case: read it step by step

    def _step_picked(self, row: int) -> None:
        """A done step picked in the list: read it again; the step to do: back to its form."""
        done = self.case.done if self.case else []
        total = len(self.current_checklist.steps)
        if 0 <= row < len(done):
            record = done[row]
            who = self._agent_names.get(record.actor, "?") if record.actor is not None else "?"
            self.form.show_done(record, row + 1, total, who, self._policy_names)
            self.do_step.setEnabled(False)
        elif row == len(done) and row < total:
            self._render()

    def submit(self) -> None:
        step = self.form.step
        if step is None:
            return
        if self.identity is None:
            self._refuse(self.tr("Choose who you are (File > Who is at the console…) before recording a recovery "
                                 "step."))
            return
        if step.records is Records.EVALUATION and self._evaluation_incomplete():
            return
        ticket, actor, note = self.ticket_id, self.identity.id, self.form.note.toPlainText()
        fields = self.form.fields()
        checklist = self.current_checklist.name if self.case is None else None
        self.do_step.setEnabled(False)

        def job(store: Any) -> recovery.StepResult:
            return recovery.complete_step(store, ticket, actor_id=actor, step=step.key, note=note, fields=fields,
                                          checklist=checklist)

        self.runner.commit(job, self._done, self._refuse)

    def _evaluation_incomplete(self) -> bool:
        """Evaluate asks for a choice, not a default: say what is missing and put the cursor there."""
        form = self.form
        if form.root_cause.currentData() is None:
            form.root_cause.setFocus()
            self._refuse(self.tr("Choose the root cause: associate, policy, process, product or other."))
            return True
        if form.root_cause.currentData() == RootCause.POLICY and form.policy.currentData() is None:
            form.policy.setFocus()
            self._refuse(self.tr("A policy root cause names the policy involved: pick it in the Policy list."))
            return True
        return False

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

