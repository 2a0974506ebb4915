"""Service recovery in the demo store: policies, recovery cases and evaluations, so the dashboard is alive.

The recovery and evaluation events are written into a ticket's story before the bulk loader adds it, so
they are in the hash chain like any other event. Only a small share of tickets gets them (the bounced,
the repeat callers and a sample of resolved ones), which keeps the 1M-ticket build within its budget.
The derived rows are folded with the same domain code the services use and inserted in bulk at the end.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from csconsole.domain import clock
from csconsole.domain.checklists import AWARE, HEARD, LEARN, Checklist, Records
from csconsole.domain.recovery import CaseBook, RecoveryCase, RootCause, open_data
from csconsole.domain.ticket import Event
from csconsole.domain.words import EventKind
from csconsole.store import recovery_cases, registry
from csconsole.store.store import Store

# (name, description, owner, how well it serves customers 1-5 on average)
POLICIES = (
    ("Refunds over $50 need approval", "Any refund above $50 waits for a team lead's approval.", "Finance", 1.8),
    ("New-customer-only discounts", "Promotional prices are offered to new sign-ups only.", "Marketing", 2.0),
    ("Returns need original packaging", "A return is refused without the original box.", "Returns", 2.3),
    ("Callback within 24 hours", "Promised callbacks happen within one working day.", "Service", 4.2),
    ("Identity check before account changes", "Two-factor check before any account change.", "Security", 3.6),
    ("One owner until resolved", "The first agent who takes a ticket keeps it to the end.", "Service", 4.5),
    ("Warranty claims need proof of purchase", "No receipt, no warranty repair.", "Warranty", 2.6),
)
PROMISES = ("Refund the double charge", "Send a replacement by courier", "Call back with the engineer's findings",
            "Waive the late fee", "Match the competitor's price", "Collect the parcel from the customer")
FIXES = ("Refunded in full", "Replacement delivered", "Engineer fixed the fault on site",
         "Fee waived and invoice corrected", "Price matched for twelve months", "Parcel collected and refunded")
GOODWILL = (("voucher", 10.0), ("voucher", 25.0), ("credit", 15.0), ("refund", 50.0), ("gift", 0.0))
NOTES = {
    "note": ("Apologised for the runaround; no excuses.",
             "Customer explained in their own words: three calls, no answer.",
             "Listened to the whole story; they felt ignored.",
             "Agreed the facts with the customer."),
}
CHANGES = ("Raise the approval limit to $200", "Let agents waive fees up to $30",
           "Offer the discount to loyal customers too", "Accept returns without the box when the item is unused",
           "Route these straight to Technical", "Coach the agent on ownership")
COMMENTS = ("Agent did everything right; the policy made them say no.", "Good ownership, slow follow-up.",
            "Should have escalated sooner.", "Textbook handling.", "Policy forced a second call.")


# Past these counts new cases and evaluations grow only with the square root of the tickets: a 1M demo
# gets ~14k cases rather than ~32k, so the recovery events stay under 1% of the build.
CASE_TARGET = 3000
EVALUATION_TARGET = 3000


def _owner(events: list[Event]) -> int | None:
    for event in reversed(events):
        if event.kind in ("take", "transfer", "reassign") and event.data.get("owner") is not None:
            return int(event.data["owner"])
    return None


def _damping(count: int, target: int) -> float:
    return 1.0 if count < target else target / count


class DemoRecovery:
    """Adds recovery and evaluation events to a small share of demo tickets, then their derived rows."""

    def __init__(self, seed: int, supervisors: list[int], end: int, policy_ids: list[int]) -> None:
        self.rng = random.Random(seed)  # its own stream: the rest of the demo stays as it was
        self.supervisors = supervisors
        self.end = end
        self.today = datetime.fromtimestamp(end, UTC).date()
        self.policy_ids = policy_ids
        self.quality = dict(zip(self.policy_ids, (q for *_, q in POLICIES), strict=True))
        self._touched: list[list[Event]] = []
        self.cases = self.evaluations = 0

    def extend(self, events: list[Event]) -> None:  # called before the loader adds the ticket
        """Maybe add a recovery case and/or an evaluation after the ticket's last event."""
        rng = self.rng
        # Called for every demo ticket: count with list methods (C speed), find the owner only when needed.
        kinds = [event.kind for event in events]
        handoffs = kinds.count("transfer") + kinds.count("reassign")
        contacts = kinds.count("contact")
        needs_case = handoffs >= 3 or contacts >= 2
        done = events[-1].kind == EventKind.STATUS and events[-1].data.get("status") in ("resolved", "closed")
        added = False
        if needs_case and rng.random() < 0.35 * _damping(self.cases, CASE_TARGET):
            added = self._case(events, rng)
            self.cases += added
        if (done and rng.random() < 0.012 * _damping(self.evaluations, EVALUATION_TARGET)) or (
                added and rng.random() < 0.5):
            evaluated = self._evaluation(events, _owner(events), rng)
            self.evaluations += evaluated
            added = evaluated or added
        if added:
            self._touched.append(events)

    def _at(self, after: str, low: float, high: float) -> int | None:
        moment = int(clock.from_text(after).timestamp()) + int(self.rng.uniform(low, high))
        return moment if moment < self.end else None

    def _case(self, events: list[Event], rng: random.Random) -> bool:
        ticket = events[0].ticket_id
        actor = rng.choice(self.supervisors)
        checklist: Checklist = rng.choices((AWARE, HEARD, LEARN), (8, 1, 1))[0]
        when = self._at(events[-1].at, 600, 6 * 3600)
        if when is None:
            return False
        events.append(Event(ticket, EventKind.RECOVERY_STEP, clock.from_epoch(when), actor, open_data(checklist)))
        opening = len(events) - 1
        # How far this case has got: most are complete, some stop mid-way (promises and follow-ups pending).
        stop = len(checklist.steps) if rng.random() < 0.6 else rng.randint(1, len(checklist.steps) - 1)
        for step in checklist.steps[:stop]:
            last_day = datetime.fromtimestamp(when, UTC).date()
            if step.records is Records.EVALUATION:
                follow_up = next((e.data.get("follow_up") for e in events[opening:] if "follow_up" in e.data), None)
                earliest = when
                if follow_up:  # evaluate once the follow-up has happened
                    earliest = max(when, int(datetime.fromisoformat(follow_up).replace(tzinfo=UTC).timestamp()))
                nxt = self._at(clock.from_epoch(earliest), 3600, 2 * 86400)
            else:
                nxt = self._at(clock.from_epoch(when), 600, 20 * 3600)
            if nxt is None:
                break
            when = nxt
            data: dict[str, object] = {"action": "step", "step": step.key,
                                       "note": rng.choice(NOTES["note"])}
            if step.records is Records.PROMISE:
                data.update(promise=rng.choice(PROMISES),
                            promised_by=(last_day.fromordinal(last_day.toordinal() + rng.randint(1, 4))).isoformat())
            elif step.records is Records.RESOLUTION:
                kind, amount = rng.choice(GOODWILL)
                day = datetime.fromtimestamp(when, UTC).date()
                data.update(fix=rng.choice(FIXES), outcome=rng.choices(("recovered", "partial", "lost"), (7, 2, 1))[0],
                            goodwill_kind=kind, goodwill_amount=amount,
                            follow_up=day.fromordinal(day.toordinal() + rng.randint(2, 7)).isoformat())
            elif step.records is Records.EVALUATION:
                cause = rng.choices(list(RootCause), (2, 5, 2, 2, 1))[0]
                policy = None
                if cause is RootCause.POLICY:
                    # The bad policies cause most of the harm.
                    weights = [6 - self.quality[p] for p in self.policy_ids]
                    policy = rng.choices(self.policy_ids, weights)[0]
                data.update(root_cause=cause.value, policy=policy, change=rng.choice(CHANGES))
            events.append(Event(ticket, EventKind.RECOVERY_STEP, clock.from_epoch(when), actor, data))
        return True

    def _evaluation(self, events: list[Event], owner: int | None, rng: random.Random) -> bool:
        when = self._at(events[-1].at, 3600, 3 * 86400)
        if when is None:
            return False
        policy = rng.choice(self.policy_ids) if rng.random() < 0.8 else None
        associate = min(5, max(1, round(rng.gauss(4.2, 0.8))))
        data = {"associate": owner, "associate_score": associate, "policy": policy, "policy_score": None,
                "comment": rng.choice(COMMENTS)}
        if policy is not None:
            data["policy_score"] = min(5, max(1, round(rng.gauss(self.quality[policy], 0.9))))
        events.append(Event(events[0].ticket_id, EventKind.EVALUATION, clock.from_epoch(when),
                            rng.choice(self.supervisors), data))
        return True

    def derived(self) -> tuple[list[RecoveryCase], list[Event]]:
        """The derived rows of every case and evaluation, once the events are numbered (have a seq)."""
        book = CaseBook()
        evaluations: list[Event] = []
        for events in self._touched:
            for event in events:
                if event.kind == EventKind.RECOVERY_STEP:
                    book.apply(event)
                elif event.kind == EventKind.EVALUATION:
                    evaluations.append(event)
        return list(book.cases.values()), evaluations


def insert_policies(loader: registry.Appender, end: int, batch: str) -> list[int]:
    """The demo's policy register; returns the policies' ids in the order of POLICIES."""
    at = clock.from_epoch(end - 60 * 86400)
    return [registry.add_policy(loader, n, d, o, at=at, batch=batch).id for n, d, o, _ in POLICIES]


def insert_derived(store: Store, found: list[RecoveryCase], evaluations: list[Event]) -> None:
    recovery_cases.bulk_insert(store, found, evaluations)
