"""A killed ``csconsole demo`` takes its story writer with it; two builds of one path: one is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from csconsole.io.demo import PARALLEL_FROM


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _demo(path: Path, tickets: int, *, quiet: bool = False) -> subprocess.Popen[str]:
    out = subprocess.DEVNULL if quiet else subprocess.PIPE  # an orphan holding our pipe would hang a read
    return subprocess.Popen([sys.executable, "-m", "csconsole.cli", "demo", str(path), "--tickets", str(tickets)],
                            stdout=out, stderr=out, text=True)


def test_a_killed_demo_build_leaves_no_story_writer_running(tmp_path: Path) -> None:
    build = _demo(tmp_path / "demo.db", PARALLEL_FROM * 4, quiet=True)
    deadline = time.monotonic() + 60
    while not (writers := [c for c in _children(build.pid) if "csconsole" in Path(f"/proc/{c}/cmdline").read_text()
                           or "multiprocessing" in Path(f"/proc/{c}/cmdline").read_text()]):
        assert build.poll() is None and time.monotonic() < deadline, "no story writer was started"
        time.sleep(0.05)
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in writers) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [w for w in writers if _alive(w)]
    for orphan in survivors:  # the test's own children: never left running
        os.kill(orphan, signal.SIGKILL)
    assert not survivors, "the story writer outlived its parent"


def test_two_builds_of_one_path_at_once_one_is_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    first = _demo(path, 30_000)
    deadline = time.monotonic() + 30
    while not Path(f"{path}.building").exists():
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    second = _demo(path, 30_000)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 2
    assert f"{path} is being built by another csconsole demo right now" in err
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert "30000 tickets" in out
