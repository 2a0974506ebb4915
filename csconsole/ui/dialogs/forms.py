"""Small forms for working a ticket: transfer, new ticket, and one-text actions (reply, note, contact, escalate)."""

from __future__ import annotations

from html import escape
from typing import TypedDict

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain.rules import Agent
from csconsole.domain.words import Channel, Priority
from csconsole.services.queries import AgentLoad
from csconsole.ui.models.agents import likely_first


class _Form(QDialog):
    """A form whose OK button is enabled only when the required fields are filled."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setDefault(True)  # Enter does the action once it can; it never falls to Cancel
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self._required: list[QLineEdit | QPlainTextEdit | QComboBox] = []

    def require(self, *fields: QLineEdit | QPlainTextEdit | QComboBox) -> None:
        for f in fields:
            self._required.append(f)
            signal = f.editTextChanged if isinstance(f, QComboBox) else f.textChanged
            signal.connect(self.validate)
        self.validate()

    def validate(self) -> None:
        def filled(f: QLineEdit | QPlainTextEdit | QComboBox) -> bool:
            text = f.toPlainText() if isinstance(f, QPlainTextEdit) else f.currentText() if isinstance(f, QComboBox) else f.text()
            return bool(text.strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(all(filled(f) for f in self._required))


def _note_box(accessible: str, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # keyboard users leave the box with Tab
    box.setPlaceholderText(placeholder)
    box.setAccessibleName(accessible)
    box.setFixedHeight(90)
    return box


class TransferDialog(_Form):
    def __init__(self, queues: list[tuple[int, str]], loads: list[AgentLoad], current_queue: str,
                 parent: QWidget | None = None, *, ticket: str = "") -> None:
        super().__init__(self.tr("Transfer {0}").format(ticket) if ticket else self.tr("Transfer ticket"), parent)
        self.ok.setText(self.tr("Transfer"))
        if ticket:
            what = QLabel(self.tr("<b>Transfer:</b> {0}").format(escape(ticket)), objectName="transfer_ticket")
            what.setWordWrap(True)
            self.form.addRow(what)
        self.queue = QComboBox()
        self.queue.setAccessibleName(self.tr("Queue"))
        for qid, name in queues:
            self.queue.addItem(name, qid)
        self.owner = QComboBox()
        self.owner.setAccessibleName(self.tr("New owner"))
        self.owner.addItem(self.tr("— nobody (waits in the queue)"), None)
        for load in likely_first(loads, [current_queue]):
            self.owner.addItem(f"{load.agent.name}  ({load.queue or '—'}, {load.open_tickets} open)", load.agent.id)
        self.note = _note_box(self.tr("Transfer note"), self.tr("What was done and what comes next (required)"))
        self.form.addRow(self.tr("&Queue:"), self.queue)
        self.form.addRow(self.tr("&Owner:"), self.owner)
        self.form.addRow(self.tr("&Note:"), self.note)
        index = self.queue.findText(current_queue)
        self.queue.setCurrentIndex(max(0, index))
        self.require(self.note)
        self.resize(460, 260)

    def values(self) -> tuple[int, int | None, str]:
        return int(self.queue.currentData()), self.owner.currentData(), self.note.toPlainText().strip()


class NewTicket(TypedDict):
    """What the new-ticket form asks for: create_ticket's keyword arguments."""

    customer: str
    subject: str
    channel: str
    priority: str
    queue_id: int


class NewTicketDialog(_Form):
    def __init__(self, queues: list[tuple[int, str]], customers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New ticket"), parent)
        self.customer = QComboBox()
        self.customer.setEditable(True)
        self.customer.setAccessibleName(self.tr("Customer"))
        if (editor := self.customer.lineEdit()) is not None:  # an editable combo box always has one
            editor.setPlaceholderText(self.tr("Pick a customer or type a new name"))
        completer = QCompleter(QStringListModel(customers, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.customer.addItems(customers)
        self.customer.setCompleter(completer)
        self.customer.setCurrentIndex(-1)
        self.subject = QLineEdit()
        self.subject.setAccessibleName(self.tr("Subject"))
        self.channel = QComboBox()
        self.channel.setAccessibleName(self.tr("Channel"))
        self.channel.addItems([c.value for c in Channel])
        self.priority = QComboBox()
        self.priority.setAccessibleName(self.tr("Priority"))
        self.priority.addItems([p.value for p in Priority])
        self.priority.setCurrentText(Priority.NORMAL.value)
        self.queue = QComboBox()
        self.queue.setAccessibleName(self.tr("Queue"))
        for qid, name in queues:
            self.queue.addItem(name, qid)
        self.form.addRow(self.tr("C&ustomer:"), self.customer)
        self.form.addRow(self.tr("&Subject:"), self.subject)
        self.form.addRow(self.tr("C&hannel:"), self.channel)
        self.form.addRow(self.tr("&Priority:"), self.priority)
        self.form.addRow(self.tr("&Queue:"), self.queue)
        self.require(self.customer, self.subject, self.queue)
        self.resize(460, 240)

    def values(self) -> NewTicket:
        return {
            "customer": self.customer.currentText().strip(), "subject": self.subject.text().strip(),
            "channel": self.channel.currentText(), "priority": self.priority.currentText(),
            "queue_id": int(self.queue.currentData()),
        }


class TextDialog(_Form):
    """One note: reply, internal note, customer contact, or escalation (with its new priority)."""

    def __init__(self, title: str, label: str, *, required: bool = True, priority: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.priority: QComboBox | None = None
        if priority is not None:
            self.priority = QComboBox()
            self.priority.setAccessibleName(self.tr("New priority"))
            self.priority.addItems([p.value for p in Priority])
            levels = [p.value for p in Priority]
            self.priority.setCurrentIndex(max(0, levels.index(priority) - 1) if priority in levels else 0)
            self.form.addRow(self.tr("&Priority:"), self.priority)
        self.text = _note_box(label, label + (self.tr(" (required)") if required else self.tr(" (optional)")))
        self.form.addRow(label + ":", self.text)
        if required:
            self.require(self.text)
        self.resize(440, 200)

    def value(self) -> str:
        return self.text.toPlainText().strip()


def agent_label(agent: Agent) -> str:
    return f"{agent.name} ({agent.role.value})"
