"""Does the console fit a screen? The checks of issue 14, item 2, shared by the in-process size tests and the
150% scale test, which runs this module in a subprocess (QT_SCALE_FACTOR must be set before Qt starts):

    QT_QPA_PLATFORM=offscreen QT_SCALE_FACTOR=1.5 python -m tests.ui.fit_check STORE WIDTH HEIGHT

prints one JSON object: the problems found (none, when it fits) and the device pixel ratio in force.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QToolButton, QWidget

from csconsole.ui.actions import ActionId
from csconsole.ui.models.queues import QueueColumn
from csconsole.ui.models.ticket_rows import Column
from csconsole.ui.window_layout import COLUMN_ORDER, DETAIL_MIN, HEADERS, arrow_room

KEY_COLUMNS = COLUMN_ORDER[:COLUMN_ORDER.index(Column.CONTACTS) + 1]  # through Contacts: what a supervisor scans


def _inside(window: QWidget, widget: QWidget) -> bool:
    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    return window.rect().contains(rect)


def fit_problems(window: Any, width: int, height: int) -> list[str]:
    """Everything that does not fit a ``width`` × ``height`` window (in logical pixels)."""
    problems: list[str] = []
    if window.minimumSizeHint().width() > width or window.minimumSizeHint().height() > height:
        problems.append(f"the window needs at least {window.minimumSizeHint().toTuple()}")
    if window.size().toTuple() != (width, height):
        problems.append(f"the window is {window.size().toTuple()}, not {(width, height)}")
    toolbar = window.window_layout.toolbar
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    if extension is not None and extension.isVisible():
        problems.append("toolbar actions are in its overflow menu")
    search = window.filter_bar.search
    if not (search.isVisible() and _inside(window, search)):
        problems.append("the search field is hidden or off-screen")
    for key, chip in window.filter_bar.chips.items():
        if not (chip.isVisible() and _inside(window, chip)) or chip.width() < chip.sizeHint().width():
            problems.append(f"the chip {key.name} is cut or hidden")
    metrics = window.queues_view.fontMetrics()
    name_width = window.queues_view.horizontalHeader().sectionSize(QueueColumn.NAME)
    for row in range(window.queues_model.rowCount()):
        name = window.queues_model.index(row, QueueColumn.NAME).data()
        if metrics.horizontalAdvance(name) + 20 + 8 > name_width:  # its bar, and the cell's margins
            problems.append(f"the queue name {name!r} is cut")
    table, head = window.table, window.table.horizontalHeader()
    shown = table.viewport().width()
    wanted = list(COLUMN_ORDER) if width >= 1920 else list(KEY_COLUMNS)
    for column in wanted:
        if head.isSectionHidden(column) or head.sectionViewportPosition(column) + head.sectionSize(column) > shown:
            problems.append(f"the {column.name} column needs scrolling")
    sorted_column = head.sortIndicatorSection()
    needed = head.fontMetrics().horizontalAdvance(HEADERS[Column(sorted_column)]) + 16 + arrow_room(window.style())
    if head.sectionSize(sorted_column) < needed:
        problems.append("the sort arrow sits on the header's text")
    if window.detail.width() < DETAIL_MIN:
        problems.append(f"the detail pane is {window.detail.width()} px wide")
    return problems


def long_undo_label(window: Any) -> None:
    """What two reassigns do to the Undo action's text; its toolbar button keeps its short label."""
    window.registry[ActionId.UNDO].setText("&Undo Reassign 1,234 tickets to Quinn Kowalski-Rossi")
    window.registry[ActionId.REDO].setText("&Redo Reassign CS-0001234 to Quinn Kowalski-Rossi")


def main() -> None:  # pragma: no cover - run in a subprocess by the 150% test
    import tempfile

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication(["csconsole"])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from csconsole.services import open_store, queries
    from csconsole.settings import Settings
    from csconsole.ui.main_window import MainWindow

    store_path, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = open_store(store_path)
    me = next(a for a in queries.agents(store) if a.role.value == "supervisor")
    window = MainWindow(store, Settings(), me)
    window.resize(width, height)
    window.show()

    def report() -> None:
        long_undo_label(window)
        app.processEvents()
        print(json.dumps({"problems": fit_problems(window, width, height), "ratio": window.devicePixelRatioF()}))
        window.close()
        app.quit()

    QTimer.singleShot(1500, report)
    app.exec()
    store.close()


if __name__ == "__main__":
    main()
