"""Edit → Preferences: this console's own settings (QSettings, declared in csconsole/settings.py) and the
floor's business settings kept in the store (SLA policies per queue, recovery checklists).

The dialog only collects values; ``Preferences.save`` in the window writes them (the store through
services, off the GUI thread).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain.recovery import RecoveryTriggers
from csconsole.domain.rules import REASSIGN_REASONS
from csconsole.domain.sla_spec import describe_schedule
from csconsole.services.sla import PolicyInForce

THEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class Choices:
    """What the dialog shows when it opens, and hands back when accepted."""

    theme: str
    poll_ms: int
    reasons: list[str]
    checklist: str
    policies: list[PolicyInForce]  # shown; each is edited in its own dialog, saved when that one is
    triggers: RecoveryTriggers = RecoveryTriggers()
    currency: str = ""  # ISO code shown with goodwill amounts; empty: the locale's


class PreferencesDialog(QDialog):
    identity_requested = Signal()
    pin_requested = Signal()
    checklists_requested = Signal()
    sla_edit_requested = Signal(object)  # a queue id, or None: the store-wide policy

    def __init__(self, now: Choices, checklists: Sequence[str], who: str, *, read_only: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("preference_tabs")
        self.tabs.setAccessibleName(self.tr("Preference pages"))
        self.tabs.addTab(self._console_page(now, who), self.tr("This &console"))
        self.tabs.addTab(self._sla_page(now.policies, read_only), self.tr("&SLA policies"))
        self.tabs.addTab(self._reasons_page(now.reasons), self.tr("&Reassignment"))
        self.tabs.addTab(self._recovery_page(checklists, now.checklist, now.triggers, read_only), self.tr("Reco&very"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(680, 460)

    # --- pages ---------------------------------------------------------------------------------------
    def _console_page(self, now: Choices, who: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        note = QLabel(self.tr("These belong to you on this computer; other consoles on the same store keep their own."))
        note.setWordWrap(True)
        form.addRow(note)
        self.theme = QComboBox(objectName="theme")
        for name, label in zip(THEMES, (self.tr("Follow the system"), self.tr("Light"), self.tr("Dark")), strict=True):
            self.theme.addItem(label, name)
        self.theme.setCurrentIndex(max(0, self.theme.findData(now.theme)))
        self.theme.setMinimumWidth(220)
        self.theme.setAccessibleName(self.tr("Theme"))
        self.theme.setAccessibleDescription(self.tr("Colours of the console: the system's, light or dark"))
        form.addRow(self.tr("&Theme:"), self.theme)
        self.poll = QSpinBox(objectName="poll_ms")
        self.poll.setRange(50, 60_000)
        self.poll.setSingleStep(50)
        self.poll.setSuffix(self.tr(" ms"))
        self.poll.setValue(now.poll_ms)
        self.poll.setAccessibleName(self.tr("Live refresh interval in milliseconds"))
        self.poll.setAccessibleDescription(self.tr("How often the console looks for changes made by others"))
        self.poll.setToolTip(self.poll.accessibleDescription())
        form.addRow(self.tr("&Look for changes every:"), self.poll)
        self.currency = QLineEdit(now.currency, objectName="currency")
        self.currency.setMaxLength(3)
        self.currency.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,3}"), self.currency))
        self.currency.setPlaceholderText(self.tr("the locale's"))
        self.currency.setMaximumWidth(120)
        self.currency.setAccessibleName(self.tr("Currency of goodwill amounts"))
        self.currency.setToolTip(self.tr("The ISO code shown with goodwill amounts (EUR, USD, GBP…); empty: the "
                                         "one of your locale"))
        form.addRow(self.tr("Goodwill &currency:"), self.currency)
        self.who = QLabel(who, objectName="who")
        self.change_identity = QPushButton(self.tr("C&hange who is at the console…"), objectName="change_identity")
        self.change_identity.setAccessibleDescription(self.tr("Sign in as someone else (asks for their PIN)"))
        self.change_identity.clicked.connect(self.identity_requested)
        self.set_pin = QPushButton(self.tr("Set my console &PIN…"), objectName="set_pin")
        self.set_pin.setAccessibleDescription(self.tr("Keep others from acting as you at a shared workstation"))
        self.set_pin.clicked.connect(self.pin_requested)
        row = QHBoxLayout()
        row.addWidget(self.change_identity)
        row.addWidget(self.set_pin)
        row.addStretch(1)
        form.addRow(self.tr("At the console:"), self.who)
        form.addRow("", row)
        return page

    def _sla_page(self, policies: list[PolicyInForce], read_only: bool) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        intro = QLabel(self.tr("Business hours, holidays and targets (first reply, next reply, resolution) per queue; "
                               "a queue without its own follows the store-wide policy. Kept in the store for every "
                               "console; open tickets are re-timed when a policy is saved."))
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.sla_table = QTreeWidget(objectName="sla_policies")
        self.sla_table.setHeaderLabels([self.tr("Queue"), self.tr("Hours"), self.tr("Targets"), self.tr("Policy")])
        self.sla_table.setRootIsDecorated(False)
        self.sla_table.setAlternatingRowColors(True)
        self.sla_table.setAccessibleName(self.tr("SLA policies in force"))
        self.sla_table.itemDoubleClicked.connect(lambda _item, _column: self._edit_sla())
        outer.addWidget(self.sla_table, 1)
        self.sla_edit = QPushButton(self.tr("&Edit the selected policy…"), objectName="sla_edit")
        self.sla_edit.setAccessibleName(self.tr("Edit the selected SLA policy"))
        self.sla_edit.setAccessibleDescription(self.tr("Business hours, time zone, holidays and targets"))
        self.sla_edit.clicked.connect(self._edit_sla)
        self.sla_edit.setEnabled(not read_only)
        outer.addWidget(self.sla_edit, 0, Qt.AlignmentFlag.AlignLeft)
        if read_only:
            outer.addWidget(QLabel(self.tr("The store is open read-only: policies cannot be changed here.")))
        self.set_policies(policies)
        return page

    def set_policies(self, policies: list[PolicyInForce]) -> None:
        """Show the policies in force (again, after one was saved), keeping the row that was selected."""
        self._policies = list(policies)
        chosen = self.sla_table.currentItem()
        keep = chosen.data(0, Qt.ItemDataRole.UserRole) if chosen is not None else None
        self.sla_table.clear()
        for row in policies:
            whose = self.tr("own") if row.own else (self.tr("store-wide") if row.queue_id is not None
                                                    else self.tr("defaults"))
            targets = row.policy.targets.to_text() or self.tr("defaults")
            hours = describe_schedule(row.policy.schedule)
            item = QTreeWidgetItem([row.name, hours, targets, whose])
            item.setData(0, Qt.ItemDataRole.UserRole, row.queue_id)
            for column, text in enumerate((row.name, hours, targets, whose)):
                item.setToolTip(column, text)
            self.sla_table.addTopLevelItem(item)
            if row.queue_id == keep:
                self.sla_table.setCurrentItem(item)
        first = self.sla_table.topLevelItem(0)
        if self.sla_table.currentItem() is None and first is not None:
            self.sla_table.setCurrentItem(first)
        for column in range(3):
            self.sla_table.resizeColumnToContents(column)

    def _edit_sla(self) -> None:
        item = self.sla_table.currentItem()
        if item is not None and self.sla_edit.isEnabled():
            self.sla_edit_requested.emit(item.data(0, Qt.ItemDataRole.UserRole))

    def _reasons_page(self, reasons: list[str]) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        label = QLabel(self.tr("Reasons offered when &reassigning tickets, in this order (double-click or F2 "
                               "to edit):"))
        label.setWordWrap(True)
        self.reasons = QListWidget(objectName="reasons")
        self.reasons.setAccessibleName(self.tr("Reassignment reasons"))
        self.reasons.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        label.setBuddy(self.reasons)
        self._fill_reasons(reasons)
        buttons = QVBoxLayout()
        for text, name, slot, tip in (
            (self.tr("&Add"), "reason_add", self._add_reason, self.tr("Add a reason at the end and edit it")),
            (self.tr("Re&move"), "reason_remove", self._remove_reason, self.tr("Remove the selected reason")),
            (self.tr("&Up"), "reason_up", lambda: self._move_reason(-1), self.tr("Move the selected reason up")),
            (self.tr("Do&wn"), "reason_down", lambda: self._move_reason(1), self.tr("Move the selected reason down")),
            (self.tr("De&faults"), "reason_defaults", lambda: self._fill_reasons(list(REASSIGN_REASONS)),
             self.tr("Put back the standard reasons")),
        ):
            button = QPushButton(text, objectName=name)
            button.setAccessibleDescription(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.reasons, 1)
        row.addLayout(buttons)
        outer.addWidget(label)
        outer.addLayout(row, 1)
        return page

    def _recovery_page(self, checklists: Sequence[str], chosen: str, triggers: RecoveryTriggers,
                       read_only: bool) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.checklist = QComboBox(objectName="default_checklist")
        self.checklist.setAccessibleName(self.tr("Checklist for new recovery cases"))
        self.checklist.setAccessibleDescription(self.tr("Proposed when a recovery case is opened; it can still be "
                                                        "changed for that case"))
        self.checklist.setMinimumWidth(220)
        self.set_checklists(checklists, chosen)
        form.addRow(self.tr("Checklist for &new cases:"), self.checklist)
        self.edit_checklists = QPushButton(self.tr("&Edit checklists…"), objectName="edit_checklists")
        self.edit_checklists.setAccessibleDescription(self.tr("Add or change the floor's own recovery checklists"))
        self.edit_checklists.setEnabled(not read_only)
        self.edit_checklists.clicked.connect(self.checklists_requested)
        form.addRow("", self.edit_checklists)
        form.addRow(QLabel(self.tr("Propose a recovery case for a ticket that has…")))
        self.trigger_bounces = QSpinBox(objectName="trigger_bounces", minimum=1, maximum=20,
                                        value=triggers.min_bounces)
        self.trigger_bounces.setAccessibleName(self.tr("Bounces that propose a recovery case"))
        self.trigger_bounces.setSuffix(self.tr(" bounces or more"))
        form.addRow(self.tr("&Bounced:"), self.trigger_bounces)
        self.trigger_contacts = QSpinBox(objectName="trigger_contacts", minimum=1, maximum=20,
                                         value=triggers.min_contacts)
        self.trigger_contacts.setAccessibleName(self.tr("Customer contacts that propose a recovery case"))
        self.trigger_contacts.setSuffix(self.tr(" contacts or more"))
        form.addRow(self.tr("C&alled:"), self.trigger_contacts)
        self.trigger_loyal = QCheckBox(self.tr("a breached SLA on a &loyal customer"), objectName="trigger_loyal")
        self.trigger_loyal.setChecked(triggers.loyal_breach)
        self.trigger_loyal.setAccessibleName(self.tr("Propose a case when a loyal customer's SLA is breached"))
        form.addRow("", self.trigger_loyal)
        return page

    # --- helpers -------------------------------------------------------------------------------------
    def set_checklists(self, names: Sequence[str], chosen: str) -> None:
        self.checklist.clear()
        self.checklist.addItems(list(names))
        self.checklist.setCurrentIndex(max(0, self.checklist.findText(chosen)))

    def _fill_reasons(self, reasons: list[str]) -> None:
        self.reasons.clear()
        for reason in reasons:
            self._reason_item(reason)

    def _reason_item(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text, self.reasons)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def _add_reason(self) -> None:
        item = self._reason_item(self.tr("New reason"))
        self.reasons.setCurrentItem(item)
        self.reasons.editItem(item)

    def _remove_reason(self) -> None:
        row = self.reasons.currentRow()
        if row >= 0:
            self.reasons.takeItem(row)

    def _move_reason(self, by: int) -> None:
        row = self.reasons.currentRow()
        if row < 0 or not 0 <= row + by < self.reasons.count():
            return
        item = self.reasons.takeItem(row)
        self.reasons.insertItem(row + by, item)
        self.reasons.setCurrentRow(row + by)

    # --- what was chosen -----------------------------------------------------------------------------
    def choices(self) -> Choices:
        reasons = [t for i in range(self.reasons.count()) if (t := self.reasons.item(i).text().strip())]
        triggers = RecoveryTriggers(self.trigger_bounces.value(), self.trigger_contacts.value(),
                                    self.trigger_loyal.isChecked())
        return Choices(str(self.theme.currentData()), self.poll.value(), reasons or list(REASSIGN_REASONS),
                       self.checklist.currentText(), self._policies, triggers, self.currency.text().strip().upper())
