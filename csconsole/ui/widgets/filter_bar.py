"""The quick filter chips and the search box above the ticket table."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QToolButton, QWidget

from csconsole.ui.actions import CHIPS, ActionId, Actions


class FilterBar(QWidget):
    """Chips are the registry's checkable actions; the search waits for a pause in typing."""

    search_changed = Signal(str)

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.chips: dict[ActionId, QToolButton] = {}
        self._labels = {key: actions[key].text() for key in CHIPS}
        for key in CHIPS:
            button = QToolButton()
            button.setDefaultAction(actions[key])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAutoRaise(False)
            button.setObjectName(f"chip_{key.name.lower()}")
            self.chips[key] = button
            layout.addWidget(button)
        self.open_only = QCheckBox(self.tr("Open only"))
        self.open_only.setAccessibleName(self.tr("Show open tickets only"))
        self.open_only.setToolTip(actions[ActionId.OPEN_ONLY].toolTip())
        self.open_only.toggled.connect(actions[ActionId.OPEN_ONLY].setChecked)
        actions[ActionId.OPEN_ONLY].toggled.connect(self.open_only.setChecked)
        layout.addSpacing(8)
        layout.addWidget(self.open_only)
        layout.addStretch(1)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search ref, subject, customer  (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search tickets"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.search.setMaximumWidth(340)  # the window places it (in the toolbar), so the chips keep their room
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.flush)

    def flush(self) -> None:
        """Apply the search now (Enter, tests) instead of after the pause."""
        self._debounce.stop()
        self.search_changed.emit(self.search.text())

    def set_count(self, key: ActionId, count: int | None) -> None:
        label = self._labels[key]
        self._actions[key].setText(f"{label}  ({count:,})" if count is not None else label)
        self._actions[key].setProperty("count", count)
