"""A short floor: a few desks (real processes) acting at once through the services while a console (the
console's ticket table model and runner, offscreen) watches; benchmarks/floor.py runs the long one.

Nothing a desk was told is saved may be missing, nothing may be there twice, the chain must hold, the
derived columns must be what the events make them, the console must see every commit, and nobody may
be shown an error. (The refusals of the rules, when two desks reach for one ticket, are the floor working.)
Timings are the benchmark's business, never asserted here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.floor import FloorRun, report, run

pytestmark = pytest.mark.slow


def assert_the_floor_held(figures: dict[str, Any]) -> None:
    assert figures["acknowledged_lost"] == 0, figures["lost_samples"]
    assert figures["duplicates"] == 0
    assert figures["chain_verified"], figures["chain_problem"]
    assert figures["derived_rows_drifted"] == 0
    assert figures["errors_shown"] == 0, (figures["error_samples"], figures["stderr_tail"])
    assert figures["commits_never_seen"] == 0
    assert figures["commit_seen_p50_ms"] is not None  # the console really watched
    assert figures["desks_finished"] == figures["config"]["desks"]
    assert figures["actions"] >= 20, report(figures)  # the desks really worked
    assert figures["events_written"] >= figures["actions"]


def test_a_short_floor_on_sqlite_loses_nothing_and_shows_no_error(tmp_path: Path) -> None:
    figures = run(FloorRun(desks=4, consoles=1, seconds=6, think=0.1, backlog=60, history=100,
                           folder=tmp_path))
    assert_the_floor_held(figures)
    assert len(figures["latency"]) >= 4  # a mix, not one kind of action


@pytest.mark.postgresql
def test_a_short_floor_on_postgres_each_desk_its_own_login_loses_nothing(pg_server: object, tmp_path: Path) -> None:
    """Every desk an agent's own login and the console a supervisor's: the server checks each write of
    the run against DESIGN §2 (floor_guard.py) and refuses none of a desk's honest work."""
    figures = run(FloorRun(engine="postgres", logins=True, desks=3, consoles=1, seconds=5, think=0.1, backlog=40,
                           history=60, folder=tmp_path))
    assert_the_floor_held(figures)
    assert figures["config"]["logins"]


@pytest.mark.postgresql
def test_a_short_floor_through_a_server_crash_loses_nothing_shows_no_error_and_everyone_comes_back(
        pg_server: object, tmp_path: Path) -> None:
    """``pg_ctl stop -m immediate`` at the middle of the load, started again 2 s later (the benchmark's
    private, durable server): nothing acknowledged lost or twice, the chain holds, no error shown to a
    person, and every desk and console carries on by itself."""
    figures = run(FloorRun(engine="postgres", desks=3, consoles=1, seconds=20, think=0.1, backlog=40, history=60,
                           outage_s=2.0, folder=tmp_path))
    assert_the_floor_held(figures)
    chaos = figures["chaos"]
    assert chaos["down_s"] >= 2.0
    assert chaos["desks_reconnected"] == 3, report(figures)
    assert chaos["consoles_told_away"] == 1 and chaos["consoles_told_back"] == 1, report(figures)
    assert chaos["consoles_reconnected"] == 1, report(figures)
