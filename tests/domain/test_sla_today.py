"""Without a schedule the new clocks give exactly the response due times of today's fold
(``domain.ticket``), wherever the rules agree: everywhere but ``pending``, which today stops the clock and
now pauses it (and never touches the first reply)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from csconsole.domain import instants
from csconsole.domain.sla import SlaTargets
from csconsole.domain.sla_clock import SlaClocks, fold_clocks
from csconsole.domain.sla_policy import PolicyBook
from csconsole.domain.ticket import Event, fold
from tests.domain.sla_events import Story, book, policy

# Queue 2 has its own response targets today; the same as a 24/7 policy of queue 2.
TODAY = SlaTargets(per_queue={2: {"normal": 30, "urgent": 5}})
NOW = book((2, 0, "2020-01-01T00:00:00Z", policy(targets=("normal:first=30,next=30", "urgent:first=5,next=5"))))


def response(clocks: SlaClocks) -> tuple[str | None, str | None]:
    """Today's single response clock: the first reply until it is given, then the next reply."""
    for clock in (clocks.first_reply, clocks.next_reply):
        if clock.state == "running":
            return clock.due_at, clock.risk_at
    return None, None


def assert_same_as_today(events: list[Event], policies: PolicyBook) -> None:
    today = fold(1, events, TODAY)
    clocks = fold_clocks(events, policies)
    assert response(clocks) == (today.sla_due_at, today.sla_risk_at)
    assert clocks.reply_breaches == today.sla_breaches


def test_the_design_example_story() -> None:
    story = (Story().created("2026-03-02T09:00:00Z", "high")
             .add("take", "2026-03-02T09:05:00Z", queue=1, owner=11)
             .transfer("2026-03-02T09:30:00Z", 2)
             .reply("2026-03-02T09:50:00Z")
             .contact("2026-03-02T12:00:00Z")
             .escalate("2026-03-02T12:10:00Z", "urgent")
             .transfer("2026-03-02T12:20:00Z", 1)
             .status("2026-03-02T13:00:00Z", "resolved")
             .status("2026-03-03T09:00:00Z", "open")
             .contact("2026-03-03T09:30:00Z"))
    for end in range(1, len(story.events) + 1):
        assert_same_as_today(story.events[:end], NOW)
    assert response(fold_clocks(story.events, NOW)) == ("2026-03-03T09:45:00Z", "2026-03-03T09:41:15Z")


KINDS = ("take", "transfer", "reassign", "contact", "reply", "status", "escalate", "note")


@st.composite
def stories(draw: st.DrawFn) -> list[Event]:
    moment = draw(st.integers(1_767_225_600, 1_798_761_600))  # 2026
    story = Story().created(instants.to_text(moment), draw(st.sampled_from(["urgent", "high", "normal", "low"])),
                            queue=draw(st.integers(1, 3)))
    for _ in range(draw(st.integers(0, 14))):
        moment += draw(st.integers(0, 600)) * 60 + draw(st.sampled_from([0, 0, 17]))
        at, kind = instants.to_text(moment), draw(st.sampled_from(KINDS))
        if kind in ("take", "transfer", "reassign"):
            story.add(kind, at, queue=draw(st.integers(1, 3)), owner=11, note="n", reason="r")
        elif kind == "status":
            story.status(at, draw(st.sampled_from(["new", "open", "resolved", "closed"])))
        elif kind == "escalate":
            story.escalate(at, draw(st.sampled_from(["urgent", "high", "normal", "low"])))
        elif kind == "contact":
            story.contact(at)
        else:
            story.add(kind, at, note="n")
    return story.events


@settings(max_examples=300, deadline=None)
@given(stories())
def test_24_7_gives_today_s_due_times_for_any_story_without_pending(events: list[Event]) -> None:
    assert_same_as_today(events, NOW)


def test_pending_is_where_the_rules_part_on_purpose() -> None:
    story = Story().created("2026-03-02T09:00:00Z", "high").status("2026-03-02T09:10:00Z", "pending")
    today = fold(1, story.events, TODAY)
    clocks = fold_clocks(story.events, NOW)
    assert today.sla_due_at is None  # today pending stopped the response clock
    assert clocks.first_reply.due_at == "2026-03-02T10:00:00Z"  # now the first reply is still owed
