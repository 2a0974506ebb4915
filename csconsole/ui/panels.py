"""Side panels other parts of csconsole provide (recovery cases, dashboard), docked into the window.

Each is built the first time it is asked for, and imported only then: the console's cold start does
not pay for pyqtgraph, and a panel that fails to build costs a message, never the console.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QWidget

from csconsole.ui.actions import A

if TYPE_CHECKING:
    from csconsole.ui.main_window import MainWindow


class Panels:
    """Mixed into MainWindow."""

    def _connect_panels(self: MainWindow) -> None:
        self._docks: dict[A, QDockWidget] = {}
        self.actions[A.RECOVERY_PANEL].toggled.connect(lambda on: self._toggle_panel(A.RECOVERY_PANEL, on))
        self.actions[A.DASHBOARD_PANEL].toggled.connect(lambda on: self._toggle_panel(A.DASHBOARD_PANEL, on))
        self.actions[A.OPEN_RECOVERY].triggered.connect(lambda _c=False: self.open_recovery())
        self.actions[A.EVALUATE].triggered.connect(lambda _c=False: self.evaluate())

    def panel(self: MainWindow, key: A) -> Any:
        """The panel's widget, built on first use; None when it cannot be built here."""
        dock = self._docks.get(key)
        if dock is not None:
            return dock.widget()
        try:
            widget = self._build_panel(key)
        except Exception as error:  # noqa: BLE001 - a broken panel must not take the console down
            self.show_message(self.tr("That panel could not be opened: {0}").format(error), error=True)
            self.actions[key].setChecked(False)
            return None
        dock = QDockWidget(self.actions[key].text().replace("&", ""), self)
        dock.setObjectName(f"dock_{key.name.lower()}")
        dock.setWidget(widget)
        dock.visibilityChanged.connect(lambda visible, k=key: self._dock_seen(k, visible))
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        if not self.restoreDockWidget(dock):  # where the user left it last time, if anywhere
            self.resizeDocks([dock], [int(self.height() * 0.3)], Qt.Orientation.Vertical)
        self._docks[key] = dock
        return widget

    def _build_panel(self: MainWindow, key: A) -> QWidget:
        if key is A.RECOVERY_PANEL:
            from csconsole.ui.recovery.view import RecoveryView

            view = RecoveryView(self.ops, self.identity)
            view.ticket_activated.connect(self.show_ticket)
            return view
        from csconsole.ui.charts.dashboard import DashboardView

        return DashboardView(self.ops)

    def _toggle_panel(self: MainWindow, key: A, on: bool) -> None:
        if on and self.panel(key) is None:
            return
        dock = self._docks.get(key)
        if dock is not None:
            dock.setVisible(on)
            if on:
                dock.raise_()

    def _dock_seen(self: MainWindow, key: A, visible: bool) -> None:
        if not self._closing and self.actions[key].isChecked() != visible and not self.isMinimized():
            self.actions[key].setChecked(visible)

    def open_recovery(self: MainWindow) -> None:
        tid = self._one_ticket()
        view = self.panel(A.RECOVERY_PANEL) if tid is not None else None
        if view is not None and tid is not None:
            view.open_recovery(tid, self._label(tid))

    def evaluate(self: MainWindow) -> None:
        tid = self._one_ticket()
        view = self.panel(A.RECOVERY_PANEL) if tid is not None else None
        if view is not None and tid is not None:
            row = self.table_model.row_at(self.table_model.row_of(tid) or 0)
            view.open_evaluation(tid, self._label(tid), row.owner if row else None)

    def show_ticket(self: MainWindow, ticket_id: int) -> None:
        """Bring a ticket into the table (clearing chips and search if they hide it) and select it."""
        if self.select_ticket(ticket_id):
            return
        found = self._ref_of(ticket_id)
        for key in (A.CHIP_BOUNCED, A.CHIP_CALLBACK, A.CHIP_SLA, A.CHIP_UNOWNED, A.CHIP_WATCHED):
            self.actions[key].blockSignals(True)
            self.actions[key].setChecked(False)
            self.actions[key].blockSignals(False)
        self.actions[A.OPEN_ONLY].blockSignals(True)
        self.actions[A.OPEN_ONLY].setChecked(False)
        self.actions[A.OPEN_ONLY].blockSignals(False)
        self.filter_bar.search.setText(found)
        self._search = found
        self.apply_filter()
        self._keep = ([ticket_id], ticket_id)

    def _ref_of(self: MainWindow, ticket_id: int) -> str:
        from csconsole.services import queries

        rows = queries.tickets_by_id(self.store, [ticket_id])
        return rows[0].ref if rows else str(ticket_id)

    def _panels_identity(self: MainWindow) -> None:
        dock = self._docks.get(A.RECOVERY_PANEL)
        if dock is not None and hasattr(dock.widget(), "set_identity"):
            dock.widget().set_identity(self.identity)
