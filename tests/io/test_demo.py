"""The demo store: deterministic for a seed, the same whether built by one process or two, and alive
with the floor's real patterns (bounces, ping-pong, repeat callers, breaches, open work, loyal customers)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from csconsole.domain.read_models import SlaFilter, TicketFilter
from csconsole.io.demo import build_demo
from csconsole.services import audit, open_store, queries
from tests.sql import connection

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


def fingerprint(path: Path) -> tuple[object, ...]:
    with open_store(str(path), read_only=True) as store:
        tables = tuple(
            connection(store).execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("tickets", "customers", "agents", "queues", "recovery_cases", "evaluations")
        )
        return (audit.head(store), *tables)


def test_same_seed_same_store_whether_built_by_one_process_or_two(tmp_path: Path) -> None:
    one = build_demo(tmp_path / "one.db", tickets=1200, seed=9, now=NOW, parallel=False)
    two = build_demo(tmp_path / "two.db", tickets=1200, seed=9, now=NOW, parallel=True)
    assert (one.tickets, one.events) == (two.tickets, two.events)
    assert fingerprint(tmp_path / "one.db") == fingerprint(tmp_path / "two.db")
    build_demo(tmp_path / "other.db", tickets=1200, seed=10, now=NOW)
    assert fingerprint(tmp_path / "other.db")[0] != fingerprint(tmp_path / "one.db")[0]


def test_the_demo_floor_has_the_patterns_a_supervisor_looks_for(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    summary = build_demo(path, tickets=4000, seed=7, now=NOW)
    assert summary.queues == 12 and 55 <= summary.agents <= 65
    now = "2026-06-01T09:00:00Z"
    with open_store(str(path), read_only=True) as store:
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
