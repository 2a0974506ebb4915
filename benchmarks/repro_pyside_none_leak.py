"""Reproduce a PySide6 refcount bug that aborts the process (python benchmarks/repro_pyside_none_leak.py).

With PySide6 6.12 on Python 3.11, each call of ``QApplication.processEvents()`` and each call into a
Python override of a Qt virtual (``paintEvent``, ``eventFilter``...) takes one reference from ``None``
without returning it. None starts with a few thousand references, so after a few thousand such calls
CPython aborts: "Fatal Python error: none_dealloc". Python 3.12+ makes None immortal (no abort).
Prints the drift of None's reference count per 1,000 calls of each; 0 means no leak.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget


class Painted(QWidget):
    def paintEvent(self, event: QPaintEvent) -> None:
        pass


def main() -> int:
    app = QApplication(sys.argv[:1])
    start = sys.getrefcount(None)
    for _ in range(1000):
        app.processEvents()
    after_process_events = sys.getrefcount(None)
    widget = Painted()
    widget.show()
    app.processEvents()
    before_paint = sys.getrefcount(None)
    ticks = [0]

    def tick() -> None:
        ticks[0] += 1
        widget.update()
        if ticks[0] >= 1000:
            app.quit()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(0)
    app.exec()
    print(f"Python {sys.version.split()[0]}, None refcount at start {start}")
    print(f"processEvents x1000: {after_process_events - start:+d}")
    print(f"paintEvent override, ~1000 paints under exec(): {sys.getrefcount(None) - before_paint:+d}")
    if sys.version_info < (3, 12):  # give back what was taken, so this script itself exits cleanly
        import ctypes

        ctypes.c_ssize_t.from_address(id(None)).value += 1 << 20
    return 0


if __name__ == "__main__":
    sys.exit(main())
