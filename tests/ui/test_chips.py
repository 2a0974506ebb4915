"""Each chip shows exactly the tickets the query services (and the CLI's filters) return."""

from __future__ import annotations

import pytest

from csconsole.domain import clock
from csconsole.domain.read_models import SlaFilter, TicketFilter
from csconsole.services import queries
from csconsole.ui.actions import ActionId
from tests.ui.helpers import every_row, settle


def _wait_for_counts(qtbot, window) -> None:
    qtbot.waitUntil(lambda: all(window.registry[k].property("count") is not None for k in
                                (ActionId.CHIP_BOUNCED, ActionId.CHIP_CALLBACK, ActionId.CHIP_SLA, ActionId.CHIP_UNOWNED)), timeout=5000)


@pytest.mark.parametrize(
    ("chip", "expected", "truth"),
    [
        # the same TicketFilter the CLI builds for `tickets --min-bounces 3` / `--min-contacts 3`
        (ActionId.CHIP_BOUNCED, TicketFilter(open_only=True, min_bounces=3), lambda r, now: r.bounces >= 3),
        (ActionId.CHIP_CALLBACK, TicketFilter(open_only=True, min_contacts=3), lambda r, now: r.contacts >= 3),
        (ActionId.CHIP_SLA, TicketFilter(open_only=True, sla=SlaFilter.ATTENTION),
         lambda r, now: r.sla_state(now) in ("breached", "at_risk")),
        (ActionId.CHIP_UNOWNED, TicketFilter(open_only=True, unowned=True), lambda r, now: r.owner is None),
    ],
)
def test_chip_rows_equal_the_query_services(qtbot, window, chip, expected, truth) -> None:
    _wait_for_counts(qtbot, window)
    now = clock.now_text()
    # The truth, counted in Python over every open ticket: not the query under test.
    open_rows = every_row(window.store, TicketFilter(open_only=True))
    real = sum(1 for r in open_rows if truth(r, now))
    assert 0 < real < len(open_rows)
    assert queries.tickets_count(window.store, expected) == real
    assert window.registry[chip].property("count") == real
    window.registry[chip].trigger()  # what Ctrl+1..4 does
    settle(qtbot, window)
    assert window.registry[chip].isChecked()
    assert window.table_model.rowCount() == real
    shown = {window.table_model.ticket_id(r) for r in range(window.table_model.rowCount())}
    assert shown == {r.id for r in open_rows if truth(r, now)}


def test_breached_chip_covers_the_cli_breached_list(qtbot, window) -> None:
    breached = queries.tickets_count(window.store, TicketFilter(open_only=True, sla=SlaFilter.BREACHED))
    window.registry[ActionId.CHIP_SLA].trigger()
    settle(qtbot, window)
    assert 0 < breached <= window.table_model.rowCount()


def test_chips_combine_with_queue_and_search(qtbot, window) -> None:
    billing = queries.queue_by_name(window.store, "Billing").id
    qtbot.waitUntil(lambda: window.queues_model.rowCount() == 4, timeout=5000)
    window.queues_view.setCurrentIndex(window.queues_model.index(window.queues_model.row_of(billing), 0))
    window.registry[ActionId.CHIP_BOUNCED].trigger()
    settle(qtbot, window)
    expected = TicketFilter(queue_id=billing, open_only=True, min_bounces=3)
    assert window.ticket_list.current_filter() == expected
    assert window.table_model.rowCount() == queries.tickets_count(window.store, expected) > 0
    window.filter_bar.search.setText("Customer 1")
    window.filter_bar.flush()
    settle(qtbot, window)
    searched = expected.with_(search="Customer 1")
    assert window.table_model.rowCount() == queries.tickets_count(window.store, searched)
    assert all(window.table_model.row_at(r).customer.startswith("Customer 1")
               for r in range(window.table_model.rowCount()))


def test_search_finds_by_exact_ref(qtbot, window) -> None:
    window.registry[ActionId.OPEN_ONLY].setChecked(False)
    window.filter_bar.search.setText("CS-000007")
    window.filter_bar.flush()
    settle(qtbot, window)
    assert window.table_model.rowCount() == 1
    assert window.table_model.row_at(0).ref == "CS-000007"


def test_mine_to_watch_lists_the_tickets_i_watch(qtbot, window) -> None:
    window.selection.select_row(2)
    watched = window.selection.current_ticket_id()
    window.registry[ActionId.WATCH].trigger()
    window.registry[ActionId.CHIP_WATCHED].trigger()
    settle(qtbot, window)
    assert [window.table_model.ticket_id(r) for r in range(window.table_model.rowCount())] == [watched]


def test_a_chip_toggle_leaves_the_chips_counts_alone_and_a_queue_pick_recounts_them(qtbot, window, monkeypatch) -> None:
    """The chips count within the queue, the search and open-only: a chip toggled changes none of those,
    so nothing is counted again (five counts that would compete with the new page)."""
    _wait_for_counts(qtbot, window)
    asked: list[str] = []
    read = window.runner.read
    monkeypatch.setattr(window.runner, "read", lambda job, *a, key=None, **k: (asked.append(key), read(job, *a, key=key, **k)))
    window.registry[ActionId.CHIP_BOUNCED].trigger()
    settle(qtbot, window)
    window.registry[ActionId.CHIP_BOUNCED].trigger()
    settle(qtbot, window)
    assert "chips" not in asked
    billing = queries.queue_by_name(window.store, "Billing").id
    window.queues_view.setCurrentIndex(window.queues_model.index(window.queues_model.row_of(billing), 0))
    settle(qtbot, window)
    assert "chips" in asked
    qtbot.waitUntil(lambda: window.registry[ActionId.CHIP_BOUNCED].property("count") == queries.tickets_count(
        window.store, TicketFilter(queue_id=billing, open_only=True, min_bounces=3)), timeout=5000)
