"""Retake the README's screenshots: the console on a demo store at one screen size and theme.

    csconsole demo /tmp/ux-demo.db --tickets 20000
    Xvfb :99 -screen 0 1280x720x24 -nolisten tcp &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python docs/screenshots.py /tmp/ux-demo.db --size 1280x720 --theme light

writes main, reassign, recovery, dashboard and sla (a queue's SLA policy being edited) PNGs named ``<shot>-<size>-<theme>.png`` into ``--out``
(a scratch folder by default: pick the ones the README shows and copy them to docs/). The screen of the X
server must be the size asked for: the shots are of the whole screen, dialogs included.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

SHOTS = ("main", "reassign", "recovery", "dashboard", "sla")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--out", default=tempfile.mkdtemp(prefix="csconsole-shots-"))
    parser.add_argument("--shots", default=",".join(SHOTS))
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    app = QApplication(["csconsole"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # a first start: no layout remembered
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from csconsole.services import open_store, queries
    from csconsole.settings import Settings
    from csconsole.ui import theme
    from csconsole.ui.actions import ActionId
    from csconsole.ui.help import set_identity
    from csconsole.ui.main_window import MainWindow

    set_identity(app)
    theme.apply(args.theme)
    store = open_store(args.db)
    me = next(a for a in queries.agents(store) if a.role.value == "supervisor")
    window = MainWindow(store, Settings(), me)
    window.move(0, 0)
    window.resize(width, height)
    window.show()
    steps: list[tuple[int, Callable[[], None]]] = []

    def grab(name: str) -> Callable[[], None]:
        def take() -> None:
            path = out / f"{name}-{args.size}-{args.theme}.png"
            app.primaryScreen().grabWindow(0).save(str(path))
            print(path)
        return take

    def reassign() -> None:
        window.selection.select_row(1)
        table = window.table
        for row in (2, 4):
            table.selectionModel().select(window.table_model.index(row, 0),
                                          table.selectionModel().SelectionFlag.Select
                                          | table.selectionModel().SelectionFlag.Rows)
        window.registry[ActionId.REASSIGN].trigger()
        table.horizontalScrollBar().setValue(0)  # the references in sight behind the dialog
        dialog = window.dialogs.active
        if dialog is not None:
            dialog.agents.selectRow(0)  # type: ignore[attr-defined]  # the likeliest agent
            dialog.detail.setText("one owner until the outage is over")  # type: ignore[attr-defined]

    def sla_policy() -> None:
        window.queues_view.selectRow(1)  # the first queue: its SLA policy from the context menu's action
        window.registry[ActionId.SLA_TARGETS].trigger()
        dialog = window.dialogs.active
        if dialog is not None:
            dialog.follow.setChecked(False)  # type: ignore[attr-defined]
            dialog.hours.setText("mon-fri 08:00-18:00; sat 09:00-13:00")  # type: ignore[attr-defined]
            dialog.zone.setCurrentText("Europe/Berlin")  # type: ignore[attr-defined]
            dialog.holidays.setText("DE-BY")  # type: ignore[attr-defined]
            dialog.closed.setText("2026-12-24,2026-12-31")  # type: ignore[attr-defined]

    def close_dialog() -> None:
        dialog: QWidget | None = window.dialogs.active
        if dialog is not None:
            dialog.close()

    wanted = args.shots.split(",")
    # Each step waits for the one before it (a busy machine delays timers, never reorders them): the first
    # rows, the queues and the detail come in first; pyqtgraph's axes need a moment after a show.
    if "main" in wanted:
        steps += [(2500, grab("main"))]
    if "reassign" in wanted:
        steps += [(200, reassign), (1200, grab("reassign")), (100, close_dialog)]
    if "recovery" in wanted:
        steps += [(300, lambda: window.registry[ActionId.RECOVERY_PANEL].setChecked(True)),
                  (600, lambda: window.recovery.view().table.selectRow(0)),  # type: ignore[union-attr]
                  (1500, grab("recovery"))]
    if "dashboard" in wanted:
        steps += [(300, lambda: window.registry[ActionId.DASHBOARD_PANEL].setChecked(True)),
                  (200, lambda: _fill_screen(window.findChild(QWidget, "window_dashboard_panel"), width, height)),
                  (3000, grab("dashboard"))]
    if "sla" in wanted:
        steps += [(300, lambda: window.registry[ActionId.DASHBOARD_PANEL].setChecked(False)),
                  (300, sla_policy), (1200, grab("sla")), (100, close_dialog)]
    steps.append((300, app.quit))

    def run(index: int) -> None:
        steps[index][1]()
        if index + 1 < len(steps):
            QTimer.singleShot(steps[index + 1][0], lambda: run(index + 1))

    QTimer.singleShot(steps[0][0], lambda: run(0))
    app.exec()
    window.close()
    store.close()
    return 0


def _fill_screen(widget: QWidget | None, width: int, height: int) -> None:
    if widget is not None:
        widget.move(0, 0)
        widget.resize(width, height)


if __name__ == "__main__":
    sys.exit(main())
