"""Accessible names for a dialog's controls, taken from what a sighted user reads next to them.

Screen readers announce a control by its accessible name. Most of ours sit in a QFormLayout row or beside
a label with a buddy; ``name_controls`` copies that visible text into the name where none was set, so
every dialog gets names without repeating each label in code (and a renamed label renames the control).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

CONTROLS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractItemView, QAbstractButton)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":").strip()


def _label_text(label: QLabel) -> str:
    from PySide6.QtGui import QTextDocumentFragment

    return _plain(QTextDocumentFragment.fromHtml(label.text()).toPlainText())


def name_controls(root: QWidget) -> None:
    """Give every unnamed control under ``root`` the text of its form label, buddy label, placeholder or tip."""
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None:
                continue
            text_widget, control = label.widget(), field.widget()
            if (isinstance(text_widget, QLabel) and isinstance(control, CONTROLS) and not control.accessibleName()
                    and (name := _label_text(text_widget))):
                control.setAccessibleName(name)
    for buddy_label in root.findChildren(QLabel):
        buddy = buddy_label.buddy()
        if buddy is not None and not buddy.accessibleName() and (name := _label_text(buddy_label)):
            buddy.setAccessibleName(name)
    for control in root.findChildren(QWidget):
        if not isinstance(control, CONTROLS) or control.accessibleName() or _inner(control):
            continue
        if isinstance(control, QAbstractButton) and control.text():
            continue  # a button's own text is its name
        hint = control.placeholderText() if isinstance(control, (QLineEdit, QPlainTextEdit)) else ""
        if name := _plain(hint or control.toolTip() or control.objectName().replace("_", " ")):
            control.setAccessibleName(name)


def _inner(control: QWidget) -> bool:
    """Parts of a composite control (a spin box's editor, a table's corner button) that its owner names."""
    parent = control.parentWidget()
    while parent is not None:
        if isinstance(parent, (QComboBox, QAbstractSpinBox, QAbstractItemView)):
            return True
        parent = parent.parentWidget()
    return control.objectName().startswith("qt_")


def unnamed(root: QWidget) -> list[QWidget]:
    """Visible controls a screen reader could not name (tests)."""
    return [c for c in root.findChildren(QWidget)
            if isinstance(c, CONTROLS) and c.isVisibleTo(root) and not _inner(c) and not c.accessibleName()
            and not (isinstance(c, QAbstractButton) and c.text())]
