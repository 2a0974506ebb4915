"""The rebuild property with schedules in force: applying a ticket's events one at a time to the stored
snapshot, with the re-timing after each policy edit as it happens, gives exactly the fields one fold of
all its events over the whole policy book gives."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csconsole.domain import instants
from csconsole.domain.sla_clock import SlaClocks, fold_clocks
from csconsole.domain.sla_policy import PolicyBook, PolicyVersion, SlaPolicy
from csconsole.domain.ticket import Event
from tests.domain.sla_events import BERLIN_OFFICE, Story, policy

POLICIES: list[SlaPolicy | None] = [
    BERLIN_OFFICE,
    policy("mon-fri 08:00-12:00,13:00-18:00; sat 10:00-14:00", "America/New_York", "US-NY"),
    policy("mon-sun 22:00-02:00", "Europe/Berlin", targets=("urgent:first=5", "normal@loyal:resolution=600")),
    policy(targets=("high:first=20,next=25,resolution=200",)),  # 24/7 with its own targets
    None,  # withdraw: back to the store-wide policy
]
# Around the spring and autumn changes of Europe and the US, and a winter holiday season.
STARTS = ["2026-03-05T07:30:00Z", "2026-10-22T14:00:00Z", "2026-12-22T16:45:00Z"]


@dataclass
class Edit:
    queue: int | None
    policy: SlaPolicy | None


@st.composite
def histories(draw: st.DrawFn) -> list[Event | Edit]:
    moment = instants.to_seconds(draw(st.sampled_from(STARTS)))
    story = Story().created(instants.to_text(moment), draw(st.sampled_from(["urgent", "high", "normal", "low"])),
                            queue=draw(st.integers(1, 3)), tier=draw(st.sampled_from([None, "loyal"])))
    steps: list[Event | Edit] = list(story.events)
    for _ in range(draw(st.integers(0, 16))):
        moment += draw(st.integers(0, 48 * 60)) * 60 + draw(st.sampled_from([0, 0, 0.5]))
        at = instants.to_text(moment)
        kind = draw(st.sampled_from(["edit", "edit", "transfer", "contact", "reply", "status", "status",
                                     "escalate", "note"]))
        if kind == "edit":
            steps.append(Edit(draw(st.sampled_from([None, 1, 2, 3])), draw(st.sampled_from(POLICIES))))
            continue
        if kind == "transfer":
            story.transfer(at, draw(st.integers(1, 3)))
        elif kind == "status":
            story.status(at, draw(st.sampled_from(["open", "pending", "pending", "resolved", "closed"])))
        elif kind == "escalate":
            story.escalate(at, draw(st.sampled_from(["urgent", "high", "normal", "low"])))
        elif kind == "contact":
            story.contact(at)
        else:
            story.add(kind, at, note="n")
        steps.append(story.events[-1])
    return steps


def edit_at(steps: list[Event | Edit], index: int) -> str:
    """An edit is made between the events around it (or a few minutes after the last one)."""
    before = max(instants.to_seconds(s.at) for s in steps[:index] if isinstance(s, Event))
    after = [instants.to_seconds(s.at) for s in steps[index:] if isinstance(s, Event)]
    return instants.to_text((before + after[0]) / 2 if after else before + 300)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_one_event_at_a_time_from_stored_snapshots_equals_one_fold(steps: list[Event | Edit]) -> None:
    book = PolicyBook()
    events: list[Event] = []
    stored: str | None = None  # the ticket row's snapshot, as text
    for index, step in enumerate(steps):
        if isinstance(step, Edit):
            last_seq = events[-1].seq if events else 0
            book = book.with_version(
                PolicyVersion(len(book.versions) + 1, step.queue, int(last_seq or 0), edit_at(steps, index), step.policy))
            if stored is not None:  # the edit re-times the stored row
                clocks = SlaClocks.from_json(stored)
                clocks.catch_up(book)
                stored = clocks.to_json()
        else:
            clocks = SlaClocks() if stored is None else SlaClocks.from_json(stored)
            clocks.apply(step, book)
            stored = clocks.to_json()
            events.append(step)
        assert stored == fold_clocks(events, book).to_json()
