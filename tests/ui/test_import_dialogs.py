"""File → Import through the console: a CSV log and a Zendesk export, their refusals, cancels and summaries."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

from PySide6.QtWidgets import QPushButton

from csconsole.domain.read_models import TicketFilter
from csconsole.io.csv_import import import_csv
from csconsole.services import audit, queries
from csconsole.ui.actions import ActionId
from csconsole.ui.dialogs.import_report import CrossCheckDialog, ImportSummaryDialog, ProblemsDialog

FIXTURE = Path(__file__).parent.parent / "fixtures" / "zendesk"
HEADER = "ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note\n"


def _finish(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.imports.importing, timeout=20_000)


def _refs(window, prefix: str) -> list[str]:
    return sorted(r.ref for r in queries.all_tickets(window.store, TicketFilter()) if r.ref.startswith(prefix))


def test_a_csv_log_imports_and_its_tickets_appear(qtbot, window, tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(HEADER
                   + "IMP-1,2026-03-02T09:00:00Z,created,,Billing,,Acme Ltd,Charged twice,phone,high,,\n"
                   + "IMP-1,2026-03-02T09:05:00Z,take,Ana Lima,Billing,,,,,,,\n"
                   + "IMP-2,2026-03-02T10:00:00Z,created,,Returns,,Bo Shop,Broken box,email,low,,\n")
    assert window.imports.import_csv_file(log) is not None
    assert not window.registry[ActionId.IMPORT_CSV].isEnabled()  # one import at a time
    _finish(qtbot, window)
    summary = window.dialogs.active
    assert isinstance(summary, ImportSummaryDialog)
    assert "Tickets: 2 (2 new) · events: 3" in summary.summary.text()
    assert _refs(window, "IMP-") == ["IMP-1", "IMP-2"]
    window.filter_bar.search.setText("IMP-1")
    qtbot.waitUntil(lambda: window.table_model.rowCount() == 1
                    and window.table_model.row_at(0) is not None and window.table_model.row_at(0).ref == "IMP-1",
                    timeout=5000)
    assert window.registry[ActionId.IMPORT_CSV].isEnabled()


def test_a_bad_csv_shows_its_lines_and_writes_nothing(qtbot, window, tmp_path: Path) -> None:
    log = tmp_path / "bad.csv"
    log.write_text(HEADER
                   + "BAD-1,2026-03-02T09:00:00Z,created,,Billing,,Acme Ltd,Charged twice,phone,high,,\n"
                   + "BAD-1,2026-03-02T09:05:00Z,juggle,Ana Lima,Billing,,,,,,,\n"
                   + "BAD-1,not a time,take,Ana Lima,Billing,,,,,,,\n")
    head = audit.head(window.store)
    window.imports.import_csv_file(log)
    _finish(qtbot, window)
    dialog = window.dialogs.active
    assert isinstance(dialog, ProblemsDialog)
    lines = dialog.lines.toPlainText().splitlines()
    assert any("bad.csv:3:kind: unknown kind" in line for line in lines), lines
    assert any("bad.csv:4:at:" in line for line in lines), lines
    assert dialog.lines.isReadOnly()
    copy = next(b for b in dialog.findChildren(QPushButton) if "Copy" in b.text())
    copy.click()
    from PySide6.QtGui import QGuiApplication
    assert "bad.csv:3:kind" in QGuiApplication.clipboard().text()
    assert audit.head(window.store) == head
    assert _refs(window, "BAD-") == []


def test_cancel_writes_nothing(qtbot, window, tmp_path: Path) -> None:
    log = tmp_path / "long.csv"
    rows = [HEADER]
    for n in range(300):  # 1,500 rows: the importer looks at Cancel every 1,000 and at the end
        rows.append(f"CAN-{n},2026-03-02T09:00:00Z,created,,Billing,,Customer {n},Subject {n},phone,high,,\n")
        rows += [f"CAN-{n},2026-03-02T09:0{k}:00Z,contact,,,,,,,,,again\n" for k in range(1, 5)]
    log.write_text("".join(rows))
    head = audit.head(window.store)
    halfway, go_on = threading.Event(), threading.Event()

    def run(store, progress, cancel):
        def held(done: int, total: int) -> None:
            progress(done, total)
            if not halfway.is_set():  # hold the import at its first progress until Cancel is pressed
                halfway.set()
                go_on.wait(10)

        return import_csv(store, log, progress=held, cancel=cancel)

    window.imports.start_import(log, run, zendesk=False)
    qtbot.waitUntil(halfway.is_set, timeout=10_000)
    dialog = window.imports.import_progress
    assert dialog.isVisible()
    dialog.findChild(QPushButton).click()  # Cancel
    go_on.set()
    _finish(qtbot, window)
    assert "nothing was written" in window.messages.last
    assert audit.head(window.store) == head
    assert _refs(window, "CAN-") == []


def test_zendesk_export_import_shows_the_disagreements(qtbot, window, tmp_path: Path) -> None:
    export = tmp_path / "zendesk"
    shutil.copytree(FIXTURE, export)
    metrics_file = export / "ticket_metrics.json"
    metrics = json.loads(metrics_file.read_text())
    first = metrics["ticket_metrics"][0]
    first["assignee_stations"] += 2  # Zendesk says otherwise than our events for this one ticket
    metrics_file.write_text(json.dumps(metrics))
    window.imports.import_zendesk_export(export)
    _finish(qtbot, window)
    summary = window.dialogs.active
    assert isinstance(summary, ImportSummaryDialog), window.messages.last
    assert summary.disagreements is not None
    table = summary.disagreements
    cells = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    ref = f"ZD-{first['ticket_id']}"
    assert [ref, "assignee stations", str(first["assignee_stations"] - 2), str(first["assignee_stations"])] in cells
    assert "Tickets carrying Zendesk's own counts: 11 · counts that disagree with ours: 2" in summary.summary.text()

    # the detail pane of that ticket says so, and Tools → Zendesk cross-check lists it
    summary.close()
    tid = next(r.id for r in queries.all_tickets(window.store, TicketFilter(search=ref)) if r.ref == ref)
    qtbot.waitUntil(lambda: not window.table_model.loading and window.table_model.rowCount()
                    == queries.tickets_count(window.store, window.ticket_list.current_filter()), timeout=5000)
    window.ticket_list.show_ticket(tid)
    qtbot.waitUntil(lambda: window.detail.ticket_id == tid, timeout=5000)
    line = window.detail.zendesk.text()
    assert window.detail.zendesk.isVisible()
    assert f"Zendesk counts {first['assignee_stations']} assignee stations" in line
    window.registry[ActionId.CROSSCHECK].trigger()
    qtbot.waitUntil(lambda: isinstance(window.dialogs.active, CrossCheckDialog), timeout=5000)
    check = window.dialogs.active
    assert check.table.rowCount() >= 1 and check.table.item(0, 0).text() == ref


def test_the_untouched_fixture_agrees_with_zendesk(qtbot, window) -> None:
    window.imports.import_zendesk_export(FIXTURE)
    _finish(qtbot, window)
    summary = window.dialogs.active
    assert isinstance(summary, ImportSummaryDialog)
    assert summary.disagreements is None  # no table: nothing to list
    assert "counts that disagree with ours: 0" in summary.summary.text()


def test_imports_are_off_in_read_only_mode(qtbot, store_path: Path, tmp_path: Path) -> None:
    from tests.ui.conftest import open_window

    window = open_window(qtbot, store_path, read_only=True)
    try:
        assert not window.registry[ActionId.IMPORT_CSV].isEnabled()
        assert not window.registry[ActionId.IMPORT_ZENDESK].isEnabled()
        assert window.imports.import_zendesk_export(FIXTURE) is None
    finally:
        window.close()
        window.store.close()


def test_a_csv_log_with_its_agents_file(qtbot, window, tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(HEADER
                   + "AG-1,2026-03-02T09:00:00Z,created,,Billing,,Acme Ltd,Charged twice,phone,high,,\n"
                   + "AG-1,2026-03-02T09:05:00Z,take,Nia Cole,Billing,,,,,,,\n")
    agents = tmp_path / "agents.csv"
    agents.write_text("name,role,queue\nNia Cole,supervisor,Billing\n")
    window.imports.import_csv_file(log, agents)
    _finish(qtbot, window)
    assert isinstance(window.dialogs.active, ImportSummaryDialog)
    assert queries.agent_by_name(window.store, "Nia Cole").role.value == "supervisor"


def test_work_after_the_import_shows_up_in_the_cross_check(qtbot, window, writer) -> None:
    from csconsole.services import tickets
    from tests.ui.conftest import SUPERVISOR

    window.imports.import_zendesk_export(FIXTURE)
    _finish(qtbot, window)
    assert window.imports.zendesk_checked == 11 and window.imports.disagreements_by_ticket == {}
    ticket = next(r for r in queries.all_tickets(writer, TicketFilter(open_only=True)) if r.ref.startswith("ZD-"))
    raj = queries.agent_by_name(writer, "Raj Patel")
    sue = queries.agent_by_name(writer, SUPERVISOR)  # a colleague's ticket is moved by a supervisor
    tickets.transfer(writer, ticket.id, actor_id=sue.id, queue_id=raj.queue_id, owner_id=raj.id,
                     note="over to Raj")  # our counts move on; Zendesk's stay as exported
    window.imports.load_crosscheck()  # what the window's slow tick does while the store holds Zendesk tickets
    qtbot.waitUntil(lambda: ticket.id in window.imports.disagreements_by_ticket, timeout=5000)
    assert {d.metric for d in window.imports.disagreements_by_ticket[ticket.id]} >= {"assignee_stations"}
