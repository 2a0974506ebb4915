"""The Recovery cases and Dashboard panels: built on first use, and imported only then, so the console's
cold start does not pay for pyqtgraph.

RecoveryPanel owns RECOVERY_PANEL, OPEN_RECOVERY and EVALUATE; DashboardPanel owns DASHBOARD_PANEL.
Each panel re-reads itself from the runner's changes event, for the kinds of data it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.docks import Docks
from csconsole.ui.runner import Runner
from csconsole.ui.selection import TicketSelection
from csconsole.ui.who import Who

if TYPE_CHECKING:
    from csconsole.ui.charts.dashboard_view import DashboardView
    from csconsole.ui.recovery_screens.view import RecoveryView


class RecoveryPanel(QObject):
    ticket_wanted = Signal(int)  # a case or a proposal was opened: the table shows its ticket

    def __init__(self, runner: Runner, actions: Actions, selection: TicketSelection, who: Who, docks: Docks,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._actions, self._selection, self._who, self._docks = runner, actions, selection, who, docks
        actions.on_toggle(ActionId.RECOVERY_PANEL, lambda on: docks.toggle(
            "recovery_panel", actions[ActionId.RECOVERY_PANEL], self._build, on))
        actions.on_trigger(ActionId.OPEN_RECOVERY, self.open_recovery)
        actions.on_trigger(ActionId.EVALUATE, self.evaluate)
        who.changed.connect(self._identity_changed)

    def view(self) -> RecoveryView | None:
        """The Recovery view, built on first use; None when it cannot be built here."""
        return self._docks.get("recovery_panel", self._actions[ActionId.RECOVERY_PANEL], self._build)  # type: ignore[return-value]

    def _build(self) -> RecoveryView:
        from csconsole.ui.recovery_screens.view import RecoveryView

        view = RecoveryView(self._runner, self._who.agent)
        view.ticket_activated.connect(self.ticket_wanted.emit)
        return view

    def open_recovery(self) -> None:
        tid = self._selection.one_ticket()
        view = self.view() if tid is not None else None
        if view is not None and tid is not None:
            view.open_recovery(tid, self._selection.label(tid))

    def evaluate(self) -> None:
        tid = self._selection.one_ticket()
        view = self.view() if tid is not None else None
        if view is not None and tid is not None:
            row = self._selection.row_of_ticket(tid)
            view.open_evaluation(tid, self._selection.label(tid), row.owner if row else None)

    def _identity_changed(self) -> None:
        view = self._docks.widget("recovery_panel")
        if view is not None:
            view.set_identity(self._who.agent)  # type: ignore[attr-defined]


class DashboardPanel(QObject):
    def __init__(self, runner: Runner, actions: Actions, docks: Docks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._actions, self._docks = runner, actions, docks
        actions.on_toggle(ActionId.DASHBOARD_PANEL, lambda on: docks.toggle(
            "dashboard_panel", actions[ActionId.DASHBOARD_PANEL], self._build, on))

    def view(self) -> DashboardView | None:
        return self._docks.get("dashboard_panel", self._actions[ActionId.DASHBOARD_PANEL], self._build)  # type: ignore[return-value]

    def _build(self) -> DashboardView:
        from csconsole.ui.charts.dashboard_view import DashboardView

        return DashboardView(self._runner)
