"""The console PIN: set from the File menu, asked when a supervisor who has one signs in."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from csconsole.services import pin, queries
from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import ActionId
from csconsole.ui.dialogs.pin import PinDialog
from csconsole.ui.dialogs.start import IdentityDialog
from tests.ui.conftest import SUPERVISOR


def test_set_my_pin_from_the_menu(qtbot, window) -> None:
    me = window.who.agent
    assert not pin.has_pin(window.store, me.id)
    window.registry[ActionId.SET_PIN].trigger()
    dialog = window.dialogs.active
    assert isinstance(dialog, PinDialog)
    dialog.new.setText("2580")
    dialog.again.setText("2581")
    assert not dialog.buttons.buttons()[0].isEnabled()  # the two must match
    dialog.again.setText("2580")
    dialog.accept()
    qtbot.waitUntil(lambda: pin.has_pin(window.store, me.id), timeout=5000)
    assert pin.verify_pin(window.store, me.id, "2580") and not pin.verify_pin(window.store, me.id, "0000")


def _switch_to(qtbot, window, name: str, typed: str) -> None:
    window.registry[ActionId.IDENTITY].trigger()
    chooser = window.dialogs.active
    assert isinstance(chooser, IdentityDialog)
    for row in range(chooser.list.count()):
        if chooser.list.item(row).text().startswith(name):
            chooser.list.setCurrentRow(row)
    chooser.accept()  # the agent is read off the GUI thread, then the PIN is asked
    qtbot.waitUntil(lambda: isinstance(window.dialogs.active, PinDialog), timeout=3000)
    ask = window.dialogs.active
    assert isinstance(ask, PinDialog) and ask.unlock
    ask.current.setText(typed)
    with qtbot.waitSignal(window.runner.changes, timeout=5000):  # the Argon2id check runs on the runner
        ask.accept()


def test_switching_to_a_supervisor_with_a_pin_needs_it(qtbot, window) -> None:
    max_roy = queries.agent_by_name(window.store, "Max Roy")
    pin.set_pin(window.store, max_roy.id, "7391")
    _switch_to(qtbot, window, "Max Roy", "7390")
    assert "not the PIN" in window.messages.last
    assert window.who.agent.name == SUPERVISOR
    _switch_to(qtbot, window, "Max Roy", "7391")
    assert window.who.agent.name == "Max Roy"
    assert Settings().get(Prefs.IDENTITY) == "Max Roy"


def test_start_up_asks_for_the_remembered_supervisors_pin(store_path, monkeypatch) -> None:
    from csconsole.services import open_store
    from csconsole.ui.runner import Runner
    from csconsole.ui.startup import Console

    with open_store(str(store_path)) as store:
        sue = queries.agent_by_name(store, SUPERVISOR)
        pin.set_pin(store, sue.id, "4826")
        settings = Settings()
        settings.set(Prefs.IDENTITY, SUPERVISOR)
        typed = iter(["1357", "4826"])

        def answer(dialog: PinDialog) -> int:
            dialog.current.setText(next(typed))
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(PinDialog, "exec", answer)
        runner = Runner(store)  # the PIN check runs off the GUI thread, even at start-up
        try:
            assert Console(settings).identify(store, runner) == sue  # a wrong try, then the right one
            typed = iter(["1357", "1358", "1359"])
            assert Console(settings).identify(store, runner) is None  # three wrong tries: nobody signed in
        finally:
            runner.shutdown()


def test_a_new_supervisor_at_the_console_is_vouched_for_with_a_guards_pin(qtbot, window) -> None:
    """Once a supervisor has a PIN, "I am new here" asks who vouches, and their PIN; a wrong one adds nobody."""
    me = window.who.agent
    pin.set_pin(window.store, me.id, "2580")
    before = len(queries.agents(window.store))

    def join(typed: str) -> IdentityDialog:
        window.registry[ActionId.IDENTITY].trigger()
        chooser = window.dialogs.active
        assert isinstance(chooser, IdentityDialog)
        chooser.add_me.click()
        assert chooser.vouching.isVisible() and chooser.sponsor.currentText() == SUPERVISOR
        chooser.name.setText("Nia Obi")
        ok = chooser.buttons.button(chooser.buttons.StandardButton.Ok)
        assert not ok.isEnabled()  # not without the guard's PIN
        chooser.sponsor_pin.setText(typed)
        assert ok.isEnabled()
        with qtbot.waitSignal(window.runner.changes if typed == "2580" else window.messages.shown, timeout=5000):
            chooser.accept()
        return chooser

    join("1111")
    assert f"not {SUPERVISOR}'s PIN" in window.messages.last and len(queries.agents(window.store)) == before
    join("2580")
    qtbot.waitUntil(lambda: window.who.agent is not None and window.who.agent.name == "Nia Obi", timeout=5000)
    assert queries.agent_by_name(window.store, "Nia Obi").role.may_supervise
