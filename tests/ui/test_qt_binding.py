"""The Qt binding must not leak references to Python's singletons (PySide6 6.12.0 did: see pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

CALLS = 50  # enough to see a leak, far too few to exhaust True's references and abort


class _Emitter(QObject):
    fired = Signal()


class _EmptyModel(QAbstractTableModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 1

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        return None  # an empty cell: what views ask for thousands of times a paint


def test_void_calls_and_emits_keep_none_and_true_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    model = _EmptyModel()  # held: an index outlives nothing
    cell = model.index(0, 0)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(CALLS):
        label.setText("x")
        emitter.fired.emit()
        cell.data(0x0100)
    assert sys.getrefcount(None) - none_before > -CALLS // 2, "void calls or None from data() drop None"
    assert sys.getrefcount(True) - true_before > -CALLS // 2, "each signal emit drops a reference to True"
