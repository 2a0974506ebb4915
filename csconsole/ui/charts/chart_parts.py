"""The pieces the dashboard's charts are made of: a titled box (the title and the caption are Qt labels, so
they wrap and follow the palette), a plot that takes the palette's colours, a legend beside the plot rather
than over its lines, score bars whose names are never cut, headline tiles and small tables.

pyqtgraph is handed in (``pg``) by the dashboard, which imports it only when it is first opened.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csconsole.ui import colours


class ChartBox(QWidget):
    """A title saying what the chart answers and over which period, the chart, and a caption under it."""

    def __init__(self, name: str, title: str, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.title = QLabel(objectName=f"{name}_title")
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.caption = QLabel(objectName=f"{name}_caption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(body, 1)
        layout.addWidget(self.caption)
        self.body = body
        self.set_title(title)

    def set_title(self, text: str) -> None:
        self.title.setText(text)
        self.body.setAccessibleName(text)

    def set_caption(self, html: str) -> None:
        self.caption.setText(html)
        self.caption.setVisible(bool(html))


def new_plot(pg: Any, *, date_axis: bool = False) -> Any:
    """A still plot (no mouse zoom or menu: a dashboard is read, not explored) in the palette's colours."""
    axis = {"bottom": pg.DateAxisItem(orientation="bottom")} if date_axis else {}
    plot = pg.PlotWidget(axisItems=axis)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.showGrid(y=True, alpha=0.15)
    plot.setMinimumHeight(130)
    plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    follow_palette(plot, plot.palette())
    return plot


def follow_palette(plot: Any, palette: QPalette) -> None:
    """Background, axes and their text from the palette: light and dark themes alike."""
    plot.setBackground(palette.color(QPalette.ColorRole.Base))
    text = palette.color(QPalette.ColorRole.Text)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(text)
        axis.setTextPen(text)


def legend(entries: list[tuple[str, str]], palette: QPalette) -> str:
    """A legend as rich text, under the chart rather than over its lines: a mark in each line's colour."""
    ground = [palette.color(QPalette.ColorRole.Window)]
    parts = []
    for name, hue in entries:
        ink = colours.readable(QColor(hue), ground, 3.0).name()  # a mark, not text: 3:1 (WCAG 1.4.11)
        parts.append(f"<span style='color:{ink}'><b>━━</b></span>&nbsp;{escape(name)}")
    return " &nbsp; ".join(parts)


class ScoreList(QWidget):
    """Scores from 0 to 5 as bars, one row per name, the first at the top; painted with the palette's colours.

    Every name is written whole in a column of its own, wrapped when long (policy names), never elided or
    thinned out; when the rows outgrow the box, ``scroller()`` scrolls them rather than squeeze them."""

    SCALE = 5

    def __init__(self, name: str, hue: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.hue = hue
        self.rows: list[tuple[str, float, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def scroller(self) -> QScrollArea:
        area = QScrollArea()
        area.setWidget(self)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setMinimumHeight(110)
        return area

    def set_rows(self, rows: list[tuple[str, float, int]]) -> None:
        """(name, average, evaluations), in the order they are to be read."""
        self.rows = list(rows)
        self.setAccessibleDescription("; ".join(f"{n}: {a:.1f} of 5, {c} evaluations" for n, a, c in rows))
        self._fit()
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        height, _ = self._layout(self.width())
        if self.minimumHeight() != height:
            self.setMinimumHeight(height)  # taller than the box: the scroll area shows the rest

    def _layout(self, width: int) -> tuple[int, list[tuple[QRect, QRect]]]:
        """(height needed, per row: the name's rectangle and the bar's full-scale rectangle)."""
        metrics = self.fontMetrics()
        bar, gap = max(8, metrics.height() // 2), 5
        value_room = metrics.horizontalAdvance(" 5.0 (n=999)")
        widest = max((metrics.horizontalAdvance(n) for n, _, _ in self.rows), default=0)
        left = min(max(60, int(width * 0.45)), widest + 16)  # room to spare: a whole name never wraps
        bar_width = max(30, width - left - value_room)
        out, y = [], 2
        for name, _avg, _n in self.rows:
            text = metrics.boundingRect(QRect(0, 0, left - 10, 10_000), int(Qt.TextFlag.TextWordWrap), name)
            row = max(text.height(), metrics.height())
            out.append((QRect(0, y, left - 10, row), QRect(left, y + (row - bar) // 2, bar_width, bar)))
            y += row + gap
        return y + metrics.height() + 4, out  # and the 0..5 scale under the bars

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        text = pal.color(QPalette.ColorRole.Text)
        grid = colours.muted(pal, QPalette.ColorRole.Base)
        _height, rows = self._layout(self.width())
        if not rows:
            painter.setPen(grid)
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self.tr("No evaluations yet"))
            painter.end()
            return
        left, width = rows[0][1].left(), rows[0][1].width()
        bottom = rows[-1][1].bottom() + 6
        for score in range(self.SCALE + 1):  # light rules at 0..5, labelled under the bars
            x = left + round(width * score / self.SCALE)
            painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))
            painter.drawLine(x, 0, x, bottom)
            painter.setPen(grid)
            painter.drawText(QRect(x - 10, bottom, 20, self.fontMetrics().height()),
                             int(Qt.AlignmentFlag.AlignCenter), str(score))
        for (name_rect, bar_rect), (name, average, count) in zip(rows, self.rows, strict=True):
            painter.setPen(text)
            painter.drawText(name_rect, int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignRight
                                            | Qt.AlignmentFlag.AlignVCenter), name)
            filled = QRect(bar_rect.left(), bar_rect.top(), round(bar_rect.width() * average / self.SCALE),
                           bar_rect.height())
            painter.fillRect(filled, QColor(self.hue))
            painter.drawText(QRect(filled.right() + 4, bar_rect.center().y() - 20, 200, 40),
                             int(Qt.AlignmentFlag.AlignVCenter), f"{average:.1f} (n={count})")
        painter.end()


class Tile(QFrame):
    """One headline figure."""

    def __init__(self, name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("—", objectName=f"{name}_value")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self._hue: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, text: str, hue: str | None = None) -> None:
        self.value.setText(text)
        self._hue = hue
        self.repaint_ink()

    def repaint_ink(self) -> None:
        ground = [self.palette().color(QPalette.ColorRole.Window)]
        self.value.setStyleSheet(f"color: {colours.ink(self._hue, self.palette(), ground).name()}" if self._hue else "")


def small_table(name: str, headers: list[str]) -> QTableWidget:
    table: QTableWidget = QTableWidget(0, len(headers), objectName=name)  # a property by keyword matches no stub: Any
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setWordWrap(True)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for c in range(1, len(headers)):
        table.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def fill(table: QTableWidget, rows: list[tuple[object, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(str(value))
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
