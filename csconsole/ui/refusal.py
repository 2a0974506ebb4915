"""The one way a dialog tells a refusal: a window-modal warning that does not block live updates."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def refusal_box(parent: QWidget, title: str, message: str) -> QMessageBox:
    """Open (not exec) a warning over ``parent``; tests find it by its object name, ``refusal``."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("refusal")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
