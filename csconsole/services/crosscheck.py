"""Our numbers against Zendesk's own ``ticket_metrics``, for tickets imported from Zendesk.

Zendesk documents (Ticket Metrics API): ``assignee_stations`` — the number of assignees the ticket had;
``group_stations`` — the number of groups it passed through; ``reopens`` — how many times it was
reopened; ``replies`` — the public replies agents added. From our events we count the same things:

- assignee stations: each ``take``/``transfer``/``reassign`` that sets the owner to an agent other than
  the current owner (the first take included, so Ana → Raj → Ana is 3);
- group stations: the queue the ticket was created in, plus each holder event that moves it to another
  queue; the ``Unassigned`` queue (Zendesk's "no group") is no station;
- reopens: ``status`` events that take a resolved or closed ticket back to new/open/pending;
- replies: ``reply`` events.

Bounces (handoffs after the first take, DESIGN §1) relate to the stations exactly, once three things
only our events know are counted: ``group_stations_at_take`` (stations up to and including the first
take), ``joint`` (handoffs that changed owner and queue together: one bounce, but one station of each)
and ``silent`` (handoffs Zendesk counts in neither: unassigning, or moving to no group)::

    bounces = (assignee_stations - 1) + (group_stations - group_stations_at_take) - joint + silent

and 0 for a ticket never taken. Every handoff changes the owner to an agent, the queue, both or
neither, which is why the sum is exact. ``check`` puts Zendesk's stations into the right-hand side and
reports a bounce disagreement when the ticket row's ``bounces`` differ from it; a disagreement on a
station count is reported on its own line too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from csconsole.domain.errors import NotFound
from csconsole.domain.ticket import DONE, Event
from csconsole.domain.words import HOLDER_KINDS, EventKind
from csconsole.store import directory, queries, zendesk_schema
from csconsole.store.ledger import load_events
from csconsole.store.store import Store

METRICS = ("assignee_stations", "group_stations", "reopens", "replies", "bounces")


@dataclass(frozen=True)
class Counts:
    """What our events say, in Zendesk's terms (see the module docstring)."""

    assignee_stations: int
    group_stations: int
    reopens: int
    replies: int
    taken: bool
    group_stations_at_take: int
    joint: int
    silent: int

    def bounces_implied(self, assignee_stations: int, group_stations: int) -> int:
        """The bounces that these station counts imply, given what only our events know."""
        if not self.taken:
            return 0
        return (assignee_stations - 1) + (group_stations - self.group_stations_at_take) - self.joint + self.silent


def count(events: Sequence[Event], no_group: int | None = None) -> Counts:
    """Count one ticket's events the way Zendesk counts its metrics; ``no_group`` is no station."""
    assignee = group = reopens = replies = at_take = joint = silent = 0
    queue: int | None = None
    owner: int | None = None
    taken = done = False
    for event in events:
        kind, data = event.kind, event.data
        if kind == EventKind.CREATED:
            queue = data["queue"]
            group = 0 if queue == no_group else 1
        elif kind in HOLDER_KINDS:
            new_queue, new_owner = data["queue"], data["owner"]
            if (new_queue, new_owner) == (queue, owner):
                continue
            to_agent = new_owner is not None and new_owner != owner
            to_group = new_queue != queue and new_queue != no_group
            assignee += to_agent
            group += to_group
            if taken:
                joint += to_agent and to_group
                silent += not (to_agent or to_group)
            elif new_owner is not None:
                taken, at_take = True, group
            queue, owner = new_queue, new_owner
        elif kind == EventKind.STATUS:
            now_done = data["status"] in DONE
            reopens += done and not now_done
            done = now_done
        elif kind == EventKind.REPLY:
            replies += 1
    return Counts(assignee, group, reopens, replies, taken, at_take, joint, silent)


@dataclass(frozen=True)
class Disagreement:
    ticket_id: int
    ref: str
    metric: str  # one of METRICS
    ours: int
    zendesk: int  # for ``bounces``: what Zendesk's stations imply

    def __str__(self) -> str:
        what = "implied by Zendesk's stations" if self.metric == "bounces" else "in Zendesk"
        return f"{self.ref}: {self.metric} {self.ours} here, {self.zendesk} {what}"


@dataclass(frozen=True)
class CrossCheck:
    checked: int  # tickets that carry Zendesk's metrics
    disagreements: list[Disagreement]


def check(store: Store) -> CrossCheck:
    """Compare every imported ticket that carries Zendesk's metrics with our events and ticket row."""
    with store.read():
        rows = zendesk_schema.with_metrics(store)
        try:
            no_group: int | None = directory.queue_by_name(store, zendesk_schema.NO_GROUP).id
        except NotFound:
            no_group = None
        found: list[Disagreement] = []
        for row in rows:
            ref, bounces = queries.ref_and_bounces(store, row.ticket_id)
            ours = count(load_events(store, row.ticket_id), no_group)
            pairs = [("assignee_stations", ours.assignee_stations, row.assignee_stations),
                     ("group_stations", ours.group_stations, row.group_stations),
                     ("reopens", ours.reopens, row.reopens), ("replies", ours.replies, row.replies)]
            if row.assignee_stations is not None and row.group_stations is not None:
                pairs.append(("bounces", bounces, ours.bounces_implied(row.assignee_stations, row.group_stations)))
            found += [Disagreement(row.ticket_id, ref, metric, mine, theirs)
                      for metric, mine, theirs in pairs if theirs is not None and mine != theirs]
    return CrossCheck(len(rows), found)
