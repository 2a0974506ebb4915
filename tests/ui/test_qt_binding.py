"""The Qt binding must not leak references to Python's singletons (PySide6 6.12.0 did: see pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

CALLS = 50  # enough to see a leak, far too few to exhaust True's references and abort


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_and_emits_keep_none_and_true_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(CALLS):
        label.setText("x")
        emitter.fired.emit()
    assert sys.getrefcount(None) - none_before > -CALLS // 2, "each void Qt call drops a reference to None"
    assert sys.getrefcount(True) - true_before > -CALLS // 2, "each signal emit drops a reference to True"
