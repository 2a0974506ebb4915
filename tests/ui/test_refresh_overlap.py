"""Two live refreshes in flight at once (commits landing faster than a recount comes back, as on a busy
floor): the later one is applied too, so what it saw reaches the screen without waiting for yet another
commit. benchmarks/floor.py found commits never shown when the later one was dropped."""

from __future__ import annotations

from typing import Any

from csconsole.domain.read_models import TicketFilter
from csconsole.services import open_store, queries, tickets


def test_a_refresh_overtaken_by_an_earlier_one_still_lands(store_path) -> None:
    from csconsole.ui.models.ticket_table import TicketTableModel

    with open_store(str(store_path)) as store, open_store(str(store_path)) as desk:
        jobs: list[tuple[Any, Any]] = []  # work the model sends off the GUI thread, run when the test says
        model = TicketTableModel(store, lambda job, done, failed=None, **_: jobs.append((job, done)))
        refreshed: list[int] = []
        model.refreshed.connect(lambda: refreshed.append(model.rowCount()))
        model.set_query(TicketFilter(open_only=True))
        job, done = jobs.pop()
        done(job(store))
        shown = model.rowCount()
        queue = queries.queues(desk)[0].id

        def commit() -> None:
            tickets.create_ticket(desk, actor_id=None, customer="Ada", subject="Line down", channel="phone",
                                  priority="high", queue_id=queue)

        commit()
        model.refresh()
        first_job, first_done = jobs.pop()
        first = first_job(store)  # counted before the second commit...
        commit()
        model.refresh()
        second_job, second_done = jobs.pop()
        first_done(first)  # ...and reported first
        second_done(second_job(store))
        assert refreshed == [shown + 1, shown + 2]
        assert model.rowCount() == queries.tickets_count(store, TicketFilter(open_only=True)) == shown + 2
