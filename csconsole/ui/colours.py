"""Colours and small icons for states that need attention, derived from the current palette.

Tints are blended into the palette's own base colour, so they read as a hint in light and dark
themes alike; the icon carries the meaning for anyone who cannot tell the colours apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPen, QPixmap

from csconsole.domain.words import SlaState

RED, AMBER, GREEN, BLUE, GOLD = "#d64545", "#d9901a", "#3a9d5d", "#3d7fd6", "#c9a227"


def base(palette: QPalette | None = None) -> QColor:
    """The background lists and tables paint their rows on."""
    return (palette or QGuiApplication.palette()).color(QPalette.ColorRole.Base)


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


AA = 4.5  # WCAG 2 AA contrast for normal text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    return 0.2126 * _channel(colour.red()) + 0.7152 * _channel(colour.green()) + 0.0722 * _channel(colour.blue())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two opaque colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable(colour: QColor, backgrounds: Iterable[QColor], minimum: float = AA) -> QColor:
    """``colour`` moved toward white on dark backgrounds (toward black on light ones) in small steps, until
    it reads at ``minimum`` contrast on every one of ``backgrounds``; its hue is kept as long as it can be."""
    return QColor(_readable(colour.rgb(), tuple(g.rgb() for g in backgrounds), minimum))


@lru_cache(maxsize=256)
def _readable(rgb: int, grounds_rgb: tuple[int, ...], minimum: float) -> int:
    colour, grounds = QColor.fromRgb(rgb), [QColor.fromRgb(g) for g in grounds_rgb]
    dark = sum(luminance(g) for g in grounds) / len(grounds) < 0.18
    target = QColor("white") if dark else QColor("black")
    found = QColor(colour)
    for step in range(21):
        share = step / 20
        found = QColor(round(colour.red() * (1 - share) + target.red() * share),
                       round(colour.green() * (1 - share) + target.green() * share),
                       round(colour.blue() * (1 - share) + target.blue() * share))
        if all(contrast(found, g) >= minimum for g in grounds):
            break
    return found.rgb()


def ink(hue: str, palette: QPalette | None = None, on: Iterable[QColor] | None = None) -> QColor:
    """A text colour in ``hue`` that reads (WCAG AA) on the palette's base (and alternate base), or on the
    backgrounds ``on`` it is drawn over."""
    pal = palette or QGuiApplication.palette()
    grounds = list(on) if on is not None else [pal.color(QPalette.ColorRole.Base),
                                                pal.color(QPalette.ColorRole.AlternateBase)]
    return readable(QColor(hue), grounds)


def muted(palette: QPalette | None = None, role: QPalette.ColorRole = QPalette.ColorRole.Window) -> QColor:
    """Secondary text (times, authors): the palette's text blended halfway into the background ``role``, but
    never below AA contrast on it. Qt's PlaceholderText may carry alpha and too little contrast for this."""
    pal = palette or QGuiApplication.palette()
    ground = pal.color(role)
    text = pal.color(QPalette.ColorRole.WindowText if role == QPalette.ColorRole.Window else QPalette.ColorRole.Text)
    blend = QColor(round((text.red() + ground.red()) / 2), round((text.green() + ground.green()) / 2),
                   round((text.blue() + ground.blue()) / 2))
    return readable(blend, [ground])


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


def sla_bar(on_time: int, at_risk: int, breached: int, width: int = 20, height: int = 10) -> QIcon:
    """A queue's open tickets as one small bar in the SLA states' colours: on time, at risk, breached.

    A dot that turns red at the first breach is red on every busy queue; the bar shows how much of the queue
    is late. Shares are rounded to the pixel, but any breach or risk keeps at least one pixel."""
    total = on_time + at_risk + breached
    if total <= 0:
        return _bar(0, 0, width, width, height)
    red = max(1, round(width * breached / total)) if breached else 0
    amber = max(1, round(width * at_risk / total)) if at_risk else 0
    return _bar(red, min(amber, width - red), width, width, height)


@lru_cache(maxsize=512)
def _bar(red: int, amber: int, filled: int, width: int, height: int) -> QIcon:
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(width * scale, height * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setPen(Qt.PenStyle.NoPen)
        green = filled - red - amber
        x = 0
        for share, hue in ((green, GREEN), (amber, AMBER), (red, RED)):
            if share > 0:
                painter.setBrush(QColor(hue))
                painter.drawRect(QRectF(x, 1, share, height - 2))
                x += share
        if filled == 0:  # no open ticket: an empty outline
            painter.setPen(QPen(QColor("#888888"), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(0.5, 1.5, width - 1, height - 3))
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
