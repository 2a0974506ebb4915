"""The Recovery view: open cases, promises past their date, follow-ups due, proposals, progress at a glance."""

from __future__ import annotations

from csconsole.services import open_store, queries, recovery
from csconsole.ui.recovery_screens.model import CaseColumn, RecoveryCasesModel
from csconsole.ui.recovery_screens.view import RecoveryView
from csconsole.ui.runner import Runner
from tests.sql import connection
from tests.ui.conftest import SUPERVISOR
from tests.ui.recovery_helpers import seed_cases


def make_view(qtbot, store_path):
    store = open_store(str(store_path))
    sue = queries.agent_by_name(store, SUPERVISOR)
    plan = seed_cases(store, sue.id)
    ops = Runner(store)
    view = RecoveryView(ops, sue)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    with qtbot.waitSignal(view.refreshed):
        view.show()  # a view reads when it is first shown
    return view, store, plan


def cell(view: RecoveryView, row: int, column: CaseColumn) -> str:
    return str(view.model.index(row, column).data())


def test_lists_and_filters(qtbot, qtmodeltester, store_path) -> None:
    view, store, plan = make_view(qtbot, store_path)
    try:
        assert view.model.rowCount() == 2  # open cases only
        assert view.counts.text() == "2 open cases · 1 promise past its date · 1 follow-up due"  # plurals right
        # The most urgent on top: the broken promise, then the follow-up due today.
        assert cell(view, 0, CaseColumn.PROMISED_BY).endswith("⚠")
        assert cell(view, 0, CaseColumn.PROGRESS) == "AWARE ●●●○○ 3/5"
        assert cell(view, 1, CaseColumn.FOLLOW_UP).endswith("⏰")
        assert cell(view, 1, CaseColumn.NEXT) == "Evaluate"
        standalone = RecoveryCasesModel()  # outlives the view, as the model tester's teardown needs
        standalone.set_rows([view.model.row_at(r) for r in range(view.model.rowCount())], recovery.today())
        qtmodeltester.check(standalone, force_py=True)

        for index, expected in ((1, [plan["promise"]]), (2, [plan["follow_up"]]),
                                (3, [plan["promise"], plan["follow_up"], plan["complete"]])):
            with qtbot.waitSignal(view.refreshed):
                view.show_combo.setCurrentIndex(index)
            ids = [view.model.row_at(r).ticket_id for r in range(view.model.rowCount())]
            assert sorted(ids) == sorted(expected)
        assert cell(view, 2, CaseColumn.PROGRESS) == "AWARE ●●●●● 5/5"
        assert cell(view, 2, CaseColumn.POLICY) == "Refunds over $50 need approval"

        ref = connection(store).execute("SELECT ref FROM tickets WHERE id = ?", (plan["complete"],)).fetchone()[0]
        with qtbot.waitSignal(view.refreshed, timeout=3000):
            view.search.setText(ref)
        assert view.model.rowCount() == 1 and cell(view, 0, CaseColumn.TICKET) == ref
    finally:
        view.runner.shutdown()
        store.close()


def test_proposals_are_the_tickets_sql_proposes(qtbot, store_path) -> None:
    view, store, _ = make_view(qtbot, store_path)
    try:
        expected = [p.ref for p in recovery.proposals(store)]
        assert expected  # the floor has bounced tickets and repeat callers
        shown = [view.proposals.item(r, 0).text() for r in range(view.proposals.rowCount())]
        assert shown == expected
        why = view.proposals.item(0, 2).text()
        assert "bounced" in why or "contacts" in why or "loyal" in why
        # Opening a case from a proposal walks it out of the list.
        view.proposals.selectRow(0)
        view.open_button.click()
        dialog = view.dialog
        assert dialog is not None and dialog.windowTitle().startswith("Service recovery")
        dialog.form.note.setPlainText("Sorry for the runaround")
        with qtbot.waitSignal(view.refreshed, timeout=5000):
            dialog.do_step.click()
        shown = [view.proposals.item(r, 0).text() for r in range(view.proposals.rowCount())]
        assert expected[0] not in shown
        assert view.model.rowCount() == 3
        dialog.close()
    finally:
        view.runner.shutdown()
        store.close()


def test_double_click_opens_the_case_and_names_its_ticket(qtbot, store_path) -> None:
    view, store, plan = make_view(qtbot, store_path)
    try:
        with qtbot.waitSignal(view.ticket_activated) as activated:
            view.table.doubleClicked.emit(view.model.index(0, 0))
        assert activated.args == [plan["promise"]]
        dialog = view.dialog
        assert dialog is not None and dialog.progress.text() == "3 of 5 steps done"
        assert not dialog.checklist.isEnabled()  # a case keeps its checklist
        assert dialog.steps.item(3).text().startswith("➜ Resolve")
        assert dialog.steps.item(3).font().bold()
        dialog.close()
    finally:
        view.runner.shutdown()
        store.close()


def test_a_commit_elsewhere_refreshes_the_view(qtbot, store_path) -> None:
    view, store, _ = make_view(qtbot, store_path)
    try:
        assert view.model.rowCount() == 2
        with open_store(str(store_path)) as other:  # another console, another process: same file
            sue = queries.agent_by_name(other, SUPERVISOR)
            recovery.complete_step(other, 5, actor_id=sue.id, step="acknowledge", note="sorry")
        with qtbot.waitSignal(view.refreshed, timeout=5000):
            view.runner.start_polling(50)  # the console's live poll notices the commit and announces one change
        assert view.model.rowCount() == 3
        assert view.counts.text().startswith("3 open cases")
    finally:
        view.runner.shutdown()
        store.close()


def test_proposals_follow_the_recovery_triggers_in_preferences(qtbot, store_path) -> None:
    from csconsole.domain.recovery import RecoveryTriggers
    from csconsole.settings import Prefs, Settings

    settings = Settings()
    settings.set(Prefs.TRIGGER_BOUNCES, 4)
    settings.set(Prefs.TRIGGER_LOYAL_BREACH, False)
    settings.sync()
    view, store, _ = make_view(qtbot, store_path)
    try:
        stricter = RecoveryTriggers(min_bounces=4, min_contacts=3, loyal_breach=False)
        shown = [view.proposals.item(r, 0).text() for r in range(view.proposals.rowCount())]
        assert shown == [p.ref for p in recovery.proposals(store, triggers=stricter)]
        label = view.proposed_label.text()
        assert "bounced 4+ times, 3+ contacts" in label and "loyal" not in label
    finally:
        view.runner.shutdown()
        store.close()
        for setting in (Prefs.TRIGGER_BOUNCES, Prefs.TRIGGER_LOYAL_BREACH):
            settings.set(setting, setting.default)
        settings.sync()
