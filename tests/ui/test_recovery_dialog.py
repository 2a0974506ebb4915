"""A full AWARE walk through the recovery dialog, its refusals, the evaluation dialog and the policy register."""

from __future__ import annotations

from PySide6.QtCore import QDate

from csconsole.services import audit, open_store, queries, recovery
from csconsole.ui.recovery_screens.dialog import RecoveryDialog
from csconsole.ui.recovery_screens.evaluation import EvaluationDialog
from csconsole.ui.recovery_screens.policies import PolicyDialog
from csconsole.ui.runner import Runner
from tests.sql import connection
from tests.ui.conftest import SUPERVISOR
from tests.ui.recovery_helpers import REFUNDS

TICKET = 2


def setup(store_path):
    store = open_store(str(store_path))
    recovery.add_policy(store, REFUNDS, owner="Finance")
    return store, Runner(store), queries.agent_by_name(store, SUPERVISOR)


def events(store) -> int:
    return int(connection(store).execute("SELECT count(*) FROM events").fetchone()[0])


def step(qtbot, dialog: RecoveryDialog, note: str) -> None:
    dialog.form.note.setPlainText(note)
    with qtbot.waitSignal(dialog.step_done, timeout=5000):
        dialog.do_step.click()


def refused(qtbot, dialog, button) -> str:
    with qtbot.waitSignal(dialog.refused, timeout=5000) as signal:
        button.click()
    assert dialog.refusal is not None and dialog.refusal.isVisible()
    text = dialog.refusal.text()
    dialog.refusal.close()
    assert text == signal.args[0]
    return text


def test_a_full_aware_walk(qtbot, store_path) -> None:
    store, ops, sue = setup(store_path)
    dialog = RecoveryDialog(ops, sue, TICKET, "T-2")
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert dialog.checklist.isEnabled() and dialog.checklist.currentText() == "AWARE"
        assert dialog.form.title.text() == "Step 1 of 5: Acknowledge"
        assert not dialog.form.promise.isVisibleTo(dialog)
        before = events(store)
        step(qtbot, dialog, "Apologised: no excuses")
        assert not dialog.checklist.isEnabled()  # the case keeps its checklist from now on
        step(qtbot, dialog, "Three calls and nobody called back")
        assert dialog.form.title.text() == "Step 3 of 5: Agree"
        assert dialog.form.promise.isVisibleTo(dialog) and not dialog.form.fix.isVisibleTo(dialog)
        # Refused: Agree without the promise. Nothing is written; the dialog stays on the step.
        dialog.form.note.setPlainText("Agreed")
        assert "what was promised" in refused(qtbot, dialog, dialog.do_step)
        assert events(store) == before + 3 and dialog.form.title.text() == "Step 3 of 5: Agree"
        dialog.form.promise.setText("Refund the double charge today")
        dialog.form.promised_by.setDate(QDate(2026, 3, 2))
        step(qtbot, dialog, "Agreed with the customer")
        assert dialog.form.fix.isVisibleTo(dialog)
        dialog.form.fix.setText("Refunded in full")
        dialog.form.goodwill_kind.setCurrentText("voucher")
        dialog.form.goodwill_amount.setValue(25)
        dialog.form.follow_up.setDate(QDate(2026, 3, 9))
        dialog.form.outcome.setCurrentText("recovered")
        step(qtbot, dialog, "Done as promised")
        dialog.form.root_cause.setCurrentText("policy")
        dialog.form.policy.setCurrentText(REFUNDS)
        dialog.form.change.setText("Raise the approval limit to $200")
        step(qtbot, dialog, "The approval rule made the customer wait")
        assert dialog.progress.text() == "5 of 5 steps done"
        assert not dialog.do_step.isEnabled()
        assert all(dialog.steps.item(i).text().startswith("✔") for i in range(5))

        [row] = recovery.cases(store, recovery.CaseFilter())
        assert (row.steps_done, row.completed_at is not None, row.promised_by, row.follow_up) == (
            5, True, "2026-03-02", "2026-03-09")
        assert (row.goodwill_kind, row.goodwill_amount, row.outcome) == ("voucher", 25.0, "recovered")
        assert (row.root_cause, row.policy) == ("policy", REFUNDS)
        assert events(store) == before + 6 and audit.verify(store).ok
    finally:
        ops.shutdown()
        store.close()


def test_a_custom_checklist_is_offered_and_the_identity_is_required(qtbot, store_path) -> None:
    store, ops, sue = setup(store_path)
    recovery.save_checklist(store, "CALM", [("Calm", "Lower the temperature", "note"), ("Fix", "", "resolution")])
    nobody = RecoveryDialog(ops, None, TICKET, "T-2")
    qtbot.addWidget(nobody)
    nobody.show()
    dialog = RecoveryDialog(ops, sue, TICKET, "T-2")
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        before = events(store)
        nobody.form.note.setPlainText("x")
        assert "Choose who you are" in refused(qtbot, nobody, nobody.do_step)
        assert [dialog.checklist.itemText(i) for i in range(dialog.checklist.count())] == [
            "AWARE", "HEARD", "LEARN", "CALM"]
        dialog.checklist.setCurrentText("CALM")
        assert dialog.form.title.text() == "Step 1 of 2: Calm"
        assert events(store) == before
        step(qtbot, dialog, "Listened")
        assert recovery.current_case(store, TICKET).checklist.name == "CALM"
    finally:
        ops.shutdown()
        store.close()


def test_evaluation_keeps_the_two_scores_apart(qtbot, store_path) -> None:
    store, ops, sue = setup(store_path)
    dialog = EvaluationDialog(ops, sue, TICKET, "T-2", "Raj Patel")
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert dialog.findChild(object, "associate_box").title() == "The associate: Raj Patel"
        assert dialog.findChild(object, "policy_box").title() == "The policy"
        assert not dialog.policy_score.isEnabled()  # no policy chosen: no policy score
        before = events(store)
        assert "associate's score" in refused(qtbot, dialog, dialog.buttons.button(dialog.buttons.StandardButton.Save))
        dialog.associate_score.set_value(5)
        dialog.policy.setCurrentText(REFUNDS)
        assert dialog.policy_score.isEnabled()
        assert "policy's score" in refused(qtbot, dialog, dialog.buttons.button(dialog.buttons.StandardButton.Save))
        assert events(store) == before
        dialog.policy_score.set_value(1)
        dialog.comment.setPlainText("Raj did everything right; the approval rule failed the customer")
        with qtbot.waitSignal(dialog.evaluated, timeout=5000):
            dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
        row = connection(store).execute(
            "SELECT associate_score, policy_score, p.name, a.name FROM evaluations e "
            "JOIN policies p ON p.id = e.policy_id JOIN agents a ON a.id = e.associate_id").fetchone()
        owner = connection(store).execute("SELECT a.name FROM tickets t JOIN agents a ON a.id = t.owner_id WHERE t.id = ?",
                                   (TICKET,)).fetchone()[0]
        assert row == (5, 1, REFUNDS, owner)
    finally:
        ops.shutdown()
        store.close()


def test_the_policy_register(qtbot, store_path) -> None:
    store, ops, _ = setup(store_path)
    dialog = PolicyDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert dialog.table.rowCount() == 1
        dialog.name.setText("New-customer-only discounts")
        dialog.owner.setText("Marketing")
        dialog.description.setText("Promotions for new sign-ups only")
        with qtbot.waitSignal(dialog.changed, timeout=5000):
            dialog.add.click()
        assert [dialog.table.item(r, 0).text() for r in range(2)] == ["New-customer-only discounts", REFUNDS]
        dialog.name.setText(REFUNDS.upper())
        assert "already exists" in refused(qtbot, dialog, dialog.add)
        dialog.table.selectRow(1)
        with qtbot.waitSignal(dialog.changed, timeout=5000):
            dialog.toggle.click()
        assert dialog.table.item(1, 2).text() == "retired"
        assert [p.name for p in recovery.policies(store, active_only=True)] == ["New-customer-only discounts"]
    finally:
        ops.shutdown()
        store.close()


def test_a_business_adds_its_own_checklist(qtbot, store_path) -> None:
    from csconsole.ui.recovery_screens.checklists import ChecklistDialog

    store, ops, _ = setup(store_path)
    dialog = ChecklistDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert [dialog.names.item(i).text() for i in range(3)] == [
            "AWARE (built in)", "HEARD (built in)", "LEARN (built in)"]
        assert dialog.steps.rowCount() == 5 and not dialog.save.isEnabled()  # built-ins are not edited
        dialog.new.click()
        dialog.name.setText("CALM")
        dialog.steps.item(0, 0).setText("Calm")
        dialog.add_step.click()
        dialog.steps.item(1, 0).setText("Fix")
        dialog.steps.cellWidget(1, 2).setCurrentText("resolution")
        with qtbot.waitSignal(dialog.changed, timeout=5000):
            dialog.save.click()
        assert dialog.names.currentItem().text() == "CALM"
        mine = next(c for c in recovery.checklists(store) if c.name == "CALM")
        assert [(s.title, s.records.value) for s in mine.steps] == [("Calm", "note"), ("Fix", "resolution")]
        dialog.add_step.click()  # a step with no name is refused, nothing saved
        assert "every step needs a name" in refused(qtbot, dialog, dialog.save)
        assert len(next(c for c in recovery.checklists(store) if c.name == "CALM").steps) == 2
    finally:
        ops.shutdown()
        store.close()


def test_the_recovery_dialog_from_the_keyboard_alone(qtbot, store_path) -> None:
    """Tab leaves the note, the cursor is where the next step is typed, Enter completes a step (Close is not the
    default), Evaluate asks for a root cause rather than blaming the associate, and a finished case reads
    again step by step."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    store, ops, sue = setup(store_path)
    dialog = RecoveryDialog(ops, sue, TICKET, "T-2")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    try:
        assert dialog.do_step.isDefault() and not dialog.close_button.isDefault()
        assert not dialog.close_button.autoDefault()

        def typed(text: str) -> None:
            focus = QApplication.focusWidget()
            assert focus is dialog.form.note, focus  # the cursor waits in the step's note
            qtbot.keyClicks(focus, text)

        for note in ("Apologised, no excuses", "Three calls, nobody called back"):
            typed(note)
            qtbot.keyClick(dialog.form.note, Qt.Key.Key_Tab)  # moves on; no tab character in the note
            assert dialog.form.note.toPlainText() == note and QApplication.focusWidget() is not dialog.form.note
            with qtbot.waitSignal(dialog.step_done, timeout=5000):
                qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter completes the step
        typed("Agreed on a refund")
        qtbot.keyClick(dialog.form.note, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.form.promise
        qtbot.keyClicks(dialog.form.promise, "Refund today")
        with qtbot.waitSignal(dialog.step_done, timeout=5000):
            qtbot.keyClick(dialog.form.promise, Qt.Key.Key_Return)
        assert dialog.form.title.text() == "Step 4 of 5: Resolve"
        typed("Refunded as promised")  # at Resolve, what is typed goes into the note
        dialog.form.fix.setText("Refunded in full")
        with qtbot.waitSignal(dialog.step_done, timeout=5000):
            qtbot.keyClick(dialog.form.fix, Qt.Key.Key_Return)

        # Evaluate: no root cause is chosen for the supervisor; skipping it is refused, nothing written.
        assert dialog.form.root_cause.currentData() is None
        before = events(store)
        dialog.form.note.setPlainText("Looked at why")
        assert "Choose the root cause" in refused(qtbot, dialog, dialog.do_step)
        dialog.form.root_cause.setCurrentText("policy")
        message = refused(qtbot, dialog, dialog.do_step)
        assert "pick it in the Policy list" in message and "--" not in message  # no command-line flag
        assert events(store) == before
        dialog.form.policy.setCurrentText(REFUNDS)
        with qtbot.waitSignal(dialog.step_done, timeout=5000):
            dialog.do_step.click()

        # A finished case is read again, step by step.
        assert dialog.form.step is None and dialog.focusWidget() is dialog.steps  # (the refusal boxes took the window)
        dialog.steps.setCurrentRow(2)
        review = dialog.form.review.text()
        assert dialog.form.review.isVisible() and "Agree" in dialog.form.title.text()
        assert "Refund today" in review and SUPERVISOR in review and "Agreed on a refund" in review
        dialog.steps.setCurrentRow(4)
        assert REFUNDS in dialog.form.review.text()  # the policy by its name
    finally:
        ops.shutdown()
        store.close()
