"""Working a ticket from the console: the same services as the CLI, rules enforced, undo where it makes sense."""

from __future__ import annotations

from PySide6.QtCore import Qt

from csconsole.domain.read_models import TicketFilter
from csconsole.services import queries
from csconsole.ui.actions import ActionId
from csconsole.ui.dialogs.forms import NewTicketDialog, TextDialog, TransferDialog
from tests.ui.conftest import SUPERVISOR, open_window
from tests.ui.helpers import events_of


def _select(window, predicate) -> int:
    for r in range(window.table_model.rowCount()):
        row = window.table_model.row_at(r)
        if predicate(row):
            window.selection.select_row(r)
            assert window.selection.current_ticket_id() == row.id
            return row.id
    raise AssertionError("no such ticket in the fixture")


def _ok(dialog):
    return dialog.buttons.buttons()[0]


def _last_event(window, tid: int):
    return events_of(window.store, tid)[-1]


def test_take_an_unowned_ticket_and_undo_it(qtbot, window) -> None:
    tid = _select(window, lambda r: r.owner is None)
    window.registry[ActionId.TAKE].trigger()
    qtbot.waitUntil(lambda: _last_event(window, tid).kind == "take", timeout=3000)
    assert queries.tickets_by_id(window.store, [tid])[0].owner == SUPERVISOR
    qtbot.waitUntil(lambda: window.registry[ActionId.UNDO].isEnabled(), timeout=3000)
    window.registry[ActionId.UNDO].trigger()
    qtbot.waitUntil(lambda: _last_event(window, tid).kind == "revert", timeout=3000)
    assert queries.tickets_by_id(window.store, [tid])[0].owner is None


def test_transfer_needs_its_note(qtbot, window) -> None:
    tid = _select(window, lambda r: r.owner is not None and r.queue == "Billing")
    window.registry[ActionId.TRANSFER].trigger()
    dialog = window.dialogs.active
    assert isinstance(dialog, TransferDialog)
    dialog.queue.setCurrentText("Technical")
    assert not _ok(dialog).isEnabled()
    dialog.note.setPlainText("refund done; the modem still drops, over to Technical")
    assert _ok(dialog).isEnabled()
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _last_event(window, tid).kind == "transfer", timeout=3000)
    row = queries.tickets_by_id(window.store, [tid])[0]
    assert (row.queue, row.owner) == ("Technical", None)
    assert _last_event(window, tid).data["note"].startswith("refund done")


def test_resolve_and_undo_reopens(qtbot, window) -> None:
    tid = _select(window, lambda r: r.status == "open")
    window.registry[ActionId.RESOLVE].trigger()
    qtbot.waitUntil(lambda: queries.tickets_by_id(window.store, [tid])[0].status == "resolved", timeout=3000)
    qtbot.waitUntil(lambda: window.registry[ActionId.UNDO].isEnabled(), timeout=3000)
    window.registry[ActionId.UNDO].trigger()
    qtbot.waitUntil(lambda: queries.tickets_by_id(window.store, [tid])[0].status == "open", timeout=3000)
    assert [(e.kind, e.undone) for e in events_of(window.store, tid)][-2:] == [("status", True), ("revert", True)]


def test_an_agent_cannot_close_what_they_do_not_own(qtbot, store_path) -> None:
    window = open_window(qtbot, store_path, identity="Li Wei")
    try:
        tid = _select(window, lambda r: r.owner not in (None, "Li Wei") and r.status == "open")
        before = len(events_of(window.store, tid))
        window.registry[ActionId.CLOSE].trigger()
        qtbot.waitUntil(lambda: "only its owner or a supervisor may close it" in window.messages.last, timeout=3000)
        assert len(events_of(window.store, tid)) == before
    finally:
        window.close()
        window.store.close()


def test_reply_note_contact_and_escalate(qtbot, window) -> None:
    tid = _select(window, lambda r: r.status == "open" and r.priority in ("low", "normal"))
    contacts = queries.tickets_by_id(window.store, [tid])[0].contacts
    original = queries.tickets_by_id(window.store, [tid])[0].priority
    for action, text, kind in ((ActionId.REPLY, "We sent a new modem.", "reply"), (ActionId.NOTE, "Call back at 5", "note"),
                               (ActionId.CONTACT, "Called again, upset", "contact")):
        qtbot.waitUntil(lambda a=action: window.registry[a].isEnabled(), timeout=3000)  # the last write is done
        window.registry[action].trigger()
        dialog = window.dialogs.active
        assert isinstance(dialog, TextDialog)
        dialog.text.setPlainText(text)
        dialog.accept()
        qtbot.waitUntil(lambda k=kind: _last_event(window, tid).kind == k, timeout=3000)
        assert _last_event(window, tid).data["note"] == text
    assert queries.tickets_by_id(window.store, [tid])[0].contacts == contacts + 1
    qtbot.waitUntil(lambda: window.registry[ActionId.ESCALATE].isEnabled(), timeout=3000)
    window.registry[ActionId.ESCALATE].trigger()
    dialog = window.dialogs.active
    dialog.priority.setCurrentText("urgent")
    dialog.text.setPlainText("third call this week")
    dialog.accept()
    qtbot.waitUntil(lambda: _last_event(window, tid).kind == "escalate", timeout=3000)
    assert queries.tickets_by_id(window.store, [tid])[0].priority == "urgent"
    before = queries.tickets_by_id(window.store, [tid])[0]
    qtbot.waitUntil(lambda: window.registry[ActionId.UNDO].isEnabled(), timeout=3000)
    window.registry[ActionId.UNDO].trigger()  # an escalation is undone by a revert: the old level, its SLA clock
    qtbot.waitUntil(lambda: queries.tickets_by_id(window.store, [tid])[0].priority == original, timeout=3000)
    assert _last_event(window, tid).kind == "revert"
    assert queries.tickets_by_id(window.store, [tid])[0].last_seq > before.last_seq


def test_new_ticket_for_a_new_customer(qtbot, window) -> None:
    count = queries.tickets_count(window.store, TicketFilter())
    window.registry[ActionId.NEW_TICKET].trigger()
    dialog = window.dialogs.active
    assert isinstance(dialog, NewTicketDialog)
    assert not _ok(dialog).isEnabled()
    dialog.customer.setEditText("Dana Scully")
    dialog.subject.setText("Parcel abducted")
    dialog.channel.setCurrentText("chat")
    dialog.priority.setCurrentText("high")
    dialog.queue.setCurrentText("Returns")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: queries.tickets_count(window.store, TicketFilter()) == count + 1, timeout=3000)
    qtbot.waitUntil(lambda: window.table_model.row_at(0).subject == "Parcel abducted", timeout=3000)
    row = window.table_model.row_at(0)
    assert (row.customer, row.queue, row.priority, row.channel) == ("Dana Scully", "Returns", "high", "chat")


def test_an_empty_store_can_be_set_up_from_the_console(qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from csconsole.services import open_store, people
    from csconsole.settings import Settings
    from csconsole.ui.main_window import MainWindow

    store = open_store(str(tmp_path / "new.db"), create=True)
    me = people.add_agent(store, "Nia Okoye", "supervisor")
    window = MainWindow(store, Settings(), me)
    qtbot.addWidget(window)
    window.show()
    try:
        window.registry[ActionId.NEW_TICKET].trigger()
        qtbot.waitUntil(lambda: "no queues yet" in window.messages.last, timeout=3000)
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Billing", True))
        window.registry[ActionId.NEW_QUEUE].trigger()
        qtbot.waitUntil(lambda: window.queues_model.rowCount() == 2, timeout=3000)  # "All queues" and Billing
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ola Berg", True))
        monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, label, items, *a, **k: (
            "agent" if "Role" in label else "Billing", True))
        window.registry[ActionId.NEW_AGENT].trigger()
        qtbot.waitUntil(lambda: any(a.name == "Ola Berg" for a in queries.agents(window.store)), timeout=3000)
        ola = queries.agent_by_name(window.store, "Ola Berg")
        assert ola.role.value == "agent" and ola.queue_id == queries.queue_by_name(window.store, "Billing").id
        qtbot.waitUntil(lambda: window.registry[ActionId.NEW_TICKET].isEnabled(), timeout=3000)
        window.registry[ActionId.NEW_TICKET].trigger()
        assert isinstance(window.dialogs.active, NewTicketDialog)
        window.dialogs.active.reject()
    finally:
        window.close()
        store.close()


def test_sla_policy_of_a_queue_from_its_context_menu(qtbot, window) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from csconsole.services import sla
    from csconsole.ui.dialogs.sla import SlaDialog

    billing = queries.queue_by_name(window.store, "Billing")
    qtbot.waitUntil(lambda: window.queues_model.rowCount() == 4, timeout=3000)
    window.queues_view.setCurrentIndex(window.queues_model.index(window.queues_model.row_of(billing.id), 0))
    window.registry[ActionId.SLA_TARGETS].trigger()
    dialog = window.dialogs.active
    assert isinstance(dialog, SlaDialog)
    assert dialog.follow.isChecked()  # no policy of its own yet: it follows the store-wide one
    assert dialog.targets[("urgent", "first")].value() == 15  # the defaults show
    dialog.follow.setChecked(False)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.hours.setText("mon-fri 09:00-25:00")
    assert not ok.isEnabled() and '"25:00"' in dialog.preview.text()  # named as it is typed; OK stays off
    dialog.hours.setText("mon-fri 09:00-17:00")
    dialog.zone.setCurrentText("Europe/Berlin")
    dialog.holidays.setText("DE-BY")
    dialog.targets[("urgent", "first")].setValue(10)
    assert ok.isEnabled() and "(Europe/Berlin)" in dialog.preview.text()
    dialog.accept()
    qtbot.waitUntil(lambda: sla.policy_for(window.store, billing.id).own, timeout=5000)
    policy = sla.policy_for(window.store, billing.id).policy
    assert policy.schedule is not None and policy.schedule.timezone == "Europe/Berlin"
    assert policy.targets.resolve("urgent").first == 10 and policy.targets.resolve("high").first == 60
    qtbot.waitUntil(lambda: "SLA policy of Billing saved" in window.messages.last, timeout=5000)
    returns = queries.queue_by_name(window.store, "Returns").id
    assert not sla.policy_for(window.store, returns).own
