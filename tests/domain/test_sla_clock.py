"""A ticket's three SLA clocks: starts, pauses, stops, breaches and re-timing, in business time."""

from __future__ import annotations

from csconsole.domain.sla import sla_state
from csconsole.domain.sla_clock import SlaClocks, fold_clocks
from csconsole.domain.sla_policy import PolicyVersion
from csconsole.domain.sla_view import clock_views
from csconsole.domain.words import SlaState
from tests.domain.sla_events import BERLIN_OFFICE, Story, book, policy

OFFICE = book((None, 0, "2026-01-01T00:00:00Z", BERLIN_OFFICE))  # the store-wide policy from the start
# Berlin in March 2026 is UTC+1 until the 29th: 09:00 local is 08:00Z, 17:00 local is 16:00Z.
MONDAY_0900 = "2026-03-02T08:00:00Z"


def state_of(clock_owner: SlaClocks, now: str) -> SlaState:
    return sla_state(clock_owner.due_at, clock_owner.risk_at, now)


def test_a_new_ticket_runs_first_reply_and_resolution_on_the_24_7_clock() -> None:
    clocks = fold_clocks(Story().created("2026-03-02T09:00:00Z", "high").events)
    assert clocks.first_reply.state == "running" and clocks.resolution.state == "running"
    assert clocks.first_reply.due_at == "2026-03-02T10:00:00Z"
    assert clocks.first_reply.risk_at == "2026-03-02T09:45:00Z"
    assert clocks.resolution.due_at == "2026-03-02T17:00:00Z"  # high: 480 minutes
    assert clocks.next_reply.state == "off" and clocks.live_due("next_reply") is None
    assert (clocks.due_at, clocks.risk_at, clocks.paused) == ("2026-03-02T10:00:00Z", "2026-03-02T09:45:00Z", False)


def test_a_ticket_created_on_saturday_is_due_counted_from_monday_opening() -> None:
    clocks = fold_clocks(Story().created("2026-03-07T11:00:00Z", "normal").events, OFFICE)
    assert clocks.first_reply.due_at == "2026-03-09T12:00:00Z"  # Monday 13:00 Berlin
    assert clocks.first_reply.risk_at == "2026-03-09T11:00:00Z"  # 180 of 240 minutes: Monday 12:00
    assert clocks.resolution.due_at == "2026-03-11T16:00:00Z"  # 1440 minutes: three office days
    assert state_of(clocks, "2026-03-08T20:00:00Z") is SlaState.OK  # nobody is late on Sunday evening


def test_the_first_reply_meets_its_clock_and_a_late_one_is_a_breach_by_business_minutes() -> None:
    on_time = fold_clocks(Story().created(MONDAY_0900, "urgent").reply("2026-03-02T08:10:00Z").events, OFFICE)
    assert on_time.first_reply.state == "met" and on_time.first_reply.margin == 5 * 60
    assert on_time.reply_breaches == 0
    # Friday 16:50 Berlin, urgent (15 min): due Monday 09:05; replied Monday 09:30, 25 minutes over.
    late = fold_clocks(Story().created("2026-03-06T15:50:00Z", "urgent").reply("2026-03-09T08:30:00Z").events, OFFICE)
    assert late.first_reply.due_at == "2026-03-09T08:05:00Z"
    assert late.first_reply.state == "breached" and late.first_reply.margin == -25 * 60
    assert late.reply_breaches == 1


def test_a_reply_on_saturday_to_a_ticket_due_friday_at_closing_is_breached() -> None:
    clocks = fold_clocks(Story().created("2026-03-06T15:00:00Z", "high").reply("2026-03-07T09:00:00Z").events, OFFICE)
    assert clocks.first_reply.due_at == "2026-03-06T16:00:00Z"
    assert clocks.first_reply.state == "breached"
    assert clocks.first_reply.margin == 0  # no business minute passed since the due time: over by none


def test_first_reply_never_pauses_while_resolution_does() -> None:
    clocks = fold_clocks(Story().created(MONDAY_0900, "normal").status("2026-03-02T09:00:00Z", "pending").events,
                         OFFICE)
    assert clocks.first_reply.state == "running" and clocks.first_reply.due_at == "2026-03-02T12:00:00Z"
    assert clocks.resolution.state == "paused" and clocks.resolution.due_at is None
    assert clocks.resolution.banked == 60 * 60
    assert clocks.paused


def test_a_pause_across_the_weekend_resumes_on_the_customer_s_contact() -> None:
    story = (Story().created("2026-03-06T08:00:00Z", "normal")  # Friday 09:00 Berlin
             .reply("2026-03-06T09:00:00Z")
             .status("2026-03-06T14:00:00Z", "pending")  # Friday 15:00: 360 minutes counted
             .contact("2026-03-09T09:00:00Z"))  # Monday 10:00
    clocks = fold_clocks(story.events, OFFICE)
    assert clocks.resolution.state == "running" and clocks.resolution.banked == 360 * 60
    # 1440 - 360 = 1080 minutes from Monday 10:00: Monday 7 h, Tuesday 8 h, Wednesday 3 h → 12:00 Berlin.
    assert clocks.resolution.due_at == "2026-03-11T11:00:00Z"
    # The contact after the reply starts the next-reply clock (normal: 240) from Monday 10:00.
    assert clocks.next_reply.state == "running" and clocks.next_reply.due_at == "2026-03-09T13:00:00Z"


def test_next_reply_pauses_while_pending_and_resumes_on_a_status_change() -> None:
    story = (Story().created(MONDAY_0900, "high")
             .reply("2026-03-02T08:05:00Z")
             .contact("2026-03-02T09:00:00Z")  # Monday 10:00: next reply due 11:00
             .status("2026-03-02T09:20:00Z", "pending"))  # 20 minutes counted
    paused = fold_clocks(story.events, OFFICE)
    assert paused.next_reply.state == "paused" and paused.next_reply.banked == 20 * 60
    assert paused.live_due("next_reply") is None
    resumed = fold_clocks(story.status("2026-03-03T08:00:00Z", "open").events, OFFICE)  # Tuesday 09:00
    assert resumed.next_reply.state == "running" and resumed.next_reply.due_at == "2026-03-03T08:40:00Z"
    assert resumed.next_reply.since == "2026-03-03T08:00:00Z"


def test_a_clock_paused_past_its_due_keeps_reading_breached() -> None:
    story = (Story().created(MONDAY_0900, "urgent")
             .reply("2026-03-02T08:05:00Z")
             .contact("2026-03-02T08:10:00Z")  # next reply due 08:25Z
             .status("2026-03-02T09:00:00Z", "pending"))
    clocks = fold_clocks(story.events, OFFICE)
    assert clocks.next_reply.state == "paused" and clocks.next_reply.due_at == "2026-03-02T08:25:00Z"
    assert state_of(clocks, "2026-03-02T10:00:00Z") is SlaState.BREACHED
    replied = fold_clocks(story.reply("2026-03-02T10:00:00Z").events, OFFICE)
    assert replied.next_reply.state == "breached" and replied.reply_breaches == 1
    assert replied.next_reply.margin == -35 * 60  # 50 minutes counted before the pause, 15 allowed


def test_resolution_is_met_at_resolved_and_a_reopen_resumes_it() -> None:
    story = (Story().created(MONDAY_0900, "urgent").reply("2026-03-02T08:05:00Z")
             .status("2026-03-02T10:00:00Z", "resolved"))  # 120 of 240 minutes
    met = fold_clocks(story.events, OFFICE)
    assert met.resolution.state == "met" and met.resolution.margin == 120 * 60
    assert met.due_at is None and met.policy_version is None  # nothing live: no policy followed
    reopened = fold_clocks(story.status("2026-03-03T08:00:00Z", "open").events, OFFICE)
    assert reopened.resolution.state == "running" and reopened.resolution.banked == 120 * 60
    assert reopened.resolution.due_at == "2026-03-03T10:00:00Z"  # Tuesday 09:00 + the 120 left
    late = fold_clocks(story.status("2026-03-03T11:00:00Z", "closed").events, OFFICE)
    assert late.resolution.state == "breached" and late.resolution_breaches == 1
    assert late.breaches == 1


def test_resolving_ends_the_reply_clocks_too() -> None:
    clocks = fold_clocks(Story().created(MONDAY_0900, "normal").status("2026-03-02T09:00:00Z", "resolved").events,
                         OFFICE)
    assert clocks.first_reply.state == "met" and clocks.resolution.state == "met"
    later = fold_clocks(Story().created(MONDAY_0900, "normal").contact("2026-03-02T08:30:00Z").events, OFFICE)
    assert later.next_reply.state == "off"  # first reply still owed: the contact adds no clock


def test_a_contact_while_pending_resumes_and_a_new_pending_pauses_again() -> None:
    story = (Story().created(MONDAY_0900, "normal").reply("2026-03-02T08:10:00Z")
             .status("2026-03-02T09:00:00Z", "pending")
             .contact("2026-03-02T10:00:00Z"))
    clocks = fold_clocks(story.events, OFFICE)
    assert not clocks.paused and clocks.next_reply.state == "running"
    again = fold_clocks(story.status("2026-03-02T11:00:00Z", "pending").events, OFFICE)
    assert again.resolution.state == "paused" and again.resolution.banked == 120 * 60  # 08-09, 10-11


def test_an_escalation_re_times_running_clocks_from_their_start() -> None:
    clocks = fold_clocks(Story().created(MONDAY_0900, "low").escalate("2026-03-02T09:00:00Z", "urgent").events,
                         OFFICE)
    assert clocks.first_reply.due_at == "2026-03-02T08:15:00Z"  # already past: breached now
    assert clocks.resolution.due_at == "2026-03-02T12:00:00Z"
    assert state_of(clocks, "2026-03-02T09:00:00Z") is SlaState.BREACHED


def test_a_transfer_to_a_queue_with_other_hours_keeps_the_time_counted() -> None:
    night_desk = policy("mon-sun 20:00-08:00", "UTC")
    policies = book((1, 0, "2026-01-01T00:00:00Z", BERLIN_OFFICE), (2, 0, "2026-01-01T00:00:00Z", night_desk))
    story = Story().created(MONDAY_0900, "normal", queue=1).transfer("2026-03-02T09:00:00Z", 2)  # 60 counted
    clocks = fold_clocks(story.events, policies)
    assert clocks.first_reply.banked == 60 * 60 and clocks.first_reply.since == "2026-03-02T09:00:00Z"
    assert clocks.first_reply.due_at == "2026-03-02T23:00:00Z"  # the 180 left from the night desk's 20:00
    back = fold_clocks(story.transfer("2026-03-02T21:00:00Z", 1).events, policies)  # 60 more at night
    assert back.first_reply.banked == 120 * 60 and back.first_reply.due_at == "2026-03-03T10:00:00Z"


def test_a_policy_edit_while_clocks_run_keeps_the_time_counted_and_lays_out_the_rest() -> None:
    story = Story().created(MONDAY_0900, "normal")
    before = fold_clocks(story.events, OFFICE)
    assert before.first_reply.due_at == "2026-03-02T12:00:00Z"
    # Monday 10:00 Berlin (60 counted): the first-reply target becomes 120, the hours unchanged.
    edited = OFFICE.with_version(PolicyVersion(
        2, None, 1, "2026-03-02T09:00:00Z", policy("mon-fri 09:00-17:00", "Europe/Berlin", "DE-BY",
                                                   ("normal:first=120",))))
    clocks = SlaClocks.from_json(before.to_json())
    assert clocks.catch_up(edited)
    assert clocks.first_reply.due_at == "2026-03-02T10:00:00Z"  # 60 counted + 60 left
    assert clocks.first_reply.banked == 60 * 60 and clocks.policy_version == 2
    assert clocks.to_json() == fold_clocks(story.events, edited).to_json()  # what a rebuild gives


def test_a_schedule_edit_to_24_7_late_in_the_day() -> None:
    story = Story().created(MONDAY_0900, "normal")
    edited = book((None, 0, "2026-01-01T00:00:00Z", BERLIN_OFFICE), (None, 1, "2026-03-02T15:00:00Z", policy()))
    clocks = fold_clocks(story.events, edited)  # at 16:00 Berlin: 420 minutes counted
    assert clocks.resolution.banked == 420 * 60
    assert clocks.resolution.due_at == "2026-03-03T08:00:00Z"  # 1020 minutes later, round the clock
    assert clocks.first_reply.due_at == "2026-03-02T12:00:00Z"  # past already: stays where it was


def test_a_store_wide_edit_does_not_move_a_queue_with_its_own_policy() -> None:
    own = book((1, 0, "2026-01-01T00:00:00Z", BERLIN_OFFICE))
    story = Story().created(MONDAY_0900, "normal")
    clocks = fold_clocks(story.events, own)
    edited = own.with_version(PolicyVersion(2, None, 1, "2026-03-02T09:00:00Z", policy()))
    assert not clocks.catch_up(edited)
    assert clocks.resolution.due_at == "2026-03-04T16:00:00Z"  # three office days: Wednesday 17:00 Berlin
    # Monday 16:00 Berlin (420 counted) the queue's own policy is withdrawn: the store-wide 24/7 one governs.
    removed = edited.with_version(PolicyVersion(3, 1, 1, "2026-03-02T15:00:00Z", None))
    assert clocks.catch_up(removed)
    assert clocks.resolution.due_at == "2026-03-03T08:00:00Z"  # the 1020 minutes left, round the clock
    assert clocks.to_json() == fold_clocks(story.events, removed).to_json()


def test_loyal_customers_get_the_tighter_target_and_never_a_slower_one() -> None:
    tiered = book((None, 0, "2026-01-01T00:00:00Z",
                   policy(targets=("urgent@loyal:first=5,resolution=999",))))
    loyal = fold_clocks(Story().created("2026-03-02T09:00:00Z", "urgent", tier="loyal").events, tiered)
    standard = fold_clocks(Story().created("2026-03-02T09:00:00Z", "urgent").events, tiered)
    assert loyal.first_reply.due_at == "2026-03-02T09:05:00Z"
    assert standard.first_reply.due_at == "2026-03-02T09:15:00Z"
    assert loyal.resolution.due_at == standard.resolution.due_at == "2026-03-02T13:00:00Z"


def test_events_stamped_before_the_last_one_count_at_the_latest_instant() -> None:
    story = Story().created("2026-03-02T09:00:00Z", "urgent").add("note", "2026-03-02T09:20:00Z", note="x")
    clocks = fold_clocks(story.reply("2026-03-02T09:10:00Z").events)
    assert clocks.first_reply.state == "breached"  # counted at 09:20, past the 09:15 due time
    assert clocks.as_of == "2026-03-02T09:20:00Z"


def test_a_snapshot_restores_to_the_same_clocks() -> None:
    story = (Story().created(MONDAY_0900, "high").reply("2026-03-02T08:05:00.5Z")
             .contact("2026-03-02T09:00:00Z").status("2026-03-02T09:20:00Z", "pending"))
    clocks = fold_clocks(story.events, OFFICE)
    restored = SlaClocks.from_json(clocks.to_json())
    assert restored == clocks and restored.to_json() == clocks.to_json()
    assert SlaClocks.from_row(clocks.to_row()) == clocks
    assert clocks.to_dict()["next_reply_state"] == "paused" and clocks.to_dict()["resolution_banked"] == 4800


def test_events_before_created_touch_nothing() -> None:
    clocks = SlaClocks()
    clocks.apply(Story().reply("2026-03-02T09:00:00Z").events[0])
    assert clocks == SlaClocks()


def test_the_clocks_as_a_person_reads_them_at_a_moment() -> None:
    story = (Story().created(MONDAY_0900, "high").reply("2026-03-02T08:20:00Z")
             .contact("2026-03-02T09:00:00Z").status("2026-03-02T09:50:00Z", "pending"))
    views = {v.name: v for v in clock_views(fold_clocks(story.events, OFFICE), "2026-03-02T15:00:00Z", OFFICE)}
    first, following, resolution = views["first_reply"], views["next_reply"], views["resolution"]
    assert (first.state, first.sla_state, first.minutes_left, first.label) == ("met", SlaState.NONE, 40, "First reply")
    assert (following.state, following.minutes_left, following.due_at) == ("paused", 10, None)
    assert (resolution.state, resolution.minutes_left, resolution.target_minutes) == ("paused", 370, 480)
    running = {v.name: v for v in clock_views(fold_clocks(story.events[:3], OFFICE), "2026-03-02T10:30:00Z", OFFICE)}
    assert running["next_reply"].sla_state is SlaState.BREACHED  # due 10:00Z
    assert running["next_reply"].minutes_left == -30
    assert running["resolution"].sla_state is SlaState.OK and running["resolution"].minutes_left == 330


def test_a_clock_paused_after_its_due_time_outside_hours_is_breached_when_it_stops() -> None:
    story = (Story().created("2026-03-06T08:00:00Z", "normal").reply("2026-03-06T08:10:00Z")
             .contact("2026-03-06T12:00:00Z")  # Friday 13:00 Berlin: next reply due at closing, 17:00
             .status("2026-03-07T10:00:00Z", "pending")  # Saturday: no business minute over, but past due
             .reply("2026-03-09T08:00:00Z"))
    clocks = fold_clocks(story.events, OFFICE)
    assert clocks.next_reply.due_at == "2026-03-06T16:00:00Z"
    assert clocks.next_reply.state == "breached" and clocks.next_reply.margin == 0
    assert clocks.reply_breaches == 1
