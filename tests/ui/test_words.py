"""The words a new supervisor reads (issue 14, item 11): counted right, tenure as people say it, breaches
named, a title and a status bar that say each thing once, queue bars that tell the SLA states apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from csconsole.domain import clock
from csconsole.domain.read_models import PathStep, TicketFilter
from csconsole.services import queries
from csconsole.ui import colours, durations
from csconsole.ui.models.queues import QueueColumn
from csconsole.ui.models.ticket_rows import Column, tooltip
from csconsole.ui.widgets.timeline import PathTimeline


def test_counted_words_are_singular_for_one(window) -> None:
    row = queries.tickets_page(window.store, TicketFilter(), limit=1)[0]
    once = row._replace(pingpongs=1, bounces=3)
    text = tooltip(once, Column.REF, clock.now_text())
    assert "ping-ponged 1 time" in text and "1 times" not in text and "bounced 3 times" in text


def test_tenure_reads_in_days_months_or_years() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    ago = lambda days: clock.to_text(now - timedelta(days=days))  # noqa: E731
    assert durations.tenure(ago(1), clock.to_text(now)) == "1 day"
    assert durations.tenure(ago(40), clock.to_text(now)) == "40 days"
    assert durations.tenure(ago(300), clock.to_text(now)) == "9 months"
    assert durations.tenure(ago(365 * 3 + 70), clock.to_text(now)) == "3 years 2 months"
    assert durations.tenure(ago(365 * 2 + 1), clock.to_text(now)) == "2 years"


def test_a_transfer_without_a_note_is_flagged_on_the_path(qtbot) -> None:
    timeline = PathTimeline()
    qtbot.addWidget(timeline)
    timeline.set_steps([PathStep("Billing", "Ana", "take", "2026-03-01T09:00:00Z", "Ana", "", False),
                        PathStep("Tech", None, "transfer", "2026-03-01T10:00:00Z", "Ana", "", False)])
    labels = [label.accessibleName() for label in timeline.findChildren(QLabel)]
    assert any("without a note (a breach)" in name for name in labels)
    assert not any("take" in name and "breach" in name for name in labels)


def test_the_title_and_the_status_bar_say_each_thing_once(window) -> None:
    assert "csconsole" not in window.windowTitle()  # the desktop adds the application's name itself
    assert window.windowTitle() == window.store.path.name
    counts = window.window_layout.counts_label.text()
    assert "bounced more than twice" in counts and "bounced > 2" not in counts


def test_queue_bars_tell_on_time_at_risk_and_breached_apart(qtbot, window) -> None:
    def colours_of(on_time: int, at_risk: int, breached: int) -> set[str]:
        image: QImage = colours.sla_bar(on_time, at_risk, breached).pixmap(20, 10).toImage()
        return {image.pixelColor(x, 5).name() for x in range(image.width()) if image.pixelColor(x, 5).alpha()}

    assert colours_of(97, 0, 3) == {colours.GREEN, colours.RED}  # mostly on time: mostly green, not "all red"
    assert colours_of(0, 0, 10) == {colours.RED}
    assert colours_of(5, 5, 0) == {colours.GREEN, colours.AMBER}
    legend = window.window_layout.queues_legend.text()
    assert all(word in legend for word in ("on time", "at risk", "breached"))
    qtbot.waitUntil(lambda: window.queues_model.rowCount() > 1, timeout=5000)
    assert window.queues_model.index(1, QueueColumn.NAME).data(1) is not None  # every queue has its bar
