"""Light, dark, or whatever the desktop says (the default: the console follows the system palette)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from csconsole.ui import colours


def apply(name: str) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    hints = app.styleHints()
    if name == "dark":
        app.setStyle("Fusion")  # the hand-made palettes are made for Fusion
        hints.setColorScheme(Qt.ColorScheme.Dark)
        app.setPalette(colours.dark_palette())
    elif name == "light":
        app.setStyle("Fusion")
        hints.setColorScheme(Qt.ColorScheme.Light)
        app.setPalette(app.style().standardPalette())
    else:
        hints.unsetColorScheme()
        app.setPalette(QPalette())  # an empty palette hands control back to the platform theme
    colours.badge.cache_clear()
