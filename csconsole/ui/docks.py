"""Side panels docked into the window, each built the first time it is asked for.

Handed to the recovery and dashboard controllers in place of the window: they may add their panel as a
dock and show or hide it, nothing more. A panel that fails to build costs a message, never the console.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from csconsole.ui.messages import Messages


class Docks(QObject):
    def __init__(self, window: QMainWindow, messages: Messages) -> None:
        super().__init__(window)
        self._window, self._messages = window, messages
        self._docks: dict[str, QDockWidget] = {}
        self.closing = False

    def widget(self, name: str) -> QWidget | None:
        dock = self._docks.get(name)
        return dock.widget() if dock is not None else None

    def get(self, name: str, action: QAction, build: Callable[[], QWidget]) -> QWidget | None:
        """The panel's widget, built and docked on first use; None when it cannot be built here."""
        dock = self._docks.get(name)
        if dock is not None:
            return dock.widget()
        try:
            widget = build()
        except Exception as error:  # noqa: BLE001 - a broken panel must not take the console down
            self._messages.error(self.tr("That panel could not be opened: {0}").format(error))
            action.setChecked(False)
            return None
        window = self._window
        dock = QDockWidget(action.text().replace("&", ""), window)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.visibilityChanged.connect(lambda visible: self._seen(action, visible))
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        if not window.restoreDockWidget(dock):  # where the user left it last time, if anywhere
            window.resizeDocks([dock], [int(window.height() * 0.3)], Qt.Orientation.Vertical)
        self._docks[name] = dock
        return widget

    def toggle(self, name: str, action: QAction, build: Callable[[], QWidget], on: bool) -> None:
        if on and self.get(name, action, build) is None:
            return
        dock = self._docks.get(name)
        if dock is not None:
            dock.setVisible(on)
            if on:
                dock.raise_()

    def _seen(self, action: QAction, visible: bool) -> None:
        if not self.closing and action.isChecked() != visible and not self._window.isMinimized():
            action.setChecked(visible)
