"""The store spells the domain's rules in SQL from one place (store/fragments.py): what it counts as open
and as loyal is what the domain says."""

from __future__ import annotations

import itertools

from csconsole.domain import tier
from csconsole.domain.words import OPEN_STATUSES, Status, Tier
from csconsole.services import Store
from csconsole.store import schema
from csconsole.store.fragments import OPEN_SQL, loyal_params, loyal_sql
from tests.conftest import Floor
from tests.sql import connection

NOW = "2026-03-02T12:00:00Z"


def test_open_statuses_in_sql_are_the_domains() -> None:
    in_sql = {s.value for s in Status if f"'{s.value}'" in OPEN_SQL}
    assert in_sql == {s.value for s in OPEN_STATUSES} and Status.RESOLVED not in OPEN_STATUSES
    assert all(s.is_done != (s in OPEN_STATUSES) for s in Status)
    # The partial indexes of the schema are the same text, or queries would not use them.
    assert all(OPEN_SQL in statement for statement in schema.INDEXES if "status IN" in statement)


def _sql_tiers(store: Store, now: str) -> dict[str, Tier]:
    rows = connection(store).execute(f"SELECT c.name, {loyal_sql('c')} FROM customers c", loyal_params(now))
    return {name: Tier.LOYAL if loyal else Tier.STANDARD for name, loyal in rows}


def test_the_loyal_tier_in_sql_is_the_domains(floor: Floor) -> None:
    store = floor.store
    sinces = ["2024-03-02T12:00:00Z", "2024-03-02T12:00:01Z", "2020-01-01T00:00:00Z", "2026-01-01T00:00:00Z"]
    customers = {}
    for n, (since, resolved) in enumerate(itertools.product(sinces, (0, 4, 5, 9))):
        customers[f"C{n}"] = (since, resolved)
    with store.atomic():
        connection(store).executemany("INSERT INTO customers (name, since, resolved_tickets) VALUES (?, ?, ?)",
                                      [(name, since, resolved) for name, (since, resolved) in customers.items()])
    for now in (NOW, "2028-02-29T00:00:00Z"):
        expected = {name: tier.tier_of(since, resolved, now) for name, (since, resolved) in customers.items()}
        assert _sql_tiers(store, now) == expected
    assert set(_sql_tiers(store, NOW).values()) == {Tier.LOYAL, Tier.STANDARD}
