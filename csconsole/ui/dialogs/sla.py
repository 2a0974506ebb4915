"""A queue's SLA targets: minutes a customer may wait for a (next) response, per priority."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from csconsole.domain.sla import DEFAULT_TARGETS
from csconsole.domain.words import Priority
from csconsole.services.preferences import MAX_TARGET_MINUTES


class SlaDialog(QDialog):
    def __init__(self, queue: str, current: Mapping[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sla_dialog")
        self.setWindowTitle(self.tr("SLA targets of {0}").format(queue))
        intro = QLabel(self.tr("Minutes a customer of {0} may wait for a response. Open tickets move to the "
                               "new targets at once.").format(queue))
        intro.setWordWrap(True)
        form = QFormLayout()
        self.minutes: dict[str, QSpinBox] = {}
        for priority in Priority:
            box = QSpinBox()
            box.setRange(1, MAX_TARGET_MINUTES)
            box.setSuffix(self.tr(" min"))
            box.setValue(current.get(priority.value, DEFAULT_TARGETS[priority]))
            box.setAccessibleName(self.tr("{0} target in minutes").format(priority.value))
            box.setToolTip(self.tr("Default: {0} min").format(DEFAULT_TARGETS[priority]))
            self.minutes[priority.value] = box
            form.addRow(f"{priority.value.capitalize()}:", box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _defaults(self) -> None:
        for priority in Priority:
            self.minutes[priority.value].setValue(DEFAULT_TARGETS[priority])

    def values(self) -> dict[str, int | None]:
        return {name: box.value() for name, box in self.minutes.items()}
