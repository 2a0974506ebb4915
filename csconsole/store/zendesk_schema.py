"""What a Zendesk import keeps beside the events: which Zendesk ticket a ticket came from, the last audit
imported (so a later export appends only what is new), and Zendesk's own ``ticket_metrics`` for the
cross-check.

The table is defined in ``schema.py`` (``ZENDESK_TICKETS``, migration ``0003``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from csconsole.domain.registry import ZendeskRecord
from csconsole.store.schema import ZENDESK_TICKETS, sqlite_table

if TYPE_CHECKING:
    from sqlite_utils import Database

    from csconsole.store.store import Store

TABLE = ZENDESK_TICKETS.name
NO_GROUP = "Unassigned"  # the queue of tickets that Zendesk holds in no group


def create_zendesk_tables(db: Database) -> None:
    db.execute(sqlite_table(ZENDESK_TICKETS))


_COLUMNS = ("ticket_id, zendesk_id, last_audit_id, assignee_stations, group_stations, reopens, replies, "
            "imported_at")  # ZendeskRecord's fields, in order


def by_zendesk_id(store: Store, zendesk_ids: list[int]) -> dict[int, ZendeskRecord]:
    found: dict[int, ZendeskRecord] = {}
    for start in range(0, len(zendesk_ids), 500):
        chunk = zendesk_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in store._conn.execute(f"SELECT {_COLUMNS} FROM {TABLE} WHERE zendesk_id IN ({marks})", chunk):
            found[row[1]] = ZendeskRecord(*row)
    return found


def with_metrics(store: Store) -> list[ZendeskRecord]:
    """Imported tickets that carry Zendesk's metrics, in ticket order."""
    return [ZendeskRecord(*row) for row in store._conn.execute(
        f"SELECT {_COLUMNS} FROM {TABLE} WHERE assignee_stations IS NOT NULL OR group_stations IS NOT NULL "
        "OR reopens IS NOT NULL OR replies IS NOT NULL ORDER BY ticket_id"
    )]
