"""The dashboard's figures in one read snapshot (DESIGN §3, issue 4): every aggregate is computed in SQL."""

from __future__ import annotations

from csconsole.domain import clock
from csconsole.store import case_list
from csconsole.store import dashboard as figures
from csconsole.store.dashboard import Dashboard, DayFigures, DepthSeries, PolicyHarm, Score
from csconsole.store.store import Store

__all__ = ["Dashboard", "DayFigures", "DepthSeries", "PolicyHarm", "Score", "snapshot"]

EVERY = 100_000  # associates and policies: all of them (a floor has tens or hundreds); the screen picks


def snapshot(store: Store, *, now: str | None = None, hours: int = 7 * 24, days: int = 30) -> Dashboard:
    """All figures from one consistent read, so the charts never mix two moments. Every queue's depth and
    every associate's and policy's score: the dashboard lets a supervisor reach each queue, and names the
    associates with the lowest scores."""
    moment = now or clock.now_text()
    with store.read():
        counts = case_list.counts(store, moment[:10])
        return Dashboard(
            depth=figures.depth_series(store, moment, hours, top=None),
            bounces=figures.bounce_distribution(store),
            pingpong_pairs=figures.pingpong_pairs(store),
            days=figures.day_figures(store, moment, days),
            open_recoveries=counts.open_cases,
            promises_overdue=counts.promises_overdue,
            follow_ups_due=counts.follow_ups_due,
            root_causes=figures.root_causes(store),
            associate_scores=figures.associate_scores(store, limit=EVERY),
            policy_scores=figures.policy_scores(store, limit=EVERY),
            policy_harm=figures.policy_harm(store),
            averages=figures.score_averages(store),
        )
