"""The holder path drawn as a timeline: one node per holder, ping-pong returns marked."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from csconsole.domain.read_models import PathStep
from csconsole.domain.words import EventKind
from csconsole.ui import colours, durations

RAIL = 22


class _Rail(QWidget):
    """The line and the node of one step; painted so it follows the palette and scales on high DPI."""

    def __init__(self, returned: bool, first: bool, last: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._returned, self._first, self._last = returned, first, last
        self.setFixedWidth(RAIL)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(RAIL, 40)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        mid = RAIL / 2
        node_y = 11.0
        line = self.palette().color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(line, 2))
        if not self._first:
            painter.drawLine(QPointF(mid, 0), QPointF(mid, node_y))
        if not self._last:
            painter.drawLine(QPointF(mid, node_y), QPointF(mid, self.height()))
        colour = QColor(colours.AMBER) if self._returned else self.palette().color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(colour, 2))
        painter.setBrush(colour if self._returned else self.palette().color(QPalette.ColorRole.Base))
        radius = 6.0 if self._returned else 5.0
        painter.drawEllipse(QPointF(mid, node_y), radius, radius)
        painter.end()


class PathTimeline(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.setAccessibleName(self.tr("Holder path"))

    def set_steps(self, steps: list[PathStep]) -> None:
        while (item := self._layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        if not steps:
            empty = QLabel(self.tr("<i>Nobody has taken this ticket yet.</i>"))
            self._layout.addWidget(empty)
            return
        for n, step in enumerate(steps):
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(6)
            box.addWidget(_Rail(step.returned, n == 0, n == len(steps) - 1))
            label = QLabel(self._describe(step))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setContentsMargins(0, 2, 0, 8)
            label.setAccessibleName(self._plain(step))
            box.addWidget(label, 1)
            self._layout.addWidget(row)

    def _describe(self, step: PathStep) -> str:
        back = ""
        if step.returned:
            colour = colours.ink(colours.AMBER, self.palette(), [self.palette().color(QPalette.ColorRole.Window)]).name()
            back = f' <span style="color:{colour}; font-weight:600">⇄ {escape(self.tr("ping-pong return"))}</span>'
        note = f'<br><i>“{escape(step.note)}”</i>' if step.note else ""
        if not step.note and step.kind == EventKind.TRANSFER:  # DESIGN §2: a transfer carries a note
            breach = colours.ink(colours.RED, self.palette(), [self.palette().color(QPalette.ColorRole.Window)])
            note = f'<br><span style="color:{breach.name()}">{escape(self.tr("No transfer note: a breach of the rule"))}</span>'

        how = self.tr("{0} by {1}, {2}").format(step.kind, escape(step.actor), durations.local_time(step.at))
        return f"<b>{escape(step.label)}</b>{back}<br><small>{how}</small>{note}"

    def _plain(self, step: PathStep) -> str:
        back = self.tr(", a ping-pong return") if step.returned else ""
        if not step.note and step.kind == EventKind.TRANSFER:
            back += self.tr(", transferred without a note (a breach)")
        return f"{step.label}{back}: {step.kind} by {step.actor} at {durations.local_time(step.at)}. {step.note}"
