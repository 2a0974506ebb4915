"""SLA targets per queue: stored in the store, applied to running clocks, consistent with rebuild."""

from __future__ import annotations

import pytest

from csconsole.domain.errors import BadInput
from csconsole.services import audit, preferences, queries, tickets
from tests.conftest import Floor
from tests.sql import connection


def test_queue_targets_move_running_clocks_and_agree_with_rebuild(floor: Floor) -> None:
    s = floor.store
    change = tickets.create_ticket(s, actor_id=None, customer="C", subject="s", channel="chat",
                                   priority="normal", queue_id=floor.tech, at="2026-04-01T10:00:00Z")
    tid = change.ticket_ids[0]
    assert queries.tickets_by_id(s, [tid])[0].sla_due_at == "2026-04-01T14:00:00Z"  # 240 min default
    assert preferences.set_queue_targets(s, floor.tech, {"normal": 30}) == 1
    assert preferences.queue_targets(s, floor.tech)["normal"] == 30
    assert preferences.queue_targets(s, floor.billing)["normal"] == 240
    row = queries.tickets_by_id(s, [tid])[0]
    assert (row.sla_due_at, row.sla_risk_at) == ("2026-04-01T10:30:00Z", "2026-04-01T10:22:30Z")
    assert audit.rebuild(s).corrected == 0  # the stored clocks are what the events give under the new targets
    assert preferences.set_queue_targets(s, floor.tech, {"normal": None}) == 1
    assert queries.tickets_by_id(s, [tid])[0].sla_due_at == "2026-04-01T14:00:00Z"


@pytest.mark.parametrize(("minutes", "message"), [({"normal": 0}, "1 to"), ({"soon": 5}, "unknown priority")])
def test_bad_targets_are_refused(floor: Floor, minutes: dict[str, int], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        preferences.set_queue_targets(floor.store, floor.tech, minutes)


def test_a_revert_after_new_targets_counts_each_event_under_the_targets_of_its_time(floor: Floor) -> None:
    """A reply that breached a 60-minute target stays a breach when the queue's target later becomes 240
    and an undo refolds the ticket: the ledger and rebuild both count it under the target in force then."""
    from csconsole.services import undo

    s = floor.store
    tid = tickets.create_ticket(s, actor_id=None, customer="C", subject="s", channel="chat", priority="high",
                                queue_id=floor.billing, at="2026-04-01T10:00:00Z").ticket_ids[0]
    tickets.take(s, tid, actor_id=floor.ana.id, at="2026-04-01T10:01:00Z")
    tickets.reply(s, tid, actor_id=floor.ana.id, note="sorry for the wait", at="2026-04-01T11:40:00Z")
    preferences.set_queue_targets(s, floor.billing, {"high": 240})
    escalated = tickets.escalate(s, tid, actor_id=floor.ana.id, priority="urgent", note="angry",
                                 at="2026-04-01T11:50:00Z")
    undo.revert(s, {tid: escalated.tickets[0].seqs}, actor_id=floor.ana.id, at="2026-04-01T11:55:00Z")
    assert connection(s).execute("SELECT sla_breaches FROM tickets WHERE id = ?", (tid,)).fetchone()[0] == 1
    assert audit.rebuild(s).corrected == 0
    assert audit.verify(s).ok
