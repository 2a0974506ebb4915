"""Service-recovery cases and evaluations (DESIGN §1, §3): the rules and the fold, in pure Python.

A case lives only in ``recovery_step`` events on its ticket. The opening event carries the checklist
(so the case keeps it whatever happens to the checklist later); its sequence number is the case's id.
A ticket has at most one open case, so a step event belongs to the ticket's open case. ``fold_cases`` rebuilds every
case from the events alone; the store keeps the result in ``recovery_cases`` for speed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from csconsole.domain.checklists import DEFAULT, Checklist, Records, Step
from csconsole.domain.errors import BadInput, RuleViolation
from csconsole.domain.ticket import Event
from csconsole.domain.words import EventKind

OPEN, STEP = "open", "step"


class RootCause(StrEnum):
    ASSOCIATE = "associate"
    POLICY = "policy"
    PROCESS = "process"
    PRODUCT = "product"
    OTHER = "other"


class Outcome(StrEnum):
    RECOVERED = "recovered"
    PARTIAL = "partial"
    LOST = "lost"


SCORES = range(1, 6)


@dataclass(slots=True)
class StepDone:
    step: Step
    at: str
    actor: int | None
    note: str
    fields: dict[str, Any]
    seq: int | None = None


@dataclass(slots=True)
class RecoveryCase:
    id: int  # the seq of the opening event
    ticket_id: int
    checklist: Checklist
    opened_at: str
    opened_by: int | None
    note: str = ""
    done: list[StepDone] = field(default_factory=list)
    updated_at: str = ""
    last_seq: int = 0

    @property
    def next_step(self) -> Step | None:
        steps = self.checklist.steps
        return steps[len(self.done)] if len(self.done) < len(steps) else None

    @property
    def complete(self) -> bool:
        return len(self.done) == len(self.checklist.steps)

    @property
    def completed_at(self) -> str | None:
        return self.done[-1].at if self.complete else None

    @property
    def progress(self) -> tuple[int, int]:
        return len(self.done), len(self.checklist.steps)

    def _fields(self, records: Records) -> dict[str, Any]:
        for done in self.done:
            if done.step.records is records:
                return done.fields
        return {}

    @property
    def promise(self) -> dict[str, Any]:
        return self._fields(Records.PROMISE)

    @property
    def resolution(self) -> dict[str, Any]:
        return self._fields(Records.RESOLUTION)

    @property
    def evaluation(self) -> dict[str, Any]:
        return self._fields(Records.EVALUATION)

    @property
    def resolved(self) -> bool:
        return bool(self.resolution)

    def promise_overdue(self, today: str) -> bool:
        """Promised by a day before ``today`` (YYYY-MM-DD) and not resolved yet."""
        by = self.promise.get("promised_by")
        return isinstance(by, str) and bool(by) and not self.resolved and by < today

    def follow_up_due(self, today: str) -> bool:
        """A follow-up on or before ``today`` while the case is still open."""
        when = self.resolution.get("follow_up")
        return isinstance(when, str) and bool(when) and not self.complete and when <= today


# --- checking what a supervisor asks for -------------------------------------------------------------

def open_data(checklist: Checklist = DEFAULT, note: str = "") -> dict[str, Any]:
    """The data of the event that opens a case."""
    return {"action": OPEN, "checklist": checklist.to_data(), "note": note.strip()}


def check_can_open(open_cases: Iterable[RecoveryCase], ticket_id: int) -> None:
    for case in open_cases:
        if case.ticket_id == ticket_id and not case.complete:
            raise RuleViolation(
                f"ticket {ticket_id} already has an open recovery case ({case.id}); finish it first"
            )


def check_step(case: RecoveryCase, step_key: str, note: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The data of the event that does ``step_key`` on ``case``; refuses a step out of order or bad fields."""
    step = case.checklist.step(step_key)
    if case.complete:
        raise RuleViolation(f"recovery case {case.id} is complete; open a new case to start again")
    position = case.checklist.steps.index(step)
    if position < len(case.done):
        raise RuleViolation(f"{step.title} is already done on recovery case {case.id}")
    if position > len(case.done):
        expected = case.next_step
        assert expected is not None
        raise RuleViolation(
            f"steps are done in order: {expected.title} comes before {step.title} on recovery case {case.id}"
        )
    text = (note or "").strip()
    if not text:
        raise BadInput(f"{step.title} needs a note")
    data: dict[str, Any] = {"action": STEP, "step": step.key, "note": text}
    data.update(_check_fields(step, fields))
    return data


def check_complete(case: RecoveryCase) -> None:
    """Refuse to call a case complete while steps are missing."""
    if not case.complete:
        missing = ", ".join(s.title for s in case.checklist.steps[len(case.done):])
        raise RuleViolation(f"recovery case {case.id} is not complete: still to do: {missing}")


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    return "" if value is None else str(value).strip()


def parse_day(value: str, what: str) -> str:
    """A calendar day as YYYY-MM-DD (an ISO time is cut to its day)."""
    text = value.strip()
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise BadInput(f"{what} must be a date like 2026-03-31, not {value!r}") from None


def _check_fields(step: Step, fields: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if step.records is Records.PROMISE:
        promise = _text(fields, "promise")
        if not promise:
            raise BadInput(f"{step.title} records what was promised")
        by = _text(fields, "promised_by")
        if not by:
            raise BadInput(f"{step.title} records the promised-by date")
        out = {"promise": promise, "promised_by": parse_day(by, "the promised-by date")}
    elif step.records is Records.RESOLUTION:
        fix = _text(fields, "fix")
        if not fix:
            raise BadInput(f"{step.title} records the fix: what was done")
        out = {"fix": fix, "outcome": _enum(Outcome, _text(fields, "outcome"), "outcome").value}
        kind, amount = _text(fields, "goodwill_kind"), fields.get("goodwill_amount")
        if amount not in (None, ""):
            try:
                number = float(str(amount))
            except ValueError:
                raise BadInput(f"the goodwill amount must be a number, not {amount!r}") from None
            if number < 0:
                raise BadInput("the goodwill amount cannot be negative")
            if not kind:
                raise BadInput("say what kind of goodwill the amount is (a refund, a voucher…)")
            out["goodwill_amount"] = round(number, 2)
        if kind:
            out["goodwill_kind"] = kind
        follow_up = _text(fields, "follow_up")
        if follow_up:
            out["follow_up"] = parse_day(follow_up, "the follow-up date")
    elif step.records is Records.EVALUATION:
        cause = _enum(RootCause, _text(fields, "root_cause"), "root cause")
        policy = fields.get("policy")
        if cause is RootCause.POLICY and policy is None:
            raise BadInput("a policy root cause names the policy involved: pick it from the list")
        change = _text(fields, "change")
        out = {"root_cause": cause.value, "policy": None if policy is None else int(policy), "change": change}
    return out


def _enum(enum: type[StrEnum], value: str, what: str) -> StrEnum:
    allowed = ", ".join(m.value for m in enum)
    if not value:
        raise BadInput(f"the {what} is required (one of: {allowed})")
    try:
        return enum(value.lower())
    except ValueError:
        raise BadInput(f"unknown {what} {value!r} (expected one of: {allowed})") from None


def check_score(value: object, what: str) -> int:
    """A score 1–5; anything else (0, 6, 4.5, "good") is refused."""
    text = str(value).strip() if value is not None else ""
    if isinstance(value, bool) or not text.isdigit() or int(text) not in SCORES:
        raise BadInput(f"the {what} must be a whole number from 1 to 5, not {value!r}")
    return int(text)


def evaluation_data(
    *, associate_id: int | None, associate_score: object, policy_id: int | None, policy_score: object,
    comment: str = "",
) -> dict[str, Any]:
    """The data of an ``evaluation`` event: the two scores kept apart, never blended into one."""
    data: dict[str, Any] = {
        "associate": associate_id,
        "associate_score": check_score(associate_score, "associate score"),
        "policy": policy_id,
        "policy_score": None,
        "comment": (comment or "").strip(),
    }
    if policy_id is None:
        if policy_score not in (None, ""):
            raise BadInput("a policy score needs the policy it judges")
    else:
        data["policy_score"] = check_score(policy_score, "policy score")
    return data


# --- the fold ----------------------------------------------------------------------------------------

def open_case(event: Event) -> RecoveryCase:
    """The case an opening ``recovery_step`` event (with its seq) starts."""
    assert event.seq is not None and event.ticket_id is not None  # a case is opened on a ticket
    case = RecoveryCase(
        id=event.seq, ticket_id=event.ticket_id, checklist=Checklist.from_data(event.data["checklist"]),
        opened_at=event.at, opened_by=event.actor, note=str(event.data.get("note", "")),
        updated_at=event.at, last_seq=event.seq,
    )
    return case


def advance(case: RecoveryCase, event: Event) -> None:
    """Add one step event to its case (a ticket has at most one open case: the step is for that one)."""
    data = event.data
    step = case.checklist.step(str(data["step"]))
    fields = {k: v for k, v in data.items() if k not in ("action", "step", "note")}
    case.done.append(StepDone(step, event.at, event.actor, str(data.get("note", "")), fields, event.seq))
    case.updated_at = event.at
    case.last_seq = event.seq or case.last_seq


@dataclass(frozen=True)
class RecoveryTriggers:
    """When the console proposes a recovery case (DESIGN: bounces >= 3, contacts >= 3, a breached SLA on a
    loyal customer). Thresholds below 3 are allowed; the indexes serve 3 and above directly."""

    min_bounces: int = 3
    min_contacts: int = 3
    loyal_breach: bool = True

    def __post_init__(self) -> None:
        if self.min_bounces < 1 or self.min_contacts < 1:
            raise BadInput("recovery triggers start at 1 bounce and 1 contact")


class CaseBook:
    """Folds ``recovery_step`` events of any number of tickets, in seq order, into cases."""

    def __init__(self) -> None:
        self.cases: dict[int, RecoveryCase] = {}
        self._open: dict[int, RecoveryCase] = {}  # ticket id → its open case

    def apply(self, event: Event) -> RecoveryCase | None:
        if event.kind != EventKind.RECOVERY_STEP:
            return None
        if event.data.get("action") == OPEN:
            case = open_case(event)
            self.cases[case.id] = case
        else:
            assert event.ticket_id is not None  # a recovery step is on a ticket
            case = self._open[event.ticket_id]
            advance(case, event)
        if case.complete:
            self._open.pop(case.ticket_id, None)
        else:
            self._open[case.ticket_id] = case
        return case


def fold_cases(events: Iterable[Event]) -> dict[int, RecoveryCase]:
    book = CaseBook()
    for event in events:
        book.apply(event)
    return book.cases


def money(amount: object, currency: str = "") -> str:
    """A goodwill amount with two decimals, and its currency when one is known ("25.00 EUR")."""
    try:
        text = f"{float(str(amount)):,.2f}"
    except ValueError:
        text = str(amount)
    return f"{text} {currency}" if currency else text


def describe(kind: str, data: dict[str, Any], policies: Mapping[int, str] | None = None,
             currency: str = "") -> str | None:
    """One plain line for a ticket's history; None for events that are not recovery or evaluation.

    ``policies`` (id → name) names the policy a root cause or an evaluation points at; ``currency`` goes
    with goodwill amounts (the console's preference: the events record the amount alone)."""
    names = policies or {}

    def policy_name(policy_id: object) -> str:
        return f"“{names[policy_id]}”" if isinstance(policy_id, int) and policy_id in names else f"#{policy_id}"

    if kind == EventKind.RECOVERY_STEP:
        if data.get("action") == OPEN:
            name = data.get("checklist", {}).get("name", "")
            return f"Recovery case opened ({name})" + (f": {data['note']}" if data.get("note") else "")
        title = str(data.get("step", "")).capitalize()
        extra = ""
        if data.get("promise"):
            extra = f" — promised: {data['promise']} by {data.get('promised_by')}"
        elif data.get("fix"):
            goodwill = ""
            if data.get("goodwill_kind"):
                amount = data.get("goodwill_amount")
                goodwill = f", goodwill {data['goodwill_kind']}" + (f" {money(amount, currency)}" if amount else "")
            extra = f" — {data['fix']}{goodwill}; {data.get('outcome')}"
        elif data.get("root_cause"):
            policy = f" ({policy_name(data['policy'])})" if data.get("policy") is not None else ""
            extra = f" — root cause: {data['root_cause']}{policy}"
        note = str(data.get("note") or "")
        return f"Recovery · {title}" + (f": {note}" if note else "") + extra
    if kind == EventKind.EVALUATION:
        policy = ""
        if data.get("policy") is not None:
            score = data.get("policy_score")
            policy = f"; policy {policy_name(data['policy'])}" + (f" {score}/5" if score is not None else "")
        comment = f": {data['comment']}" if data.get("comment") else ""
        return f"Evaluated: associate {data.get('associate_score')}/5{policy}{comment}"
    return None
