"""File → Import (a CSV event log, a Zendesk export), File → Export audit pack, Tools → Zendesk cross-check.

Owns IMPORT_CSV, IMPORT_ZENDESK, EXPORT_PACK and CROSSCHECK. Imports and the export are long tasks on
the runner, with progress and Cancel; both importers are all-or-nothing, so a refusal or a cancel leaves
the store as it was. The cross-check's disagreements feed the detail pane's Zendesk line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

from csconsole.services import Location, Store, crosscheck, queries
from csconsole.services.changes import Kind
from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.dialogs.import_report import (
    CrossCheckDialog,
    ImportSummaryDialog,
    ProblemsDialog,
    metric_name,
)
from csconsole.ui.dialogs.start import folder_near
from csconsole.ui.messages import Dialogs, Messages
from csconsole.ui.runner import Progress, Runner, Task
from csconsole.ui.who import Who

AGENTS_FILE = "agents.csv"  # DESIGN §6: the optional roles file, offered when it sits beside the log
IMPORT_TOUCHES = (Kind.TICKETS, Kind.QUEUES, Kind.AGENTS)


@dataclass
class Outcome:
    result: Any = None
    disagreements: list[crosscheck.Disagreement] | None = None
    checked: int = 0
    findings: list[str] = field(default_factory=list)
    error: BaseException | None = None  # after the commit: the summary could not be read


class ImportExport(QObject):
    ticket_wanted = Signal(int)  # a summary or the cross-check asks to show this ticket
    crosscheck_changed = Signal()  # the detail pane redraws its Zendesk line

    def __init__(self, runner: Runner, actions: Actions, who: Who, settings: Settings, messages: Messages,
                 dialogs: Dialogs, location: Location, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._who, self._settings = runner, who, settings
        self._messages, self._dialogs, self._location = messages, dialogs, location
        self.import_task: Task | None = None  # one import at a time
        self.import_progress: QProgressDialog | None = None
        self.disagreements_by_ticket: dict[int, list[crosscheck.Disagreement]] = {}
        self.zendesk_checked = 0  # imported tickets carrying Zendesk's counts, as last cross-checked
        actions.on_trigger(ActionId.IMPORT_CSV, self.ask_import_csv)
        actions.on_trigger(ActionId.IMPORT_ZENDESK, self.ask_import_zendesk)
        actions.on_trigger(ActionId.EXPORT_PACK, self.export_audit_pack)
        actions.on_trigger(ActionId.CROSSCHECK, self.show_crosscheck)

    @property
    def importing(self) -> bool:
        return self.import_task is not None

    # --- import ---------------------------------------------------------------------------------
    def _pick(self, title: str, filters: str, folder: bool = False) -> str:
        parent = self._dialogs.parent_widget
        start = self._settings.get(Prefs.IMPORT_FOLDER) or str(folder_near(self._location))
        name = (QFileDialog.getExistingDirectory(parent, title, start) if folder
                else QFileDialog.getOpenFileName(parent, title, start, filters)[0])
        if name:
            self._settings.set(Prefs.IMPORT_FOLDER, str(Path(name).parent))  # the next import starts there
        return name

    def ask_import_csv(self) -> None:
        name = self._pick(self.tr("Import CSV event log"), self.tr("CSV event logs (*.csv);;All files (*)"))
        if not name:
            return
        log = Path(name)
        agents = log.with_name(AGENTS_FILE)
        use_agents: Path | None = None
        if agents.is_file() and agents != log and QMessageBox.question(
                self._dialogs.parent_widget, self.tr("Import CSV event log"),
                self.tr("Give the agents their roles and home queues from {0} beside it (name,role,queue)?")
                .format(AGENTS_FILE)) == QMessageBox.StandardButton.Yes:
            use_agents = agents
        self.import_csv_file(log, use_agents)

    def ask_import_zendesk(self) -> None:
        # One file dialog cannot offer both a .zip and a folder: ask which first.
        ask = QMessageBox(QMessageBox.Icon.Question, self.tr("Import Zendesk export"),
                          self.tr("Is the Zendesk export a .zip file or a folder of JSON files (tickets.json, "
                                  "ticket_audits.json, users.json…)?"), QMessageBox.StandardButton.Cancel,
                          self._dialogs.parent_widget)
        as_zip = ask.addButton(self.tr("A .&zip file…"), QMessageBox.ButtonRole.AcceptRole)
        as_folder = ask.addButton(self.tr("A &folder…"), QMessageBox.ButtonRole.AcceptRole)
        ask.setDefaultButton(as_zip)
        ask.exec()
        if ask.clickedButton() is as_zip:
            name = self._pick(self.tr("Import Zendesk export"), self.tr("Zendesk exports (*.zip);;All files (*)"))
        elif ask.clickedButton() is as_folder:
            name = self._pick(self.tr("Import Zendesk export: the folder of JSON files"), "", folder=True)
        else:
            return
        if name:
            self.import_zendesk_export(Path(name))

    def import_csv_file(self, path: Path, agents: Path | None = None) -> Task | None:
        from csconsole.io.csv_import import import_csv  # the importers load when one is asked for

        by = self._who.agent  # a roles file's roles are given on the authority of who is at the console
        return self.start_import(path, lambda store, progress, cancel: import_csv(
            store, path, agents_file=agents, progress=progress, cancel=cancel, by=by), zendesk=False)

    def import_zendesk_export(self, path: Path) -> Task | None:
        from csconsole.io.zendesk import import_zendesk

        return self.start_import(path, lambda store, progress, cancel: import_zendesk(
            store, path, progress=progress, cancel=cancel), zendesk=True)

    def start_import(self, path: Path, run: Callable[..., Any], *, zendesk: bool) -> Task | None:
        if self._runner.read_only or self._who.agent is None:
            self._messages.error(self.tr("Imports need a writable store and someone at the console."))
            return None
        if self.import_task is not None:
            self._messages.error(self.tr("An import is already running."))
            return None

        def work(store: Store | None, progress: Progress) -> Outcome:
            assert store is not None
            outcome = Outcome()
            outcome.result = result = run(store, progress, progress.cancel)
            try:  # committed: from here on a failure must not say "nothing written"
                ids = sorted({f.ticket_id for f in result.findings})
                refs = {r.id: r.ref for r in queries.tickets_by_id(store, ids)}
                outcome.findings = [f"{refs.get(f.ticket_id, f.ticket_id)} {f.at}: {f.rule} ({f.detail})"
                                    for f in result.findings]
                if zendesk:
                    check = crosscheck.check(store)
                    outcome.checked, outcome.disagreements = check.checked, check.disagreements
            except Exception as error:
                outcome.error = error
            return outcome

        task = self._runner.start_task(work, connection="write", touches=IMPORT_TOUCHES)
        dialog = QProgressDialog(self.tr("Reading {0}…").format(path.name), self.tr("Cancel"), 0, 0,
                                 self._dialogs.parent_widget)
        dialog.setObjectName("import_progress")
        dialog.setWindowTitle(self.tr("Importing {0}").format(path.name))
        dialog.setAccessibleName(self.tr("Import progress"))
        dialog.setAccessibleDescription(self.tr("Cancel leaves the store as it was"))
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(420)

        def progressed(done: int, total: int) -> None:
            if not task.cancelled:
                dialog.setMaximum(total)
                dialog.setValue(done)
                dialog.setLabelText((self.tr("Importing ticket {0:,} of {1:,}…") if zendesk
                                     else self.tr("Importing row {0:,} of {1:,}…")).format(done, total))

        def cancelled() -> None:
            task.cancel()
            dialog.setLabelText(self.tr("Cancelling: nothing will be written…"))
            dialog.show()  # QProgressDialog hides itself on Cancel; stay until the rollback is done

        task.progressed.connect(progressed)
        dialog.canceled.connect(cancelled)
        task.finished.connect(lambda: self._import_finished(task, dialog, path, zendesk))
        self.import_task, self.import_progress = task, dialog
        dialog.open()
        return task

    def _import_finished(self, task: Task, dialog: QProgressDialog, path: Path, zendesk: bool) -> None:
        self.import_task = None
        dialog.canceled.disconnect()
        dialog.close()
        dialog.deleteLater()
        from csconsole.io.csv_import import ImportCancelled, ImportPaused, ImportRejected
        from csconsole.io.zendesk import ZendeskImportResult

        error, outcome = task.error, task.result
        if isinstance(error, ImportCancelled):
            self._messages.show(self.tr("Import of {0} cancelled; nothing was written.").format(path.name))
            return
        if isinstance(error, ImportPaused):  # stopped between two short transactions: what was written stays
            self._messages.error(str(error))
            return
        if isinstance(error, ImportRejected):
            self._dialogs.open(ProblemsDialog(path.name, error.problems, self._dialogs.parent_widget))
            self._messages.show(self.tr("Import of {0} refused; nothing was written.").format(path.name))
            return
        if error is not None or outcome is None:
            self._messages.error(self.tr("Import of {0} failed; nothing was written: {1}")
                                 .format(path.name, task.message or error))
            return
        if outcome.error is not None:
            self._messages.error(self.tr("{0} was imported, but its summary could not be read: {1}")
                                 .format(path.name, outcome.error))
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
            self._set_crosscheck(outcome.checked, outcome.disagreements or [])
        summary = ImportSummaryDialog(path.name, lines, outcome.findings, outcome.disagreements if zendesk else None,
                                      self._dialogs.parent_widget)
        summary.ticket_activated.connect(self.ticket_wanted.emit)
        self._dialogs.open(summary)
        self._messages.show(self.tr("Imported {0}: {1:,} tickets, {2:,} events").format(path.name, result.tickets,
                                                                                     result.events))

    # --- export ---------------------------------------------------------------------------------
    def export_audit_pack(self) -> Task | None:
        """Off the GUI thread, with progress; works in read-only mode too (the store is not changed)."""
        from csconsole.ui.export_dialog import export_audit_pack  # Qt's PDF machinery only when asked

        return export_audit_pack(self._runner, self._dialogs.parent_widget, self._location,
                                 remembered=self._settings.get(Prefs.EXPORT_FOLDER),
                                 chosen=lambda folder: self._settings.set(Prefs.EXPORT_FOLDER, folder))

    # --- the cross-check ------------------------------------------------------------------------
    def _set_crosscheck(self, checked: int, disagreements: list[crosscheck.Disagreement]) -> None:
        """Remember the disagreements per ticket, for the detail pane's Zendesk line."""
        self.zendesk_checked = checked
        self.disagreements_by_ticket = {}
        for d in disagreements:
            self.disagreements_by_ticket.setdefault(d.ticket_id, []).append(d)
        self.crosscheck_changed.emit()

    def load_crosscheck(self) -> None:
        """In the background at start-up (a store without Zendesk tickets answers at once), then on the
        window's slow tick while the store holds Zendesk tickets: work on them moves our counts."""
        self._runner.read(crosscheck.check, lambda c: self._set_crosscheck(c.checked, c.disagreements),
                          key="crosscheck")

    def tick(self) -> None:
        if self.zendesk_checked:
            self.load_crosscheck()

    def show_crosscheck(self) -> None:
        def got(check: crosscheck.CrossCheck) -> None:
            self._set_crosscheck(check.checked, check.disagreements)
            dialog = CrossCheckDialog(check.checked, check.disagreements, self._dialogs.parent_widget)
            dialog.ticket_activated.connect(self.ticket_wanted.emit)
            self._dialogs.open(dialog)

        self._runner.read(crosscheck.check, got, self._messages.error, key="crosscheck",
                          away=lambda: self._messages.show(self.tr(
                              "The server is not answering; try again once it is back.")))

    def zendesk_line(self, ticket_id: int) -> str:
        """'Zendesk counts 3 assignee stations; csconsole counts 2…' for the detail pane, or ''."""
        parts = []
        for d in self.disagreements_by_ticket.get(ticket_id, []):
            what = metric_name(self, d.metric)
            if d.metric == "bounces":
                parts.append(self.tr("Zendesk's stations imply {0} {1}; csconsole counts {2}").format(
                    d.zendesk, what, d.ours))
            else:
                parts.append(self.tr("Zendesk counts {0} {1}; csconsole counts {2}").format(d.zendesk, what, d.ours))
        return "\n".join(parts)
