"""Zendesk's business-hours schedules and SLA policies, when an export holds them, as csconsole's SLA
policies (issue 15; ``domain/sla_policy.py``): checked whole with the rest of the export, so a bad
schedule or target rejects the import before anything is written.

Files (the Support API's answers): ``schedules.json`` (``/api/v2/business_hours/schedules``): each
schedule's ``time_zone`` (a Rails zone name, ``zendesk_zones.RAILS_ZONES``, or an IANA key), its
``intervals`` (``start_time``/``end_time`` in minutes from Sunday 00:00, up to 10080) and its holidays, a
``holidays`` list inside it or ``schedules/{id}/holidays.json``; ``sla_policies.json``
(``/api/v2/slas/policies``).

Mapping:

- **Which queue.** A policy whose filter names a group (``group_id is N``: one such condition in ``all``,
  or every condition of ``any``) sets that group's queue's policy; a policy with no condition sets the
  store-wide policy. Zendesk applies the first policy by ``position`` whose filter matches, so a group (or
  every ticket) claimed by an earlier policy is not claimed again: the later policy is skipped with a
  warning. Any other condition (tags, organization, brand, form, ...) selects tickets csconsole cannot
  tell apart within a queue: that policy is skipped, with a warning naming it.
- **Targets**, per priority, in minutes: ``first_reply_time`` → first, ``next_reply_time`` → next,
  ``requester_wait_time`` → resolution (see ``OURS``). A priority the policy sets no target for keeps
  csconsole's default (Zendesk would run no clock there): a warning says so.
- **Hours.** ``business_hours: true`` → the schedule's hours, zone and holidays (as closed days; Zendesk
  has no public-holiday calendar): the export's only schedule or, of several, the one named like the
  group, else Zendesk's default schedule (the first listed) with a warning. ``false`` → the 24/7 clock.
  Metrics that disagree take the schedule, with a warning (csconsole has one clock per queue).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from csconsole.domain.errors import BadInput
from csconsole.domain.schedule import DAY_MINUTES, DAY_NAMES, Schedule
from csconsole.domain.sla_policy import SlaPolicy
from csconsole.domain.sla_spec import parse_schedule, parse_timezone
from csconsole.domain.sla_targets import MAX_MINUTES, METRICS, parse_targets
from csconsole.io.zendesk_read import ExportReader, Item
from csconsole.io.zendesk_zones import RAILS_ZONES

WEEK_MINUTES = 7 * DAY_MINUTES  # Zendesk's intervals: minutes from Sunday 00:00
MAX_HOLIDAY_DAYS = 366  # one holiday longer than a year is a typo, not a closure
PRIORITIES = ("urgent", "high", "normal", "low")

# Zendesk's metric → our clock. ``requester_wait_time`` is the resolution clock: Zendesk counts it while the
# ticket is new, open or on hold and stops it while pending (waiting on the requester), until solved, as
# our resolution clock runs until resolved and pauses while pending. (On-hold imports as our pending, so
# there ours pauses too.) ``first_reply_time`` and ``next_reply_time`` are ours by name.
OURS: Mapping[str, str] = {"first_reply_time": "first", "next_reply_time": "next", "requester_wait_time": "resolution"}
# Zendesk's metrics with no clock here: each is named in a warning and not imported.
NOT_OURS: Mapping[str, str] = {
    "agent_work_time": "time in new and open only, which csconsole does not clock",
    "periodic_update_time": "an update every so often, which csconsole does not clock",
    "pausable_update_time": "an update every so often, which csconsole does not clock",
}
assert set(OURS.values()) == set(METRICS)


@dataclass(frozen=True)
class SlaPlan:
    """One policy to set: on a Zendesk group's queue, or (``group_id`` None) store-wide."""

    group_id: int | None
    title: str
    policy: SlaPolicy


@dataclass(frozen=True)
class _Schedule:
    id: int
    name: str
    schedule: Schedule | None  # None: open around the clock (7 × 24 hours, no holiday)


@dataclass
class _Policy:
    item: Item
    title: str
    position: int
    groups: list[int] | None  # None: every ticket (the store-wide policy)
    unmappable: list[str]
    targets: dict[str, dict[str, int]] = field(default_factory=dict)  # priority → our metric → minutes
    business: set[bool] = field(default_factory=set)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _whole(value: object) -> int | None:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())  # a condition's value may come as text
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def hours_text(intervals: list[tuple[int, int]]) -> str:
    """Zendesk's intervals (minutes from Sunday 00:00) as our hours text: each cut at midnight into its
    days, a day's end written ``24:00`` (``parse_hours`` joins what touches)."""
    days: dict[int, list[str]] = {}
    for start, end in sorted(intervals):
        for day in range(start // DAY_MINUTES, (end - 1) // DAY_MINUTES + 1):
            midnight = day * DAY_MINUTES
            piece = (max(start, midnight) - midnight, min(end, midnight + DAY_MINUTES) - midnight)
            days.setdefault((day + 6) % 7, []).append(f"{_clock(piece[0])}-{_clock(piece[1])}")  # Sunday last
    return "; ".join(f"{DAY_NAMES[day]} {','.join(parts)}" for day, parts in sorted(days.items()))


class SlaChecker:
    """Checks the schedules and SLA policies of a read export; ``check`` gives the policies to set."""

    def __init__(self, reader: ExportReader, groups: Mapping[int, str]) -> None:
        self.reader = reader
        self.groups = groups
        self.warnings: list[str] = []

    def bad(self, item: Item, column: str, message: str) -> None:
        self.reader.problem(item.file, item.row, column, message)

    def warn(self, item: Item, column: str, message: str) -> None:
        self.warnings.append(f"{item.file}:{item.row}:{column}: {message}")

    def check(self) -> list[SlaPlan]:
        before = len(self.reader.problems)
        schedules = [s for item in self.reader.items["schedules"] if (s := self._schedule(item)) is not None]
        known = {_whole(item.data.get("id")) for item in self.reader.items["schedules"]}
        for schedule_id, items in self.reader.holidays.items():
            if schedule_id not in known and items:
                self.bad(items[0], "-", f"holidays of schedule {schedule_id}, which is not in schedules.json")
        policies = [p for index, item in enumerate(self.reader.items["sla_policies"])
                    if (p := self._policy(item, index)) is not None]
        if len(self.reader.problems) > before:
            return []
        return self._plans(schedules, sorted(policies, key=lambda p: p.position))

    # --- schedules -------------------------------------------------------------------------------------

    def _schedule(self, item: Item) -> _Schedule | None:
        data, before = item.data, len(self.reader.problems)
        schedule_id = _whole(data.get("id"))
        if schedule_id is None:
            self.bad(item, "id", f"expected the schedule's id, got {_short(data.get('id'))}")
        name = data.get("name") if isinstance(data.get("name"), str) else ""
        timezone = self._zone(item, data.get("time_zone"))
        spans = self._intervals(item, data.get("intervals"))
        closed: set[date] = set()
        inside = data.get("holidays")
        if inside is not None and not isinstance(inside, list):
            self.bad(item, "holidays", "expected a list of holidays")
        elif inside is not None:
            for k, holiday in enumerate(inside):
                closed |= self._holiday(item, holiday, f"holidays[{k}].")
        for holiday_item in self.reader.holidays.get(schedule_id or -1, []):
            closed |= self._holiday(holiday_item, holiday_item.data, "")
        if len(self.reader.problems) > before or schedule_id is None or timezone is None:
            return None
        closed_text = ",".join(day.isoformat() for day in sorted(closed)) or None
        try:
            schedule = parse_schedule(hours_text(spans), timezone, None, closed_text)
        except BadInput as error:  # checked above; the domain has the last word
            self.bad(item, "intervals", str(error))
            return None
        return _Schedule(schedule_id, str(name).strip(), schedule)

    def _zone(self, item: Item, value: object) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.bad(item, "time_zone", f"expected a time zone name, got {_short(value)}")
            return None
        name = value.strip()
        try:
            return parse_timezone(RAILS_ZONES.get(name, name))
        except BadInput:
            self.bad(item, "time_zone", f"unknown time zone {_short(value)} (expected a Zendesk zone such as "
                                        "'Eastern Time (US & Canada)' or an IANA key such as 'Europe/Berlin')")
            return None

    def _intervals(self, item: Item, value: object) -> list[tuple[int, int]]:
        if not isinstance(value, list):
            self.bad(item, "intervals", "expected a list of intervals")
            return []
        if not value:
            self.bad(item, "intervals", "no opening hours: a schedule needs at least one interval")
            return []
        spans: list[tuple[int, int, int]] = []  # start, end, index
        for j, interval in enumerate(value):
            column = f"intervals[{j}]"
            if not isinstance(interval, dict):
                self.bad(item, column, "expected an object")
                continue
            start, end = (self._minute(item, interval, column, key) for key in ("start_time", "end_time"))
            if start is None or end is None:
                continue
            if end <= start:
                self.bad(item, column, f"ends ({end}) at or before it starts ({start}); "
                                       "times are minutes from Sunday 00:00")
                continue
            spans.append((start, end, j))
        spans.sort()
        for (first_start, first_end, j), (start, end, k) in pairwise(spans):
            if start < first_end:  # named at the one listed later
                later, earlier = (k, j) if k > j else (j, k)
                self.bad(item, f"intervals[{later}]", f"overlaps intervals[{earlier}] ({first_start}-{first_end} "
                                                      f"and {start}-{end} minutes from Sunday 00:00)")
        return [(start, end) for start, end, _ in spans]

    def _minute(self, item: Item, interval: dict[str, Any], column: str, key: str) -> int | None:
        value = interval.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= WEEK_MINUTES:
            self.bad(item, f"{column}.{key}", f"expected minutes from Sunday 00:00 (0 to {WEEK_MINUTES}), "
                                              f"got {_short(value)}")
            return None
        return value

    def _holiday(self, item: Item, holiday: object, prefix: str) -> set[date]:
        if not isinstance(holiday, dict):
            self.bad(item, prefix.rstrip(".") or "-", "expected an object")
            return set()
        first, last = self._date(item, holiday, prefix, "start_date"), self._date(item, holiday, prefix, "end_date")
        if first is None or last is None:
            return set()
        if last < first or (last - first).days >= MAX_HOLIDAY_DAYS:
            self.bad(item, f"{prefix}end_date", f"{last} is before {first}" if last < first else
                     f"{holiday.get('name') or 'the holiday'} lasts more than {MAX_HOLIDAY_DAYS} days")
            return set()
        return {first + timedelta(days=n) for n in range((last - first).days + 1)}

    def _date(self, item: Item, holiday: dict[str, Any], prefix: str, key: str) -> date | None:
        value = holiday.get(key)
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.bad(item, f"{prefix}{key}", f"expected a date YYYY-MM-DD, got {_short(value)}")
            return None

    # --- policies --------------------------------------------------------------------------------------

    def _policy(self, item: Item, index: int) -> _Policy | None:
        data, before = item.data, len(self.reader.problems)
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            self.bad(item, "title", f"expected the policy's title, got {_short(title)}")
            title = ""
        position = data.get("position", index)
        if isinstance(position, bool) or not isinstance(position, int):
            self.bad(item, "position", f"expected a number, got {_short(position)}")
            position = index
        groups, unmappable = self._filter(item, data.get("filter"))
        policy = _Policy(item, title.strip(), position, groups, unmappable)
        metrics = data.get("policy_metrics")
        if not isinstance(metrics, list):
            self.bad(item, "policy_metrics", "expected a list of metrics")
            metrics = []
        for j, metric in enumerate(metrics):
            self._metric(policy, metric, f"policy_metrics[{j}]")
        return None if len(self.reader.problems) > before else policy

    def _filter(self, item: Item, value: object) -> tuple[list[int] | None, list[str]]:
        """The groups a filter names (None: every ticket) and the conditions csconsole cannot map."""
        if value is None:
            return None, []
        if not isinstance(value, dict):
            self.bad(item, "filter", "expected an object with 'all' and 'any' lists")
            return None, []
        found: dict[str, list[int]] = {"all": [], "any": []}
        unmappable: list[str] = []
        for part in found:
            conditions = value.get(part) or []
            if not isinstance(conditions, list):
                self.bad(item, f"filter.{part}", "expected a list of conditions")
                continue
            for k, condition in enumerate(conditions):
                column = f"filter.{part}[{k}]"
                if not isinstance(condition, dict):
                    self.bad(item, column, "expected an object")
                    continue
                name, operator, wanted = condition.get("field"), condition.get("operator"), condition.get("value")
                if name == "group_id" and operator == "is":
                    group = _whole(wanted)
                    if group is None:
                        self.bad(item, f"{column}.value", f"expected a group id, got {_short(wanted)}")
                    elif group not in self.groups:
                        unmappable.append(f"group_id is {group} (not in groups.json)")
                    else:
                        found[part].append(group)
                else:
                    unmappable.append(f"{name} {operator} {_short(wanted)}")
        if (found["all"] and found["any"]) or len(found["all"]) > 1:
            unmappable.append("group conditions csconsole cannot combine (one group in all, or groups in any)")
        if unmappable:
            return None, unmappable
        return found["all"] or found["any"] or None, []

    def _metric(self, policy: _Policy, metric: object, column: str) -> None:
        item = policy.item
        if not isinstance(metric, dict):
            self.bad(item, column, "expected an object")
            return
        priority, name = metric.get("priority"), metric.get("metric")
        if priority not in PRIORITIES:
            self.bad(item, f"{column}.priority", f"unknown priority {_short(priority)} ({', '.join(PRIORITIES)})")
        if not isinstance(name, str) or not name:
            self.bad(item, f"{column}.metric", f"expected a metric's name, got {_short(name)}")
            return
        if name not in OURS and name not in NOT_OURS:  # one Zendesk added since: nothing to refuse the export for
            self.warn(item, f"{column}.metric", f"SLA policy {policy.title!r}: unknown metric {_short(name)} "
                                                f"(csconsole maps {', '.join(OURS)}); not imported")
            return
        target = metric.get("target")
        if target is None and "target_in_seconds" in metric:  # the newer API's spelling
            seconds = metric["target_in_seconds"]
            target = math.ceil(seconds / 60) if isinstance(seconds, int) and not isinstance(seconds, bool) else seconds
        if isinstance(target, bool) or not isinstance(target, int) or not 0 < target <= MAX_MINUTES:
            self.bad(item, f"{column}.target", f"expected whole minutes from 1 to {MAX_MINUTES}, got {_short(target)}")
        business = metric.get("business_hours", False)
        if not isinstance(business, bool):
            self.bad(item, f"{column}.business_hours", f"expected true or false, got {_short(business)}")
        if name in NOT_OURS:
            self.warn(item, f"{column}.metric", f"SLA policy {policy.title!r}: {name} is {NOT_OURS[name]}; "
                                                "not imported")
            return
        if priority not in PRIORITIES or not isinstance(target, int) or not isinstance(business, bool):
            return
        ours = policy.targets.setdefault(str(priority), {})
        if OURS[name] in ours:
            self.bad(item, column, f"{priority} {name} is given twice")
            return
        ours[OURS[name]] = target
        policy.business.add(business)

    # --- onto queues -----------------------------------------------------------------------------------

    def _plans(self, schedules: list[_Schedule], policies: list[_Policy]) -> list[SlaPlan]:
        plans: list[SlaPlan] = []
        claimed: dict[int, str] = {}  # group → the title of the policy Zendesk applies to it
        everything: str | None = None  # the title of a policy with no condition, once one is seen
        for policy in policies:
            item, title = policy.item, policy.title
            if policy.unmappable:
                self.warn(item, "filter", f"SLA policy {title!r} not imported: csconsole cannot select tickets by "
                                          f"{'; '.join(policy.unmappable)} (only 'group_id is N' maps, onto the "
                                          "group's queue)")
                continue
            if everything is not None:
                self.warn(item, "filter", f"SLA policy {title!r} not imported: Zendesk applies {everything!r}, "
                                          "an earlier policy for every ticket, first")
                continue
            if not policy.targets:
                self.warn(item, "policy_metrics", f"SLA policy {title!r} not imported: it has no first reply, "
                                                  "next reply or requester wait target")
                continue
            groups: list[int | None] = [None] if policy.groups is None else list(policy.groups)
            for group in groups:
                if group is not None and group in claimed:
                    self.warn(item, "filter", f"SLA policy {title!r} not imported for {self.groups[group]}: "
                                              f"Zendesk applies {claimed[group]!r}, an earlier policy, first")
                    continue
                built = self._built(policy, group, schedules)
                if built is None:
                    continue
                plans.append(SlaPlan(group, title, built))
                if group is None:
                    everything = title
                else:
                    claimed[group] = title
        return plans

    def _built(self, policy: _Policy, group: int | None, schedules: list[_Schedule]) -> SlaPolicy | None:
        item, title = policy.item, policy.title
        missing = [p for p in PRIORITIES if p not in policy.targets]
        if missing:
            self.warn(item, "policy_metrics", f"SLA policy {title!r} sets no target for {', '.join(missing)}; "
                                              "csconsole's defaults apply there")
        partial = {p: [m for m in METRICS if m not in t] for p, t in policy.targets.items()}
        for priority, metrics in partial.items():
            if metrics:
                self.warn(item, "policy_metrics", f"SLA policy {title!r}: {priority} has no "
                                                  f"{', '.join(metrics)} target; csconsole's default applies")
        targets = parse_targets([f"{p}:{','.join(f'{m}={v}' for m, v in t.items())}"
                                 for p, t in policy.targets.items()])
        if True not in policy.business:
            return SlaPolicy(None, targets)
        if False in policy.business:
            self.warn(item, "policy_metrics", f"SLA policy {title!r} counts some targets in business hours and "
                                              "some around the clock; csconsole counts them all in business hours")
        chosen = self._schedule_for(item, title, group, schedules)
        return None if chosen is None else SlaPolicy(chosen.schedule, targets)

    def _schedule_for(self, item: Item, title: str, group: int | None,
                      schedules: list[_Schedule]) -> _Schedule | None:
        if not schedules:
            self.warn(item, "policy_metrics", f"SLA policy {title!r} not imported: it counts business hours, "
                                              "but the export holds no schedules.json")
            return None
        if len(schedules) == 1:
            return schedules[0]
        if group is not None:
            named = [s for s in schedules if s.name.lower() == self.groups[group].strip().lower()]
            if named:
                return named[0]
        default = schedules[0]
        self.warn(item, "policy_metrics", f"SLA policy {title!r}"
                  + (f" ({self.groups[group]})" if group is not None else "")
                  + f": the export holds {len(schedules)} schedules; Zendesk's default, {default.name!r} "
                  "(the first listed), is taken" + (" (no schedule is named like the group)" if group is not None else ""))
        return default
