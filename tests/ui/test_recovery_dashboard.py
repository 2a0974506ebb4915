"""The dashboard shows the figures SQL gives for a small demo store (recovery cases, policies, evaluations)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from csconsole.domain import clock
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

        # Handoffs: the tickets handed on at least once are drawn; the never-handed-on are told in words.
        bounces = dict(sql(demo_path, "SELECT min(bounces, 5), count(*) FROM tickets GROUP BY 1"))
        assert list(view.bounce_bars.opts["height"]) == [bounces.get(i, 0) for i in range(1, 6)]
        assert f"{bounces[0]:,} tickets" in view.bounce_box.caption.text()

        causes = dict(sql(demo_path, "SELECT root_cause, count(*) FROM recovery_cases GROUP BY 1"))
        assert list(view.cause_bars.opts["height"]) == [causes.get(c, 0) for c in CAUSES]

        # Queue depth: every queue can be picked, one scale for what is drawn, the legend under the chart.
        [(queues,)] = sql(demo_path, "SELECT count(*) FROM queues")
        picks = [view.queue_pick.itemText(i) for i in range(view.queue_pick.count())]
        assert len(picks) == 2 + queues == 14
        [(undone,)] = sql(demo_path, "SELECT count(*) FROM tickets WHERE resolved_at IS NULL")
        view.queue_pick.setCurrentIndex(1)  # the whole floor
        assert view.depth_lines()[0][1][-1] == undone
        view.queue_pick.setCurrentIndex(view.queue_pick.findText("Billing"))
        assert [name for name, _ in view.depth_lines()] == ["Billing"]
        assert "Billing" in view.depth_box.caption.text()
        assert view.depth_plot.plotItem.legend is None  # nothing drawn over the lines

        [(associate_avg, policy_avg)] = sql(demo_path, "SELECT avg(associate_score), avg(policy_score) FROM evaluations")
        assert view.tiles["associate_avg"].value.text() == f"{associate_avg:.2f}"
        assert view.tiles["policy_avg"].value.text() == f"{policy_avg:.2f}"
        policy_scores = sql(demo_path, """
            SELECT p.name, avg(policy_score) FROM evaluations e JOIN policies p ON p.id = e.policy_id
            WHERE policy_score IS NOT NULL GROUP BY policy_id ORDER BY 2""")
        assert [(n, round(a, 6)) for n, a, _ in view.policies.rows] == [(n, round(a, 6)) for n, a in policy_scores]
        lowest = sql(demo_path, """
            SELECT a.name, avg(associate_score) FROM evaluations e JOIN agents a ON a.id = e.associate_id
            GROUP BY a.id HAVING count(*) >= 3 ORDER BY 2, 1""")
        shown = view.associates.rows
        assert [(n, round(a, 6)) for n, a, _ in shown] == [(n, round(a, 6)) for n, a in lowest[:len(shown)]]
        assert f"The {len(shown)} associates with the lowest average score" in view.associate_box.title.text()
        assert f"of {len(lowest)} with 3+ evaluations" in view.associate_box.title.text()
        assert "SQL" not in view.status.text() and " ms" not in view.status.text()  # no developer footnote

        snap = dashboard.snapshot(store)
        assert view.pairs.rowCount() == len(snap.pingpong_pairs) > 0
        a, b, n = snap.pingpong_pairs[0]
        assert (view.pairs.item(0, 0).text(), view.pairs.item(0, 1).text()) == (f"{a} ⇄ {b}", str(n))
        top = snap.policy_harm[0]
        assert [view.harm.item(0, c).text() for c in range(4)] == [
            top.name, str(top.recoveries), str(top.bounces), str(top.repeat_contacts)]
        assert list(view.breach_bars.opts["height"]) == [d.sla_breached for d in snap.days]
        brushes = view.breach_bars.opts["brushes"]  # today, not over yet, is told apart from full days
        assert snap.days[-1].day == clock.now_text()[:10] and brushes[-1] != brushes[0]
        assert "today, so far" in view.breach_box.caption.text()
        assert len(view.repeat_today.getData()[0]) == 1  # today's point alone, not joined: no drop drawn
        assert len(view.repeat_line.getData()[0]) == len(snap.days) - 1

        # Day and week views slice the same series; a refresh re-reads with setData, not new items.
        items = len(view.depth_plot.listDataItems())
        view.span.setCurrentIndex(0)
        assert all(len(values) == 24 for _, values in view.depth_lines())
        assert "24 hours" in view.depth_box.title.text()
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
