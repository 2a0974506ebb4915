"""Edit → Preferences: QSettings and the store's SLA targets written, read back, and shown again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from csconsole.domain.read_models import TicketFilter
from csconsole.domain.recovery import RecoveryTriggers
from csconsole.domain.rules import REASSIGN_REASONS
from csconsole.services import open_store, queries, recovery, sla
from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import ActionId
from csconsole.ui.dialogs.preferences_dialog import PreferencesDialog
from csconsole.ui.dialogs.reassign import ReassignDialog
from tests.ui.conftest import open_window


def _open(qtbot, window) -> PreferencesDialog:
    window.registry[ActionId.PREFERENCES].trigger()
    dialog = window.dialogs.active
    assert isinstance(dialog, PreferencesDialog)
    qtbot.waitExposed(dialog)
    return dialog


def _ok(dialog: PreferencesDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_preferences_round_trip(qtbot, store_path: Path) -> None:
    settings = Settings()
    settings.set(Prefs.THEME, "dark")  # as if chosen earlier; the window does not apply it (start-up does)
    settings.sync()
    window = open_window(qtbot, store_path)
    try:
        dialog = _open(qtbot, window)
        assert dialog.theme.currentData() == "dark"
        assert dialog.poll.value() == Prefs.POLL_MS.default
        assert [dialog.reasons.item(i).text() for i in range(dialog.reasons.count())] == list(REASSIGN_REASONS)

        dialog.theme.setCurrentIndex(dialog.theme.findData("system"))
        dialog.poll.setValue(1500)
        dialog.reasons.setCurrentRow(0)
        dialog.findChild(QWidget, "reason_remove").click()
        dialog.findChild(QWidget, "reason_add").click()
        dialog.reasons.item(dialog.reasons.count() - 1).setText("Holiday cover")
        dialog.checklist.setCurrentText("HEARD")
        assert (dialog.trigger_bounces.value(), dialog.trigger_contacts.value()) == (3, 3)
        dialog.trigger_bounces.setValue(4)
        dialog.trigger_loyal.setChecked(False)
        _ok(dialog)
        qtbot.waitUntil(lambda: "Preferences saved" in window.messages.last, timeout=5000)

        # written: QSettings as another console start would read them, the targets in the store
        again = Settings()
        assert again.get(Prefs.THEME) == "system"
        assert again.get(Prefs.POLL_MS) == 1500
        reasons = again.get(Prefs.REASONS)
        assert reasons == [*REASSIGN_REASONS[1:], "Holiday cover"]
        assert again.get(Prefs.CHECKLIST) == "HEARD"
        assert again.recovery_triggers() == RecoveryTriggers(min_bounces=4, min_contacts=3, loyal_breach=False)

        # read back: the dialog shows what was saved
        dialog = _open(qtbot, window)
        assert dialog.theme.currentData() == "system"
        assert dialog.poll.value() == 1500
        assert [dialog.reasons.item(i).text() for i in range(dialog.reasons.count())] == reasons
        assert dialog.checklist.currentText() == "HEARD"
        dialog.reject()

        # and the reassign dialog offers the reasons chosen
        window.selection.select_row(0)
        qtbot.waitUntil(lambda: window.registry[ActionId.REASSIGN].isEnabled(), timeout=5000)
        window.registry[ActionId.REASSIGN].trigger()
        reassign = window.dialogs.active
        assert isinstance(reassign, ReassignDialog)
        assert [reassign.reason.itemText(i) for i in range(reassign.reason.count())] == reasons
        reassign.reject()
    finally:
        window.close()
        window.store.close()


def test_cancel_changes_nothing_and_read_only_keeps_policies_locked(qtbot, store_path: Path) -> None:
    window = open_window(qtbot, store_path, read_only=True)
    try:
        dialog = _open(qtbot, window)
        assert not dialog.sla_edit.isEnabled()
        dialog.sla_table.setCurrentItem(dialog.sla_table.topLevelItem(1))
        dialog.sla_table.itemDoubleClicked.emit(dialog.sla_table.currentItem(), 0)  # nothing opens read-only
        assert window.sla_policies.dialog is None
        assert not dialog.edit_checklists.isEnabled()
        dialog.poll.setValue(4000)
        dialog.reject()
        assert Settings().get(Prefs.POLL_MS) == Prefs.POLL_MS.default
    finally:
        window.close()
        window.store.close()


def test_every_control_is_named_and_reachable_by_tab(qtbot, window) -> None:
    dialog = _open(qtbot, window)
    named = [dialog.theme, dialog.poll, dialog.reasons, dialog.checklist, dialog.sla_table, dialog.sla_edit]
    assert all(w.accessibleName() for w in named)
    # Tab from the theme reaches the poll interval and the identity buttons on the first page
    dialog.theme.setFocus()
    seen = []
    widget = dialog.theme
    for _ in range(12):
        widget = widget.nextInFocusChain()
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible() and widget.isEnabled():
            seen.append(widget.objectName())
    assert {"poll_ms", "change_identity", "set_pin"} <= set(seen)
    dialog.reject()


def test_the_chosen_checklist_is_proposed_for_a_new_case(qtbot, window) -> None:
    dialog = _open(qtbot, window)
    dialog.tabs.setCurrentIndex(3)
    assert dialog.checklist.count() >= 3  # AWARE, HEARD, LEARN ship with the store
    dialog.checklist.setCurrentText("LEARN")
    _ok(dialog)
    qtbot.waitUntil(lambda: "Preferences saved" in window.messages.last, timeout=5000)
    tid = next(r.id for r in queries.all_tickets(window.store, TicketFilter())
               if not recovery.cases_of_ticket(window.store, r.id))
    window.ticket_list.show_ticket(tid)
    qtbot.waitUntil(lambda: window.selection.current_ticket_id() == tid and window.registry[ActionId.OPEN_RECOVERY].isEnabled(),
                    timeout=5000)
    window.registry[ActionId.OPEN_RECOVERY].trigger()
    case = window.recovery.view().findChild(QWidget, "recovery_dialog")
    assert case is not None
    assert case.checklist.currentText() == "LEARN"
    assert case.current_checklist.name == "LEARN"
    case.reject()


def test_goodwill_amounts_carry_the_currency_chosen_in_preferences(qtbot, store_path: Path) -> None:
    window = open_window(qtbot, store_path)
    try:
        tid = window.selection.current_ticket_id()
        sue = queries.agent_by_name(window.store, "Sue Park")
        with open_store(str(store_path)) as writer:  # a resolution with goodwill, recorded as an amount alone
            for key in ("acknowledge", "widen"):
                recovery.complete_step(writer, tid, actor_id=sue.id, step=key, note="done")
            recovery.complete_step(writer, tid, actor_id=sue.id, step="agree", note="done",
                                   fields={"promise": "refund", "promised_by": "2026-03-02"})
            recovery.complete_step(writer, tid, actor_id=sue.id, step="resolve", note="done",
                                   fields={"fix": "refunded", "outcome": "recovered", "goodwill_kind": "voucher",
                                           "goodwill_amount": 25})
        qtbot.waitUntil(lambda: "goodwill voucher 25.00" in window.detail.events.text(), timeout=5000)
        dialog = _open(qtbot, window)
        assert dialog.currency.text() == ""  # the locale's, by default
        qtbot.keyClicks(dialog.currency, "eur1")  # letters only, three at most
        assert dialog.currency.text() == "eur"
        _ok(dialog)
        qtbot.waitUntil(lambda: "goodwill voucher 25.00 EUR" in window.detail.events.text(), timeout=5000)
        assert Settings().get(Prefs.CURRENCY) == "EUR"
    finally:
        window.close()
        window.store.close()


def test_the_sla_page_lists_every_policy_and_edits_the_store_wide_one(qtbot, store_path: Path) -> None:
    from csconsole.ui.dialogs.sla import SlaDialog

    window = open_window(qtbot, store_path)
    try:
        dialog = _open(qtbot, window)
        table = dialog.sla_table
        names = [table.topLevelItem(i).text(0) for i in range(table.topLevelItemCount())]
        assert names == [sla.STORE_WIDE, *(q.name for q in queries.queues(window.store))]
        table.setCurrentItem(table.topLevelItem(0))
        dialog.sla_edit.click()
        editor = window.sla_policies.dialog
        assert isinstance(editor, SlaDialog) and not editor.follow.isVisible()  # store-wide: nothing to follow
        editor.hours.setText("mon-fri 08:00-18:00")
        editor.targets[("normal", "resolution")].setValue(960)
        editor.accept()
        qtbot.waitUntil(lambda: sla.policy_for(window.store, None).own, timeout=5000)
        qtbot.waitUntil(lambda: "mon-fri 08:00-18:00" in table.topLevelItem(0).text(1), timeout=5000)
        assert table.currentItem() is table.topLevelItem(0)  # the row edited stays selected
        assert "normal:resolution=960" in table.topLevelItem(0).text(2)
        assert table.topLevelItem(1).text(3) == "store-wide"  # the queues follow it
        dialog.reject()
    finally:
        window.close()
