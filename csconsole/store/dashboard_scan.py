"""The dashboard's tallied figures computed from every ticket row, as ``store/dashboard.py`` computed them
before the tallies (``store/tallies.py``): the reference the tests hold the tallied figures to, and the
benchmark's "before" in the same run. Not used by the console."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csconsole.domain import clock
from csconsole.store.dashboard import BOUNCE_BUCKETS, DayFigures, DepthSeries, _slot, series_of

if TYPE_CHECKING:
    from csconsole.store.store import Store


def depth_series(store: Store, now: str, hours: int = 7 * 24, top: int | None = 5) -> DepthSeries:
    """Queue depth at each hour of the window: a ticket counts from created_at until resolved_at.

    Both times are folded from the ticket's events; a ticket counts in the queue it sits in now. The ``top``
    deepest queues now, deepest first (None: every queue).
    """
    end_hour = clock.from_text(now).replace(minute=0, second=0)
    start = clock.add_minutes(clock.to_text(end_hour), -60 * (hours - 1))
    start_epoch = int(clock.from_text(start).timestamp())
    conn = store._conn
    names = dict(conn.execute("SELECT id, name FROM queues"))
    base: dict[int, int] = {}
    delta: dict[int, list[int]] = {}
    sql = """
        SELECT queue_id,
               CASE WHEN created_at >= ? THEN substr(created_at, 1, 13) END,
               CASE WHEN resolved_at >= ? THEN substr(resolved_at, 1, 13) END,
               CASE WHEN created_at < ? AND (resolved_at IS NULL OR resolved_at >= ?) THEN 1 ELSE 0 END,
               count(*)
        FROM tickets
        WHERE created_at >= ? OR resolved_at IS NULL OR resolved_at >= ?
        GROUP BY 1, 2, 3, 4
    """
    for qid, created_hour, resolved_hour, before, n in conn.execute(sql, (start,) * 6):
        steps = delta.setdefault(qid, [0] * (hours + 1))
        if before:
            base[qid] = base.get(qid, 0) + n
        if created_hour is not None:
            steps[_slot(created_hour, start_epoch, hours)] += n
        if resolved_hour is not None:
            steps[_slot(resolved_hour, start_epoch, hours)] -= n
    return series_of(base, delta, names, start_epoch, hours, top)


def bounce_distribution(store: Store) -> list[int]:
    counts = [0] * BOUNCE_BUCKETS
    top = BOUNCE_BUCKETS - 1
    for bucket, n in store._conn.execute(
        f"SELECT CASE WHEN bounces > {top} THEN {top} ELSE bounces END, count(*) FROM tickets GROUP BY 1"
    ):
        counts[int(bucket)] = int(n)
    return counts


def pingpong_pairs(store: Store, limit: int = 6) -> list[tuple[str, str, int]]:
    """Which two queues hand tickets to each other most (either way), read from each path of the tickets
    bounced more than twice (the partial index ix_tickets_bounced finds them; 0.7 s at 1M, not 1.3 s).

    Each engine reads a JSON path its own way (``engine.pingpong_hops``); the rest is said alike."""
    sql = f"""
        WITH hops AS ({store._engine.pingpong_hops})
        SELECT qa.name, qb.name, count(*) AS n
        FROM hops JOIN queues qa ON qa.id = CASE WHEN hops.q < hops.prev THEN hops.q ELSE hops.prev END
                  JOIN queues qb ON qb.id = CASE WHEN hops.q < hops.prev THEN hops.prev ELSE hops.q END
        WHERE hops.prev IS NOT NULL AND hops.prev <> hops.q
        GROUP BY qa.id, qb.id ORDER BY n DESC, qa.name, qb.name LIMIT ?
    """
    return [(str(a), str(b), int(n)) for a, b, n in store._conn.execute(sql, (limit,))]


def day_figures(store: Store, now: str, days: int = 30) -> list[DayFigures]:
    """Per day of creation: tickets, repeat contacts (contacts >= 2) and tickets whose SLA was breached."""
    start = clock.add_minutes(now[:10] + "T00:00:00Z", -1440 * (days - 1))
    sql = """
        SELECT substr(created_at, 1, 10), count(*), count(CASE WHEN contacts >= 2 THEN 1 END),
               count(CASE WHEN sla_breaches > 0 OR sla_due_at <= ? THEN 1 END)
        FROM tickets WHERE created_at >= ? GROUP BY 1 ORDER BY 1
    """
    rows = store._conn.execute(sql, (now, start))
    found = {d: DayFigures(d, int(n), int(r), int(b)) for d, n, r, b in rows}
    out = []
    for i in range(days):
        day = clock.add_minutes(start, 1440 * i)[:10]
        out.append(found.get(day, DayFigures(day, 0, 0, 0)))
    return out
