"""The window fits common screens (issue 14, item 2): 1280×720, 1920×1080 and 2560×1440, and 150% scale,
on a demo floor of twelve queues, long names and a long Undo label."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csconsole.io.demo import build_demo
from tests.ui.conftest import open_window
from tests.ui.fit_check import fit_problems, long_undo_label

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fit") / "demo.db"
    build_demo(path, tickets=600, seed=4)
    return path


def _demo_window(qtbot, demo_path: Path):
    import sqlite3

    with sqlite3.connect(f"file:{demo_path}?mode=ro", uri=True) as conn:
        (name,) = conn.execute("SELECT name FROM agents WHERE role = 'supervisor' ORDER BY id LIMIT 1").fetchone()
    return open_window(qtbot, demo_path, read_only=True, identity=name)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (2560, 1440)])
def test_the_window_fits(qtbot, demo_path: Path, size: tuple[int, int]) -> None:
    window = _demo_window(qtbot, demo_path)
    try:
        window.resize(*size)
        window.window_layout.default_sizes()  # a first start at this size
        qtbot.waitUntil(lambda: window.queues_model.rowCount() == 13, timeout=5000)
        long_undo_label(window)
        qtbot.wait(50)  # layouts settle
        assert fit_problems(window, *size) == []
    finally:
        window.close()
        window.store.close()


def test_the_detail_pane_can_be_given_more_room(qtbot, demo_path: Path) -> None:
    window = _demo_window(qtbot, demo_path)
    try:
        window.resize(1280, 720)
        window.window_layout.default_sizes()
        splitter = window.window_layout.splitter
        before = window.detail.width()
        handle = splitter.sizes()[0] + splitter.sizes()[1]
        splitter.moveSplitter(handle - 150, 2)  # drag the border between the tickets and the detail
        assert window.detail.width() >= before + 100
    finally:
        window.close()
        window.store.close()


def test_the_window_fits_at_150_percent_scale(demo_path: Path) -> None:
    """A 1920×1080 screen at 150% gives the console 1280×720 logical pixels, at a device pixel ratio of 1.5."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "1.5",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    for width, height in ((1280, 720), (1707, 960)):  # 1920×1080 and 2560×1440 at 150%
        done = subprocess.run([sys.executable, "-m", "tests.ui.fit_check", str(demo_path), str(width), str(height)],
                              capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        assert done.returncode == 0 and lines, done.stderr[-2000:]
        found = json.loads(lines[-1])
        assert found["ratio"] == 1.5  # really scaled
        assert found["problems"] == [], (width, height)
