"""File → Import: a CSV event log or a Zendesk export, off the GUI thread, with progress and a Cancel button.

Both importers are all-or-nothing: a refusal or a cancel leaves the store as it was. The import runs on
its own store connection in a QThread; only counts cross threads in signals, the outcome waits on the
worker (Python objects in queued signals have tripped PySide's reference counting, see operations.py).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from csconsole.domain.errors import DomainError
from csconsole.io.csv_import import ImportCancelled, ImportRejected, import_csv
from csconsole.io.zendesk import ZendeskImportResult, import_zendesk
from csconsole.services import Store, StoreError, crosscheck, open_store, queries
from csconsole.settings import Prefs
from csconsole.ui.dialogs.import_report import CrossCheckDialog, ImportSummaryDialog, ProblemsDialog

if TYPE_CHECKING:
    from csconsole.ui.main_window import MainWindow

AGENTS_FILE = "agents.csv"  # DESIGN §6: the optional roles file, offered when it sits beside the log


@dataclass
class Outcome:
    result: Any = None
    disagreements: list[crosscheck.Disagreement] | None = None
    checked: int = 0
    findings: list[str] = field(default_factory=list)
    error: BaseException | None = None


class ImportWorker(QThread):
    """Runs one import on its own connection; ``progress`` carries (done, total), ``outcome`` the rest."""

    progressed = Signal(int, int)

    def __init__(self, store_path: str, run: Callable[[Store, Callable[[int, int], None], threading.Event], Any],
                 cross_check: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path, self._run, self._cross_check = store_path, run, cross_check
        self.cancel = threading.Event()
        self.outcome = Outcome()
        self._last = -1

    def _progress(self, done: int, total: int) -> None:
        step = max(1, total // 200)  # a couple of hundred updates at most, however large the import
        if done == total or done - self._last >= step:
            self._last = done
            self.progressed.emit(done, total)

    def run(self) -> None:
        try:
            with open_store(self._path) as store:
                result = self._run(store, self._progress, self.cancel)
                self.outcome.result = result  # committed: from here on a failure must not say "nothing written"
                refs = {r.id: r.ref for r in queries.tickets_by_id(store, sorted({f.ticket_id for f in result.findings}))}
                self.outcome.findings = [f"{refs.get(f.ticket_id, f.ticket_id)} {f.at}: {f.rule} ({f.detail})"
                                         for f in result.findings]
                if self._cross_check:
                    check = crosscheck.check(store)
                    self.outcome.checked, self.outcome.disagreements = check.checked, check.disagreements
        except (DomainError, StoreError) as refusal:
            self.outcome.error = refusal
        except Exception as bug:  # noqa: BLE001 - shown to the user rather than lost in a thread
            traceback.print_exc()
            self.outcome.error = bug


class ImportActions:
    """Mixed into MainWindow: the import actions, the cross-check dialog and the detail pane's Zendesk line."""

    def _pick_import(self: MainWindow, title: str, filters: str, folder: bool = False) -> str:
        start = self.settings.get(Prefs.IMPORT_FOLDER) or str(self.store.path.parent)
        if folder:
            name = QFileDialog.getExistingDirectory(self, title, start)
        else:
            name, _ = QFileDialog.getOpenFileName(self, title, start, filters)
        if name:
            self.settings.set(Prefs.IMPORT_FOLDER, str(Path(name).parent))  # the next import starts there
        return name

    def ask_import_csv(self: MainWindow) -> None:
        name = self._pick_import(self.tr("Import CSV event log"), self.tr("CSV event logs (*.csv);;All files (*)"))
        if not name:
            return
        log = Path(name)
        agents = log.with_name(AGENTS_FILE)
        use_agents: Path | None = None
        if agents.is_file() and agents != log and QMessageBox.question(
                self, self.tr("Import CSV event log"),
                self.tr("Give the agents their roles and home queues from {0} beside it (name,role,queue)?")
                .format(AGENTS_FILE)) == QMessageBox.StandardButton.Yes:
            use_agents = agents
        self.import_csv_file(log, use_agents)

    def ask_import_zendesk(self: MainWindow) -> None:
        # One file dialog cannot offer both a .zip and a folder: ask which first.
        ask = QMessageBox(QMessageBox.Icon.Question, self.tr("Import Zendesk export"),
                          self.tr("Is the Zendesk export a .zip file or a folder of JSON files (tickets.json, "
                                  "ticket_audits.json, users.json…)?"), QMessageBox.StandardButton.Cancel, self)
        as_zip = ask.addButton(self.tr("A .&zip file…"), QMessageBox.ButtonRole.AcceptRole)
        as_folder = ask.addButton(self.tr("A &folder…"), QMessageBox.ButtonRole.AcceptRole)
        ask.setDefaultButton(as_zip)
        ask.exec()
        if ask.clickedButton() is as_zip:
            name = self._pick_import(self.tr("Import Zendesk export"), self.tr("Zendesk exports (*.zip);;All files (*)"))
        elif ask.clickedButton() is as_folder:
            name = self._pick_import(self.tr("Import Zendesk export: the folder of JSON files"), "", folder=True)
        else:
            return
        if name:
            self.import_zendesk_export(Path(name))

    def import_csv_file(self: MainWindow, path: Path, agents: Path | None = None) -> ImportWorker | None:
        return self.start_import(path, lambda store, progress, cancel: import_csv(
            store, path, agents_file=agents, progress=progress, cancel=cancel), zendesk=False)

    def import_zendesk_export(self: MainWindow, path: Path) -> ImportWorker | None:
        return self.start_import(path, lambda store, progress, cancel: import_zendesk(
            store, path, progress=progress, cancel=cancel), zendesk=True)

    def start_import(self: MainWindow, path: Path, run: Callable[..., Any], *, zendesk: bool) -> ImportWorker | None:
        if self.store.read_only or self.identity is None:
            self.show_message(self.tr("Imports need a writable store and someone at the console."), error=True)
            return None
        if self.import_worker is not None:
            self.show_message(self.tr("An import is already running."), error=True)
            return None
        worker = ImportWorker(str(self.store.path), run, zendesk, self)
        dialog = QProgressDialog(self.tr("Reading {0}…").format(path.name), self.tr("Cancel"), 0, 0, self)
        dialog.setObjectName("import_progress")
        dialog.setWindowTitle(self.tr("Importing {0}").format(path.name))
        dialog.setAccessibleName(self.tr("Import progress"))
        dialog.setAccessibleDescription(self.tr("Cancel leaves the store as it was"))
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(420)

        def progressed(done: int, total: int) -> None:
            if not worker.cancel.is_set():
                dialog.setMaximum(total)
                dialog.setValue(done)
                dialog.setLabelText((self.tr("Importing ticket {0:,} of {1:,}…") if zendesk
                                     else self.tr("Importing row {0:,} of {1:,}…")).format(done, total))

        def cancelled() -> None:
            worker.cancel.set()
            dialog.setLabelText(self.tr("Cancelling: nothing will be written…"))
            dialog.show()  # QProgressDialog hides itself on Cancel; stay until the rollback is done

        worker.progressed.connect(progressed)
        dialog.canceled.connect(cancelled)
        worker.finished.connect(lambda: self._import_finished(worker, dialog, path, zendesk))
        self.import_worker = worker
        self.import_progress = dialog
        self._update_enabled()
        dialog.open()
        worker.start()
        return worker

    def _import_finished(self: MainWindow, worker: ImportWorker, dialog: QProgressDialog, path: Path,
                         zendesk: bool) -> None:
        self.import_worker = None
        dialog.canceled.disconnect()
        dialog.close()
        dialog.deleteLater()
        worker.deleteLater()
        self._update_enabled()
        outcome = worker.outcome
        error = outcome.error
        if isinstance(error, ImportCancelled):
            self.show_message(self.tr("Import of {0} cancelled; nothing was written.").format(path.name))
            return
        if isinstance(error, ImportRejected):
            self._show_report(ProblemsDialog(path.name, error.problems, self))
            self.show_message(self.tr("Import of {0} refused; nothing was written.").format(path.name), error=False)
            return
        if error is not None and outcome.result is None:
            self.show_message(self.tr("Import of {0} failed; nothing was written: {1}").format(path.name, error),
                              error=True)
            return
        if error is not None:
            self.ops.poll()
            self.show_message(self.tr("{0} was imported, but its summary could not be read: {1}")
                              .format(path.name, error), error=True)
            return
        result = outcome.result
        # "label: number" lines: no plural forms to get wrong before there are translations
        lines = [self.tr("Tickets: {0:,} ({1:,} new) · events: {2:,}").format(result.tickets, result.new_tickets,
                                                                          result.events),
                 self.tr("Rule breaches found in their history: {0:,}").format(len(result.findings))]
        if isinstance(result, ZendeskImportResult):
            lines.append(self.tr("Skipped (deleted in Zendesk, or nothing new): {0:,}").format(result.skipped))
            lines.append(self.tr("Tickets carrying Zendesk's own counts: {0:,} · counts that disagree with ours: "
                                 "{1:,}").format(result.metrics, len(outcome.disagreements or [])))
            self.zendesk_checked = outcome.checked
            self._set_crosscheck(outcome.disagreements or [])
        summary = ImportSummaryDialog(path.name, lines, outcome.findings, outcome.disagreements if zendesk else None,
                                      self)
        summary.ticket_activated.connect(self.show_ticket)
        self._show_report(summary)
        self.show_message(self.tr("Imported {0}: {1:,} tickets, {2:,} events").format(path.name, result.tickets,
                                                                                   result.events))
        self.ops.poll()  # the worker's commit: every panel refreshes now, not at the next tick

    def _show_report(self: MainWindow, dialog: Any) -> None:
        self._open_dialog(dialog, lambda: None)

    # --- the cross-check -----------------------------------------------------------------------------
    def _set_crosscheck(self: MainWindow, disagreements: list[crosscheck.Disagreement]) -> None:
        """Remember the disagreements per ticket, for the detail pane's Zendesk line."""
        if self._closing:
            return
        self.disagreements_by_ticket = {}
        for d in disagreements:
            self.disagreements_by_ticket.setdefault(d.ticket_id, []).append(d)
        if self.detail.ticket_id is not None:
            self._show_detail(self.detail.ticket_id)

    def load_crosscheck(self: MainWindow) -> None:
        """In the background at start-up (a store without Zendesk tickets answers at once), then on the
        window's slow tick while the store holds Zendesk tickets: work on them moves our counts."""
        def got(check: crosscheck.CrossCheck) -> None:
            self.zendesk_checked = check.checked
            self._set_crosscheck(check.disagreements)

        self.ops.read(crosscheck.check, got, key="crosscheck")

    def show_crosscheck(self: MainWindow) -> None:
        def got(check: crosscheck.CrossCheck) -> None:
            self.zendesk_checked = check.checked
            self._set_crosscheck(check.disagreements)
            dialog = CrossCheckDialog(check.checked, check.disagreements, self)
            dialog.ticket_activated.connect(self.show_ticket)
            self._show_report(dialog)

        self.ops.read(crosscheck.check, got, lambda m: self.show_message(m, error=True), key="crosscheck")

    def zendesk_line(self: MainWindow, ticket_id: int) -> str:
        """'Zendesk counts 3 assignee stations; csconsole counts 2…' for the detail pane, or ''."""
        from csconsole.ui.dialogs.import_report import metric_name

        parts = []
        for d in self.disagreements_by_ticket.get(ticket_id, []):
            what = metric_name(self, d.metric)
            if d.metric == "bounces":
                parts.append(self.tr("Zendesk's stations imply {0} {1}; csconsole counts {2}").format(
                    d.zendesk, what, d.ours))
            else:
                parts.append(self.tr("Zendesk counts {0} {1}; csconsole counts {2}").format(d.zendesk, what, d.ours))
        return "\n".join(parts)
