"""SLA targets: business minutes for the first reply, each next reply and the resolution, per priority.

First and next reply default to DESIGN §1 (urgent 15, high 60, normal 240, low 480). Resolution defaults
follow what helpdesks publish as their starting matrix: urgent 4 hours, high 8 (one working day), normal
24 (three working days), low 40 (a working week). They are in business minutes, so a 09:00-17:00 desk
reads them as days, a 24/7 desk as hours. Each is several reply targets long, as a resolution takes
more than one exchange, and slower priorities never get a faster target.

A table holds overrides (``urgent:first=10``, and per tier ``urgent@loyal:first=5``); what it does not
override comes from the defaults. The loyal rule lives in ``TargetTable.resolve``: a loyal customer's
target is never slower than a standard customer's, whatever the table says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from csconsole.domain.errors import BadInput
from csconsole.domain.words import PRIORITY_RANK, Priority, Tier

METRICS = ("first", "next", "resolution")
MAX_MINUTES = 525_600  # a year: anything longer is a typo, not a promise


@dataclass(frozen=True, slots=True)
class Targets:
    """Business minutes allowed for each clock."""

    first: int
    next: int
    resolution: int

    def minutes(self, metric: str) -> int:
        return int(getattr(self, metric))


DEFAULT_TARGETS: Mapping[str, Targets] = {
    Priority.URGENT.value: Targets(first=15, next=15, resolution=240),
    Priority.HIGH.value: Targets(first=60, next=60, resolution=480),
    Priority.NORMAL.value: Targets(first=240, next=240, resolution=1440),
    Priority.LOW.value: Targets(first=480, next=480, resolution=2400),
}

Key = tuple[str, str]  # (priority, tier)


@dataclass(frozen=True)
class TargetTable:
    """Overrides of the defaults, per (priority, tier): metric → business minutes."""

    overrides: Mapping[Key, Mapping[str, int]] = field(default_factory=dict)
    _resolved: dict[Key, Targets] = field(default_factory=dict, init=False, compare=False, repr=False)

    def resolve(self, priority: str, tier: str = Tier.STANDARD.value) -> Targets:
        """The targets for a ticket of ``priority`` from a customer of ``tier`` (cached: a hot path)."""
        found = self._resolved.get((priority, tier))
        if found is None:
            found = self._resolved[(priority, tier)] = self._resolve(priority, tier)
        return found

    def _resolve(self, priority: str, tier: str) -> Targets:
        standard = replace(DEFAULT_TARGETS[priority], **self.overrides.get((priority, Tier.STANDARD.value), {}))
        if tier == Tier.STANDARD.value:
            return standard
        own = replace(standard, **self.overrides.get((priority, tier), {}))
        # Loyal customers are not second-class: a tier may be promised faster, never slower.
        return Targets(*(min(own.minutes(m), standard.minutes(m)) for m in METRICS))

    def to_text(self) -> str:
        """``urgent:first=10,resolution=120; urgent@loyal:first=5`` (only the overrides); "" for none."""
        keys = sorted(self.overrides, key=lambda k: (PRIORITY_RANK[k[0]], k[1] != Tier.STANDARD.value, k[1]))
        return "; ".join(
            f"{_key_text(key)}:{','.join(f'{m}={self.overrides[key][m]}' for m in METRICS if m in self.overrides[key])}"
            for key in keys
        )


def parse_targets(specs: Iterable[str]) -> TargetTable:
    """``PRIORITY[@TIER]:first=MIN,next=MIN,resolution=MIN`` (each part optional), several per text
    separated by ``;`` or given as several texts. A metric given twice for one key is refused."""
    overrides: dict[Key, dict[str, int]] = {}
    for text in specs:
        for spec in (part.strip() for part in text.split(";")):
            if not spec:
                continue
            key, values = _parse_one(spec)
            own = overrides.setdefault(key, {})
            for metric, minutes in values.items():
                if metric in own:
                    raise BadInput(f'bad target "{spec}": {_key_text(key)} {metric} is given twice')
                own[metric] = minutes
    return TargetTable(overrides)


def _key_text(key: Key) -> str:
    priority, tier = key
    return priority if tier == Tier.STANDARD.value else f"{priority}@{tier}"


_METRIC = re.compile(r"^\s*([A-Za-z_]+)\s*=\s*(\S*)\s*$")
_WHOLE = re.compile(r"[0-9]+")


def _parse_one(spec: str) -> tuple[Key, dict[str, int]]:
    head, colon, body = spec.partition(":")
    if not colon or not body.strip():
        raise BadInput(f'bad target "{spec}": expected PRIORITY:first=MIN,next=MIN,resolution=MIN')
    priority, _, tier = head.strip().lower().partition("@")
    if priority not in DEFAULT_TARGETS:
        raise BadInput(f'bad target "{spec}": unknown priority "{priority}" (expected {", ".join(DEFAULT_TARGETS)})')
    tier = tier or Tier.STANDARD.value
    if tier not in {t.value for t in Tier}:
        raise BadInput(f'bad target "{spec}": unknown tier "{tier}" (expected {", ".join(t.value for t in Tier)})')
    values: dict[str, int] = {}
    for part in body.split(","):
        match = _METRIC.match(part)
        if match is None:
            raise BadInput(f'bad target "{spec}": expected NAME=MIN, got "{part.strip()}"')
        metric, minutes = match.group(1).lower(), match.group(2)
        if metric not in METRICS:
            raise BadInput(f'bad target "{spec}": unknown target "{metric}" (expected {", ".join(METRICS)})')
        if metric in values:
            raise BadInput(f'bad target "{spec}": {metric} is given twice')
        if not _WHOLE.fullmatch(minutes) or not 0 < int(minutes) <= MAX_MINUTES:
            raise BadInput(
                f'bad target "{spec}": {metric} must be whole minutes from 1 to {MAX_MINUTES}, got "{minutes}"'
            )
        values[metric] = int(minutes)
    return (priority, tier), values
