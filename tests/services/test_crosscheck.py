"""The bounce/station identity documented in csconsole/services/crosscheck.py holds for any history."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from csconsole.domain.sla_policy import EMPTY_BOOK
from csconsole.domain.ticket import Event, fold
from csconsole.services.crosscheck import count

NO_GROUP = 9
queues = st.sampled_from([1, 2, 3, NO_GROUP])
owners = st.sampled_from([None, 11, 12, 13])
moves = st.lists(st.tuples(st.sampled_from(["take", "transfer", "reassign"]), queues, owners), max_size=12)


@given(first=queues, moves=moves)
def test_bounces_follow_from_the_stations(first: int, moves: list[tuple[str, int, int | None]]) -> None:
    at = "2026-03-02T09:00:00Z"
    events = [Event(1, "created", at, None, {"customer": 1, "subject": "s", "channel": "email",
                                             "priority": "normal", "queue": first})]
    events += [Event(1, kind, at, 11, {"queue": q, "owner": o, "note": "n"}) for kind, q, o in moves]
    state = fold(1, events, EMPTY_BOOK)
    counts = count(events, NO_GROUP)
    assert counts.taken == bool(state.path)
    assert state.bounces == counts.bounces_implied(counts.assignee_stations, counts.group_stations)


def test_reopens_and_replies_are_counted_from_status_and_reply_events() -> None:
    at = "2026-03-02T09:00:00Z"
    events = [Event(1, "created", at, None, {"customer": 1, "subject": "s", "channel": "email",
                                             "priority": "normal", "queue": 1})]
    for kind, data in [("reply", {"note": ""}), ("status", {"status": "resolved"}), ("status", {"status": "open"}),
                       ("reply", {"note": ""}), ("status", {"status": "closed"}), ("status", {"status": "pending"}),
                       ("status", {"status": "open"})]:
        events.append(Event(1, kind, at, 11, data))
    counts = count(events)
    assert (counts.reopens, counts.replies, counts.group_stations, counts.assignee_stations) == (2, 2, 1, 0)
