"""The detail pane: who the customer is, how urgent it is, where the ticket has been, and everything that happened."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from csconsole.domain import clock
from csconsole.domain.read_models import EventView
from csconsole.domain.recovery import RecoveryCase
from csconsole.domain.sla_clock import ClockState
from csconsole.domain.sla_view import ClockView
from csconsole.domain.words import EventKind, SlaState, Tier
from csconsole.services.queries import TicketDetail
from csconsole.ui import colours, durations
from csconsole.ui.watchlist import MARK
from csconsole.ui.widgets.timeline import PathTimeline
from csconsole.ui.wording import plural


def _section(title: str) -> QLabel:
    label = QLabel(f"<b>{escape(title)}</b>")
    label.setContentsMargins(0, 10, 0, 4)
    return label


class DetailPane(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detail_pane")
        self.setAccessibleName(self.tr("Ticket detail"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable by Alt+3 and Tab; arrows scroll it
        self.ticket_id: int | None = None
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.clocks = QLabel(objectName="sla_clocks")  # first reply, next reply, resolution: each as it stands
        self.clocks.setWordWrap(True)
        self.clocks.setTextFormat(Qt.TextFormat.RichText)
        self.clocks.setAccessibleName(self.tr("SLA clocks"))
        self.flags = QLabel()
        self.flags.setWordWrap(True)
        self.zendesk = QLabel(objectName="zendesk_line")  # where our counts and Zendesk's differ
        self.zendesk.setWordWrap(True)
        self.zendesk.setAccessibleName(self.tr("Zendesk cross-check"))
        self.zendesk.hide()
        self.recovery = QLabel(objectName="recovery_line")  # the ticket's service-recovery case(s)
        self.recovery.setWordWrap(True)
        self.recovery.setAccessibleName(self.tr("Service recovery"))
        self.recovery.hide()
        self.path = PathTimeline()
        self.contacts = QLabel()
        self.contacts.setWordWrap(True)
        self.events = QLabel()
        self.events.setObjectName("event_history")
        self.events.setAccessibleName(self.tr("Event history"))
        self.events.setWordWrap(True)
        self.events.setTextFormat(Qt.TextFormat.RichText)
        self.events.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.events.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Every label here is given escaped HTML: Qt's guess (AutoText) would show a line without tags as
        # plain text, entities and all ("competitor&#x27;s").
        for label in (self.title, self.flags, self.zendesk, self.recovery, self.contacts):
            label.setTextFormat(Qt.TextFormat.RichText)
        self.event_count = 0
        self.watched = False
        self._story = [_section(self.tr("Holder path")), self.path, _section(self.tr("Customer contacts")),
                       self.contacts, _section(self.tr("History (newest first)")), self.events]
        for w in (self.title, self.header, self.clocks, self.flags, self.zendesk, self.recovery, *self._story):
            layout.addWidget(w)
        layout.addStretch(1)
        self.setWidget(body)
        self.show_nothing()

    def show_nothing(self, message: str = "") -> None:
        self.ticket_id = None
        self.title.setText(f"<i>{escape(message or self.tr('Select a ticket to see its story.'))}</i>")
        for label in (self.header, self.clocks, self.flags, self.contacts):
            label.clear()
        self.set_zendesk("")
        self.recovery.clear()
        self.recovery.hide()
        self.path.set_steps([])
        self.events.clear()
        self.event_count = 0
        for w in self._story:
            w.hide()  # no ticket, no story: headings over nothing read as a broken pane

    def _case_line(self, case: RecoveryCase) -> str:
        """One line a case: its checklist and progress, then what was promised or how it ended."""
        done, total = case.progress
        nxt = case.next_step
        parts = [self.tr("Recovery ({0}): {1}/{2} steps").format(escape(case.checklist.name), done, total),
                 self.tr("next: {0}").format(escape(nxt.title)) if nxt else self.tr("complete")]
        for step in case.done:
            if step.fields.get("promise"):
                parts.append(self.tr("promised: {0} by {1}").format(escape(str(step.fields["promise"])),
                                                                     escape(str(step.fields.get("promised_by")))))
            if step.fields.get("outcome"):
                parts.append(self.tr("outcome: {0}").format(escape(str(step.fields["outcome"]))))
        return " · ".join(parts)

    def _clock_text(self, view: ClockView, now: str, ink: Callable[[str], str]) -> str:
        """``First reply: 2h 10m left (Fri 17:00)``, ``paused, 3h 05m left``, ``met, 12m to spare``,
        ``breached by 1h 20m``: in business time, as the clock counts."""
        label = {"first_reply": self.tr("First reply"), "next_reply": self.tr("Next reply"),
                 "resolution": self.tr("Resolution")}[view.name]
        left = view.minutes_left
        spare = durations.span(left) if left is not None else "—"
        if view.state is ClockState.MET:
            text = self.tr("met, {0} to spare").format(spare)
        elif view.state is ClockState.BREACHED or (left is not None and left <= 0):
            text = self.tr("breached by {0}").format(spare)
        elif view.state is ClockState.PAUSED:
            text = self.tr("paused while pending, {0} left").format(spare)
        else:
            due = f" ({durations.local_day(view.due_at)})" if view.due_at else ""
            text = self.tr("{0} left{1}").format(spare, due)
        hue = colours.sla_hue(view.sla_state) if view.state in (ClockState.RUNNING, ClockState.PAUSED) else (
            colours.RED if view.state is ClockState.BREACHED else None)
        body = f"<span style='color:{ink(hue)}'>{escape(text)}</span>" if hue else escape(text)
        return f"{escape(label)}: {body}"

    def set_zendesk(self, line: str) -> None:
        """A small line under the flags: what Zendesk counts where our events count otherwise."""
        self.zendesk.setText(f"<small>≠ {'<br>≠ '.join(map(escape, line.splitlines()))}</small>" if line else "")
        self.zendesk.setVisible(bool(line))

    def show_detail(self, detail: TicketDetail, *, watched: bool = False) -> None:
        row = detail.row
        now = clock.now_text()
        self.ticket_id = row.id
        for w in self._story:
            w.show()
        pal = self.palette()
        ground = [pal.color(QPalette.ColorRole.Window)]  # the pane's own background: every ink reads on it

        def ink(hue: str) -> str:
            return colours.ink(hue, pal, ground).name()

        mark = (f" <span style='color:{ink(colours.BLUE)}'>{MARK} {escape(self.tr('watched'))}</span>"
                if watched else "")
        self.title.setText(f"<span style='font-size:large'><b>{escape(row.ref)}</b> — {escape(row.subject)}</span>"
                           f"{mark}")
        self.watched = watched
        loyal = ""
        if row.customer_tier is Tier.LOYAL:
            loyal = f" <span style='color:{ink(colours.GOLD)}'>★ {escape(self.tr('loyal'))}</span>"
        tenure = (self.tr("customer for {0}").format(durations.tenure(detail.customer_since, now))
                  if detail.customer_since else "")
        state = row.sla_state(now)
        hue = colours.sla_hue(state)
        stopped = self.tr("paused while pending") if row.sla_paused else self.tr("clocks stopped")
        sla = durations.countdown(row.sla_due_at, now) if state is not SlaState.NONE else stopped
        sla_html = f"<span style='color:{ink(hue)}'><b>{escape(sla)}</b></span>" if hue else escape(sla)
        self.header.setText(
            f"<b>{escape(row.customer)}</b>{loyal}{' · ' + escape(tenure) if tenure else ''}<br>"
            f"{escape(self.tr('Priority'))}: <b>{escape(row.priority)}</b> · {escape(self.tr('SLA'))}: {sla_html} · "
            f"{escape(row.status)} · {escape(row.channel)}<br>"
            f"{escape(self.tr('With'))}: <b>{escape(row.queue)}/{escape(row.owner or '—')}</b> · "
            f"{escape(self.tr('opened {0} ago').format(durations.age(row.created_at, now)))}"
        )
        self.clocks.setText(" · ".join(self._clock_text(view, now, ink) for view in detail.clocks
                                       if view.state is not ClockState.OFF))
        warnings = []
        if row.bounces:
            bounced = plural(row.bounces, self.tr("bounced {0} time"), self.tr("bounced {0} times"))
            warnings.append(f"⇄ {bounced}" if row.bounced_over_two else bounced)
        if row.pingpongs:
            warnings.append(plural(row.pingpongs, self.tr("ping-ponged {0} time"), self.tr("ping-ponged {0} times")))
        if row.senior_callback:
            warnings.append(self.tr("☎ senior callback: {0} contacts").format(row.contacts))
        self.flags.setText(f"<span style='color:{ink(colours.AMBER)}'>{escape(' · '.join(warnings))}</span>"
                           if warnings else "")
        self.path.set_steps(detail.path)
        self.recovery.setText("<br>".join(self._case_line(c) for c in detail.recovery_cases))
        self.recovery.setVisible(bool(detail.recovery_cases))
        contacts = [e for e in detail.events if e.kind in (EventKind.CONTACT, EventKind.CREATED)]

        def said(e: EventView) -> str:
            if e.kind == EventKind.CREATED:
                return self.tr("first contact by {0}").format(e.data.get("channel", "?"))
            return str(e.data.get("note") or "") or self.tr("contacted us again")

        muted = colours.muted(pal).name()
        self.contacts.setText("<br>".join(
            f"<span style='color:{muted}'><small>{durations.local_time(e.at)}</small></span> — {escape(said(e))}"
            for e in contacts) or self.tr("none"))
        self.contacts.setToolTip(plural(row.contacts, self.tr("{0} contact counted"), self.tr("{0} contacts counted")))
        breach = ink(colours.RED)
        self.events.setText("".join(self._history_line(e, muted, breach)
                                    for e in reversed(detail.events)))  # newest first: what just happened matters most
        self.event_count = len(detail.events)

    def _history_line(self, e: EventView, muted: str, breach: str) -> str:
        """One event: its time and author, muted; its summary, struck through when an undo took it back (and
        the undo itself: both count for nothing), in the breach colour when it broke a rule."""
        text = escape(e.summary)
        if e.undone:
            text = f"<s>{text}</s> <span style='color:{muted}'>({escape(self.tr('undone'))})</span>" \
                if e.kind != EventKind.REVERT else f"<s>{text}</s>"
        elif e.kind == EventKind.TRANSFER and not str(e.data.get("note") or "").strip():
            text = f"<span style='color:{breach}'>{text}</span>"
        return (f"<p style='margin:0 0 6px 0'><span style='color:{muted}'><small>{durations.local_time(e.at)} · "
                f"{escape(e.actor)}</small></span><br>{text}</p>")
