"""Service recovery and evaluations: open a case, do its steps in order, evaluate a ticket, keep policies.

Each use case is one transaction: check the rule, append the event to the ticket (so it is in the audit
chain), update the derived row. A refusal raises a DomainError and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from csconsole.domain import clock
from csconsole.domain.checklists import Checklist, make_checklist
from csconsole.domain.errors import NotFound, RuleViolation
from csconsole.domain.recovery import (
    RecoveryCase,
    RecoveryTriggers,
    advance,
    check_can_open,
    check_complete,
    check_step,
    evaluation_data,
    open_case,
    open_data,
)
from csconsole.domain.rules import Agent, require_text
from csconsole.domain.ticket import Event
from csconsole.domain.words import EventKind
from csconsole.services.changes import Change, Kind, TicketChange
from csconsole.store import case_list, checklist_register, directory, recovery_cases
from csconsole.store import policies as policy_register
from csconsole.store import proposals as proposal_list
from csconsole.store.case_list import CaseFilter, CaseRow, RecoveryCounts
from csconsole.store.ledger import Ledger, load_state
from csconsole.store.policies import Policy
from csconsole.store.proposals import Proposal
from csconsole.store.retry import unit_of_work
from csconsole.store.store import Store

__all__ = [
    "CaseFilter", "CaseRow", "Policy", "Proposal", "RecoveryCounts", "StepResult", "complete_step",
    "evaluate", "open_recovery", "today",
]


@dataclass(frozen=True)
class StepResult:
    change: Change
    case: RecoveryCase


def today(now: str | None = None) -> str:
    """The calendar day (UTC) that promises and follow-ups are compared with."""
    return (now or clock.now_text())[:10]


def _supervisor(store: Store, actor_id: int) -> Agent:
    actor = directory.agent(store, actor_id)
    if not actor.active:
        raise RuleViolation(f"{actor.name} is no longer active")
    if not actor.role.may_supervise:
        raise RuleViolation(f"{actor.name} is an agent; only a supervisor or manager runs service recovery")
    return actor


def _record(ledger: Ledger, ticket_id: int, event: Event, action: str) -> Change:
    state = load_state(ledger.store, ticket_id)
    if state is None:
        raise NotFound(f"no ticket with id {ticket_id}")
    holder, status = state.holder, state.status
    seq = ledger.record(state, event)
    kinds = frozenset({Kind.TICKETS, Kind.EVALUATIONS if action == "evaluation" else Kind.RECOVERY})
    return Change(action, (TicketChange(ticket_id, (seq,), holder, state.holder, status, state.status),), kinds)


def _current(cases: list[RecoveryCase]) -> RecoveryCase | None:
    return next((c for c in cases if not c.complete), None)


@unit_of_work
def open_recovery(
    store: Store, ticket_id: int, *, actor_id: int, checklist: str | None = None, note: str = "",
    at: str | None = None,
) -> StepResult:
    """Open a recovery case on a ticket with the named checklist (AWARE by default)."""
    with store.atomic():
        ledger = Ledger(store)
        result = _open(ledger, ticket_id, actor_id, checklist, note, at or clock.now_text())
    return result


def _open(ledger: Ledger, ticket_id: int, actor_id: int, checklist: str | None, note: str, at: str) -> StepResult:
    store = ledger.store
    actor = _supervisor(store, actor_id)
    if load_state(store, ticket_id) is None:
        raise NotFound(f"no ticket with id {ticket_id}")
    chosen = checklist_register.checklist(store, checklist) if checklist else checklist_register.checklists(store)[0]
    check_can_open(recovery_cases.cases_of_ticket(store, ticket_id), ticket_id)
    event = Event(ticket_id, EventKind.RECOVERY_STEP, at, actor.id, open_data(chosen, note))
    change = _record(ledger, ticket_id, event, "recovery:open")
    case = open_case(event)
    recovery_cases.save_case(store, case)
    return StepResult(change, case)


@unit_of_work
def complete_step(
    store: Store, ticket_id: int, *, actor_id: int, step: str, note: str,
    fields: Mapping[str, Any] | None = None, checklist: str | None = None, at: str | None = None,
) -> StepResult:
    """Do the next step of the ticket's open case; with no open case, open one first (same transaction).

    ``fields`` holds what the step records: promise/promised_by (Agree); fix, goodwill_kind,
    goodwill_amount, follow_up, outcome (Resolve); root_cause, policy (name or id), change (Evaluate).
    """
    when = at or clock.now_text()
    values = dict(fields or {})
    with store.atomic():
        ledger = Ledger(store)
        actor = _supervisor(store, actor_id)
        case = _current(recovery_cases.cases_of_ticket(store, ticket_id))
        if case is None:
            case = _open(ledger, ticket_id, actor_id, checklist, "", when).case
        elif checklist and checklist.strip().lower() != case.checklist.name.lower():
            raise RuleViolation(
                f"recovery case {case.id} was opened with {case.checklist.name}; it keeps that checklist"
            )
        if values.get("policy") not in (None, ""):
            values["policy"] = _active_policy(store, values["policy"]).id
        else:
            values["policy"] = None
        data = check_step(case, step, note, values)
        event = Event(ticket_id, EventKind.RECOVERY_STEP, when, actor.id, data)
        change = _record(ledger, ticket_id, event, f"recovery:{data['step']}")
        advance(case, event)
        recovery_cases.save_case(store, case)
    return StepResult(change, case)


def complete_case(store: Store, case_id: int) -> RecoveryCase:
    """Confirm a case is complete; refuses, naming the missing steps, when it is not."""
    case = recovery_cases.case_by_id(store, case_id)
    check_complete(case)
    return case


def _active_policy(store: Store, ref: object) -> Policy:
    found = policy_register.policy(store, ref) if isinstance(ref, int) else policy_register.policy_by_name(store, str(ref))
    if not found.active:
        raise RuleViolation(f"policy {found.name!r} is no longer active")
    return found


@unit_of_work
def evaluate(
    store: Store, ticket_id: int, *, actor_id: int, associate_score: object, policy_score: object = None,
    policy: str | int | None = None, associate_id: int | None = None, comment: str = "", at: str | None = None,
) -> Change:
    """Review one ticket with two separate scores: how the associate did, how the policy served.

    The associate defaults to the ticket's owner; an agent is never marked down for a policy's failure
    because the two scores are stored, shown and averaged apart.
    """
    with store.atomic():
        ledger = Ledger(store)
        actor = _supervisor(store, actor_id)
        state = load_state(store, ticket_id)
        if state is None:
            raise NotFound(f"no ticket with id {ticket_id}")
        who = associate_id if associate_id is not None else state.owner_id
        if who is not None:
            directory.agent(store, who)
        judged = None if policy in (None, "") else _active_policy(store, policy).id
        data = evaluation_data(associate_id=who, associate_score=associate_score, policy_id=judged,
                               policy_score=policy_score, comment=comment)
        event = Event(ticket_id, EventKind.EVALUATION, at or clock.now_text(), actor.id, data)
        change = _record(ledger, ticket_id, event, "evaluation")
        recovery_cases.save_evaluation(store, event)
    return change


# --- reading -----------------------------------------------------------------------------------------

def cases(store: Store, flt: CaseFilter | None = None, *, now: str | None = None, limit: int = 1000) -> list[CaseRow]:
    moment = now or clock.now_text()
    return case_list.case_rows(store, flt or CaseFilter(), today=today(moment), now=moment, limit=limit)


def cases_of_ticket(store: Store, ticket_id: int) -> list[RecoveryCase]:
    return recovery_cases.cases_of_ticket(store, ticket_id)


def case_details(store: Store, rows: list[CaseRow]) -> Iterator[dict[str, Any]]:
    """Each case with its checklist and every step (done ones with time, actor, note and fields)."""
    _, agent_names = directory.names(store)
    policy_names = {p.id: p.name for p in policy_register.policies(store)}
    for row in rows:
        case = next(c for c in recovery_cases.cases_of_ticket(store, row.ticket_id) if c.id == row.id)
        steps: list[dict[str, Any]] = []
        for i, step in enumerate(case.checklist.steps):
            item: dict[str, Any] = {"step": step.key, "title": step.title, "done": i < len(case.done)}
            if i < len(case.done):
                done = case.done[i]
                fields = dict(done.fields)
                if fields.get("policy") is not None:
                    fields["policy"] = policy_names.get(fields["policy"], fields["policy"])
                item.update(at=done.at, actor=agent_names.get(done.actor) if done.actor else None,
                            note=done.note, **fields)
            steps.append(item)
        yield {
            "id": case.id, "ticket": row.ref, "ticket_id": row.ticket_id, "customer": row.customer,
            "loyal": row.loyal, "checklist": case.checklist.name, "opened_at": case.opened_at,
            "opened_by": row.opened_by, "complete": case.complete, "completed_at": case.completed_at,
            "steps_done": len(case.done), "steps_total": len(case.checklist.steps), "steps": steps,
            "promise": row.promise, "promised_by": row.promised_by, "follow_up": row.follow_up,
            "goodwill_kind": row.goodwill_kind, "goodwill_amount": row.goodwill_amount,
            "root_cause": row.root_cause, "policy": row.policy, "outcome": row.outcome,
        }


def current_case(store: Store, ticket_id: int) -> RecoveryCase | None:
    return _current(recovery_cases.cases_of_ticket(store, ticket_id))


def counts(store: Store, now: str | None = None) -> RecoveryCounts:
    return case_list.counts(store, today(now))


def open_recoveries_count(store: Store) -> int:
    return case_list.open_count(store)


def proposals(
    store: Store, *, now: str | None = None, triggers: RecoveryTriggers = RecoveryTriggers(), limit: int = 200
) -> list[Proposal]:
    """Tickets that need a recovery case and have none, by the floor's triggers."""
    moment = now or clock.now_text()
    return proposal_list.proposals(store, now=moment, triggers=triggers, limit=limit)


def checklists(store: Store) -> list[Checklist]:
    return checklist_register.checklists(store)


@unit_of_work
def save_checklist(store: Store, name: str, steps: list[tuple[str, str, str]], description: str = "") -> Checklist:
    """Add or change a business's own checklist; cases already opened keep the one they were opened with."""
    item = make_checklist(name, steps, description=description)
    with store.atomic():
        checklist_register.save_checklist(store, item, clock.now_text())
    return item


# --- the policy register -----------------------------------------------------------------------------

def policies(store: Store, *, active_only: bool = False) -> list[Policy]:
    return policy_register.policies(store, active_only=active_only)


@unit_of_work
def add_policy(store: Store, name: str, *, description: str = "", owner: str = "") -> Policy:
    text = require_text(name, "a policy name")
    with store.atomic():
        return policy_register.add_policy(store, text, description.strip(), owner.strip(), clock.now_text())


@unit_of_work
def update_policy(
    store: Store, policy_id: int, *, name: str | None = None, description: str | None = None,
    owner: str | None = None, active: bool | None = None,
) -> Policy:
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = require_text(name, "a policy name")
    if description is not None:
        values["description"] = description.strip()
    if owner is not None:
        values["owner"] = owner.strip()
    if active is not None:
        values["active"] = int(active)
    with store.atomic():
        return policy_register.update_policy(store, policy_id, **values)


def deactivate_policy(store: Store, policy_id: int) -> Policy:
    """Policies are never deleted (cases and evaluations point at them); a retired one is inactive."""
    return update_policy(store, policy_id, active=False)
