"""A supervisor's console watching the floor (``benchmarks/floor.py`` starts M of them as processes).

    python -m benchmarks.floor_console STORE --log FILE --seconds S

The console's own parts, offscreen: the runner (its live poll of other desks' commits, every 250 ms as
the console's default, and its read threads), the ticket table model of the open tickets over it in a
real QTableView, and the same rule as the window's ticket list for what to re-read on the runner's
``changes`` event (``TicketList.on_changes``). Says ``ready`` once the first page is in, waits for a
line on stdin, watches until the next line (or S seconds at most), then writes one JSON object to the log.

When a refresh lands, the console notes the newest event then in the store (its chain head) and reads
the page a view paints (``row_at(0)``, as the paint would), and notes the moment: every commit up to
that head is on screen from then on. A desk's acknowledgement time and that moment give how long a
commit took to reach this console.

A server away (``--outage``) is the banner's to tell, as in the window: the runner's
``server_connection`` is logged (``connection``: when it went and came back), and a read the server did
not answer (the table's ``went_away``) is counted apart, not as an error shown; an error is what the
window would show as one (the table's ``failed``, the runner's ``failed``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--poll-ms", type=int, default=250)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QTableView

    from csconsole.domain.read_models import TicketFilter
    from csconsole.services import StoreError, audit, open_store, retry_read
    from csconsole.ui.changes_event import Changes
    from csconsole.ui.controllers.ticket_list import TABLE_KINDS
    from csconsole.ui.models.ticket_table import TicketTableModel
    from csconsole.ui.runner import Runner

    app = QApplication(sys.argv[:1])
    store = open_store(args.store)
    runner = Runner(store)
    model = TicketTableModel(runner.store, runner.read)
    view = QTableView()
    view.setModel(model)
    view.resize(1400, 800)
    view.show()
    seen: list[tuple[float, int]] = []  # (when the refreshed page was read, the head it includes)
    errors: list[str] = []
    out: dict[str, Any] = {"refreshes": 0, "reads_away": 0}
    connection: list[tuple[float, bool]] = []  # (when, up) as the runner told it: the window's banner

    def on_changes(changes: Changes) -> None:
        if changes.touches(*TABLE_KINDS):
            model.refresh()

    def on_refreshed() -> None:
        try:  # the GUI thread's connection: never waiting (the window's rule), as the paint's own read
            head = retry_read(lambda: audit.head(runner.store).seq, runner.store.location, patient=False)
            model.row_at(0)  # the rows a paint would read now
        except StoreError as error:
            if not error.server_away:
                errors.append(str(error))
                return
            out["reads_away"] += 1
            runner.server_lost()
            return
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
            return
        seen.append((time.time(), head))
        out["refreshes"] += 1

    runner.changes.connect(on_changes)
    model.refreshed.connect(on_refreshed)
    model.failed.connect(errors.append)
    runner.failed.connect(errors.append)
    model.went_away.connect(lambda: out.__setitem__("reads_away", out["reads_away"] + 1))
    model.went_away.connect(runner.server_lost)  # as the window's ticket list does
    runner.server_connection.connect(lambda up: connection.append((time.time(), up)))

    first = QEventLoop()
    model.query_applied.connect(first.quit)
    model.set_query(TicketFilter(open_only=True))
    QTimer.singleShot(60_000, first.quit)
    first.exec()
    print("ready", flush=True)
    sys.stdin.readline()
    out["t_start"] = time.time()
    out["head_start"] = audit.head(runner.store).seq
    runner.start_polling(args.poll_ms)
    stop = threading.Event()  # the harness says when: after every desk is done, and a moment more
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    watch = QTimer()
    watch.timeout.connect(lambda: app.quit() if stop.is_set() else None)
    watch.start(100)
    QTimer.singleShot(int(args.seconds * 1000), app.quit)
    app.exec()
    out["t_end"] = time.time()
    runner.shutdown()
    out.update(seen=seen, errors=errors, rows=model.rowCount(), connection=connection, away_at_end=runner.server_away)
    args.log.write_text(json.dumps(out), encoding="utf-8")
    view.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
