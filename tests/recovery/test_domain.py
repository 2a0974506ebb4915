"""The recovery rules in pure Python: steps in order, completeness, checklists as data, scores kept apart."""

from __future__ import annotations

from typing import Any

import pytest

from csconsole.domain.checklists import AWARE, HEARD, LEARN, Checklist, Records, make_checklist
from csconsole.domain.errors import BadInput, RuleViolation
from csconsole.domain.recovery import (
    CaseBook,
    RecoveryCase,
    check_complete,
    check_score,
    check_step,
    evaluation_data,
    fold_cases,
    open_data,
)
from csconsole.domain.ticket import Event

AGREE = {"promise": "Refund the double charge", "promised_by": "2026-03-02"}
RESOLVE = {"fix": "Refunded", "outcome": "recovered", "goodwill_kind": "voucher", "goodwill_amount": "25",
           "follow_up": "2026-03-09"}
EVALUATE = {"root_cause": "policy", "policy": 3, "change": "Raise the approval limit"}


class Case:
    """Builds events like the service does: check, then append with the next seq."""

    def __init__(self, checklist: Checklist = AWARE, ticket: int = 7, seq: int = 10) -> None:
        self.events = [Event(ticket, "recovery_step", "2026-03-01T09:00:00Z", 5, open_data(checklist), seq)]
        self.book = CaseBook()
        self.case: RecoveryCase = self.book.apply(self.events[0])  # type: ignore[assignment]

    def do(self, step: str, fields: dict[str, Any] | None = None, note: str = "done") -> None:
        data = check_step(self.case, step, note, fields or {})
        event = Event(self.case.ticket_id, "recovery_step", f"2026-03-01T10:{len(self.events):02d}:00Z", 5, data,
                      self.case.id + len(self.events))
        self.events.append(event)
        self.book.apply(event)


def walk_aware(case: Case) -> None:
    case.do("acknowledge")
    case.do("widen")
    case.do("agree", AGREE)
    case.do("resolve", RESOLVE)
    case.do("evaluate", EVALUATE)


def test_aware_is_the_default_and_walks_its_five_steps_in_order() -> None:
    case = Case()
    assert [s.title for s in case.case.checklist.steps] == ["Acknowledge", "Widen", "Agree", "Resolve", "Evaluate"]
    walk_aware(case)
    assert case.case.complete
    assert case.case.completed_at == case.events[-1].at
    assert case.case.promise == {"promise": "Refund the double charge", "promised_by": "2026-03-02"}
    assert case.case.resolution["goodwill_amount"] == 25.0
    assert case.case.evaluation == {"root_cause": "policy", "policy": 3, "change": "Raise the approval limit"}


@pytest.mark.parametrize("step", ["widen", "agree", "resolve", "evaluate"])
def test_a_step_out_of_order_is_refused(step: str) -> None:
    case = Case()
    with pytest.raises(RuleViolation, match="in order: Acknowledge comes before"):
        check_step(case.case, step, "note", {**AGREE, **RESOLVE, **EVALUATE})


def test_a_step_done_twice_is_refused_and_a_complete_case_takes_no_more() -> None:
    case = Case()
    case.do("acknowledge")
    with pytest.raises(RuleViolation, match="already done"):
        check_step(case.case, "acknowledge", "again", {})
    case.do("widen")
    case.do("agree", AGREE)
    case.do("resolve", RESOLVE)
    case.do("evaluate", EVALUATE)
    with pytest.raises(RuleViolation, match="complete"):
        check_step(case.case, "evaluate", "again", EVALUATE)


def test_complete_only_when_every_step_is_done() -> None:
    case = Case()
    case.do("acknowledge")
    case.do("widen")
    assert not case.case.complete and case.case.completed_at is None
    with pytest.raises(RuleViolation, match="still to do: Agree, Resolve, Evaluate"):
        check_complete(case.case)
    case.do("agree", AGREE)
    case.do("resolve", RESOLVE)
    case.do("evaluate", EVALUATE)
    check_complete(case.case)


@pytest.mark.parametrize(
    ("step", "fields", "message"),
    [
        ("agree", {"promised_by": "2026-03-02"}, "what was promised"),
        ("agree", {"promise": "x"}, "promised-by date"),
        ("agree", {"promise": "x", "promised_by": "next week"}, "must be a date"),
        ("resolve", {"outcome": "recovered"}, "the fix"),
        ("resolve", {"fix": "x", "outcome": "happy"}, "unknown outcome"),
        ("resolve", {"fix": "x", "outcome": "lost", "goodwill_amount": "-3", "goodwill_kind": "refund"}, "negative"),
        ("resolve", {"fix": "x", "outcome": "lost", "goodwill_amount": "20"}, "what kind of goodwill"),
        ("evaluate", {"root_cause": "bad luck"}, "unknown root cause"),
        ("evaluate", {"root_cause": "policy"}, "names the policy"),
    ],
)
def test_each_step_checks_what_it_records(step: str, fields: dict[str, Any], message: str) -> None:
    case = Case()
    for earlier in ("acknowledge", "widen", "agree", "resolve", "evaluate"):
        if earlier == step:
            break
        case.do(earlier, {"agree": AGREE, "resolve": RESOLVE}.get(earlier))
    with pytest.raises(BadInput, match=message):
        check_step(case.case, step, "note", fields)


def test_a_step_needs_a_note() -> None:
    with pytest.raises(BadInput, match="needs a note"):
        check_step(Case().case, "acknowledge", "  ", {})


def test_a_custom_checklist_is_data_and_the_case_keeps_it() -> None:
    mine = make_checklist("CALM", [("Calm", "", "note"), ("Fix", "", "resolution"), ("Learn", "", "evaluation")])
    case = Case(mine)
    case.do("calm")
    case.do("fix", RESOLVE)
    case.do("learn", {"root_cause": "process"})
    assert case.case.complete
    # The checklist travels in the opening event: folding the events again gives the same case even if
    # the business later changes or deletes its checklist.
    again = fold_cases(case.events)[case.case.id]
    assert again.checklist == mine and [d.step.key for d in again.done] == ["calm", "fix", "learn"]
    assert Checklist.from_data(mine.to_data()) == mine


def test_heard_and_learn_ship_with_their_steps() -> None:
    assert [s.title for s in HEARD.steps] == ["Hear", "Empathize", "Apologize", "Resolve", "Diagnose"]
    assert [s.title for s in LEARN.steps] == ["Listen", "Empathize", "Apologize", "Respond", "Notify"]
    assert HEARD.steps[3].records is Records.RESOLUTION and LEARN.steps[4].records is Records.EVALUATION


@pytest.mark.parametrize(
    ("steps", "message"),
    [([], "at least one step"), ([("A", "", "note"), ("a", "", "note")], "twice"),
     ([("A", "", "nonsense")], "records"), ([("", "", "note")], "needs a name"),
     ([("A", "", "promise"), ("B", "", "promise")], "more than one promise")],
)
def test_a_broken_checklist_is_refused(steps: list[tuple[str, str, str]], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        make_checklist("Mine", steps)


def test_fold_keeps_cases_of_many_tickets_apart_and_a_ticket_can_have_a_second_case() -> None:
    first, other = Case(ticket=1, seq=10), Case(ticket=2, seq=50)
    walk_aware(first)
    other.do("acknowledge")
    events = first.events + other.events
    second_open = Event(1, "recovery_step", "2026-03-05T09:00:00Z", 5, open_data(HEARD), 100)
    second_step = Event(1, "recovery_step", "2026-03-05T10:00:00Z", 5, {"action": "step", "step": "hear",
                                                                        "note": "x"}, 101)
    cases = fold_cases([*sorted(events, key=lambda e: e.seq or 0), second_open, second_step])
    assert {c.id: (c.ticket_id, c.progress) for c in cases.values()} == {
        10: (1, (5, 5)), 50: (2, (1, 5)), 100: (1, (1, 5))}
    assert cases[100].checklist.name == "HEARD" and cases[100].done[0].step.key == "hear"


def test_promise_overdue_and_follow_up_due() -> None:
    case = Case()
    case.do("acknowledge")
    case.do("widen")
    case.do("agree", AGREE)  # promised by 2026-03-02
    assert case.case.promise_overdue("2026-03-03") and not case.case.promise_overdue("2026-03-02")
    case.do("resolve", RESOLVE)  # follow-up on 2026-03-09
    assert not case.case.promise_overdue("2026-03-03")
    assert case.case.follow_up_due("2026-03-09") and not case.case.follow_up_due("2026-03-08")
    case.do("evaluate", EVALUATE)
    assert not case.case.follow_up_due("2026-03-10")


@pytest.mark.parametrize("bad", [0, 6, "4.5", "good", "", None, True, -1])
def test_a_score_outside_one_to_five_is_refused(bad: object) -> None:
    with pytest.raises(BadInput, match="1 to 5"):
        check_score(bad, "associate score")


def test_evaluation_keeps_the_two_scores_apart() -> None:
    data = evaluation_data(associate_id=3, associate_score="5", policy_id=2, policy_score=1, comment=" ok ")
    assert data == {"associate": 3, "associate_score": 5, "policy": 2, "policy_score": 1, "comment": "ok"}
    without = evaluation_data(associate_id=3, associate_score=4, policy_id=None, policy_score=None)
    assert without["policy_score"] is None
    with pytest.raises(BadInput, match="needs the policy"):
        evaluation_data(associate_id=3, associate_score=4, policy_id=None, policy_score=2)
    with pytest.raises(BadInput, match="policy score"):
        evaluation_data(associate_id=3, associate_score=4, policy_id=2, policy_score=9)


def test_history_lines_for_recovery_and_evaluation_events() -> None:
    from csconsole.domain.recovery import describe

    case = Case()
    walk_aware(case)
    lines = [describe(e.kind, e.data) for e in case.events]
    assert lines[0] == "Recovery case opened (AWARE)"
    assert lines[1] == "Recovery · Acknowledge: done"
    assert lines[3] == "Recovery · Agree: done — promised: Refund the double charge by 2026-03-02"
    assert lines[4] == "Recovery · Resolve: done — Refunded, goodwill voucher 25.00; recovered"
    resolve = case.events[4]
    assert describe(resolve.kind, resolve.data, currency="EUR").endswith("goodwill voucher 25.00 EUR; recovered")
    assert lines[5].startswith("Recovery · Evaluate: done — root cause: policy (#")
    evaluate = case.events[5]
    named = {evaluate.data["policy"]: "Refunds over $50 need approval"}
    assert describe(evaluate.kind, evaluate.data, named).endswith("root cause: policy (“Refunds over $50 need approval”)")
    data = evaluation_data(associate_id=3, associate_score=5, policy_id=2, policy_score=1, comment="policy failed")
    assert describe("evaluation", data) == "Evaluated: associate 5/5; policy #2 1/5: policy failed"
    assert describe("evaluation", data, {2: "New customers only"}) == \
        "Evaluated: associate 5/5; policy “New customers only” 1/5: policy failed"
    assert describe(resolve.kind, {**resolve.data, "note": ""}).startswith("Recovery · Resolve — Refunded")  # no colon
    assert describe("reply", {"note": "x"}) is None
