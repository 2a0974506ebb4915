"""Colours and small icons for states that need attention, derived from the current palette.

Tints are blended into the palette's own base colour, so they read as a hint in light and dark
themes alike; the icon carries the meaning for anyone who cannot tell the colours apart.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPen, QPixmap

from csconsole.domain.words import SlaState

RED, AMBER, GREEN, BLUE, GOLD = "#d64545", "#d9901a", "#3a9d5d", "#3d7fd6", "#c9a227"


def is_dark(palette: QPalette | None = None) -> bool:
    pal = palette or QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Base).lightness() < 128


def tint(hue: str, share: float = 0.16, palette: QPalette | None = None) -> QColor:
    """``hue`` blended into the palette's base colour: visible, never shouting."""
    pal = palette or QGuiApplication.palette()
    base = pal.color(QPalette.ColorRole.Base)
    accent = QColor(hue)
    share = share * (1.25 if is_dark(pal) else 1.0)  # dark bases need a little more to show
    return QColor(
        round(base.red() * (1 - share) + accent.red() * share),
        round(base.green() * (1 - share) + accent.green() * share),
        round(base.blue() * (1 - share) + accent.blue() * share),
    )


def ink(hue: str, palette: QPalette | None = None) -> QColor:
    """A text colour in ``hue`` with enough contrast on the palette's base."""
    colour = QColor(hue)
    return colour.lighter(135) if is_dark(palette) else colour.darker(125)


def sla_hue(state: SlaState | str) -> str | None:
    return {SlaState.BREACHED: RED, SlaState.AT_RISK: AMBER}.get(SlaState(state))


@lru_cache(maxsize=64)
def badge(hue: str, glyph: str, size: int = 16) -> QIcon:
    """A round badge with a one-character glyph, drawn at 1x and 2x so it stays crisp on high DPI."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(hue))
        painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
        if glyph:
            font = QFont()
            font.setBold(True)
            font.setPixelSize(int(size * 0.7))
            painter.setFont(font)
            painter.setPen(QPen(QColor("white")))
            painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, glyph)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


@lru_cache(maxsize=16)
def dot(hue: str, size: int = 10) -> QIcon:
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(hue))
        painter.drawEllipse(QPointF(size / 2, size / 2), size / 2 - 1, size / 2 - 1)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style, for desktops that do not tell Qt their scheme."""
    pal = QPalette()
    role = QPalette.ColorRole
    for r, c in (
        (role.Window, "#2b2d30"), (role.WindowText, "#e6e6e6"), (role.Base, "#1e1f22"),
        (role.AlternateBase, "#26282b"), (role.ToolTipBase, "#3c3f41"), (role.ToolTipText, "#e6e6e6"),
        (role.Text, "#e6e6e6"), (role.Button, "#35373b"), (role.ButtonText, "#e6e6e6"),
        (role.BrightText, "#ff6b6b"), (role.Link, "#6ea8fe"), (role.Highlight, "#2f65ca"),
        (role.HighlightedText, "#ffffff"), (role.PlaceholderText, "#8c8f94"), (role.Mid, "#4a4d52"),
        (role.Dark, "#1a1b1e"), (role.Light, "#4e5157"), (role.Midlight, "#3d4045"), (role.Shadow, "#000000"),
    ):
        pal.setColor(r, QColor(c))
    for r in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, QColor("#7b7e83"))
    return pal
