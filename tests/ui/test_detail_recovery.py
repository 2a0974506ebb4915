"""The detail pane tells a ticket's service-recovery case: checklist, progress, next step, promise."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment

from csconsole.domain.read_models import TicketFilter
from csconsole.services import queries, recovery
from tests.ui.conftest import SUPERVISOR


def test_the_detail_pane_shows_the_case_and_follows_its_steps(qtbot, window, writer) -> None:
    tid = queries.tickets_page(writer, TicketFilter(open_only=True), limit=1)[0].id
    window.ticket_list.show_ticket(tid)
    qtbot.waitUntil(lambda: window.detail.ticket_id == tid, timeout=5000)
    assert not window.detail.recovery.isVisible()

    sue = queries.agent_by_name(writer, SUPERVISOR)
    recovery.open_recovery(writer, tid, actor_id=sue.id)  # another console opens a case: live refresh
    for step in ("acknowledge", "widen"):
        recovery.complete_step(writer, tid, step=step, actor_id=sue.id, note="done")
    recovery.complete_step(writer, tid, step="agree", actor_id=sue.id, note="agreed",
                           fields={"promise": "Refund the double charge, as the rep's note says",
                                   "promised_by": "2030-01-02"})
    qtbot.waitUntil(lambda: "3/5" in window.detail.recovery.text(), timeout=5000)
    line = window.detail.recovery.text()
    assert "AWARE" in line and "next: Resolve" in line
    # The pane is given escaped HTML and shows it as such (not "rep&#x27;s", as Qt's guess showed it).
    assert window.detail.recovery.textFormat() == Qt.TextFormat.RichText
    shown = QTextDocumentFragment.fromHtml(line).toPlainText()
    assert "promised: Refund the double charge, as the rep's note says by 2030-01-02" in shown
    assert window.detail.recovery.isVisible()
