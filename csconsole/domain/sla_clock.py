"""A ticket's three SLA clocks, fed its events one at a time (DESIGN §1, SLA).

- **first reply** starts at ``created`` and never pauses; the first agent reply meets it.
- **next reply** starts at a customer contact once no reply clock runs (after the first one stopped);
  the next agent reply meets it; it pauses while the ticket is ``pending``.
- **resolution** starts at ``created``, pauses while ``pending``, is met at ``resolved`` (or ``closed``),
  and a reopen resumes it with the business time already counted.
A pause ends at the customer's next contact or any status change out of ``pending``. Resolving or
closing a ticket also ends its reply clocks. A clock stopped after its due time is breached (counted in
``reply_breaches`` or ``resolution_breaches``), else met; ``margin`` says by how many business seconds.

Re-timing: a clock's target is counted from its start. When the schedule or target in force changes
while it runs (a transfer, an escalation, a policy edit) the business time counted so far is kept, and
the rest of the target is laid out under the new schedule from the moment of the change. A paused clock
takes a new target when it resumes. A paused clock that was already past due keeps its due time, so it
still reads as breached; otherwise a paused clock has no due time.

Clock time never runs backwards: an event stamped before one already seen counts at the latest instant.

The state is only plain fields (texts, numbers), so ``SlaClocks.from_dict(c.to_dict())`` continues
exactly as ``c`` would: applying events one at a time to stored snapshots equals one ``fold_clocks``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from csconsole.domain import compact_json
from csconsole.domain.business_time import Calendar
from csconsole.domain.instants import to_seconds, to_text
from csconsole.domain.sla import AT_RISK_SHARE
from csconsole.domain.sla_policy import EMPTY_BOOK, PolicyBook, PolicyVersion, SlaPolicy
from csconsole.domain.words import EventKind, Status, Tier

CLOCKS = ("first_reply", "next_reply", "resolution")
_METRIC = {"first_reply": "first", "next_reply": "next", "resolution": "resolution"}


class ClockEvent(Protocol):
    """What the clocks read of an event (``domain.ticket.Event`` is one)."""

    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...
    @property
    def seq(self) -> int | None: ...


class ClockState(StrEnum):
    OFF = "off"  # not started (next reply: no contact waiting for an answer)
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


# Plain strings on the hot path (an enum member look-up costs more than the comparison).
_OFF, _RUNNING, _PAUSED, _MET, _BREACHED = (s.value for s in ClockState)
_LIVE = (_RUNNING, _PAUSED)
_STOPPED = (_MET, _BREACHED)
_CREATED, _CONTACT, _REPLY, _STATUS, _ESCALATE = (
    EventKind.CREATED.value, EventKind.CONTACT.value, EventKind.REPLY.value, EventKind.STATUS.value,
    EventKind.ESCALATE.value)
_HOLDER_KINDS = (EventKind.TAKE.value, EventKind.TRANSFER.value, EventKind.REASSIGN.value)
_PENDING = Status.PENDING.value
_DONE = (Status.RESOLVED.value, Status.CLOSED.value)
_RISK_SHARE_USED = 1 - AT_RISK_SHARE


@dataclass(slots=True)
class Clock:
    state: str = "off"  # a ClockState value
    since: str | None = None  # while running: when this stretch began
    banked: float = 0.0  # business seconds counted before ``since``; once stopped, all counted
    due_at: str | None = None
    risk_at: str | None = None  # at risk from here: less than a quarter of the target left
    margin: float | None = None  # once stopped: business seconds to spare (negative: over by)

    @property
    def live(self) -> bool:
        return self.state in _LIVE

    def to_list(self) -> list[object]:
        return [self.state, self.since, _plain(self.banked), self.due_at, self.risk_at, _plain(self.margin)]


@dataclass(slots=True)
class SlaClocks:
    queue_id: int = 0
    priority: str = "normal"
    tier: str = Tier.STANDARD.value  # fixed at creation (``created`` data ``tier``), so a rebuild agrees
    as_of: str = ""  # the latest instant seen
    policy_version: int | None = None  # the book position the live clocks are laid in; None: none live
    reply_breaches: int = 0
    resolution_breaches: int = 0
    first_reply: Clock = field(default_factory=Clock)
    next_reply: Clock = field(default_factory=Clock)
    resolution: Clock = field(default_factory=Clock)

    # --- the row's figures -----------------------------------------------------------------------------

    def clocks(self) -> Iterator[tuple[str, Clock]]:
        return iter((("first_reply", self.first_reply), ("next_reply", self.next_reply),
                     ("resolution", self.resolution)))

    @property
    def due_at(self) -> str | None:
        """The earliest due time of a live clock: the ticket is breached from then."""
        return _earliest(clock.due_at for _, clock in self.clocks() if clock.live)

    @property
    def risk_at(self) -> str | None:
        return _earliest(clock.risk_at for _, clock in self.clocks() if clock.live)

    @property
    def paused(self) -> bool:
        return _PAUSED in (self.first_reply.state, self.next_reply.state, self.resolution.state)

    @property
    def breaches(self) -> int:
        return self.reply_breaches + self.resolution_breaches

    def figures(self) -> tuple[str | None, str | None, str | None, str | None, str | None, bool]:
        """``due_at``, ``risk_at``, each clock's ``live_due`` and ``paused`` in one pass: what the ticket
        row keeps of the clocks, made for every ticket by ``rebuild`` and ``audit verify``."""
        clocks = (self.first_reply, self.next_reply, self.resolution)
        dues = [c.due_at if c.state in _LIVE else None for c in clocks]
        risks = [c.risk_at for c in clocks if c.state in _LIVE]
        return (_earliest(dues), _earliest(risks), dues[0], dues[1], dues[2],
                any(c.state == _PAUSED for c in clocks))

    def live_due(self, name: str) -> str | None:
        """A clock's due time where one applies (running, or paused past due); else None."""
        clock: Clock = getattr(self, name)
        return clock.due_at if clock.live else None

    # --- events ----------------------------------------------------------------------------------------

    def apply(self, event: ClockEvent, book: PolicyBook = EMPTY_BOOK) -> None:
        """Advance by one event (of any kind; those that touch no clock only move ``as_of``)."""
        kind = event.kind
        if kind == _CREATED:
            self._open(event, book)
            return
        if self.resolution.state == _OFF:
            return  # no ``created`` yet
        if book.versions:  # (not bool(book): a call an event)
            self.catch_up(book, event.seq)
        at, moment = self._advance(event.at)
        data = event.data
        if kind in _HOLDER_KINDS:
            if data["queue"] != self.queue_id:
                self._move(data["queue"], at, moment, book, event.seq)
        elif kind == _ESCALATE:
            if data.get("priority") and data["priority"] != self.priority:
                self.priority = data["priority"]
                self._relay(self._policy(book, event.seq))
        elif kind == _CONTACT:
            self._contact(at, moment, book, event.seq)
        elif kind == _REPLY:
            if self.first_reply.state in _LIVE or self.next_reply.state in _LIVE:
                policy = self._policy(book, event.seq)
                self.reply_breaches += (self._stop("first_reply", moment, policy)
                                        + self._stop("next_reply", moment, policy))
        elif kind == _STATUS:
            self._status(data["status"], at, moment, book, event.seq)
        if not (self.first_reply.state in _LIVE or self.next_reply.state in _LIVE or self.resolution.state in _LIVE):
            self.policy_version = None

    def catch_up(self, book: PolicyBook, before_seq: int | None = None) -> bool:
        """Re-time the live clocks for policy edits made before ``before_seq`` (None: every edit in the
        book). Returns whether anything moved. This is the whole of re-timing after an edit."""
        if self.policy_version is None or not book:
            return False
        moved = False
        for version in book.later(self.queue_id, self.policy_version, before_seq):
            old = book.governing(self.queue_id, self.policy_version)
            new = book.governing(self.queue_id, version.number)
            if _number(old) == _number(new):
                continue  # e.g. a store-wide edit under a queue's own policy
            at, moment = self._advance(version.at)
            self._shift(at, moment, book.policy(self.queue_id, self.policy_version).calendar,
                        book.policy(self.queue_id, version.number))
            self.policy_version = version.number
            moved = True
        return moved

    # --- transitions -----------------------------------------------------------------------------------

    def _open(self, event: ClockEvent, book: PolicyBook) -> None:
        data = event.data
        self.queue_id, self.priority = data["queue"], data["priority"]
        self.tier = data.get("tier") or Tier.STANDARD.value
        self.as_of, self.policy_version = event.at, None
        self.reply_breaches = self.resolution_breaches = 0
        self.first_reply, self.next_reply, self.resolution = Clock(), Clock(), Clock()
        policy = self._policy(book, event.seq)
        moment = to_seconds(event.at)
        self._run("first_reply", event.at, moment, policy, restart=True)
        self._run("resolution", event.at, moment, policy, restart=True)

    def _move(self, queue_id: int, at: str, moment: float, book: PolicyBook, seq: int | None) -> None:
        if self.policy_version is None:
            self.queue_id = queue_id
            return
        old_version = book.governing(self.queue_id, self.policy_version)
        old = book.policy(self.queue_id, self.policy_version)
        self.queue_id, self.policy_version = queue_id, book.position(seq)
        if _number(book.governing(queue_id, self.policy_version)) != _number(old_version):
            self._shift(at, moment, old.calendar, book.policy(queue_id, self.policy_version))

    def _contact(self, at: str, moment: float, book: PolicyBook, seq: int | None) -> None:
        if self.resolution.state in _STOPPED:
            return  # a done ticket owes nothing until it is reopened
        policy = self._policy(book, seq)
        self._resume_paused(at, moment, policy)
        if self.first_reply.state in _STOPPED and self.next_reply.state not in _LIVE:
            self._run("next_reply", at, moment, policy, restart=True)

    def _status(self, status: str, at: str, moment: float, book: PolicyBook, seq: int | None) -> None:
        policy = self._policy(book, seq)
        if status == _PENDING:
            self._resume_stopped_resolution(at, moment, policy)  # reopened straight into pending
            for name in ("next_reply", "resolution"):
                self._pause(name, moment, policy.calendar)
        elif status in _DONE:
            self.reply_breaches += self._stop("first_reply", moment, policy) + self._stop("next_reply", moment, policy)
            self.resolution_breaches += self._stop("resolution", moment, policy)
        else:
            self._resume_paused(at, moment, policy)
            self._resume_stopped_resolution(at, moment, policy)

    def _resume_paused(self, at: str, moment: float, policy: SlaPolicy) -> None:
        for name in ("next_reply", "resolution"):
            if getattr(self, name).state == _PAUSED:
                self._run(name, at, moment, policy, restart=False)

    def _resume_stopped_resolution(self, at: str, moment: float, policy: SlaPolicy) -> None:
        if self.resolution.state in _STOPPED:
            self._run("resolution", at, moment, policy, restart=False)

    # --- one clock -------------------------------------------------------------------------------------

    def _target(self, name: str, policy: SlaPolicy) -> float:
        return policy.targets.resolve(self.priority, self.tier).minutes(_METRIC[name]) * 60.0

    def _run(self, name: str, at: str, moment: float, policy: SlaPolicy, restart: bool) -> None:
        clock = getattr(self, name)
        clock.state, clock.since, clock.margin = _RUNNING, at, None
        if restart:
            clock.banked = 0.0
        self._lay(clock, moment, policy.calendar, self._target(name, policy))

    @staticmethod
    def _lay(clock: Clock, since: float, calendar: Calendar, target: float) -> None:
        clock.due_at = to_text(calendar.add_s(since, target - clock.banked))
        clock.risk_at = to_text(calendar.add_s(since, target * _RISK_SHARE_USED - clock.banked))

    def _pause(self, name: str, moment: float, calendar: Calendar) -> None:
        clock = getattr(self, name)
        if clock.state != _RUNNING:
            return
        clock.banked += calendar.elapsed_s(to_seconds(clock.since or ""), moment)
        clock.state, clock.since = _PAUSED, None
        if not moment > to_seconds(clock.due_at or ""):
            clock.due_at = clock.risk_at = None

    def _stop(self, name: str, moment: float, policy: SlaPolicy) -> int:
        """Stop a live clock; 1 when it was breached."""
        clock = getattr(self, name)
        if clock.state not in _LIVE:
            return 0
        target = self._target(name, policy)
        if clock.state == _RUNNING:
            clock.banked += policy.calendar.elapsed_s(to_seconds(clock.since or ""), moment)
            late = moment > to_seconds(clock.due_at or "")
        else:  # paused: it keeps a due time only when it was already past it
            late = clock.due_at is not None or clock.banked > target
        clock.state = _BREACHED if late else _MET
        clock.since, clock.risk_at, clock.margin = None, None, target - clock.banked
        return int(late)

    def _shift(self, at: str, moment: float, old: Calendar, new: SlaPolicy) -> None:
        """The schedule or targets changed at ``at``: bank what ran under the old calendar, lay out the
        rest under the new one."""
        for name, clock in self.clocks():
            if clock.state == _RUNNING:
                clock.banked += old.elapsed_s(to_seconds(clock.since or ""), moment)
                clock.since = at
                self._lay(clock, moment, new.calendar, self._target(name, new))

    def _relay(self, policy: SlaPolicy) -> None:
        for name, clock in self.clocks():
            if clock.state == _RUNNING:
                self._lay(clock, to_seconds(clock.since or ""), policy.calendar, self._target(name, policy))

    def _policy(self, book: PolicyBook, seq: int | None) -> SlaPolicy:
        if self.policy_version is None:
            self.policy_version = book.position(seq)
        return book.policy(self.queue_id, self.policy_version)

    def _advance(self, at: str) -> tuple[str, float]:
        """The instant an event counts at: its own, or the latest seen when it is stamped earlier."""
        moment = to_seconds(at)
        if len(at) == len(self.as_of) and at >= self.as_of:  # same format: text order is time order
            self.as_of = at
            return at, moment
        latest = to_seconds(self.as_of) if self.as_of else moment
        if moment >= latest:
            self.as_of = at
            return at, moment
        return self.as_of, latest

    # --- stored form -----------------------------------------------------------------------------------

    def to_row(self) -> tuple[object, ...]:
        """The plain values of ``ROW_FIELDS``, for columns or ``to_json``."""
        return (self.queue_id, self.priority, self.tier, self.as_of, self.policy_version, self.reply_breaches,
                self.resolution_breaches, *self.first_reply.to_list(), *self.next_reply.to_list(),
                *self.resolution.to_list())

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> SlaClocks:
        return cls(int(row[0]), str(row[1]), str(row[2]), str(row[3]), None if row[4] is None else int(row[4]),
                   int(row[5]), int(row[6]), Clock(*row[7:13]), Clock(*row[13:19]), Clock(*row[19:25]))

    def to_dict(self) -> dict[str, object]:
        """Named, for reading (the detail pane, ``--json``)."""
        return dict(zip(ROW_FIELDS, self.to_row(), strict=True))

    def to_json(self) -> str:
        """One compact text for a single column: the same text however the state was reached."""
        return compact_json.dumps(self.to_row())

    @classmethod
    def from_json(cls, text: str) -> SlaClocks:
        return cls.from_row(json.loads(text))


ROW_FIELDS: tuple[str, ...] = (
    "queue", "priority", "tier", "as_of", "policy", "reply_breaches", "resolution_breaches",
    *(f"{name}_{part}" for name in CLOCKS for part in ("state", "since", "banked", "due_at", "risk_at", "margin")),
)


def fold_clocks(events: Iterable[ClockEvent], book: PolicyBook = EMPTY_BOOK) -> SlaClocks:
    """The clocks a ticket's events lead to, with every policy edit in ``book`` taken into account:
    what applying them one at a time, with the re-timing after each edit, gave the stored row."""
    clocks = SlaClocks()
    for event in events:
        clocks.apply(event, book)
    clocks.catch_up(book)
    return clocks


def _number(version: PolicyVersion | None) -> int:
    return 0 if version is None else version.number


def _plain(value: float | None) -> float | int | None:
    """Whole numbers as ints, so the stored text is the same however the value was reached."""
    return int(value) if value is not None and float(value).is_integer() else value


def _earliest(texts: Iterable[str | None]) -> str | None:
    present = [text for text in texts if text is not None]
    if len(present) < 2:
        return present[0] if present else None
    if all(len(text) == 20 for text in present):  # whole seconds, one format: text order is time order
        return min(present)
    return min(present, key=to_seconds)
