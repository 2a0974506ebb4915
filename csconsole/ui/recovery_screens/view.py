"""The Recovery view: open cases, promises past their date, follow-ups due, and the tickets that need a case.

Reads run off the GUI thread on the ``Runner``; the view re-reads on its changes event when a commit touched
cases, evaluations, policies, checklists, the triggers or tickets (a refresh already running is followed
by exactly one more).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain import clock
from csconsole.domain.rules import Agent
from csconsole.services import recovery
from csconsole.services.changes import Kind
from csconsole.settings import Settings
from csconsole.ui.accessibility import name_controls
from csconsole.ui.changes_event import Changes
from csconsole.ui.recovery_screens.checklists import ChecklistDialog
from csconsole.ui.recovery_screens.dialog import RecoveryDialog
from csconsole.ui.recovery_screens.evaluation import EvaluationDialog
from csconsole.ui.recovery_screens.model import CaseColumn, RecoveryCasesModel
from csconsole.ui.recovery_screens.policies import PolicyDialog
from csconsole.ui.runner import Runner
from csconsole.ui.wording import plural

# Cases, their steps and evaluations, the policies and checklists they name, the proposals (tickets that
# bounced or called often enough, by this console's triggers).
SHOWN_KINDS = (Kind.RECOVERY, Kind.EVALUATIONS, Kind.POLICIES, Kind.CHECKLISTS, Kind.PREFERENCES, Kind.TICKETS)

SHOW = (
    ("Open cases", recovery.CaseFilter(open_only=True)),
    ("Promises past their date", recovery.CaseFilter(promises_overdue=True)),
    ("Follow-ups due today or overdue", recovery.CaseFilter(follow_ups_due=True)),
    ("All cases", recovery.CaseFilter()),
)


@dataclass(frozen=True)
class Snapshot:
    rows: list[recovery.CaseRow]
    counts: recovery.RecoveryCounts
    proposals: list[recovery.Proposal]
    today: str


class RecoveryView(QWidget):
    refreshed = Signal()
    ticket_activated = Signal(int)  # a case or a proposal was opened: the console shows its ticket
    ticket_selected = Signal(int)  # a case or a proposal was selected: the console shows its ticket

    def __init__(self, runner: Runner, identity: Agent | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recovery_view")
        self.runner = runner
        self.identity = identity
        self.dialog: RecoveryDialog | None = None
        self.evaluation: EvaluationDialog | None = None
        self.policy_dialog: PolicyDialog | None = None
        self.checklist_dialog: ChecklistDialog | None = None
        self.snapshot: Snapshot | None = None
        self._loading = False
        self._again = False
        self._dirty = True
        self._restoring = False
        runner.changes.connect(self._on_changes)  # ours and other processes' commits alike
        self.show_combo = QComboBox(objectName="show")
        for label, _ in SHOW:
            self.show_combo.addItem(self.tr(label))
        self.search = QLineEdit(objectName="search")
        self.search.setPlaceholderText(self.tr("Filter by ticket, customer, checklist or policy"))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.show_combo.currentIndexChanged.connect(self.refresh)
        self.counts = QLabel(objectName="counts")

        self.model = RecoveryCasesModel(self)
        self.table = QTableView(objectName="cases")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)  # compact, like the console
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CaseColumn.POLICY, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._case_activated)

        self.continue_button = QPushButton(self.tr("&Continue case…"), objectName="continue")
        self.evaluate_button = QPushButton(self.tr("&Evaluate…"), objectName="evaluate")
        self.policies_button = QPushButton(self.tr("&Policies…"), objectName="policies")
        self.checklists_button = QPushButton(self.tr("C&hecklists…"), objectName="checklists")
        self.checklists_button.clicked.connect(self.open_checklists)
        self.continue_button.clicked.connect(self._continue_selected)
        self.evaluate_button.clicked.connect(self._evaluate_selected)
        self.policies_button.clicked.connect(self.open_policies)

        self.proposals = QTableWidget(0, 3, objectName="proposals")
        self.proposals.setHorizontalHeaderLabels([self.tr("Ticket"), self.tr("Customer"), self.tr("Why")])
        self.proposals.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.proposals.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.proposals.verticalHeader().hide()
        self.proposals.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.proposals.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.proposals.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.proposals.cellDoubleClicked.connect(self._proposal_activated)
        self.open_button = QPushButton(self.tr("&Open recovery case…"), objectName="open_case")
        self.open_button.clicked.connect(self._open_proposed)

        self.search.setMinimumWidth(200)
        self.counts.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show")))
        bar.addWidget(self.show_combo)
        bar.addWidget(self.search, 1)
        buttons = QHBoxLayout()
        for button in (self.continue_button, self.evaluate_button, self.policies_button, self.checklists_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(bar)
        top_layout.addWidget(self.counts)  # a line of its own: the search keeps its room
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(buttons)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        proposed = QHBoxLayout()
        self.proposed_label = QLabel(objectName="proposed_label")  # says the triggers in force
        self.proposed_label.setWordWrap(True)
        proposed.addWidget(self.proposed_label, 1)
        proposed.addWidget(self.open_button)
        bottom_layout.addLayout(proposed)
        bottom_layout.addWidget(self.proposals, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._update_buttons()
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.selectionModel().currentRowChanged.connect(self._case_selected)
        self.proposals.currentCellChanged.connect(lambda row, _c, _pr, _pc: self._proposal_selected(row))

    # --- loading -----------------------------------------------------------------------------
    def current_filter(self) -> recovery.CaseFilter:
        base = SHOW[max(0, self.show_combo.currentIndex())][1]
        return recovery.CaseFilter(base.open_only, base.promises_overdue, base.follow_ups_due, self.search.text())

    def refresh(self) -> None:
        """Re-read the lists; connected to the console's one change signal. While hidden, wait to be shown."""
        if not self.isVisible():
            self._dirty = True
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._dirty = False
        flt = self.current_filter()
        triggers = Settings().recovery_triggers()  # Preferences → Recovery
        loyal = self.tr(", or SLA breached on a loyal customer") if triggers.loyal_breach else ""
        self.proposed_label.setText(self.tr("<b>Proposed</b> — bounced {0}+ times, {1}+ contacts{2}; no case yet")
                                    .format(triggers.min_bounces, triggers.min_contacts, loyal))

        def job(store: Any) -> Snapshot:
            now = clock.now_text()
            return Snapshot(recovery.cases(store, flt, now=now, limit=2000), recovery.counts(store, now),
                            recovery.proposals(store, now=now, triggers=triggers, limit=200), recovery.today(now))

        self.runner.read(job, self._loaded, self._failed, away=self._server_away)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(*SHOWN_KINDS):
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def _failed(self, message: str) -> None:
        self._loading = False
        self.counts.setText(self.tr("Could not read the recovery cases: {0}").format(message))

    def _server_away(self) -> None:
        self._loading, self._dirty = False, True  # read again once it is back (every screen re-reads then)
        self.counts.setText(self.tr("The server is not answering; the cases refresh once it is back."))

    def _loaded(self, snap: Snapshot) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.refresh()
        selected = self.selected_case()
        self.snapshot = snap
        self.model.set_rows(snap.rows, snap.today)
        if selected is not None:
            row = self.model.row_of_case(selected.id)
            if row >= 0:
                self._restoring = True  # the same case again: not a new choice to show
                self.table.selectRow(row)
                self._restoring = False
        c = snap.counts
        self.counts.setText(" · ".join((
            plural(c.open_cases, self.tr("{0} open case"), self.tr("{0} open cases")),
            plural(c.promises_overdue, self.tr("{0} promise past its date"), self.tr("{0} promises past their date")),
            plural(c.follow_ups_due, self.tr("{0} follow-up due"), self.tr("{0} follow-ups due")))))
        self.proposals.blockSignals(True)  # a refill is no choice of the user's
        self.proposals.setRowCount(len(snap.proposals))
        for r, item in enumerate(snap.proposals):
            customer = f"★ {item.customer}" if item.loyal else item.customer
            for col, text in enumerate((item.ref, customer, ", ".join(item.reasons))):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.ticket_id)
                cell.setToolTip(item.subject)
                self.proposals.setItem(r, col, cell)
        self.proposals.blockSignals(False)
        self._update_buttons()
        self.refreshed.emit()

    # --- acting ------------------------------------------------------------------------------
    def selected_case(self) -> recovery.CaseRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        has_case = self.selected_case() is not None
        self.continue_button.setEnabled(has_case)
        self.evaluate_button.setEnabled(has_case and not self.runner.read_only)
        self.open_button.setEnabled(self.proposals.rowCount() > 0 and not self.runner.read_only)

    def _case_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        if row is not None and not self._restoring:
            self.ticket_selected.emit(row.ticket_id)

    def _proposal_selected(self, row: int) -> None:
        item = self.proposals.item(row, 0) if row >= 0 else None
        if item is not None:
            self.ticket_selected.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _case_activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is None:
            return
        self.ticket_activated.emit(row.ticket_id)
        self.open_recovery(row.ticket_id, f"{row.ref} · {row.customer}")

    def _continue_selected(self) -> None:
        row = self.selected_case()
        if row is not None:
            self.open_recovery(row.ticket_id, f"{row.ref} · {row.customer}")

    def _evaluate_selected(self) -> None:
        row = self.selected_case()
        if row is not None:
            self.open_evaluation(row.ticket_id, f"{row.ref} · {row.customer}", row.owner)

    def _proposal_activated(self, row: int, _column: int) -> None:
        item = self.proposals.item(row, 0)
        if item is not None:
            self.ticket_activated.emit(int(item.data(Qt.ItemDataRole.UserRole)))
            self.open_recovery(int(item.data(Qt.ItemDataRole.UserRole)), item.text())

    def _open_proposed(self) -> None:
        row = self.proposals.currentRow()
        self._proposal_activated(max(0, row), 0)

    def open_recovery(self, ticket_id: int, label: str) -> RecoveryDialog:
        """The recovery dialog for a ticket: continues its open case, or opens a new one."""
        dialog = RecoveryDialog(self.runner, self.identity, ticket_id, label, self)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        name_controls(dialog)  # fields named by their labels, for screen readers
        dialog.open()
        return dialog

    def open_evaluation(self, ticket_id: int, label: str, associate: str | None) -> EvaluationDialog:
        dialog = EvaluationDialog(self.runner, self.identity, ticket_id, label, associate, self)
        dialog.finished.connect(dialog.deleteLater)
        self.evaluation = dialog
        name_controls(dialog)  # fields named by their labels, for screen readers
        dialog.open()
        return dialog

    def open_policies(self) -> PolicyDialog:
        dialog = PolicyDialog(self.runner, self)
        dialog.finished.connect(dialog.deleteLater)
        self.policy_dialog = dialog
        name_controls(dialog)  # fields named by their labels, for screen readers
        dialog.open()
        return dialog

    def open_checklists(self) -> ChecklistDialog:
        dialog = ChecklistDialog(self.runner, self)
        dialog.finished.connect(dialog.deleteLater)
        self.checklist_dialog = dialog
        name_controls(dialog)  # fields named by their labels, for screen readers
        dialog.open()
        return dialog

    def set_identity(self, identity: Agent | None) -> None:
        self.identity = identity
