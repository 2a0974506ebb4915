"""The Recovery cases and Dashboard panels: built on first use, and imported only then, so the console's
cold start does not pay for pyqtgraph.

RecoveryPanel owns RECOVERY_PANEL, OPEN_RECOVERY and EVALUATE: a tab beside the ticket table, so the detail
pane shows the ticket of the case selected. DashboardPanel owns DASHBOARD_PANEL: a window of its own.
Each panel re-reads itself from the runner's changes event, for the kinds of data it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.panels import Panels, Place
from csconsole.ui.runner import Runner
from csconsole.ui.selection import TicketSelection
from csconsole.ui.who import Who

if TYPE_CHECKING:
    from csconsole.ui.charts.dashboard_view import DashboardView
    from csconsole.ui.recovery_screens.view import RecoveryView


class RecoveryPanel(QObject):
    ticket_wanted = Signal(int)  # a case or a proposal was selected or opened: the table shows its ticket

    def __init__(self, runner: Runner, actions: Actions, selection: TicketSelection, who: Who, panels: Panels,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._actions, self._selection, self._who, self._panels = runner, actions, selection, who, panels
        actions.on_toggle(ActionId.RECOVERY_PANEL, lambda on: panels.toggle(
            "recovery_panel", actions[ActionId.RECOVERY_PANEL], self._build, on, Place.TAB))
        actions.on_trigger(ActionId.OPEN_RECOVERY, self.open_recovery)
        actions.on_trigger(ActionId.EVALUATE, self.evaluate)
        who.changed.connect(self._identity_changed)

    def view(self) -> RecoveryView | None:
        """The Recovery view, built on first use; None when it cannot be built here."""
        return self._panels.get("recovery_panel", self._actions[ActionId.RECOVERY_PANEL], self._build, Place.TAB)

    def _build(self) -> RecoveryView:
        from csconsole.ui.recovery_screens.view import RecoveryView

        view = RecoveryView(self._runner, self._who.agent)
        view.ticket_activated.connect(self.ticket_wanted.emit)
        view.ticket_selected.connect(self.ticket_wanted.emit)
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
        view = self._panels.widget("recovery_panel")
        if view is None:
            return  # not built: nothing to tell, and nothing to import
        from csconsole.ui.recovery_screens.view import RecoveryView  # loaded already: the panel was built

        if isinstance(view, RecoveryView):
            view.set_identity(self._who.agent)


class DashboardPanel(QObject):
    def __init__(self, runner: Runner, actions: Actions, panels: Panels, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._actions, self._panels = runner, actions, panels
        actions.on_toggle(ActionId.DASHBOARD_PANEL, lambda on: panels.toggle(
            "dashboard_panel", actions[ActionId.DASHBOARD_PANEL], self._build, on, Place.WINDOW))

    def view(self) -> DashboardView | None:
        return self._panels.get("dashboard_panel", self._actions[ActionId.DASHBOARD_PANEL], self._build,
                                Place.WINDOW)

    def _build(self) -> DashboardView:
        from csconsole.ui.charts.dashboard_view import DashboardView

        return DashboardView(self._runner)
