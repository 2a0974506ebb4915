"""A queue's SLA policy (its schedule and targets) and the book of every policy a store has had.

Policies change while tickets are open, and a rebuild must give the clocks the same figures as the
edits gave them at the time. So the store keeps every edit as a numbered ``PolicyVersion``, never
overwritten, noting the chain position it was made at (``after_seq``: it governs the events after that
seq) and the instant it took effect (``at``: running clocks are re-timed from then). The clocks read the
book at each event's position, so incremental updates and a rebuild from events see the same policies.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from csconsole.domain.business_time import Calendar, calendar_for
from csconsole.domain.errors import BadInput
from csconsole.domain.instants import to_seconds, to_text
from csconsole.domain.schedule import Schedule
from csconsole.domain.sla_spec import describe_schedule, parse_schedule, schedule_texts
from csconsole.domain.sla_targets import METRICS, TargetTable, parse_targets


@dataclass(frozen=True)
class SlaPolicy:
    schedule: Schedule | None = None  # None: the 24/7 clock
    targets: TargetTable = field(default_factory=TargetTable)
    calendar: Calendar = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "calendar", calendar_for(self.schedule))  # compiled once per policy

    def to_dict(self) -> dict[str, str]:
        """Plain texts for JSON; ``SlaPolicy.from_dict(p.to_dict()) == p``."""
        return {**schedule_texts(self.schedule), "targets": self.targets.to_text()}

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> SlaPolicy:
        return cls(
            parse_schedule(data.get("hours"), data.get("timezone"), data.get("holidays"), data.get("closed")),
            parse_targets([data.get("targets", "")]),
        )

    def due_times(self, priority: str, at: str, tier: str = "standard") -> dict[str, str]:
        """When a ticket of ``priority`` opened at ``at`` would be due, per metric (first, next,
        resolution), with no pause: the preview a supervisor reads while editing a policy."""
        start = to_seconds(at)
        targets = self.targets.resolve(priority, tier)
        return {metric: to_text(self.calendar.add_s(start, targets.minutes(metric) * 60.0)) for metric in METRICS}

    def describe(self) -> str:
        targets = self.targets.to_text()
        return describe_schedule(self.schedule) + (f"; targets {targets}" if targets else "")

    def amended(
        self,
        hours: str | None = None,
        timezone: str | None = None,
        holidays: str | None = None,
        closed: str | None = None,
        targets: Iterable[str] = (),
    ) -> SlaPolicy:
        """This policy with the parts given replaced (the ``sla`` command's options); new targets
        override the same priority, tier and metric, and keep the others."""
        texts = schedule_texts(self.schedule)
        for name, value in (("hours", hours), ("timezone", timezone), ("holidays", holidays), ("closed", closed)):
            if value is not None:
                texts[name] = value
        change = parse_targets(targets)
        merged = {key: dict(values) for key, values in self.targets.overrides.items()}
        for key, values in change.overrides.items():
            merged.setdefault(key, {}).update(values)
        return SlaPolicy(parse_schedule(**texts), TargetTable(merged))


DEFAULT_POLICY = SlaPolicy()


@dataclass(frozen=True)
class PolicyVersion:
    number: int  # 1, 2, 3... in the order the edits were made
    queue_id: int | None  # None: the store-wide policy, for every queue without its own
    after_seq: int  # the chain's last seq when the edit was made: it governs events after it
    at: str  # when it took effect, the store's UTC text
    policy: SlaPolicy | None  # None: the queue goes back to the store-wide policy


class PolicyBook:
    """Every policy version of a store, in the order made. Empty: 24/7 and the default targets."""

    def __init__(self, versions: Iterable[PolicyVersion] = ()) -> None:
        self.versions: tuple[PolicyVersion, ...] = tuple(versions)
        for earlier, later in zip(self.versions, self.versions[1:]):
            if later.number <= earlier.number or later.after_seq < earlier.after_seq:
                raise BadInput(f"policy version {later.number} is out of order")
        self._after = [version.after_seq for version in self.versions]
        self._by_queue: dict[int | None, list[PolicyVersion]] = {}
        for version in self.versions:
            self._by_queue.setdefault(version.queue_id, []).append(version)
        self._governing: dict[tuple[int, int], PolicyVersion | None] = {}  # the book never changes: cache

    def __bool__(self) -> bool:
        return bool(self.versions)

    def with_version(self, version: PolicyVersion) -> PolicyBook:
        return PolicyBook((*self.versions, version))

    def position(self, before_seq: int | None) -> int:
        """The number of the last version made before the event ``before_seq`` (0: none); None: all."""
        if before_seq is None or not self.versions:
            return self.versions[-1].number if self.versions else 0
        index = bisect_left(self._after, before_seq)  # versions with after_seq < before_seq
        return self.versions[index - 1].number if index else 0

    def governing(self, queue_id: int, position: int) -> PolicyVersion | None:
        """The version in force for ``queue_id`` at ``position``; None: the built-in default."""
        key = (queue_id, position)
        if key in self._governing:
            return self._governing[key]
        own = _last(self._by_queue.get(queue_id, ()), position)
        if own is None or own.policy is None:
            own = _last(self._by_queue.get(None, ()), position)
        found = self._governing[key] = own if own is not None and own.policy is not None else None
        return found

    def policy(self, queue_id: int, position: int) -> SlaPolicy:
        if not self.versions:
            return DEFAULT_POLICY
        version = self.governing(queue_id, position)
        return DEFAULT_POLICY if version is None or version.policy is None else version.policy

    def later(self, queue_id: int, position: int, before_seq: int | None) -> list[PolicyVersion]:
        """Versions after ``position`` that may concern ``queue_id`` and were made before ``before_seq``."""
        end = self.position(before_seq)
        if end <= position:
            return []
        return [
            version for version in self.versions
            if position < version.number <= end and version.queue_id in (queue_id, None)
        ]


def _last(versions: Iterable[PolicyVersion], position: int) -> PolicyVersion | None:
    found = None
    for version in versions:
        if version.number > position:
            break
        found = version
    return found


EMPTY_BOOK = PolicyBook()
