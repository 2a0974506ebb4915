"""What a Zendesk import keeps beside the events: which Zendesk ticket a ticket came from, the last audit
imported (so a later export appends only what is new), and Zendesk's own ``ticket_metrics`` for the
cross-check.

The table is defined in ``schema.py`` (``ZENDESK_TICKETS``, migration ``0003``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlite_utils import Database

from csconsole.store.schema import ZENDESK_TICKETS, sqlite_table

if TYPE_CHECKING:
    from csconsole.store.store import Store

TABLE = ZENDESK_TICKETS.name
NO_GROUP = "Unassigned"  # the queue of tickets that Zendesk holds in no group


def create_zendesk_tables(db: Database) -> None:
    db.execute(sqlite_table(ZENDESK_TICKETS))


@dataclass(frozen=True)
class ZendeskTicket:
    ticket_id: int
    zendesk_id: int
    last_audit_id: int
    assignee_stations: int | None
    group_stations: int | None
    reopens: int | None
    replies: int | None


_COLUMNS = "ticket_id, zendesk_id, last_audit_id, assignee_stations, group_stations, reopens, replies"


def by_zendesk_id(store: Store, zendesk_ids: list[int]) -> dict[int, ZendeskTicket]:
    found: dict[int, ZendeskTicket] = {}
    for start in range(0, len(zendesk_ids), 500):
        chunk = zendesk_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in store._conn.execute(f"SELECT {_COLUMNS} FROM {TABLE} WHERE zendesk_id IN ({marks})", chunk):
            found[row[1]] = ZendeskTicket(*row)
    return found


def with_metrics(store: Store) -> list[ZendeskTicket]:
    """Imported tickets that carry Zendesk's metrics, in ticket order."""
    return [ZendeskTicket(*row) for row in store._conn.execute(
        f"SELECT {_COLUMNS} FROM {TABLE} WHERE assignee_stations IS NOT NULL OR group_stations IS NOT NULL "
        "OR reopens IS NOT NULL OR replies IS NOT NULL ORDER BY ticket_id"
    )]


def save(store: Store, row: ZendeskTicket, imported_at: str) -> None:
    """Insert or update; metrics missing from this export keep the values an earlier one gave."""
    store._conn.execute(
        f"""INSERT INTO {TABLE} ({_COLUMNS}, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(ticket_id) DO UPDATE SET
            last_audit_id = CASE WHEN excluded.last_audit_id > {TABLE}.last_audit_id
                                 THEN excluded.last_audit_id ELSE {TABLE}.last_audit_id END,
            assignee_stations = coalesce(excluded.assignee_stations, {TABLE}.assignee_stations),
            group_stations = coalesce(excluded.group_stations, {TABLE}.group_stations),
            reopens = coalesce(excluded.reopens, {TABLE}.reopens),
            replies = coalesce(excluded.replies, {TABLE}.replies),
            imported_at = excluded.imported_at""",
        (row.ticket_id, row.zendesk_id, row.last_audit_id, row.assignee_stations, row.group_stations,
         row.reopens, row.replies, imported_at),
    )
