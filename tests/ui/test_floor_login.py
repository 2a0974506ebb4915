"""The console on a floor's server, opened with a person's own login: it acts as that login's agent, asks
nobody who is at the console, and will not switch to anyone else (the server would refuse their name)."""

from __future__ import annotations

import pytest

from csconsole.services import open_store
from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import ActionId
from csconsole.ui.dialogs.start import IdentityDialog
from tests.floor_logins import ServerFloor

pytestmark = pytest.mark.postgresql


def test_the_console_acts_as_the_login_and_switches_to_nobody_else(qtbot, server_floor: ServerFloor,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from csconsole.ui.main_window import MainWindow
    from csconsole.ui.runner import Runner
    from csconsole.ui.startup import Console

    monkeypatch.setattr(IdentityDialog, "exec", lambda self: pytest.fail("asked who is at the console"))
    settings = Settings()
    settings.set(Prefs.IDENTITY, server_floor.names["sue"])  # remembered from another login: not believed
    with open_store(server_floor.url("ana")) as store:
        runner = Runner(store)
        try:
            me = Console(settings).identify(store, runner)
            assert me is not None and me.name == server_floor.names["ana"]
            window = MainWindow(store, settings, me, runner)
            qtbot.addWidget(window)
            window.registry[ActionId.IDENTITY].trigger()
            assert window.dialogs.active is None
            assert f"your own login, {server_floor.names['ana']}" in window.messages.last
            assert window.who.agent.name == server_floor.names["ana"]
        finally:
            runner.shutdown()


def test_an_auditors_console_asks_nobody_to_sign_in(qtbot, server_floor: ServerFloor,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from csconsole.ui.runner import Runner
    from csconsole.ui.startup import Console

    monkeypatch.setattr(IdentityDialog, "exec", lambda self: pytest.fail("asked who is at the console"))
    with open_store(server_floor.url("aud")) as store:
        runner = Runner(store)
        try:
            assert Console(Settings()).identify(store, runner) is None
        finally:
            runner.shutdown()
