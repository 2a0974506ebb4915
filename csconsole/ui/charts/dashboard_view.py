"""The live dashboard: each chart answers one question a supervisor asks, over one period it states.

- How deep are the queues, hour by hour? (any queue, or the five deepest; the last day or week)
- How often are tickets handed on? (those handed on at least once; how many never were, in words)
- Which queues ping-pong? · Which policies cause the most harm?
- How many tickets breached their SLA, and how many customers had to come back, by day? (today so far marked)
- What do recovery cases trace back to? · Which associates scored lowest? · Which policies serve worst?

Every figure comes from one SQL snapshot (services.dashboard) read off the GUI thread. Plot items are made
once and updated with ``setData``/``setOpts``; pyqtgraph is imported only when the dashboard is first
built, so it costs nothing at start-up. Colours follow the palette, dark theme included.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QColor, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain import clock
from csconsole.services import dashboard
from csconsole.services.changes import Kind
from csconsole.ui import colours
from csconsole.ui.charts.chart_parts import (
    ChartBox,
    ScoreList,
    Tile,
    fill,
    follow_palette,
    legend,
    new_plot,
    small_table,
)
from csconsole.ui.runner import Runner
from csconsole.ui.wording import plural

# Queue depths and SLA, recovery cases, evaluation scores by associate and policy.
SHOWN_KINDS = (Kind.TICKETS, Kind.QUEUES, Kind.SLA_TARGETS, Kind.RECOVERY, Kind.EVALUATIONS, Kind.POLICIES)

DEPTH_COLOURS = (colours.BLUE, colours.RED, colours.GREEN, colours.AMBER, "#8e5bd6")
SPANS = (("the last 24 hours", 24), ("the last 7 days", 7 * 24))
TOP_QUEUES = 5
TOP, FLOOR = "\x00top", "\x00floor"  # the queue picker's first two choices (no queue has these names)
BOUNCE_LABELS = ("1", "2", "3", "4", "5+")  # handoffs; 0 is told in words, not drawn (it would flatten the rest)
CAUSES = ("associate", "policy", "process", "product", "other")
LOWEST = 8  # associates shown, lowest average first
MIN_EVALUATIONS = 3  # an average of fewer evaluations says little about a person
MIN_GAP_S = 0.25  # between two reads of the figures, at the least
DAY = 86_400


def _day_epoch(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


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

        self.tiles = {
            "open_recoveries": Tile("open_recoveries", self.tr("open recovery cases")),
            "promises_overdue": Tile("promises_overdue", self.tr("promises past their date")),
            "follow_ups_due": Tile("follow_ups_due", self.tr("follow-ups due or overdue")),
            "repeat_rate": Tile("repeat_rate", self.tr("of customers came back about the same ticket "
                                                        "(tickets opened in the last 30 days)")),
            "associate_avg": Tile("associate_avg", self.tr("associates' average score (1–5)")),
            "policy_avg": Tile("policy_avg", self.tr("policies' average score (1–5)")),
        }
        tiles = QHBoxLayout()
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)

        # How deep are the queues? One queue at a time, or the five deepest, over a day or a week.
        self.span = QComboBox(objectName="span")
        for label, _ in SPANS:
            self.span.addItem(self.tr(label).capitalize())
        self.span.setCurrentIndex(1)
        self.queue_pick = QComboBox(objectName="depth_queue")
        self.queue_pick.setAccessibleName(self.tr("Queue shown"))
        self.queue_pick.addItem(self.tr("The {0} deepest queues").format(TOP_QUEUES), TOP)
        self.queue_pick.addItem(self.tr("All queues together (the floor)"), FLOOR)
        for combo in (self.span, self.queue_pick):
            combo.currentIndexChanged.connect(self._show_depth)
        self.depth_plot = new_plot(pg, date_axis=True)
        self.depth_curves = [self.depth_plot.plot(pen=pg.mkPen(c, width=2)) for c in DEPTH_COLOURS]
        depth_body = QWidget()
        depth_layout = QVBoxLayout(depth_body)
        depth_layout.setContentsMargins(0, 0, 0, 0)
        picks = QHBoxLayout()
        picks.addWidget(self.queue_pick, 1)
        picks.addWidget(self.span)
        depth_layout.addLayout(picks)
        depth_layout.addWidget(self.depth_plot, 1)
        self.depth_box = ChartBox("depth", "", depth_body)

        # How often are tickets handed on?
        self.bounce_plot = new_plot(pg)
        self.bounce_bars = pg.BarGraphItem(x=list(range(len(BOUNCE_LABELS))), height=[0] * len(BOUNCE_LABELS),
                                           width=0.7, pen=pg.mkPen(None))
        self.bounce_plot.addItem(self.bounce_bars)
        self.bounce_plot.getAxis("bottom").setTicks([list(enumerate(BOUNCE_LABELS))])
        self.bounce_box = ChartBox("bounces", self.tr("Handoffs per ticket, of the tickets handed on at least "
                                                      "once (every ticket in the store)"), self.bounce_plot)

        self.pairs = small_table("pingpong_pairs", [self.tr("Queues"), self.tr("Handoffs")])
        self.pairs_box = ChartBox("pairs", self.tr("Which queues hand tickets back and forth (tickets bounced "
                                                   "3+ times, all time)"), self.pairs)

        # By day opened, last 30 days; today is still going on, and is drawn so.
        self.breach_plot = new_plot(pg, date_axis=True)
        self.breach_bars = pg.BarGraphItem(x=[0], height=[0], width=DAY * 0.8, pen=pg.mkPen(None))
        self.breach_plot.addItem(self.breach_bars)
        self.breach_box = ChartBox("breaches", self.tr("Tickets that breached their SLA, by day opened (last 30 "
                                                       "days)"), self.breach_plot)
        self.repeat_plot = new_plot(pg, date_axis=True)
        self.repeat_line = self.repeat_plot.plot(pen=pg.mkPen(colours.AMBER, width=2), symbol="o", symbolSize=4,
                                                 symbolBrush=QColor(colours.AMBER), symbolPen=None)
        self.repeat_today = self.repeat_plot.plot(pen=None, symbol="o", symbolSize=8, symbolBrush=None,
                                                  symbolPen=pg.mkPen(colours.AMBER, width=2))  # not joined
        self.repeat_today_label = pg.TextItem("", anchor=(1, 0.5))
        self.repeat_plot.addItem(self.repeat_today_label)
        self.repeat_box = ChartBox("repeats", self.tr("Customers who came back about the same ticket, % by day "
                                                      "opened (last 30 days)"), self.repeat_plot)

        self.cause_plot = new_plot(pg)
        self.cause_bars = pg.BarGraphItem(x=list(range(len(CAUSES))), height=[0] * len(CAUSES), width=0.6,
                                          brush=QColor(colours.AMBER), pen=pg.mkPen(None))
        self.cause_plot.addItem(self.cause_bars)
        self.cause_plot.getAxis("bottom").setTicks([list(enumerate(CAUSES))])
        self._cause_texts: list[Any] = []
        self.cause_box = ChartBox("causes", self.tr("What recovery cases trace back to (root causes, all "
                                                    "cases)"), self.cause_plot)

        self.associates = ScoreList("associate_scores", colours.BLUE)
        self.associate_box = ChartBox("associates", "", self.associates.scroller())
        self.policies = ScoreList("policy_scores", colours.RED)
        self.policy_box = ChartBox("policies", self.tr("Policies by how well they serve customers, worst first "
                                                       "(average policy score, all evaluations)"),
                                   self.policies.scroller())

        self.harm = small_table("policy_harm", [self.tr("Policy"), self.tr("Recoveries"), self.tr("Bounces"),
                                           self.tr("Repeat contacts")])
        self.harm_box = ChartBox("harm", self.tr("Policies ranked by the harm traced to them (all time)"), self.harm)
        self.status = QLabel(objectName="dashboard_status")

        grid = QGridLayout()
        boxes = ((self.depth_box, self.bounce_box, self.pairs_box), (self.breach_box, self.repeat_box, self.cause_box),
                 (self.associate_box, self.policy_box, self.harm_box))
        for r, row in enumerate(boxes):
            for c, box in enumerate(row):
                grid.addWidget(box, r, c)
        for c in range(3):
            grid.setColumnStretch(c, 1)
        for r, stretch in enumerate((2, 2, 3)):  # the score lists hold a row per name
            grid.setRowStretch(r, stretch)
        layout = QVBoxLayout(self)
        layout.addLayout(tiles)
        layout.addLayout(grid, 1)
        layout.addWidget(self.status)
        self._follow_palette()

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
        self.runner.read(lambda store: dashboard.snapshot(store), self._loaded, self._failed, away=self._server_away)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._follow_palette()
            if self.data is not None:
                self._show(self.data)

    def _follow_palette(self) -> None:
        pal = self.palette()
        for plot in (self.depth_plot, self.bounce_plot, self.breach_plot, self.repeat_plot, self.cause_plot):
            follow_palette(plot, pal)
        for tile in self.tiles.values():
            tile.repaint_ink()

    def _failed(self, message: str) -> None:
        self._loading = False
        self.status.setText(self.tr("Could not read the figures: {0}").format(message))

    def _server_away(self) -> None:
        self._loading, self._dirty = False, True  # read again once it is back (every screen re-reads then)
        self.status.setText(self.tr("The server is not answering; the figures refresh once it is back."))

    def _loaded(self, data: dashboard.Dashboard) -> None:
        took = time.monotonic() - self._started
        self._next_allowed = time.monotonic() + max(MIN_GAP_S, 5 * took)
        self._loading = False
        self.data = data
        self._show(data)
        self.status.setText(self.tr("Up to date at {0}; refreshes by itself.").format(
            datetime.now().strftime("%H:%M")))
        if self._again:
            self._again = False
            self.refresh()
        self.refreshed.emit()

    # --- drawing -----------------------------------------------------------------------------
    def _show(self, d: dashboard.Dashboard) -> None:
        t = self.tiles
        t["open_recoveries"].set(f"{d.open_recoveries:,}")
        t["promises_overdue"].set(f"{d.promises_overdue:,}", colours.RED if d.promises_overdue else None)
        t["follow_ups_due"].set(f"{d.follow_ups_due:,}", colours.AMBER if d.follow_ups_due else None)
        t["repeat_rate"].set(f"{100 * d.repeat_contact_rate:.1f}%")
        associate_avg, policy_avg = d.averages
        t["associate_avg"].set("—" if associate_avg is None else f"{associate_avg:.2f}")
        t["policy_avg"].set("—" if policy_avg is None else f"{policy_avg:.2f}")
        self._fill_queue_pick(list(d.depth.by_queue))
        self._show_depth()
        self._show_bounces(d.bounces)
        self._show_days(d.days)
        self._show_causes(d.root_causes)
        self._show_scores(d)
        fill(self.pairs, [(f"{a} ⇄ {b}", f"{n:,}") for a, b, n in d.pingpong_pairs])
        fill(self.harm, [(h.name, h.recoveries, h.bounces, h.repeat_contacts) for h in d.policy_harm])

    def _fill_queue_pick(self, names: list[str]) -> None:
        """Every queue can be picked (a floor has a dozen or more; five lines are as many as a chart can hold)."""
        chosen = self.queue_pick.currentData()
        every = sorted(names)
        if [self.queue_pick.itemData(i) for i in range(2, self.queue_pick.count())] == every:
            return
        self.queue_pick.blockSignals(True)
        while self.queue_pick.count() > 2:
            self.queue_pick.removeItem(2)
        for name in every:
            self.queue_pick.addItem(name, name)
        self.queue_pick.setCurrentIndex(max(0, self.queue_pick.findData(chosen)))
        self.queue_pick.blockSignals(False)

    def depth_lines(self) -> list[tuple[str, list[int]]]:
        """What the depth chart draws now: (name, open tickets per hour) for each line."""
        if self.data is None:
            return []
        hours = SPANS[max(0, self.span.currentIndex())][1]
        depth, chosen = self.data.depth, self.queue_pick.currentData()
        if chosen == FLOOR:
            return [(self.tr("all queues"), depth.total[-hours:])]
        names = [chosen] if chosen in depth.by_queue else list(depth.by_queue)[:TOP_QUEUES]  # deepest first
        return [(name, depth.by_queue[name][-hours:]) for name in names]

    def _show_depth(self) -> None:
        if self.data is None:
            return
        label, hours = SPANS[max(0, self.span.currentIndex())]
        xs = self.data.depth.hours[-hours:]
        lines = self.depth_lines()
        for i, curve in enumerate(self.depth_curves):
            if i < len(lines):
                curve.setData(xs, lines[i][1])
                curve.show()
            else:
                curve.setData([], [])
                curve.hide()
        top = max((max(values, default=0) for _, values in lines), default=0)
        self.depth_plot.setYRange(0, top * 1.05 + 1, padding=0)  # one scale for what is drawn: no flat lines
        self.depth_box.set_title(self.tr("Open tickets at the end of each hour, over {0}").format(self.tr(label)))
        now = self.data.depth.total[-1] if self.data.depth.total else 0
        self.depth_box.set_caption(legend([(name, DEPTH_COLOURS[i]) for i, (name, _) in enumerate(lines)],
                                          self.palette()) + " &nbsp;·&nbsp; "
                                   + self.tr("{0:,} open on the floor now").format(now))

    def _show_bounces(self, counts: list[int]) -> None:
        handed_on = counts[1:]
        self.bounce_bars.setOpts(height=handed_on, brushes=[
            QColor(colours.RED if n >= 3 else colours.BLUE) for n in range(1, len(counts))])
        self.bounce_plot.setYRange(0, max(handed_on, default=0) * 1.1 + 1, padding=0)
        total = sum(counts)
        never = counts[0] if counts else 0
        share = f"{100 * never / total:.0f}%" if total else "—"
        self.bounce_box.set_caption(self.tr("{0} ({1}) were never handed on, not drawn. In red: bounced more "
                                            "than twice.").format(plural(never, self.tr("{0} ticket"),
                                                                         self.tr("{0} tickets")), share))

    def _show_days(self, days: list[dashboard.DayFigures]) -> None:
        if not days:
            return
        today = clock.now_text()[:10]
        starts = [_day_epoch(f.day) for f in days]
        partial = days[-1].day == today
        red = QColor(colours.RED)
        light = colours.tint(colours.RED, 0.45, self.palette())
        self.breach_bars.setOpts(x=[s + DAY / 2 for s in starts], height=[f.sla_breached for f in days],
                                 width=DAY * 0.8, brushes=[light if partial and i == len(days) - 1 else red
                                                           for i in range(len(days))])
        self.breach_plot.setYRange(0, max((f.sla_breached for f in days), default=0) * 1.1 + 1, padding=0)
        rates = [round(100 * f.repeat_rate, 1) for f in days]
        centres = [s + DAY / 2 for s in starts]
        done = len(days) - 1 if partial else len(days)
        self.repeat_line.setData(centres[:done], rates[:done])
        if partial:  # today's point so far, on its own: no line drawn down to it
            self.repeat_today.setData(centres[-1:], rates[-1:])
            self.repeat_today_label.setText(self.tr("today, so far "))
            self.repeat_today_label.setColor(self.palette().color(QPalette.ColorRole.Text))
            self.repeat_today_label.setPos(centres[-1], rates[-1])
        else:
            self.repeat_today.setData([], [])
            self.repeat_today_label.setText("")
        self.breach_box.set_caption(self.tr("<small>The faded bar is today, so far.</small>") if partial else "")
        self.repeat_box.set_caption("<small>" + (self.tr("The hollow point, apart, is today so far. ") if partial else "")
                                    + self.tr("Recent days have had less time for a customer to come back.")
                                    + "</small>")

    def _show_causes(self, causes: dict[str, int]) -> None:
        heights = [causes.get(c, 0) for c in CAUSES]
        self.cause_bars.setOpts(height=heights)
        self.cause_plot.setYRange(0, max(heights, default=0) * 1.2 + 1, padding=0)
        for item in self._cause_texts:
            self.cause_plot.removeItem(item)
        ink = self.palette().color(QPalette.ColorRole.Text)
        self._cause_texts = []
        for x, n in enumerate(heights):
            label = self.pg.TextItem(f"{n:,}", color=ink, anchor=(0.5, 1))
            label.setPos(x, n)
            self.cause_plot.addItem(label)
            self._cause_texts.append(label)

    def _show_scores(self, d: dashboard.Dashboard) -> None:
        judged = [s for s in d.associate_scores if s.evaluations >= MIN_EVALUATIONS]
        lowest = sorted(judged, key=lambda s: (s.average, s.name))[:LOWEST]
        self.associates.set_rows([(s.name, s.average, s.evaluations) for s in lowest])
        self.associate_box.set_title(
            self.tr("The {0} associates with the lowest average score, lowest first (of {1} with {2}+ "
                    "evaluations; all time)").format(len(lowest), len(judged), MIN_EVALUATIONS) if judged
            else self.tr("Associates' scores: none has {0} evaluations yet").format(MIN_EVALUATIONS))
        self.policies.set_rows([(s.name, s.average, s.evaluations) for s in d.policy_scores])
