"""Run ``csconsole`` in a child process and measure it: exit code, stderr, seconds and peak RSS.

The peak is the child's alone: a fresh wrapper process runs it and reads RUSAGE_CHILDREN, which then
holds that one child (the test process's own RUSAGE_CHILDREN holds every child it ever waited for).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

RSS_BUDGET_MB = 300  # issue 17: every import, hostile or not, within 300 MB

_WRAPPER = """
import resource, subprocess, sys
code = subprocess.call([sys.executable, "-m", "csconsole.cli", *sys.argv[1:]], stdin=subprocess.DEVNULL)
sys.stderr.write(f"\\npeak_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.exit(code)
"""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


def csconsole(*args: str, timeout: float = 120) -> Run:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _WRAPPER, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the wrapper and the csconsole it runs
        child.communicate()
        raise AssertionError(f"csconsole {' '.join(args)} still running after {timeout} s") from None
    err, _, peak = err.rstrip("\n").rpartition("\npeak_kb=")
    return Run(child.returncode, out, err.strip("\n"), time.perf_counter() - started, int(peak) / 1024)


def store_bytes(path: Path) -> str:
    """The store file and its WAL, as bytes: what "no byte of the store changed" compares."""
    digest = hashlib.sha256()
    for part in (path, Path(f"{path}-wal")):
        digest.update(part.read_bytes() if part.exists() else b"-")
    return digest.hexdigest()
