"""Truths read straight from the store, to check what the console shows against."""

from __future__ import annotations

from csconsole.domain.read_models import TicketFilter
from csconsole.services import Store, queries


def every_row(store: Store, flt: TicketFilter) -> list:
    return list(queries.all_tickets(store, flt))


def events_of(store: Store, ticket_id: int) -> list:
    return queries.ticket_detail(store, ticket_id).events


def settle(qtbot, window) -> None:
    """Wait until the row set asked for last is in the table (it is fetched off the GUI thread)."""
    qtbot.waitUntil(lambda: not window.table_model.loading, timeout=5000)
