"""Above the ticket table: the quick filter chips, open-only, the search box, and how many tickets are shown
and selected. The bar wraps onto a second line on a narrow window rather than hide anything."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QToolButton, QWidget

from csconsole.ui.actions import CHIPS, ActionId, Actions
from csconsole.ui.widgets.flow_layout import FlowLayout


class FilterBar(QWidget):
    """Chips are the registry's checkable actions (their short label and count); the search waits for a pause
    in typing, and Esc in it clears it."""

    search_changed = Signal(str)

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filter_bar")
        self._actions = actions
        layout = FlowLayout(self, spacing=6)
        layout.setContentsMargins(6, 4, 6, 4)
        self.chips: dict[ActionId, QToolButton] = {}
        self._labels = {key: actions[key].iconText() for key in CHIPS}
        for key in CHIPS:
            button = QToolButton()
            button.setDefaultAction(actions[key])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAutoRaise(False)
            button.setObjectName(f"chip_{key.name.lower()}")
            self.chips[key] = button
            layout.addWidget(button)
        self.open_only = QCheckBox(self.tr("Open only"))
        self.open_only.setObjectName("open_only")
        self.open_only.setAccessibleName(self.tr("Show open tickets only"))
        self.open_only.setToolTip(actions[ActionId.OPEN_ONLY].toolTip())
        self.open_only.toggled.connect(actions[ActionId.OPEN_ONLY].setChecked)
        actions[ActionId.OPEN_ONLY].toggled.connect(self.open_only.setChecked)
        layout.addWidget(self.open_only)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search ref, subject, customer (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search tickets"))
        self.search.setToolTip(self.tr("Search by reference, subject or customer; Esc clears it"))
        self.search.setClearButtonEnabled(True)
        for clear in self.search.findChildren(QToolButton):  # the line edit's own clear button
            clear.setAccessibleName(self.tr("Clear the search"))
        self.search.setFixedWidth(max(240, self.search.fontMetrics().horizontalAdvance(self.search.placeholderText())
                                      + 40))
        self.search.installEventFilter(self)
        layout.addWidget(self.search)
        self.counts = QLabel(objectName="shown_selected")  # "1,234 shown · 3 selected"
        self.counts.setAccessibleName(self.tr("Tickets shown and selected"))
        layout.addWidget(self.counts)
        self._shown: int | None = None
        self._selected = 0
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.flush)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and self.search.text()):
            self.clear_search()
            return True  # Esc with nothing typed goes on as usual (closes a popup, leaves the field)
        return super().eventFilter(watched, event)

    def clear_search(self) -> None:
        self.search.clear()
        self.flush()

    def flush(self) -> None:
        """Apply the search now (Enter, Esc, tests) instead of after the pause."""
        self._debounce.stop()
        self.search_changed.emit(self.search.text())

    def set_count(self, key: ActionId, count: int | None) -> None:
        label = self._labels[key]
        self._actions[key].setIconText(f"{label}  ({count:,})" if count is not None else label)
        self._actions[key].setProperty("count", count)

    def set_shown(self, shown: int | None) -> None:
        self._shown = shown
        self._show_counts()

    def set_selected(self, selected: int) -> None:
        self._selected = selected
        self._show_counts()

    def _show_counts(self) -> None:
        parts = [] if self._shown is None else [self.tr("{0:,} shown").format(self._shown)]
        if self._selected:
            parts.append(self.tr("{0:,} selected").format(self._selected))
        self.counts.setText(" · ".join(parts))
