"""Light, dark, or whatever the desktop says (the default: the console follows the system palette)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

from csconsole.ui import colours


def apply(name: str) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    hints = app.styleHints()
    if name == "dark":
        app.setStyle(_ReadableIndicators("Fusion"))  # the hand-made palettes are made for Fusion
        hints.setColorScheme(Qt.ColorScheme.Dark)
        app.setPalette(colours.dark_palette())
    elif name == "light":
        app.setStyle(_ReadableIndicators("Fusion"))
        hints.setColorScheme(Qt.ColorScheme.Light)
        app.setPalette(app.style().standardPalette())
    else:
        hints.unsetColorScheme()
        app.setPalette(QPalette())  # an empty palette hands control back to the platform theme
    colours.badge.cache_clear()


class _ReadableIndicators(QProxyStyle):
    """Fusion with radio buttons that read as such (WCAG 1.4.11): Fusion rings them in a shade of the
    window (1.2:1 against it in the dark palette, 2.1:1 in the light) and dots them in grey, so in the
    dark a chosen and an unchosen option look alike. Here the ring is the placeholder grey (3:1 and
    more on the window) and the dot the text."""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        if element != QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            super().drawPrimitive(element, option, painter, widget)
            return
        palette, state = option.palette, option.state
        ring = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver) and bool(state & QStyle.StateFlag.State_Enabled)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        edge = palette.color(QPalette.ColorRole.Highlight if hovered else QPalette.ColorRole.PlaceholderText)
        painter.setPen(QPen(edge, 1.2))
        painter.setBrush(palette.base())
        painter.drawEllipse(ring)
        if state & QStyle.StateFlag.State_On:
            inset = ring.width() * 0.27
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.text())
            painter.drawEllipse(ring.adjusted(inset, inset, -inset, -inset))
        painter.restore()
