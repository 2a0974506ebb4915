"""The dashboard's tallies (store/tallies.py), on both engines: after any sequence of the services' calls they
are what the ticket rows make them from scratch, and the dashboard's figures read from them are the ones
computed from every ticket (store/dashboard_scan.py); ``audit verify`` names a tally that drifted or lost
its trigger, ``rebuild`` puts it right, a bulk load (the demo) and a copy between engines fill them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csconsole.domain import clock
from csconsole.domain.errors import DomainError
from csconsole.io.demo import build_demo
from csconsole.services import audit, open_store, people, tickets, undo
from csconsole.store import dashboard, dashboard_scan, tallies
from csconsole.store.store import Store
from tests.sites import Site
from tests.sql import connection

QUEUES, AGENTS, TICKETS = 3, 4, 4
START = clock.from_text("2026-05-01T08:00:00Z").timestamp()

step = st.tuples(
    st.sampled_from(["take", "transfer", "reassign", "contact", "reply", "pending", "resolved", "closed", "open",
                     "escalate", "undo"]),
    st.integers(0, TICKETS - 1),  # which ticket
    st.integers(1, 400),  # minutes since the previous call
    st.integers(0, QUEUES - 1),
    st.integers(0, AGENTS - 1),
)


def _figures(store: Store, now: str) -> tuple[object, ...]:
    """The tallied figures, then the same computed from every ticket."""
    with store.read():
        return ((dashboard.depth_series(store, now, 72, top=None), dashboard.bounce_distribution(store),
                 dashboard.pingpong_pairs(store), dashboard.day_figures(store, now, 5)),
                (dashboard_scan.depth_series(store, now, 72, top=None), dashboard_scan.bounce_distribution(store),
                 dashboard_scan.pingpong_pairs(store), dashboard_scan.day_figures(store, now, 5)))


def _call(store: Store, kind: str, ticket: int, at: str, queue: int, agent: int, supervisor: int,
          last: dict[int, tuple[int, ...]]) -> None:
    if kind == "take":
        change = tickets.take(store, ticket, actor_id=agent, at=at)
    elif kind == "transfer":
        change = tickets.transfer(store, ticket, actor_id=agent, queue_id=queue, note="over to you", at=at)
    elif kind == "reassign":
        change = tickets.reassign(store, [ticket], actor_id=supervisor, to_id=agent, reason="load", at=at)
    elif kind == "contact":
        change = tickets.contact(store, ticket, note="again", at=at)
    elif kind == "reply":
        change = tickets.reply(store, ticket, actor_id=agent, note="answer", at=at)
    elif kind == "escalate":
        change = tickets.escalate(store, ticket, actor_id=supervisor, priority="urgent", note="angry", at=at)
    elif kind == "undo":
        if ticket not in last:
            return
        change = undo.revert(store, {ticket: last.pop(ticket)}, actor_id=supervisor, note="undo", at=at)
    else:
        change = tickets.set_status(store, ticket, actor_id=supervisor, status=kind, at=at)
    for done in change.tickets:
        last[done.ticket_id] = done.seqs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, max_size=40))
def test_after_any_services_calls_the_tallies_are_the_tickets_counted_from_scratch(
    new_site: Callable[[], Site], steps: list[tuple[str, int, int, int, int]]
) -> None:
    with open_store(new_site().location, create=True) as store:
        queues = [people.add_queue(store, f"Q{i}").id for i in range(QUEUES)]
        staff = [people.add_agent(store, f"A{i}", "supervisor" if i == 0 else "agent") for i in range(AGENTS)]
        moment = START
        ids = []
        for t in range(TICKETS):
            moment += 1800
            change = tickets.create_ticket(store, actor_id=staff[1].id, customer=f"C{t % 2}", subject="s",
                                           channel="chat", priority="normal", queue_id=queues[t % QUEUES],
                                           at=clock.from_epoch(int(moment)))
            ids.append(change.tickets[0].ticket_id)
        last: dict[int, tuple[int, ...]] = {}
        for kind, ticket, minutes, queue, agent in steps:
            moment += minutes * 60
            try:
                _call(store, kind, ids[ticket], clock.from_epoch(int(moment)), queues[queue], staff[agent].id,
                      staff[0].id, last)
            except DomainError:
                continue  # refused by the rules: nothing written
        with store.read():
            assert tallies.stored(store) == tallies.from_tickets(store)
            assert tallies.mismatch(store) is None
            raw = [tuple(r) for r in connection(store).execute(f"SELECT * FROM {tallies.HOURS} ORDER BY 1, 2")]
            assert raw == tallies.from_tickets(store)[0]  # no row of zeros left behind
        for now in (clock.from_epoch(int(moment)), clock.from_epoch(int(START + 86400))):
            tallied, scanned = _figures(store, now)
            assert tallied == scanned
        assert audit.rebuild(store).corrected == 0


@pytest.fixture(scope="module")
def demo(engine: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    from tests.conftest import site_maker

    maker = site_maker(engine, tmp_path_factory.mktemp("tallies"), request)
    site = maker.new()
    build_demo(site.location, tickets=1500, seed=5, now=datetime(2026, 3, 2, 12, tzinfo=UTC))
    request.addfinalizer(maker.drop)
    return site.location


def test_a_demo_store_is_tallied_by_its_bulk_load_and_the_dashboard_shows_what_its_tickets_say(demo: str) -> None:
    with open_store(demo, read_only=True) as store:
        with store.read():
            hours, pairs = tallies.stored(store)
            assert (hours, pairs) == tallies.from_tickets(store)
        assert sum(r[2] for r in hours) == 1500 and pairs  # every ticket counted; the demo has ping-pong
        for now in ("2026-03-02T12:00:00Z", "2026-02-25T07:30:00Z"):
            tallied, scanned = _figures(store, now)
            assert tallied == scanned


def test_verify_names_a_drifted_tally_and_a_dropped_trigger_and_rebuild_puts_the_tally_right(site: Site) -> None:
    store = site.open(create=True)
    queue = people.add_queue(store, "Billing").id
    agent = people.add_agent(store, "Ana", "agent").id
    ticket = tickets.create_ticket(store, actor_id=agent, customer="Cy", subject="s", channel="chat",
                                   priority="normal", queue_id=queue).tickets[0].ticket_id
    tickets.take(store, ticket, actor_id=agent)
    assert audit.verify(store).ok
    site.sql(f"UPDATE {tallies.HOURS} SET created = created + 2")
    verdict = audit.verify(store)
    assert not verdict.ok and "queue_hours" in verdict.problem and "created is 3 in the store, 1" in verdict.problem
    assert audit.rebuild(store).corrected == 1
    assert audit.verify(store).ok
    site.sql(f"INSERT INTO {tallies.PAIRS} (low_queue_id, high_queue_id, hops) VALUES (1, 2, 5)")
    assert "queue_pairs" in audit.verify(store).problem
    assert audit.rebuild(store).corrected == 1 and audit.verify(store).ok
    if site.engine == "sqlite":
        site.sql("DROP TRIGGER tally_ticket_update")
    else:
        site.sql("DROP TRIGGER tally_ticket_update ON csconsole.tickets")
    verdict = audit.verify(store)
    assert not verdict.ok and "dashboard's trigger tally_ticket_update is missing" in verdict.problem
    store.close()


def test_the_tallies_follow_a_ticket_moved_to_another_queue_and_resolved(site: Site) -> None:
    store = site.open(create=True)
    billing, tech = people.add_queue(store, "Billing").id, people.add_queue(store, "Tech").id
    ana = people.add_agent(store, "Ana", "supervisor").id
    ticket = tickets.create_ticket(store, actor_id=ana, customer="Cy", subject="s", channel="chat",
                                   priority="normal", queue_id=billing, at="2026-05-01T08:10:00Z").tickets[0].ticket_id
    tickets.take(store, ticket, actor_id=ana, at="2026-05-01T08:20:00Z")
    tickets.transfer(store, ticket, actor_id=ana, queue_id=tech, note="tech", at="2026-05-01T09:05:00Z")
    tickets.set_status(store, ticket, actor_id=ana, status="resolved", at="2026-05-01T10:00:00Z")
    with store.read():
        hours, pairs = tallies.stored(store)
    assert hours == [(tech, "2026-05-01T08", 1, 0, 0, 0, 1, 0, 0, 0, 0), (tech, "2026-05-01T10", 0, 1, 0, 0, 0, 0, 0, 0, 0)]
    store.close()
    assert pairs == []  # one bounce: not ping-pong


def test_the_pairs_follow_every_hop_of_a_ticket_bounced_past_five(site: Site) -> None:
    """Past five bounces the bounce bucket stays (5+); every hop still moves the pairs' tally."""
    with site.open(create=True) as store:
        queues = [people.add_queue(store, name).id for name in ("Billing", "Tech", "Sales")]
        ana = people.add_agent(store, "Ana", "supervisor").id
        ticket = tickets.create_ticket(store, actor_id=ana, customer="Cy", subject="s", channel="chat",
                                       priority="normal", queue_id=queues[0]).tickets[0].ticket_id
        tickets.take(store, ticket, actor_id=ana)
        for hop in range(1, 9):
            tickets.transfer(store, ticket, actor_id=ana, queue_id=queues[hop % 3], note="on")
            with store.read():
                assert tallies.stored(store) == tallies.from_tickets(store), hop
        with store.read():
            assert sum(hops for _, _, hops in tallies.stored(store)[1]) == 8


def test_the_postgres_schema_name_is_the_stores() -> None:
    from csconsole.store.postgres.connection import SCHEMA

    assert tallies.POSTGRES_SCHEMA == SCHEMA


def test_rows_of_zeros_count_for_nothing(site: Site) -> None:
    with site.open(create=True) as store:
        site.sql(f"INSERT INTO {tallies.HOURS} (queue_id, hour) VALUES (7, '2026-05-01T08')")
        assert audit.verify(store).ok
        assert connection(store).execute(f"SELECT count(*) FROM {tallies.HOURS}").fetchone()[0] == 1
