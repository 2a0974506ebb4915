"""The message area (status bar line and refusal boxes) and the opener of non-blocking dialogs.

Both are handed to controllers in place of the window: they need somewhere to speak and a parent for
their dialogs, nothing more.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from csconsole.ui.accessibility import name_controls


class Messages(QObject):
    """Plain sentences for the user; an error may also open a box that does not block live updates."""

    shown = Signal(str, bool)  # text, is_error (the status bar and tests listen)

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._widget = parent_widget
        self.last = ""

    def show(self, text: str, *, error: bool = False, modal: bool = True) -> None:
        self.last = text
        self.shown.emit(text, error)
        if error and modal:
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Not done"), text, QMessageBox.StandardButton.Ok,
                              self._widget)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.setObjectName("refusal")
            box.open()

    def error(self, text: str) -> None:
        self.show(text, error=True)

    def note_error(self, text: str) -> None:
        """An error worth telling that needs no box (a background read failed)."""
        self.show(text, error=True, modal=False)

    def report(self, text: str, is_error: bool) -> None:
        self.show(text, error=is_error)


class Dialogs(QObject):
    """Opens dialogs window-modal and non-blocking: live updates continue behind them, tests can drive them."""

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.parent_widget = parent_widget  # the parent every controller's dialogs and file pickers use
        self.active: QDialog | None = None  # the dialog open now (tests drive it)

    def open(self, dialog: QDialog, accepted: Callable[[], None] = lambda: None) -> QDialog:
        self.active = dialog
        name_controls(dialog)  # screen readers announce each field by the label beside it
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _code: self._closed(dialog))
        dialog.open()
        return dialog

    def _closed(self, dialog: QDialog) -> None:
        if self.active is dialog:  # a dialog opened from its accepted() handler stays current
            self.active = None
