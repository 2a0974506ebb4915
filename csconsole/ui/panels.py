"""The Recovery and Dashboard panels, each built the first time it is asked for, and given room.

Recovery opens as a tab beside the ticket table: the detail pane stays in sight, so selecting a case shows
its ticket's story. The Dashboard opens in a window of its own: its charts need the room (a second screen).
Which panels are open, the tab in front and the dashboard window's place are remembered across runs.

Handed to the recovery and dashboard controllers in place of the window: they may show or hide their panel,
nothing more. A panel that fails to build costs a message, never the console.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar, cast

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QTabBar, QTabWidget, QVBoxLayout, QWidget

from csconsole.settings import Prefs, Settings
from csconsole.ui.messages import Messages

W = TypeVar("W", bound=QWidget)

TICKETS = "tickets"  # the first tab, always there: the filter bar over the ticket table


class Place(Enum):
    TAB = "tab"
    WINDOW = "window"


class PanelWindow(QWidget):
    """A panel in a top-level window of its own (owned by the console: it closes with it)."""

    closed = Signal()

    def __init__(self, title: str, content: QWidget, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(content)
        self.content = content

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.closed.emit()


class Panels(QObject):
    def __init__(self, tabs: QTabWidget, owner: QWidget, settings: Settings, messages: Messages) -> None:
        super().__init__(owner)
        self._tabs, self._owner, self._settings, self._messages = tabs, owner, settings, messages
        self._panels: dict[str, QWidget] = {}  # name → its content widget
        self._windows: dict[str, PanelWindow] = {}
        self._actions: dict[str, QAction] = {}
        self.closing = False
        tabs.setTabsClosable(True)
        tabs.setTabBarAutoHide(True)  # one tab (the tickets) needs no tab bar
        tabs.tabBar().setTabButton(0, QTabBar.ButtonPosition.RightSide, None)  # the tickets stay
        tabs.tabBar().setTabButton(0, QTabBar.ButtonPosition.LeftSide, None)
        tabs.tabCloseRequested.connect(self._tab_close_requested)

    def widget(self, name: str) -> QWidget | None:
        return self._panels.get(name)

    def get(self, name: str, action: QAction, build: Callable[[], W], place: Place) -> W | None:
        """The panel's widget, built and placed on first use; None when it cannot be built here."""
        if name in self._panels:
            return cast(W, self._panels[name])  # what ``build`` made for this name the first time
        try:
            widget = build()
        except Exception as error:
            self._messages.error(self.tr("That panel could not be opened: {0}").format(error))
            action.setChecked(False)
            return None
        widget.setProperty("panel", name)
        self._panels[name], self._actions[name] = widget, action
        title = action.text().replace("&", "")
        if place is Place.WINDOW:
            window = PanelWindow(title, widget, self._owner)
            window.setObjectName(f"window_{name}")
            window.closed.connect(lambda: self._closed(name))
            geometry = self._settings.get(Prefs.DASHBOARD_GEOMETRY)
            if geometry.isEmpty() or not window.restoreGeometry(geometry):
                screen = self._owner.screen().availableGeometry()
                window.resize(int(screen.width() * 0.8), int(screen.height() * 0.8))
            self._windows[name] = window
        else:
            self._tabs.addTab(widget, title)
        return widget

    def toggle(self, name: str, action: QAction, build: Callable[[], QWidget], on: bool, place: Place) -> None:
        if on and self.get(name, action, build, place) is None:
            return
        widget = self._panels.get(name)
        if widget is None:
            return
        if name in self._windows:
            window = self._windows[name]
            if on:
                window.show()
                window.raise_()
                window.activateWindow()
            else:
                window.hide()
            return
        index = self._tabs.indexOf(widget)
        if on:
            if index < 0:
                index = self._tabs.addTab(widget, action.text().replace("&", ""))
            self._tabs.setCurrentIndex(index)
        elif index >= 0:
            self._tabs.removeTab(index)  # the widget lives on, hidden, for the next F7

    def show_tickets(self) -> None:
        self._tabs.setCurrentIndex(0)

    def current(self) -> str:
        widget = self._tabs.currentWidget()
        name = widget.property("panel") if widget is not None else None
        return str(name) if name else TICKETS

    def open_names(self) -> list[str]:
        """The panels on screen now, in the order they were opened."""
        return [name for name, widget in self._panels.items()
                if (self._windows[name].isVisible() if name in self._windows else self._tabs.indexOf(widget) >= 0)]

    def save(self) -> None:
        self._settings.set(Prefs.PANELS, self.open_names())
        self._settings.set(Prefs.PANEL_CURRENT, self.current())
        for window in self._windows.values():
            self._settings.set(Prefs.DASHBOARD_GEOMETRY, window.saveGeometry())

    def close_windows(self) -> None:
        """The console closes: its panel windows go with it (or they would keep the application running)."""
        self.closing = True
        for window in self._windows.values():
            window.close()

    def restore(self, actions: dict[str, QAction]) -> None:
        """Reopen the panels that were open when the console last closed, and bring the same tab to the front."""
        for name in self._settings.get(Prefs.PANELS):
            if name in actions and not actions[name].isChecked():
                actions[name].setChecked(True)
        current = self._settings.get(Prefs.PANEL_CURRENT)
        widget = self._panels.get(current)
        if widget is not None and self._tabs.indexOf(widget) >= 0:
            self._tabs.setCurrentWidget(widget)
        else:
            self.show_tickets()

    def _tab_close_requested(self, index: int) -> None:
        widget = self._tabs.widget(index)
        name = widget.property("panel") if widget is not None else None
        if name and name in self._actions:
            self._actions[name].setChecked(False)

    def _closed(self, name: str) -> None:
        if not self.closing and name in self._actions and self._actions[name].isChecked():
            self._actions[name].setChecked(False)
