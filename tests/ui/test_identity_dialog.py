"""Who is at the console: the list and the new name never both look chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from csconsole.domain.rules import Agent
from csconsole.domain.words import Role
from csconsole.ui.dialogs.start import IdentityDialog

PEOPLE = [Agent(1, "Ana Diaz", Role.SUPERVISOR), Agent(2, "Max Roy", Role.MANAGER), Agent(3, "Raj Patel", Role.AGENT)]


def test_choosing_to_add_yourself_clears_the_list_and_pressing_a_name_picks_it_again(qtbot) -> None:
    dialog = IdentityDialog(PEOPLE, current="Max Roy")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.list.count() == 2  # supervisors and managers only
    assert dialog.pick.isChecked() and [i.text() for i in dialog.list.selectedItems()] == ["Max Roy  (manager)"]
    qtbot.keyClicks(dialog.name, "Lea Kim")
    assert dialog.add_me.isChecked()
    assert dialog.list.selectedItems() == []
    assert dialog.chosen() == ("Lea Kim", True)
    row = dialog.list.visualItemRect(dialog.list.item(1))  # the row that stayed current
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=row.center())
    assert dialog.pick.isChecked()
    assert [i.text() for i in dialog.list.selectedItems()] == ["Max Roy  (manager)"]
    assert dialog.chosen() == ("Max Roy", False)
