"""The dashboard shows the figures SQL gives for a small demo store (recovery cases, policies, evaluations)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from csconsole.io.demo import build_demo
from csconsole.services import dashboard, open_store
from csconsole.ui.charts.dashboard_view import CAUSES, DashboardView
from csconsole.ui.runner import Runner


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, tickets=600, seed=11)
    return path


def sql(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute(query).fetchall()


def test_the_demo_store_makes_the_dashboard_alive(demo_path: Path) -> None:
    [(cases, open_cases, evaluations, policies)] = sql(demo_path, """
        SELECT (SELECT count(*) FROM recovery_cases), (SELECT count(*) FROM recovery_cases WHERE completed_at IS NULL),
               (SELECT count(*) FROM evaluations), (SELECT count(*) FROM policies)""")
    assert cases >= 10 and 0 < open_cases < cases and evaluations >= 10 and policies >= 5
    # Every case and evaluation is an event in the chain, and rebuild agrees with the demo's derived rows.
    [(steps,)] = sql(demo_path, "SELECT count(*) FROM events WHERE kind = 'recovery_step'")
    assert steps >= cases
    from csconsole.services import audit

    with open_store(str(demo_path), read_only=True) as store:
        assert audit.verify(store).ok
    copy = demo_path.with_name("rebuilt.db")
    with sqlite3.connect(demo_path) as conn:
        conn.execute("VACUUM INTO ?", (str(copy),))
    with open_store(str(copy)) as store:
        assert audit.rebuild(store).corrected == 0


def test_dashboard_shows_what_sql_gives(qtbot, demo_path: Path) -> None:
    store = open_store(str(demo_path), read_only=True)
    ops = Runner(store)
    view = DashboardView(ops)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    try:
        with qtbot.waitSignal(view.refreshed, timeout=10_000):
            view.show()
        [(open_cases, follow_ups, promises)] = sql(demo_path, """
            SELECT count(*), coalesce(sum(follow_up <= date('now')), 0),
                   coalesce(sum(promised_by < date('now') AND resolved_at IS NULL), 0)
            FROM recovery_cases WHERE completed_at IS NULL""")
        assert view.tiles["open_recoveries"].value.text() == str(open_cases)
        assert view.tiles["follow_ups_due"].value.text() == str(follow_ups)
        assert view.tiles["promises_overdue"].value.text() == str(promises)

        bounces = dict(sql(demo_path, "SELECT min(bounces, 5), count(*) FROM tickets GROUP BY 1"))
        _, heights = view.bounce_bars.getData()
        assert list(heights) == [bounces.get(i, 0) for i in range(6)]

        causes = dict(sql(demo_path, "SELECT root_cause, count(*) FROM recovery_cases GROUP BY 1"))
        assert list(view.cause_bars.opts["height"]) == [causes.get(c, 0) for c in CAUSES]

        [(undone,)] = sql(demo_path, "SELECT count(*) FROM tickets WHERE resolved_at IS NULL")
        _, total = view.depth_total.getData()
        assert total[-1] == undone

        [(associate_avg, policy_avg)] = sql(demo_path, "SELECT avg(associate_score), avg(policy_score) FROM evaluations")
        assert view.tiles["associate_avg"].value.text() == f"{associate_avg:.2f}"
        assert view.tiles["policy_avg"].value.text() == f"{policy_avg:.2f}"
        policy_scores = sql(demo_path, """
            SELECT avg(policy_score) FROM evaluations WHERE policy_id IS NOT NULL GROUP BY policy_id ORDER BY 1""")
        assert [round(w, 6) for w in view.policy_bars.opts["width"]] == [round(a, 6) for (a,) in policy_scores]

        snap = dashboard.snapshot(store)
        assert view.pairs.rowCount() == len(snap.pingpong_pairs) > 0
        a, b, n = snap.pingpong_pairs[0]
        assert (view.pairs.item(0, 0).text(), view.pairs.item(0, 1).text()) == (f"{a} ⇄ {b}", str(n))
        top = snap.policy_harm[0]
        assert [view.harm.item(0, c).text() for c in range(4)] == [
            top.name, str(top.recoveries), str(top.bounces), str(top.repeat_contacts)]
        _, breaches = view.breach_bars.getData()
        assert list(breaches) == [d.sla_breached for d in snap.days]

        # Day and week views slice the same series; a refresh re-reads with setData, not new items.
        items = len(view.depth_plot.listDataItems())
        view.span.setCurrentIndex(0)
        assert len(view.depth_total.getData()[0]) == 24
        with qtbot.waitSignal(view.refreshed, timeout=10_000):
            ops.reread_everything()  # the runner's one changes event, kinds unknown: the dashboard re-reads (paced)
        assert len(view.depth_plot.listDataItems()) == items
    finally:
        ops.shutdown()
        store.close()


def test_a_hidden_dashboard_waits_until_shown(qtbot, demo_path: Path) -> None:
    store = open_store(str(demo_path), read_only=True)
    ops = Runner(store)
    view = DashboardView(ops)
    qtbot.addWidget(view)
    try:
        view.refresh()  # hidden: nothing is read yet
        assert view.data is None
        with qtbot.waitSignal(view.refreshed, timeout=10_000):
            view.show()
        assert view.data is not None
    finally:
        ops.shutdown()
        store.close()
