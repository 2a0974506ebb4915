"""Which index a ticket list walks on SQLite (``INDEXED BY``): the planner's own pick is good for most
lists, and costly for a few that these hints fix. Another engine plans for itself and needs none."""

from __future__ import annotations

from csconsole.domain.read_models import Order, SortKey, TicketFilter
from csconsole.store.schema import OPEN_SORT_INDEXES, index_name

OPEN_CHIPS_INDEX = "ix_tickets_open_chips"  # open tickets, id first, then every column a chip filters on
PLAIN = "tickets t"
# The open tickets by each sortable column but the id (migration 0009).
OPEN_SORT = {SortKey(column): index_name(statement) for column, statement in OPEN_SORT_INDEXES.items()}


def _within_open(flt: TicketFilter) -> bool:
    """The filter keeps to open tickets in a way the open-chips index can serve on its own."""
    return (flt.status is None and (flt.open_only or flt.unowned) and flt.ticket_ids is None
            and not flt.search.strip())


def count_source(flt: TicketFilter) -> str:
    """Chip counts (bounces, contacts, SLA): left alone, SQLite picks the partial index of the chip, which
    also holds closed tickets, and reads each one's row for its status: ~150 ms at 1M tickets. Scanning
    the open-chips index instead reads only open tickets, and no rows."""
    chip = flt.min_bounces is not None or flt.min_contacts is not None or flt.sla is not None
    if chip and _within_open(flt):
        return f"tickets t INDEXED BY {OPEN_CHIPS_INDEX}"
    return PLAIN


def page_source(flt: TicketFilter, order: Order) -> str:
    """Which index a page walks. Left to itself SQLite may pick a status index and sort every open ticket
    for each page, or a chip's index that also holds closed tickets.

    - Open tickets (of all queues or of one) by age, SLA due, bounces, contacts or priority: that column's
      index of open tickets, already in that order (a queue's are read from it and kept: 1 in ~5).
    - Every ticket by priority: the rank index, already in that order.
    - Open tickets of all queues under a chip or by number: the open-chips index — in id order it is the
      page itself; under a chip in another order only open tickets are read and sorted (5 ms for the
      bounced ones at 1M, not 75).
    - Other sorts (every ticket, one status): the planner, which has an index for every sortable column.
    - Open tickets of one queue by number: its open (or unowned) index, in id order.
    """
    plain = flt == TicketFilter(open_only=flt.open_only, status=flt.status)
    if (order.key in OPEN_SORT and _within_open(flt)
            and flt == TicketFilter(open_only=flt.open_only, queue_id=flt.queue_id)):
        return f"tickets t INDEXED BY {OPEN_SORT[order.key]}"
    if order.key is SortKey.PRIORITY and plain:
        return "tickets t INDEXED BY ix_tickets_priority"
    if not _within_open(flt):
        return PLAIN
    if flt.queue_id is None and (order.key is SortKey.ID or not plain):
        return f"tickets t INDEXED BY {OPEN_CHIPS_INDEX}"
    if order.key is SortKey.ID:
        return f"tickets t INDEXED BY {'ix_tickets_unowned' if flt.unowned else 'ix_tickets_open'}"
    return PLAIN
