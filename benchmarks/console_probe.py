"""Start the real console offscreen on a store and report what a supervisor would feel, as one JSON line.

Run by benchmarks/run.py as a subprocess (``python -m benchmarks.console_probe --db ... --t0 ...``) with
QT_QPA_PLATFORM=offscreen and XDG_CONFIG_HOME pointing at a scratch folder (so the user's settings are
neither read nor touched). The store is written to (a reassign, an import): give it a scratch copy.

The console exposes no "first page painted" moment, so the probe watches the ticket table's viewport
from outside: an application event filter notes each Paint of the viewport and a zero-timer queued
from it marks the moment that paint finished. "Painted with rows" means the model held a real row 0.
"""

from __future__ import annotations

import time

T_MAIN = time.time()  # before any import: process start to here is the interpreter's own start-up

import argparse
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMEOUT_S = 60.0


def log(text: str) -> None:
    print(f"probe {time.time() - T_MAIN:7.2f}s {text}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def process_start_epoch() -> float:
    """When this process was created (from /proc), so interpreter start-up counts in the cold start."""
    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                if line.startswith("btime"))
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--t0", type=float, required=True, help="time.time() when the parent spawned us")
    parser.add_argument("--identity", required=True, help="a supervisor's name in the store")
    parser.add_argument("--queue", default="Billing")
    parser.add_argument("--csv", help="a CSV event log to import from another process while we watch")
    parser.add_argument("--live-reps", type=int, default=3)
    parser.add_argument("--click-rounds", type=int, default=5, help="rounds of every chip and the queue, for p95")
    args = parser.parse_args()
    out: dict[str, Any] = {"t0": args.t0, "t_main": T_MAIN, "t_process": process_start_epoch()}

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from csconsole.settings import Prefs, Settings
    from csconsole.ui.actions import ActionId
    from csconsole.ui.startup import Console
    out["t_imported"] = time.time()

    # The start-up of csconsole.ui.startup.run, short of app.exec(): the probe drives the event loop.
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("csconsole")
    app.setApplicationName("csconsole")
    settings = Settings()
    settings.set(Prefs.IDENTITY, args.identity)  # no identity dialog: the remembered supervisor
    console = Console(settings)

    paints: list[float] = []  # perf_counter when a viewport paint with real rows had finished
    any_paints: list[float] = []  # ... any viewport paint (an empty result paints no rows)
    resets: list[float] = []  # perf_counter of each model reset (a new row set arrived)
    noticed: list[bool] = [False]
    noticed_any: list[bool] = [False]

    class PaintWatch(QObject):
        """Notes a Paint of the table's viewport while the model holds rows; pump_until stamps its end."""

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and console.window is not None:
                noticed_any[0] = True
                if _holds_rows(console.window.table_model):
                    noticed[0] = True
            return False

    watch = PaintWatch()

    # Page fetches on the GUI thread, timed where the model calls them (the services module).
    from csconsole.services import queries
    fetches: list[tuple[float, float]] = []  # (perf_counter at start, ms)

    def timed(fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*a: Any, **k: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                fetches.append((started, (time.perf_counter() - started) * 1000))
        return wrapper

    queries.tickets_page = timed(queries.tickets_page)  # type: ignore[method-assign]
    queries.tickets_by_id = timed(queries.tickets_by_id)  # type: ignore[method-assign]

    def pump_until(done: Callable[[], bool], timeout: float = TIMEOUT_S) -> bool:
        deadline = time.perf_counter() + timeout
        while not done():
            if time.perf_counter() > deadline:
                return False
            app.processEvents()
            if noticed_any[0]:
                noticed_any[0] = False
                any_paints.append(time.perf_counter())
            if noticed[0]:  # processEvents returned: the paint it delivered is over
                noticed[0] = False
                paints.append(time.perf_counter())
            else:
                time.sleep(0.0005)
        return True

    t_start = time.perf_counter()
    out["t_start_call"] = time.time()
    if not console.start(args.db, read_only=False, demo=False) or console.window is None:
        print(json.dumps({"error": "the console did not open"}))
        return 1
    window = console.window
    out["t_window_shown"] = time.time()
    perf_to_epoch = time.time() - time.perf_counter()
    window.table.viewport().installEventFilter(watch)  # nothing was painted yet: no event loop ran
    model = window.table_model
    if not pump_until(lambda: bool(paints)):
        out["error"] = "no painted page within the timeout"
    else:
        out["t_first_paint"] = paints[0] + perf_to_epoch
    out["start_s_in_process"] = (time.perf_counter() - t_start)
    out["rows"] = model.rowCount()
    out["rss_start_mb"] = rss_mb()
    pump_until(lambda: window.queues_model.rowCount() > 0, 10)  # floor stats arrive off the GUI thread

    log("first page painted")
    # Quick filters: toggle a chip (or pick a queue) and wait for the repaint of the new row set.
    model.modelReset.connect(lambda: resets.append(time.perf_counter()))

    def repaint_after(action: Callable[[], None]) -> tuple[float, int]:
        """From the user's action to the first viewport paint after the model took the new row set
        (synchronously or from a background query, whichever the console does)."""
        resets_before = len(resets)
        started = time.perf_counter()
        action()

        def repainted() -> bool:
            if len(resets) <= resets_before:
                return False
            window.table.viewport().update()  # harmless if a repaint is already scheduled
            return any(p > resets[-1] for p in any_paints[-3:])

        if not pump_until(repainted, 10):
            return float("nan"), model.rowCount()
        reset = resets[-1]
        painted = next(p for p in any_paints if p > reset)
        log(f"filter: reset after {(reset - started) * 1000:.1f} ms, painted {(painted - reset) * 1000:.1f} ms later")
        return (painted - started) * 1000, model.rowCount()

    filters: dict[str, dict[str, float]] = {}
    chips = {"bounced": ActionId.CHIP_BOUNCED, "callback": ActionId.CHIP_CALLBACK, "attention": ActionId.CHIP_SLA,
             "unowned": ActionId.CHIP_UNOWNED}
    for name, key in chips.items():
        ms, count = repaint_after(lambda key=key: window.registry[key].setChecked(True))
        filters[name] = {"ms": ms, "count": count}
        repaint_after(lambda key=key: window.registry[key].setChecked(False))
    queue_row = next((r for r in range(window.queues_model.rowCount())
                      if window.queues_model.index(r, 0).data() == args.queue), None)
    if queue_row is not None:
        ms, count = repaint_after(lambda: window.queues_view.setCurrentIndex(window.queues_model.index(queue_row, 0)))
        filters["queue"] = {"ms": ms, "count": count}
        ms, count = repaint_after(lambda: window.registry[ActionId.CHIP_BOUNCED].setChecked(True))
        filters["queue_bounced"] = {"ms": ms, "count": count}
        repaint_after(lambda: window.registry[ActionId.CHIP_BOUNCED].setChecked(False))
        repaint_after(lambda: window.queues_view.setCurrentIndex(window.queues_model.index(0, 0)))
    out["filters"] = filters
    # Rounds of the same clicks, each timed (on and off alike): what a supervisor feels click after click.
    clicks: list[float] = []

    def settled_click(action: Callable[[], None]) -> float:
        pump_until(lambda: False, 0.25)  # what follows the last click (detail pane, anchors) has landed
        return repaint_after(action)[0]

    for _ in range(args.click_rounds):
        for key in chips.values():
            for on in (True, False):
                clicks.append(settled_click(lambda key=key, on=on: window.registry[key].setChecked(on)))
        if queue_row is not None:
            clicks.append(settled_click(
                lambda: window.queues_view.setCurrentIndex(window.queues_model.index(queue_row, 0))))
            clicks.append(settled_click(lambda: window.queues_view.setCurrentIndex(window.queues_model.index(0, 0))))
    out["clicks_ms"] = clicks

    log("filters done")
    # Scroll: to the middle, then the end; a page fetch there needs the anchors (computed off-thread).
    anchors_started = time.perf_counter()
    pump_until(lambda: getattr(model, "_anchors", True) is not None or model.rowCount() <= 100, 30)
    out["anchors_wait_ms"] = (time.perf_counter() - anchors_started) * 1000
    fetches.clear()
    scroll: dict[str, float] = {}
    for where, row in (("middle", model.rowCount() // 2), ("end", model.rowCount() - 1)):
        before = len(paints)
        started = time.perf_counter()
        window.table.scrollTo(model.index(row, 0))
        pump_until(lambda before=before, row=row: len(paints) > before and model.row_at(row) is not None, 10)
        scroll[where] = (time.perf_counter() - started) * 1000
    out["scroll"] = scroll
    out["page_fetches_ms"] = [ms for _, ms in fetches]
    out["rss_scrolled_mb"] = rss_mb()

    log("scrolled")
    # Live: another process commits a reassign; how long until the table has re-read what it shows.
    refreshed: list[float] = []
    model.refreshed.connect(lambda: refreshed.append(time.time()))
    live: list[float] = []
    ticket = model.row_at(model.rowCount() - 1) or model.row_at(0)
    for n in range(args.live_reps):
        before = len(refreshed)
        writer = subprocess.Popen([sys.executable, "-c", _LIVE_WRITER, args.db, str(ticket.id), str(n)],  # type: ignore[union-attr]
                                  stdout=subprocess.PIPE, text=True)
        pump_until(lambda writer=writer: writer.poll() is not None, 30)
        committed = float((writer.stdout.read() or "nan").strip().splitlines()[-1])  # type: ignore[union-attr]
        pump_until(lambda before=before: len(refreshed) > before, 5)
        live.append((refreshed[before] - committed) * 1000 if len(refreshed) > before else float("nan"))
        log(f"live {n}: writer rc={writer.returncode}, refreshes seen {len(refreshed) - before}")
    out["live_ms"] = live

    log("live done")
    # An importer commits in another process; a 5 ms heartbeat on the GUI thread shows the longest stall.
    if args.csv:
        beats: list[float] = []
        heart = QTimer()
        heart.setInterval(5)
        heart.timeout.connect(lambda: beats.append(time.perf_counter()))
        heart.start()
        before = len(refreshed)
        importer = subprocess.Popen([*_csconsole(), "import", args.db, args.csv],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        pump_until(lambda: importer.poll() is not None, 300)
        pump_until(lambda: len(refreshed) > before, 5)
        settle = time.perf_counter() + 1.0  # the refresh after the commit, and the chip counts it asks for
        pump_until(lambda: time.perf_counter() > settle, 5)
        heart.stop()
        gaps = [b - a for a, b in itertools.pairwise(beats)]
        out["import"] = {"rc": importer.returncode, "stderr": (importer.stderr.read() or "")[-300:],  # type: ignore[union-attr]
                         "stall_ms": (max(gaps) * 1000 - 5) if gaps else float("nan"), "beats": len(beats),
                         "refreshed": len(refreshed) > before}
    out["rss_end_mb"] = rss_mb()
    window.close()
    print(json.dumps(out))
    return 0


def _holds_rows(model: Any) -> bool:
    """The ticket model has real rows to paint (it is being rewritten: ask what it offers)."""
    cached = getattr(model, "cached_rows", None)
    return cached() > 0 if callable(cached) else model.rowCount() > 0


def _csconsole() -> list[str]:
    """The ``csconsole`` command through this interpreter (the checkout being measured)."""
    return [sys.executable, "-c", "import sys; from csconsole.cli import main; sys.exit(main())"]


# Another process: reassign one ticket to the next agent, print the moment the commit returned.
_LIVE_WRITER = """
import sys, time
from csconsole.services import open_store, queries, tickets
store = open_store(sys.argv[1])
ticket, n = int(sys.argv[2]), int(sys.argv[3])
boss = next(a for a in queries.agents(store) if a.role.may_supervise)
staff = [a for a in queries.agents(store) if not a.role.may_supervise]
row = queries.tickets_by_id(store, [ticket])[0]
target = next(a for a in staff[n:] + staff if a.name != row.owner)
tickets.reassign(store, [ticket], actor_id=boss.id, to_id=target.id, reason="benchmark: live refresh")
print(time.time())
"""


if __name__ == "__main__":
    sys.exit(main())
