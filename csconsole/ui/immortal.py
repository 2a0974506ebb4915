"""Work around a reference-count defect of PySide6 6.12 on Python 3.11: make None, True and False immortal.

Measured here (PySide6-Essentials 6.12.0, CPython 3.11.7): every call from Python to a Qt method that
returns nothing (``label.setText(...)``) drops one reference to ``None``, and every ``signal.emit()``
drops one to ``True``. CPython 3.11 starts with a few thousand references to ``None`` and a few hundred
to ``True``; when they run out the interpreter aborts ("Fatal Python error: none_dealloc" /
"bool_dealloc"), at exit or in the middle of a session. pyqtgraph makes thousands of such calls per
redraw. Python 3.12 made these objects immortal, which is all this module does for 3.11.
"""

from __future__ import annotations

import ctypes
import sys

_PINNED = 1 << 40  # about a trillion leaked references before anything could go wrong


def make_singletons_immortal() -> None:
    """Idempotent; call before the first widget is built (app start-up, test conftest)."""
    if sys.version_info >= (3, 12) or getattr(sys, "_csconsole_immortal", False):
        return
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object (release builds).
        ctypes.c_ssize_t.from_address(id(singleton)).value += _PINNED
    sys._csconsole_immortal = True  # type: ignore[attr-defined]
