"""The dashboard's figures in one read snapshot (DESIGN §3, issue 4): every aggregate is computed in SQL."""

from __future__ import annotations

from csconsole.domain import clock
from csconsole.store import dashboard as sql
from csconsole.store import recovery as rstore
from csconsole.store.dashboard import Dashboard, DayFigures, DepthSeries, PolicyHarm, Score
from csconsole.store.store import Store

__all__ = ["Dashboard", "DayFigures", "DepthSeries", "PolicyHarm", "Score", "snapshot"]


def snapshot(store: Store, *, now: str | None = None, hours: int = 7 * 24, days: int = 30) -> Dashboard:
    """All figures from one consistent read, so the charts never mix two moments."""
    moment = now or clock.now_text()
    with store.read() as conn:
        counts = rstore.counts(conn, moment[:10])
        return Dashboard(
            depth=sql.depth_series(conn, moment, hours),
            bounces=sql.bounce_distribution(conn),
            pingpong_pairs=sql.pingpong_pairs(conn),
            days=sql.day_figures(conn, moment, days),
            open_recoveries=counts.open_cases,
            promises_overdue=counts.promises_overdue,
            follow_ups_due=counts.follow_ups_due,
            root_causes=sql.root_causes(conn),
            associate_scores=sql.associate_scores(conn),
            policy_scores=sql.policy_scores(conn),
            policy_harm=sql.policy_harm(conn),
            averages=sql.score_averages(conn),
        )
