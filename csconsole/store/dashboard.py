"""The dashboard's aggregates, each one SQL statement over the derived tables.

Queue depth, bounces, ping-pong pairs and the daily figures read the tallies the tickets' triggers keep
(``store/tallies.py``: a few thousand rows at 1M tickets, not every ticket); ``store/dashboard_scan.py``
computes the same from every ticket, the reference they are tested against. Python only shapes the small
results (a running sum over at most 7 × 24 hours per queue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from csconsole.domain import clock
from csconsole.store import tallies

if TYPE_CHECKING:
    from csconsole.store.store import Store

BOUNCE_BUCKETS = 6  # 0, 1, 2, 3, 4, 5+
SCORED = 12  # associates (the most evaluated) and policies (the worst served) shown with their scores


@dataclass(frozen=True)
class DepthSeries:
    """Open tickets per queue at the end of each hour (``hours`` are epoch seconds)."""

    hours: list[int]
    by_queue: dict[str, list[int]]
    total: list[int]


@dataclass(frozen=True)
class DayFigures:
    day: str
    tickets: int
    repeat_contacts: int  # tickets whose customer reached out twice or more
    sla_breached: int

    @property
    def repeat_rate(self) -> float:
        return self.repeat_contacts / self.tickets if self.tickets else 0.0


@dataclass(frozen=True)
class Score:
    name: str
    average: float
    evaluations: int


@dataclass(frozen=True)
class PolicyHarm:
    name: str
    recoveries: int
    bounces: int
    repeat_contacts: int

    @property
    def harm(self) -> int:
        return self.recoveries + self.bounces + self.repeat_contacts


@dataclass(frozen=True)
class Dashboard:
    depth: DepthSeries
    bounces: list[int]  # tickets with 0, 1, 2, 3, 4, 5+ bounces
    pingpong_pairs: list[tuple[str, str, int]]
    days: list[DayFigures]
    open_recoveries: int
    promises_overdue: int
    follow_ups_due: int
    root_causes: dict[str, int]
    associate_scores: list[Score]
    policy_scores: list[Score]
    policy_harm: list[PolicyHarm]
    averages: tuple[float | None, float | None] = field(default=(None, None))  # associate, policy

    @property
    def repeat_contact_rate(self) -> float:
        tickets = sum(d.tickets for d in self.days)
        return sum(d.repeat_contacts for d in self.days) / tickets if tickets else 0.0


def depth_series(store: Store, now: str, hours: int = 7 * 24, top: int | None = 5) -> DepthSeries:
    """Queue depth at each hour of the window: a ticket counts from created_at until resolved_at.

    Both times are folded from the ticket's events; a ticket counts in the queue it sits in now. The ``top``
    deepest queues now, deepest first (None: every queue). Read from the hourly tallies (``store/tallies.py``):
    the depth when the window opens is every ticket created before it less every one resolved before it.
    """
    end_hour = clock.from_text(now).replace(minute=0, second=0)
    start = clock.add_minutes(clock.to_text(end_hour), -60 * (hours - 1))
    start_epoch = int(clock.from_text(start).timestamp())
    start_hour = start[:13]  # the tallies' hours are the times' first 13 characters: 2026-12-03T09
    conn = store._conn
    names = dict(conn.execute("SELECT id, name FROM queues"))
    base: dict[int, int] = {int(q): int(n) for q, n in conn.execute(
        f"SELECT queue_id, sum(created) - sum(resolved) FROM {tallies.HOURS} WHERE hour < ? GROUP BY queue_id",
        (start_hour,))}
    delta: dict[int, list[int]] = {qid: [0] * (hours + 1) for qid in base}
    for qid, hour, change in conn.execute(
        f"SELECT queue_id, hour, created - resolved FROM {tallies.HOURS} WHERE hour >= ? AND created <> resolved",
        (start_hour,),
    ):
        delta.setdefault(qid, [0] * (hours + 1))[_slot(str(hour), start_epoch, hours)] += int(change)
    return series_of(base, delta, names, start_epoch, hours, top)


def series_of(base: dict[int, int], delta: dict[int, list[int]], names: dict[int, str], start_epoch: int,
              hours: int, top: int | None) -> DepthSeries:
    """Each queue's depth hour by hour from its depth when the window opens (``base``) and its changes in
    each hour (``delta``); the ``top`` deepest queues now, deepest first, and the floor's total."""
    by_queue: dict[int, list[int]] = {}
    for qid, steps in delta.items():
        level = base.get(qid, 0)
        series = []
        for change in steps[:hours]:
            level += change
            series.append(level)
        by_queue[qid] = series
    for qid in names:
        by_queue.setdefault(qid, [0] * hours)  # a queue with nothing open in the window is still a queue
    ranked = sorted(by_queue, key=lambda q: (-by_queue[q][-1] if by_queue[q] else 0, names.get(q, "")))
    total = [sum(s[i] for s in by_queue.values()) for i in range(hours)]
    return DepthSeries(
        [start_epoch + 3600 * i for i in range(hours)],
        {names.get(q, "?"): by_queue[q] for q in ranked[:top]},
        total,
    )


def _slot(hour_text: str, start_epoch: int, hours: int) -> int:
    moment = clock.from_text(hour_text + ":00:00Z")
    return max(0, min(hours, int((moment.timestamp() - start_epoch) // 3600)))


def bounce_distribution(store: Store) -> list[int]:
    """Tickets with 0, 1, 2, 3, 4 and 5+ bounces, from the hourly tallies (no bounce: the rest)."""
    row = store._conn.execute(
        f"SELECT sum(created), {', '.join(f'sum(bounced_{n})' for n in range(1, BOUNCE_BUCKETS))} "
        f"FROM {tallies.HOURS}").fetchone()
    bounced = [int(n or 0) for n in row[1:]]
    return [int(row[0] or 0) - sum(bounced), *bounced]


def pingpong_pairs(store: Store, limit: int = 6) -> list[tuple[str, str, int]]:
    """Which two queues hand tickets to each other most (either way), along the paths of the tickets
    bounced more than twice: the pairs' tally (``store/tallies.py``; 0.8 s at 1M from the paths)."""
    sql = f"""
        SELECT qa.name, qb.name, p.hops
        FROM {tallies.PAIRS} p JOIN queues qa ON qa.id = p.low_queue_id JOIN queues qb ON qb.id = p.high_queue_id
        WHERE p.hops <> 0 ORDER BY p.hops DESC, qa.name, qb.name LIMIT ?
    """
    return [(str(a), str(b), int(n)) for a, b, n in store._conn.execute(sql, (limit,))]


def day_figures(store: Store, now: str, days: int = 30) -> list[DayFigures]:
    """Per day of creation: tickets, repeat contacts (contacts >= 2) and tickets whose SLA was breached:
    a breach recorded (the hourly tallies) or a clock past due now without one (the due-time index)."""
    start = clock.add_minutes(now[:10] + "T00:00:00Z", -1440 * (days - 1))
    conn = store._conn
    counted = {str(d): [int(n), int(r), int(b)] for d, n, r, b in conn.execute(
        f"SELECT substr(hour, 1, 10), sum(created), sum(repeat_contacts), sum(breached) FROM {tallies.HOURS} "
        "WHERE hour >= ? GROUP BY 1", (start[:13],))}
    for day, n in conn.execute(
        "SELECT substr(created_at, 1, 10), count(*) FROM tickets "
        "WHERE coalesce(sla_due_at, '9999') <= ? AND sla_breaches <= 0 AND created_at >= ? GROUP BY 1", (now, start)):
        counted.setdefault(str(day), [0, 0, 0])[2] += int(n)
    out = []
    for i in range(days):
        day = clock.add_minutes(start, 1440 * i)[:10]
        n, r, b = counted.get(day, (0, 0, 0))
        out.append(DayFigures(day, n, r, b))
    return out


def root_causes(store: Store) -> dict[str, int]:
    return {str(c): int(n) for c, n in store._conn.execute(
        "SELECT root_cause, count(*) FROM recovery_cases WHERE root_cause IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"
    )}


def associate_scores(store: Store, limit: int = SCORED) -> list[Score]:
    """The associates evaluated most, with their average associate_score (never the policy score), best
    first. The dashboard and the audit report both show these."""
    sql = """
        SELECT a.name, avg(e.associate_score), count(*) FROM evaluations e JOIN agents a ON a.id = e.associate_id
        GROUP BY a.id ORDER BY count(*) DESC, a.name LIMIT ?
    """
    rows = [Score(str(n), float(avg), int(c)) for n, avg, c in store._conn.execute(sql, (limit,))]
    return sorted(rows, key=lambda s: (-s.average, s.name))


def policy_scores(store: Store, limit: int = SCORED) -> list[Score]:
    """The policies that serve customers worst, by their average policy_score, worst first."""
    sql = """
        SELECT p.name, avg(e.policy_score), count(*) FROM evaluations e JOIN policies p ON p.id = e.policy_id
        WHERE e.policy_score IS NOT NULL GROUP BY p.id ORDER BY avg(e.policy_score), p.name LIMIT ?
    """
    return [Score(str(n), float(avg), int(c)) for n, avg, c in store._conn.execute(sql, (limit,))]


def score_averages(store: Store) -> tuple[float | None, float | None]:
    a, p = store._conn.execute("SELECT avg(associate_score), avg(policy_score) FROM evaluations").fetchone()
    return (None if a is None else float(a), None if p is None else float(p))


def policy_harm(store: Store) -> list[PolicyHarm]:
    """Policies ranked by the harm traced to them: recoveries root-caused to the policy, and the bounces
    and repeat contacts of the tickets traced to it (a case naming it, or an evaluation scoring it <= 2)."""
    sql = """
        WITH traced(policy_id, ticket_id) AS (
            SELECT policy_id, ticket_id FROM recovery_cases WHERE policy_id IS NOT NULL
            UNION SELECT policy_id, ticket_id FROM evaluations WHERE policy_id IS NOT NULL AND policy_score <= 2
        ),
        cases AS (SELECT policy_id, count(*) AS n FROM recovery_cases WHERE policy_id IS NOT NULL GROUP BY 1)
        SELECT p.name, coalesce(max(c.n), 0), coalesce(sum(t.bounces), 0), coalesce(sum(t.contacts - 1), 0)
        FROM policies p
        LEFT JOIN cases c ON c.policy_id = p.id
        LEFT JOIN traced x ON x.policy_id = p.id
        LEFT JOIN tickets t ON t.id = x.ticket_id
        GROUP BY p.id
    """
    rows = [PolicyHarm(str(n), int(r), int(b), int(c)) for n, r, b, c in store._conn.execute(sql)]
    return sorted(rows, key=lambda h: (-h.harm, h.name))


