"""The console PIN: asked when a supervisor who set one signs in, and set or changed from the File menu.

A guardrail for shared workstations, not encryption (see services/pin.py): the dialog only collects
digits; checking and hashing happen in the service.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget


def _digits(accessible: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,12}")))
    field.setAccessibleName(accessible)
    field.setMaxLength(12)
    return field


class PinDialog(QDialog):
    """``unlock``: one field. Otherwise: the current PIN (when there is one), the new one twice."""

    def __init__(self, who: str, *, unlock: bool, has_pin: bool = False, message: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pin_dialog")
        self.setWindowTitle(self.tr("Console PIN"))
        self.unlock = unlock
        intro = QLabel(message or (self.tr("{0}, enter your console PIN.").format(who) if unlock else
                                   self.tr("A PIN keeps a passer-by from acting as {0} at this console. "
                                           "It does not encrypt the store.").format(who)))
        intro.setWordWrap(True)
        form = QFormLayout()
        self.current = _digits(self.tr("Current PIN"))
        self.new = _digits(self.tr("New PIN"))
        self.again = _digits(self.tr("New PIN again"))
        if unlock:
            form.addRow(self.tr("&PIN:"), self.current)
        else:
            if has_pin:
                form.addRow(self.tr("&Current PIN:"), self.current)
            form.addRow(self.tr("&New PIN (4–12 digits):"), self.new)
            form.addRow(self.tr("&Again:"), self.again)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for field in (self.current, self.new, self.again):
            field.textChanged.connect(self._validate)
        self._has_pin = has_pin
        self._validate()
        (self.current if unlock or has_pin else self.new).setFocus()

    def _validate(self) -> None:
        if self.unlock:
            ok = len(self.current.text()) >= 4
        else:
            ok = (len(self.new.text()) >= 4 and self.new.text() == self.again.text()
                  and (not self._has_pin or len(self.current.text()) >= 4))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
