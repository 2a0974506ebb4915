"""Every model passes Qt's model tester, and the lazy table pages by key to the same rows SQL returns."""

from __future__ import annotations

from csconsole.domain.read_models import SortKey, TicketFilter
from csconsole.services import open_store, queries
from csconsole.ui.models.agents import AgentsModel
from csconsole.ui.models.queues import QueuesModel
from csconsole.ui.models.ticket_table import MAX_PAGES, PAGE, TicketTableModel


def test_ticket_table_model_passes_modeltester(qtmodeltester, store_path) -> None:
    with open_store(str(store_path)) as store:
        model = TicketTableModel(store)
        model.set_query(TicketFilter(open_only=True))
        assert model.rowCount() == queries.tickets_count(store, TicketFilter(open_only=True)) > 0
        qtmodeltester.check(model, force_py=True)
        model.set_query(TicketFilter(min_bounces=3), queries.Order(SortKey.BOUNCES, descending=True))
        qtmodeltester.check(model, force_py=True)


def test_queues_and_agents_models_pass_modeltester(qtmodeltester, store_path) -> None:
    with open_store(str(store_path)) as store:
        queues = QueuesModel()
        queues.set_stats(queries.queue_stats(store))
        assert queues.rowCount() == 4  # "All queues" and three queues
        assert int(queues.index(0, 1).data()) == queries.tickets_count(store, TicketFilter(open_only=True))
        qtmodeltester.check(queues, force_py=True)
        agents = AgentsModel(queries.agents_with_load(store))
        assert agents.rowCount() == 6
        qtmodeltester.check(agents, force_py=True)


def test_paging_by_key_matches_sql_order_and_stays_bounded(qtbot, big_store_path, monkeypatch) -> None:
    from csconsole.ui.models import ticket_table

    monkeypatch.setattr(ticket_table, "WALK_LIMIT", 1)  # as on a big store: too far to walk
    with open_store(str(big_store_path)) as store:
        jobs: list[tuple] = []  # work the model sends off the GUI thread, run here when the test says
        model = TicketTableModel(store, lambda job, done, failed=None, **_: jobs.append((job, done)))
        model.set_query(TicketFilter())
        assert model.loading and model.rowCount() == 0
        job, done = jobs.pop(0)
        done(job(store))
        truth = [r.id for r in queries.all_tickets(store, TicketFilter())][::-1]  # newest first
        assert model.rowCount() == len(truth) == 260
        # A jump to the end before the anchors arrive is a placeholder, never a wrong row or a full load.
        assert model.row_at(259) is None
        assert model.cached_rows() <= PAGE
        qtbot.waitUntil(lambda: bool(jobs), timeout=2000)  # the anchors, asked once the rows are painted
        job, done = jobs.pop(0)
        done(job(store))
        assert len(model.anchors) == 3
        assert model.ticket_id(259) == truth[259]
        assert [model.ticket_id(r) for r in range(260)] == truth
        assert model.cached_rows() <= MAX_PAGES * PAGE


def test_paging_walks_forward_without_anchors(big_store_path) -> None:
    with open_store(str(big_store_path)) as store:
        model = TicketTableModel(store)  # never given anchors
        model.set_query(TicketFilter(), queries.Order(SortKey.CREATED))
        truth = [r.id for r in queries.tickets_page(store, TicketFilter(), order=queries.Order(SortKey.CREATED),
                                                     limit=1000)]
        assert [model.ticket_id(r) for r in range(model.rowCount())] == truth


def test_a_failed_query_is_reported_and_does_not_block_refreshes(store_path) -> None:
    with open_store(str(store_path)) as store:
        messages: list[str] = []

        def broken(job, done, failed=None, **_) -> None:
            failed("the store vanished")

        model = TicketTableModel(store, broken)
        model.failed.connect(messages.append)
        model.set_query(TicketFilter())
        assert messages == ["the store vanished"] and not model.loading
