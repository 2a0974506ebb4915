"""File → Export audit pack: pick a folder, write the pack off the GUI thread, show progress, allow cancel.

The export opens its own read-only connection in a worker thread, so the console stays responsive and
the store is not changed by a byte, whatever mode the console itself has the store open in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from csconsole.domain.errors import DomainError
from csconsole.io.export import ExportResult, export
from csconsole.services import open_store
from csconsole.ui.report_pdf import render_report

STEPS = 1000  # progress dialog resolution


class _Cancelled(Exception):
    """Raised from the progress callback: the export stops and takes back its files."""


class ExportRun(QObject):
    """One export in flight. ``finished`` carries the result, or None and a plain message."""

    progressed = Signal(int)  # 0..STEPS
    finished = Signal(object, str)

    def __init__(self, store_path: str, out_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store_path = store_path
        self.out_dir = out_dir
        self.cancelled = False

    def start(self) -> None:
        QThreadPool.globalInstance().start(_Task(self))

    @Slot()
    def cancel(self) -> None:
        self.cancelled = True


class _Task(QRunnable):
    def __init__(self, run: ExportRun) -> None:
        super().__init__()
        self.run_ = run

    def run(self) -> None:
        run = self.run_

        def progress(done: int, total: int) -> None:
            if run.cancelled:
                raise _Cancelled
            run.progressed.emit(int(STEPS * done / total) if total else STEPS)

        try:
            with open_store(run.store_path, read_only=True) as store:
                result = export(store, run.out_dir, render=render_report, progress=progress)
        except _Cancelled:
            run.finished.emit(None, "cancelled; nothing was kept")
        except DomainError as refusal:
            run.finished.emit(None, str(refusal))
        except Exception as error:  # noqa: BLE001 - shown to the user rather than lost in a thread
            run.finished.emit(None, f"unexpected error: {type(error).__name__}: {error}")
        else:
            run.finished.emit(result, "")


def default_folder(parent_dir: Path, store_path: str, now: datetime | None = None) -> Path:
    """A new folder per pack, named for the store and the minute: two packs never mix."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return parent_dir / f"audit-pack-{Path(store_path).stem}-{stamp}"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExportAuditPack", text)


def export_audit_pack(
    parent: QWidget | None, store_path: str, out_dir: Path | None = None, *, confirm: bool = True
) -> ExportRun | None:
    """Ask where (unless ``out_dir``), then export with a progress dialog; returns the run in flight."""
    if out_dir is None:
        chosen = QFileDialog.getExistingDirectory(parent, _tr("Where should the audit pack go?"))
        if not chosen:
            return None
        out_dir = default_folder(Path(chosen), store_path)
    run = ExportRun(store_path, out_dir, parent)
    dialog = QProgressDialog(_tr("Writing the audit pack: every table, the findings, the report…"), _tr("Cancel"),
                             0, STEPS, parent)
    dialog.setWindowTitle(_tr("Export audit pack"))
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    run.progressed.connect(dialog.setValue)
    dialog.canceled.connect(run.cancel)

    def finished(result: ExportResult | None, message: str) -> None:
        dialog.close()
        dialog.deleteLater()
        if not confirm:
            return
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
        show = box.addButton(_tr("Show folder"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is show:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.out_dir)))

    run.finished.connect(finished)
    QTimer.singleShot(0, run.start)  # once control is back in the event loop: callers may connect first
    return run
