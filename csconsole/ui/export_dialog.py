"""File → Export audit pack: pick a folder (first in the user's documents, then where the last pack went),
write the pack on the runner, show progress, allow cancel.

The export is a long task on its own read-only connection, so the console stays responsive and the
store is not changed by a byte, whatever mode the console itself has the store open in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from csconsole.io.export import ExportResult, export
from csconsole.services import Store, Where
from csconsole.ui.report_pdf import render_report
from csconsole.ui.runner import Progress, Runner, Task

CANCELLED = "cancelled; nothing was kept"


class _Cancelled(Exception):
    """Raised from the progress callback: the export stops and takes back its files."""


def write_pack(out_dir: Path) -> Callable[[Store | None, Progress], ExportResult]:
    """The task's work: the export, stopping (and keeping nothing) when the user cancels."""
    def work(store: Store | None, progress: Progress) -> ExportResult:
        assert store is not None

        def tick(done: int, total: int) -> None:
            if progress.cancelled:
                raise _Cancelled
            progress(done, total)

        return export(store, out_dir, render=render_report, progress=tick)

    return work


def default_folder(parent_dir: Path, store: Where, now: datetime | None = None) -> Path:
    """A new folder per pack, named for the store (its file, or its database) and the second: two packs
    never mix."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    name = getattr(store, "dbname", None) or Path(str(store)).stem
    folder = parent_dir / f"audit-pack-{name}-{stamp}"
    again = 2
    while folder.exists():  # two packs in one second
        folder = parent_dir / f"audit-pack-{name}-{stamp}-{again}"
        again += 1
    return folder


def outcome(task: Task) -> tuple[ExportResult | None, str]:
    """(result, "") when the pack was written, else (None, a plain reason)."""
    if task.error is None:
        return task.result, ""
    if isinstance(task.error, _Cancelled):
        return None, CANCELLED
    return None, task.message or f"{type(task.error).__name__}: {task.error}"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExportAuditPack", text)


def start_folder(remembered: str = "") -> str:
    """Where the folder chooser opens: the folder of the last pack, else the user's documents."""
    if remembered and Path(remembered).is_dir():
        return remembered
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and Path(documents).is_dir() else str(Path.home())


def choose_folder(parent: QWidget | None, remembered: str = "") -> str:
    """The folder the pack goes into (a new folder is made inside it); the chooser may create one too."""
    return QFileDialog.getExistingDirectory(
        parent, _tr("Where should the audit pack go? (a new folder is made inside)"), start_folder(remembered),
        QFileDialog.Option.ShowDirsOnly)  # not ReadOnly: "Create Folder" stays offered


def export_audit_pack(runner: Runner, parent: QWidget | None, store: Where, out_dir: Path | None = None, *,
                      confirm: bool = True, remembered: str = "",
                      chosen: Callable[[str], None] = lambda _folder: None) -> Task | None:
    """Ask where (unless ``out_dir``), then export with a progress dialog; returns the task in flight.
    ``remembered`` is where the last pack went; ``chosen`` is told the folder picked this time."""
    if out_dir is None:
        folder = choose_folder(parent, remembered)
        if not folder:
            return None
        chosen(folder)
        out_dir = default_folder(Path(folder), store)
    task = runner.start_task(write_pack(out_dir), connection="read", store_path=store)
    dialog = QProgressDialog(_tr("Writing the audit pack: every table, the findings, the report…"), _tr("Cancel"),
                             0, 0, parent)
    dialog.setWindowTitle(_tr("Export audit pack"))
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)

    task.progressed.connect(progressed)
    dialog.canceled.connect(task.cancel)

    def finished() -> None:
        dialog.close()
        dialog.deleteLater()
        if not confirm:
            return
        result, message = outcome(task)
        if result is None:
            QMessageBox.warning(parent, _tr("Export audit pack"), _tr("The audit pack was not written: {0}").format(message))
            return
        report = result.report
        chain = (_tr("The audit chain verifies: head {0} {1}.").format(report.chain_head.seq, report.chain_head.hash)
                 if report.chain_ok else _tr("The audit chain does NOT verify: {0}").format(report.chain_problem))
        text = _tr("Written to {0}: {1} files and manifest.json. {2} {3} rule breaches are listed as findings.").format(
            result.out_dir, len(result.files), chain, report.findings_total)
        icon = QMessageBox.Icon.Information if report.chain_ok else QMessageBox.Icon.Warning
        box = QMessageBox(icon, _tr("Export audit pack"), text, parent=parent)
        box.setObjectName("export_done")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the path can be copied
        show = box.addButton(_tr("Show folder"), QMessageBox.ButtonRole.ActionRole)
        close = box.addButton(QMessageBox.StandardButton.Close)
        box.setDefaultButton(close)  # Enter cannot start what may fail unseen (no file manager here)
        box.exec()
        if box.clickedButton() is show and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.out_dir))):
            QMessageBox.information(parent, _tr("Export audit pack"),
                                    _tr("No file manager could be opened here; the pack is in {0}").format(
                                        result.out_dir))

    task.finished.connect(finished)
    return task
