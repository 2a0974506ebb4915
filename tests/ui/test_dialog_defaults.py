"""Dialogs a new supervisor meets (issue 14, item 8): what they name, where the cursor is, which button Enter
presses, and the order of the reassign picker."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from csconsole.services import queries
from csconsole.ui.actions import ActionId
from csconsole.ui.dialogs.forms import TextDialog, TransferDialog
from csconsole.ui.dialogs.reassign import ReassignDialog
from csconsole.ui.dialogs.start import IdentityDialog
from csconsole.ui.models.agents import AGENT_ID_ROLE


def test_transfer_names_its_ticket_and_enter_is_not_cancel(qtbot, window) -> None:
    row = next(window.table_model.row_at(r) for r in range(window.table_model.rowCount())
               if window.table_model.row_at(r).owner)
    window.selection.select_ticket(row.id)
    window.registry[ActionId.TRANSFER].trigger()
    dialog = window.dialogs.active
    assert isinstance(dialog, TransferDialog)
    assert row.ref in dialog.windowTitle() and row.subject in dialog.windowTitle()
    ok, cancel = (dialog.buttons.button(b) for b in (QDialogButtonBox.StandardButton.Ok,
                                                     QDialogButtonBox.StandardButton.Cancel))
    assert ok.isDefault() and ok.text() == "Transfer"
    assert not cancel.isDefault() and not cancel.autoDefault()
    dialog.reject()


def test_every_small_form_presses_its_action_on_enter(qtbot) -> None:
    dialog = TextDialog("Reply", "Reply to the customer")
    qtbot.addWidget(dialog)
    assert dialog.ok.isDefault()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).autoDefault()


def test_the_reassign_picker_puts_the_queues_agents_first_and_marks_the_owner(qtbot, window) -> None:
    row = next(window.table_model.row_at(r) for r in range(window.table_model.rowCount())
               if (found := window.table_model.row_at(r)).owner and found.queue == "Billing")
    window.selection.select_ticket(row.id)
    window.registry[ActionId.REASSIGN].trigger()
    dialog = window.dialogs.active
    assert isinstance(dialog, ReassignDialog)
    view = dialog.agents.model()
    names = [view.index(r, 0).data(Qt.ItemDataRole.EditRole) for r in range(view.rowCount())]
    loads = {load.agent.name: load for load in queries.agents_with_load(window.store)}
    billing = sorted((load for load in loads.values() if load.queue == "Billing" and load.agent.role.value == "agent"
                      and load.agent.name != row.owner), key=lambda load: (load.open_tickets, load.agent.name))
    assert names[:len(billing)] == [load.agent.name for load in billing]  # the queue's own agents, by load
    assert names[-1] == row.owner  # the owner now, last, and marked
    owner = view.index(view.rowCount() - 1, 0)
    assert owner.data(Qt.ItemDataRole.FontRole).bold() and "owns it now" in owner.data(Qt.ItemDataRole.ToolTipRole)
    assert "The agents of Billing first" in dialog.findChild(QLabel, "agent_order").text()
    dialog.detail.setText("covering")
    dialog.select_agent(row.owner)
    assert not dialog.buttons.buttons()[0].isEnabled()  # its owner is no new owner
    dialog.select_agent(billing[0].agent.name)
    assert dialog.buttons.buttons()[0].isEnabled()
    assert dialog.agent_id() == view.index(0, 0).data(AGENT_ID_ROLE)
    dialog.reject()


def test_i_am_new_here_puts_the_cursor_in_the_name(qtbot, window) -> None:
    dialog = IdentityDialog(queries.agents(window.store), "", window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    assert QApplication.focusWidget() is dialog.list
    dialog.add_me.click()
    assert QApplication.focusWidget() is dialog.name
    qtbot.keyClicks(QApplication.focusWidget(), "Nia Okoye")
    assert dialog.chosen() == ("Nia Okoye", True)
    dialog.reject()
    nobody = IdentityDialog([], "", window)  # a new store: no supervisor to pick yet
    qtbot.addWidget(nobody)
    nobody.show()
    qtbot.waitExposed(nobody)
    nobody.activateWindow()
    qtbot.waitUntil(nobody.isActiveWindow, timeout=3000)
    assert nobody.add_me.isChecked() and QApplication.focusWidget() is nobody.name
