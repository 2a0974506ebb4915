"""The recovery and dashboard panels dock into the console on demand, and lead back to tickets."""

from __future__ import annotations

from csconsole.ui.actions import ActionId
from tests.ui.helpers import settle


def test_panels_open_on_demand_and_a_ticket_can_be_brought_back(qtbot, window) -> None:
    assert window.findChild(object, "recovery_view") is None  # nothing built before it is asked for
    window.registry[ActionId.RECOVERY_PANEL].trigger()
    view = window.recovery.view()
    assert view is not None and view.isVisible()
    window.registry[ActionId.DASHBOARD_PANEL].trigger()
    assert window.dashboard.view().isVisible()
    window.registry[ActionId.DASHBOARD_PANEL].trigger()
    assert not window.dashboard.view().isVisible()

    window.registry[ActionId.CHIP_UNOWNED].trigger()
    settle(qtbot, window)
    shown = {window.table_model.ticket_id(r) for r in range(window.table_model.rowCount())}
    target = next(t for t in (1, 2, 3, 4) if t not in shown)  # a ticket the chip hides
    view.ticket_activated.emit(target)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.selection.current_ticket_id() == target, timeout=3000)
    assert not window.registry[ActionId.CHIP_UNOWNED].isChecked()
