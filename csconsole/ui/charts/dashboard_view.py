"""The live dashboard: queue depth, bounces and ping-pong pairs, SLA breaches, repeat contacts, service
recovery, and the two scores side by side (associates and policies), with policies ranked by harm.

Every figure comes from one SQL snapshot (services.dashboard) read off the GUI thread. The plot items
are created once and updated with ``setData``/``setOpts``; pyqtgraph is imported only when the
dashboard is first built, so it costs nothing at start-up.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csconsole.services import dashboard
from csconsole.services.changes import Kind
from csconsole.ui import colours
from csconsole.ui.runner import Runner

# Queue depths and SLA, recovery cases, evaluation scores by associate and policy.
SHOWN_KINDS = (Kind.TICKETS, Kind.QUEUES, Kind.SLA_TARGETS, Kind.RECOVERY, Kind.EVALUATIONS, Kind.POLICIES)

DEPTH_COLOURS = (colours.BLUE, colours.RED, colours.GREEN, colours.AMBER, "#8e5bd6")
SPANS = (("Last 24 hours", 24), ("Last 7 days", 7 * 24))
BOUNCE_LABELS = ("0", "1", "2", "3", "4", "5+")
CAUSES = ("associate", "policy", "process", "product", "other")
MIN_GAP_S = 0.25  # between two reads of the figures, at the least


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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, text: str, hue: str | None = None) -> None:
        self.value.setText(text)
        colour = colours.ink(hue).name() if hue else ""
        self.value.setStyleSheet(f"color: {colour}" if colour else "")


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for c in range(1, len(headers)):
        table.horizontalHeader().setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, rows: list[tuple[object, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(str(value))
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class DashboardView(QWidget):
    refreshed = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg  # lazily: the console's cold start does not pay for it

        self.pg = pg
        self.setObjectName("dashboard")
        self.runner = runner
        self.data: dashboard.Dashboard | None = None
        self._loading = self._again = False
        self._dirty = True
        self._started = self._next_allowed = 0.0
        self._cooldown = QTimer(self, singleShot=True)
        self._cooldown.timeout.connect(self.refresh)
        runner.changes.connect(lambda changes: self.refresh() if changes.touches(*SHOWN_KINDS) else None)
        pal = self.palette()
        self._bg = pal.color(QPalette.ColorRole.Base)
        self._fg = pal.color(QPalette.ColorRole.Text)

        self.tiles = {
            "open_recoveries": Tile("open_recoveries", self.tr("open recovery cases")),
            "promises_overdue": Tile("promises_overdue", self.tr("promises past their date")),
            "follow_ups_due": Tile("follow_ups_due", self.tr("follow-ups due or overdue")),
            "repeat_rate": Tile("repeat_rate", self.tr("repeat-contact rate (30 days)")),
            "associate_avg": Tile("associate_avg", self.tr("associates' average score")),
            "policy_avg": Tile("policy_avg", self.tr("policies' average score")),
        }
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile)

        self.span = QComboBox(objectName="span")
        for label, _ in SPANS:
            self.span.addItem(self.tr(label))
        self.span.setCurrentIndex(1)
        self.span.currentIndexChanged.connect(self._show_depth)

        # Queue depth over time: a curve per busiest queue plus the whole floor.
        self.depth_plot = self._plot(self.tr("Queue depth (open tickets)"), date_axis=True)
        self.depth_legend = self.depth_plot.addLegend(offset=(5, 1), labelTextColor=self._fg, colCount=3)
        self.depth_total = self.depth_plot.plot(pen=pg.mkPen(self._fg, width=2, style=Qt.PenStyle.DashLine),
                                                name=self.tr("all queues"))
        self.depth_curves = [self.depth_plot.plot(pen=pg.mkPen(c, width=2)) for c in DEPTH_COLOURS]

        self.bounce_plot = self._plot(self.tr("Bounces per ticket"))
        self.bounce_bars = self.bounce_plot.plot(stepMode="center", fillLevel=0, brush=QColor(colours.BLUE),
                                                 pen=pg.mkPen(colours.BLUE))
        self.bounce_plot.getAxis("bottom").setTicks([list(enumerate(BOUNCE_LABELS))])
        self.bounce_plot.setLogMode(y=False)

        self.breach_plot = self._plot(self.tr("SLA breached, by day opened"), date_axis=True)
        self.breach_bars = self.breach_plot.plot(stepMode="center", fillLevel=0, brush=QColor(colours.RED),
                                                 pen=pg.mkPen(colours.RED))
        self.repeat_plot = self._plot(self.tr("Repeat contacts, by day opened (%)"), date_axis=True)
        self.repeat_line = self.repeat_plot.plot(pen=pg.mkPen(colours.AMBER, width=2), symbol="o", symbolSize=4,
                                                 symbolBrush=QColor(colours.AMBER), symbolPen=None)

        self.cause_plot = self._plot(self.tr("Root causes of recoveries"))
        self.cause_bars = pg.BarGraphItem(x=list(range(len(CAUSES))), height=[0] * len(CAUSES), width=0.6,
                                          brush=QColor(colours.AMBER), pen=pg.mkPen(None))
        self.cause_plot.addItem(self.cause_bars)
        self.cause_plot.getAxis("bottom").setTicks([list(enumerate(CAUSES))])

        self.associate_plot = self._plot(self.tr("Associates: average associate score"))
        self.associate_bars = pg.BarGraphItem(x0=[0], y=[0], width=[0], height=0.6, brush=QColor(colours.GREEN),
                                              pen=pg.mkPen(None))
        self.associate_plot.addItem(self.associate_bars)
        self.policy_plot = self._plot(self.tr("Policies: average policy score"))
        self.policy_bars = pg.BarGraphItem(x0=[0], y=[0], width=[0], height=0.6, brush=QColor(colours.RED),
                                           pen=pg.mkPen(None))
        self.policy_plot.addItem(self.policy_bars)
        for plot in (self.associate_plot, self.policy_plot):
            plot.setXRange(0, 5, padding=0.02)
            plot.getAxis("bottom").setTicks([[(i, str(i)) for i in range(6)]])
            plot.getAxis("left").setStyle(textFillLimits=[(0, 1.0)])  # every name, never thinned out

        self.pairs = _table("pingpong_pairs", [self.tr("Ping-pong pair (tickets bounced 3+ times)"),
                                               self.tr("Handoffs")])
        self.harm = _table("policy_harm", [self.tr("Policy (ranked by harm)"), self.tr("Recoveries"),
                                           self.tr("Bounces"), self.tr("Repeat contacts")])
        self.status = QLabel(objectName="dashboard_status")

        grid = QGridLayout()
        depth_box = QVBoxLayout()
        span_row = QHBoxLayout()
        span_row.addStretch(1)
        span_row.addWidget(self.span)
        depth_box.addLayout(span_row)
        depth_box.addWidget(self.depth_plot)
        grid.addLayout(depth_box, 0, 0)
        grid.addWidget(self.bounce_plot, 0, 1)
        grid.addWidget(self.pairs, 0, 2)
        grid.addWidget(self.breach_plot, 1, 0)
        grid.addWidget(self.repeat_plot, 1, 1)
        grid.addWidget(self.cause_plot, 1, 2)
        grid.addWidget(self.associate_plot, 2, 0)
        grid.addWidget(self.policy_plot, 2, 1)
        grid.addWidget(self.harm, 2, 2)
        for c in range(3):
            grid.setColumnStretch(c, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(tiles)
        layout.addLayout(grid, 1)
        layout.addWidget(self.status)

    def _plot(self, title: str, *, date_axis: bool = False) -> Any:
        pg = self.pg
        axis = {"bottom": pg.DateAxisItem(orientation="bottom")} if date_axis else {}
        plot = pg.PlotWidget(axisItems=axis, background=self._bg)
        plot.setTitle(title, color=self._fg.name(), size="10pt")
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.showGrid(y=True, alpha=0.15)
        for name in ("left", "bottom"):
            axis_item = plot.getAxis(name)
            axis_item.setPen(self._fg)
            axis_item.setTextPen(self._fg)
        plot.setMinimumHeight(170)
        return plot

    # --- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the figures (call it on every change signal).

        While hidden it only remembers to do it when shown. The figures scan the ticket table (about
        6 s at 1M tickets, 0.1 s at 20k), so after each read the next one waits five times as long as
        the last took: the dashboard stays live without keeping a core busy.
        """
        if not self.isVisible():
            self._dirty = True
            return
        if self._loading:
            self._again = True
            return
        wait = self._next_allowed - time.monotonic()
        if wait > 0:
            if not self._cooldown.isActive():
                self._cooldown.start(int(wait * 1000) + 1)
            return
        self._loading = True
        self._dirty = False
        self._started = time.monotonic()
        self.runner.read(lambda store: dashboard.snapshot(store), self._loaded, self._failed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def _failed(self, message: str) -> None:
        self._loading = False
        self.status.setText(self.tr("Could not read the figures: {0}").format(message))

    def _loaded(self, data: dashboard.Dashboard) -> None:
        took = time.monotonic() - self._started
        self._next_allowed = time.monotonic() + max(MIN_GAP_S, 5 * took)
        self._loading = False
        self.data = data
        self._show(data)
        self.status.setText(self.tr("Figures computed in SQL in {0:.0f} ms; queue depth counts a ticket in the "
                                    "queue it sits in now.").format(1000 * took))
        if self._again:
            self._again = False
            self.refresh()
        self.refreshed.emit()

    # --- drawing -----------------------------------------------------------------------------
    def _show(self, d: dashboard.Dashboard) -> None:
        t = self.tiles
        t["open_recoveries"].set(str(d.open_recoveries))
        t["promises_overdue"].set(str(d.promises_overdue), colours.RED if d.promises_overdue else None)
        t["follow_ups_due"].set(str(d.follow_ups_due), colours.AMBER if d.follow_ups_due else None)
        t["repeat_rate"].set(f"{100 * d.repeat_contact_rate:.1f}%")
        associate_avg, policy_avg = d.averages
        t["associate_avg"].set("—" if associate_avg is None else f"{associate_avg:.2f}", colours.GREEN)
        t["policy_avg"].set("—" if policy_avg is None else f"{policy_avg:.2f}", colours.RED)
        self._show_depth()

        self.bounce_bars.setData([i - 0.5 for i in range(len(d.bounces) + 1)], d.bounces)
        day_starts = [_day_epoch(f.day) for f in d.days]
        edges = day_starts + [day_starts[-1] + 86400] if day_starts else []
        self.breach_bars.setData(edges, [f.sla_breached for f in d.days])
        self.repeat_line.setData([s + 43200 for s in day_starts], [round(100 * f.repeat_rate, 1) for f in d.days])

        self.cause_bars.setOpts(height=[d.root_causes.get(c, 0) for c in CAUSES])
        self._bars(self.associate_plot, self.associate_bars, [(s.name, s.average, s.evaluations)
                                                              for s in d.associate_scores])
        self._bars(self.policy_plot, self.policy_bars, [(s.name, s.average, s.evaluations) for s in d.policy_scores])
        _fill(self.pairs, [(f"{a} ⇄ {b}", n) for a, b, n in d.pingpong_pairs])
        _fill(self.harm, [(h.name, h.recoveries, h.bounces, h.repeat_contacts) for h in d.policy_harm])

    def _bars(self, plot: Any, bars: Any, rows: list[tuple[str, float, int]]) -> None:
        ys = list(range(len(rows)))
        bars.setOpts(x0=[0] * len(rows), y=ys, width=[avg for _, avg, _ in rows], height=0.6)
        labels = [(i, f"{_short(name)} ({avg:.1f}, n={n})") for i, (name, avg, n) in enumerate(rows)]
        axis = plot.getAxis("left")
        axis.setTicks([labels])
        # A label wider than its axis is silently dropped by pyqtgraph: make room for the widest.
        metrics = QFontMetrics(axis.style.get("tickFont") or self.font())
        axis.setWidth(min(340, max((metrics.horizontalAdvance(t) for _, t in labels), default=40) + 24))
        plot.setYRange(-0.6, max(len(rows), 1) - 0.4, padding=0)

    def _show_depth(self) -> None:
        if self.data is None:
            return
        hours = SPANS[max(0, self.span.currentIndex())][1]
        depth = self.data.depth
        xs = depth.hours[-hours:]
        self.depth_total.setData(xs, depth.total[-hours:])
        top = max(depth.total[-hours:], default=0)
        self.depth_plot.setYRange(0, top * 1.35 + 1, padding=0)  # head-room for the legend
        self.depth_legend.clear()
        self.depth_legend.addItem(self.depth_total, self.tr("all queues"))
        names = list(depth.by_queue)
        for i, curve in enumerate(self.depth_curves):
            if i < len(names):
                curve.setData(xs, depth.by_queue[names[i]][-hours:])
                curve.show()
                self.depth_legend.addItem(curve, names[i])
            else:
                curve.setData([], [])
                curve.hide()


def _short(name: str, width: int = 24) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _day_epoch(day: str) -> int:
    from datetime import UTC, datetime

    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())
