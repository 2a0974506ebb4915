"""File → Export audit pack: written off the GUI thread with progress; a cancel keeps nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from csconsole.ui.export_dialog import CANCELLED, export_audit_pack, outcome, write_pack
from csconsole.ui.runner import Runner
from tests.ui.conftest import build_store


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_pack_is_written_off_the_gui_thread_and_the_store_is_untouched(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = build_store(tmp_path / "floor.db")
    before = _sha(store)
    steps: list[tuple[int, int]] = []
    runner = Runner(None)  # no console store: the export opens its own read-only connection
    task = export_audit_pack(runner, None, str(store), tmp_path / "pack", confirm=False)
    assert task is not None
    task.progressed.connect(lambda done, total: steps.append((done, total)))
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass  # the task starts once the event loop turns, i.e. in here
    result, message = outcome(task)
    runner.shutdown()
    assert message == "" and result is not None and result.report.chain_ok
    manifest = json.loads((tmp_path / "pack" / "manifest.json").read_text(encoding="utf-8"))
    assert "report.pdf" in {f["name"] for f in manifest["files"]}
    assert _sha(store) == before
    assert steps and steps[-1][0] == steps[-1][1] > 0  # progress reached its end


def test_a_cancelled_export_keeps_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    store = build_store(tmp_path / "floor.db")
    runner = Runner(None)
    task = runner.start_task(write_pack(tmp_path / "pack"), connection="read", store_path=str(store))
    task.cancel()
    with qtbot.waitSignal(task.finished, timeout=60_000):
        pass
    result, message = outcome(task)
    runner.shutdown()
    assert result is None and "cancelled" in message and message == CANCELLED
    # Nothing kept: the pack is written beside its place and renamed there only when whole (issue 18).
    assert not (tmp_path / "pack").exists()
    assert not list(tmp_path.glob(".pack.partial"))


def test_file_export_audit_pack_works_in_a_read_only_console(
    qtbot: QtBot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from csconsole.ui.actions import ActionId
    from tests.ui.conftest import open_window

    before = _sha(store_path)
    folder = tmp_path / "packs"
    folder.mkdir()
    asked: list[tuple[object, ...]] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: asked.append(args) or str(folder))
    shown: list[str] = []
    defaults: list[str] = []

    def closed_at_once(box: QMessageBox) -> int:  # what the user sees, and which button Enter would press
        shown.append(box.text())
        defaults.append(box.defaultButton().text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", closed_at_once)
    window = open_window(qtbot, store_path, read_only=True)
    try:
        action = window.registry[ActionId.EXPORT_PACK]
        assert action.isEnabled(), "exporting writes nothing: it is allowed read-only"
        action.trigger()
        qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
        (pack,) = folder.iterdir()
        assert (pack / "manifest.json").exists() and (pack / "report.pdf").exists()
        qtbot.waitUntil(lambda: window.registry[ActionId.EXPORT_PACK].isEnabled(), timeout=5000)
        assert "manifest.json" in shown[0] and "verifies" in shown[0]
        assert defaults[0].replace("&", "") == "Close"  # not "Show folder", which may fail unseen
        _parent, _caption, start, options = asked[0]
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        assert start in (documents, str(Path.home()))  # the first pack: the user's documents
        assert not options & QFileDialog.Option.ReadOnly  # the chooser may create a folder
        action.trigger()  # the next pack starts where the last one went
        qtbot.waitUntil(lambda: len(shown) == 2, timeout=60_000)
        assert asked[1][2] == str(folder)
    finally:
        window.close()
        window.store.close()
    assert _sha(store_path) == before
