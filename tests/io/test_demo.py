"""The demo store: deterministic for a seed, the same whether built by one process or two, and alive
with the floor's real patterns (bounces, ping-pong, repeat callers, breaches, open work, loyal customers)."""

from __future__ import annotations

from datetime import UTC, datetime

from csconsole.domain.read_models import SlaFilter, TicketFilter
from csconsole.io.demo import build_demo
from csconsole.services import audit, open_store, queries
from tests.sites import SiteMaker
from tests.sql import connection

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


def fingerprint(location: str) -> tuple[object, ...]:
    with open_store(location, read_only=True) as store:
        tables = tuple(
            connection(store).execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("tickets", "customers", "agents", "queues", "recovery_cases", "evaluations")
        )
        return (audit.head(store), *tables)


def test_same_seed_same_store_whether_built_by_one_process_or_two(sites: SiteMaker) -> None:
    places = {name: sites.new().location for name in ("one", "two", "other")}
    one = build_demo(places["one"], tickets=1200, seed=9, now=NOW, parallel=False)
    two = build_demo(places["two"], tickets=1200, seed=9, now=NOW, parallel=True)
    assert (one.tickets, one.events) == (two.tickets, two.events)
    assert fingerprint(places["one"]) == fingerprint(places["two"])
    build_demo(places["other"], tickets=1200, seed=10, now=NOW)
    assert fingerprint(places["other"])[0] != fingerprint(places["one"])[0]


def test_the_demo_floor_has_the_patterns_a_supervisor_looks_for(store_location: str) -> None:
    summary = build_demo(store_location, tickets=4000, seed=7, now=NOW)
    assert summary.queues == 12 and 55 <= summary.agents <= 65
    now = "2026-06-01T09:00:00Z"
    with open_store(store_location, read_only=True) as store:
        def share(flt: TicketFilter) -> float:
            return queries.tickets_count(store, flt, now) / summary.tickets

        assert audit.verify(store).ok
        assert 0.6 < share(TicketFilter(status="closed")) < 0.95  # most are done
        assert share(TicketFilter(min_bounces=1)) < 0.3  # most resolved by their first owner
        assert 0.02 < share(TicketFilter(min_bounces=3)) < 0.12  # a tail of ping-pong
        assert share(TicketFilter(min_contacts=3)) > 0.02  # customers who call again and again
        assert queries.tickets_count(store, TicketFilter(open_only=True, sla=SlaFilter.BREACHED), now) > 0
        assert queries.tickets_count(store, TicketFilter(unowned=True), now) > 0
        rows = queries.tickets_page(store, TicketFilter(min_bounces=3), now=now, limit=200)
        assert any(r.pingpongs for r in rows)
        assert {r.customer_tier.value for r in rows} == {"loyal", "standard"}
        roles = {a.role.value for a in queries.agents(store)}
        assert roles == {"agent", "supervisor", "manager"}
        assert connection(store).execute("SELECT count(*) FROM recovery_cases").fetchone()[0] > 0


def test_demo_customers_have_names_without_number_suffixes() -> None:
    from csconsole.io.demo_words import customer_name

    names = [customer_name(n) for n in range(350_000)]  # a 1M-ticket demo has about 333,000 customers
    assert len(set(names)) == len(names)
    assert not [n for n in names if any(ch.isdigit() for ch in n)]
    assert names[0] == "Ana Silva" and "." in names[1_500] and "-" in names[30_000]
