"""The detail pane shows each SLA clock as it stands: time left and when due, paused, met or breached."""

from __future__ import annotations

import re

from PySide6.QtGui import QTextDocumentFragment

from csconsole.domain import clock
from csconsole.services import queries, tickets
from tests.ui.conftest import SUPERVISOR


def _clocks(window) -> str:
    return QTextDocumentFragment.fromHtml(window.detail.clocks.text()).toPlainText()


def test_each_clock_is_told_and_follows_the_ticket(qtbot, window, writer) -> None:
    queue = queries.queues(writer)[0]
    sue = queries.agent_by_name(writer, SUPERVISOR)
    just_now = clock.add_minutes(clock.now_text(), -5)
    tid = tickets.create_ticket(writer, actor_id=None, customer="Clock Watcher", subject="Where is my refund",
                                channel="email", priority="urgent", queue_id=queue.id, at=just_now).ticket_ids[0]
    count = window.table_model.rowCount()
    qtbot.waitUntil(lambda: window.table_model.rowCount() == count + 1, timeout=5000)  # live: it is there
    window.ticket_list.show_ticket(tid)
    qtbot.waitUntil(lambda: window.detail.ticket_id == tid, timeout=5000)
    qtbot.waitUntil(lambda: "First reply" in _clocks(window), timeout=5000)
    shown = _clocks(window)
    # urgent: 15 minutes and 4 hours, five minutes gone (a second may tick over while the pane paints)
    assert re.search(r"First reply: (10|9)m left \(\w{3} \d\d \w{3} \d\d:\d\d\)", shown), shown
    assert re.search(r"Resolution: 3h 5[45]m left", shown), shown
    assert "Next reply" not in shown  # not running: no customer waits for a second answer

    tickets.take(writer, tid, actor_id=sue.id)
    tickets.reply(writer, tid, actor_id=sue.id, note="On it")
    qtbot.waitUntil(lambda: "First reply: met, " in _clocks(window), timeout=5000)
    tickets.set_status(writer, tid, actor_id=sue.id, status="pending", note="asked for the order number")
    qtbot.waitUntil(lambda: "Resolution: paused while pending" in _clocks(window), timeout=5000)
    assert "paused while pending" in window.detail.header.text()
