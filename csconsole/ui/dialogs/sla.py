"""A queue's SLA policy (or the store-wide one): business hours, time zone, public holidays, the business's
own closed days, and the first-reply, next-reply and resolution targets per priority, in business minutes.

The dialog only collects a policy; what is typed is checked as it is typed (the domain's own parsers,
one plain line naming the bad part) and previewed: "a ticket opened now is due at ...".
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain import clock
from csconsole.domain.errors import BadInput
from csconsole.domain.sla_policy import SlaPolicy
from csconsole.domain.sla_spec import parse_schedule, schedule_texts
from csconsole.domain.sla_targets import DEFAULT_TARGETS, MAX_MINUTES, METRICS, TargetTable
from csconsole.domain.words import Priority, Tier
from csconsole.ui import colours

_STANDARD = Tier.STANDARD.value


class SlaDialog(QDialog):
    """``values()``: the policy to set, or None when a queue is to follow the store-wide policy again."""

    def __init__(self, name: str, policy: SlaPolicy, *, own: bool, is_queue: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sla_dialog")
        self.setWindowTitle(self.tr("SLA policy of {0}").format(name) if is_queue else self.tr("Store-wide SLA policy"))
        self._policy, self._is_queue = policy, is_queue
        intro = QLabel(self.tr("Clocks count only in business hours, skip holidays and closed days, and pause while "
                               "a ticket is pending. Kept in the store for every console; open tickets are re-timed "
                               "when you save."))
        intro.setWordWrap(True)
        self.follow = QCheckBox(self.tr("&Follow the store-wide policy"), objectName="sla_follow")
        self.follow.setChecked(is_queue and not own)
        self.follow.setVisible(is_queue)
        self.follow.setAccessibleDescription(self.tr("This queue keeps no policy of its own"))
        texts = schedule_texts(policy.schedule)
        self.hours = QLineEdit(texts["hours"], objectName="sla_hours")
        self.hours.setPlaceholderText("mon-fri 09:00-17:00; sat 10:00-14:00")
        self.hours.setAccessibleName(self.tr("Business hours"))
        self.hours.setToolTip(self.tr("Days and intervals, e.g. mon-fri 09:00-17:00; sat 10:00-14:00. "
                                      "24/7 is open all week; an end before the start runs past midnight."))
        self.zone = QComboBox(objectName="sla_timezone")
        self.zone.setEditable(True)
        self.zone.addItems(sorted(available_timezones()))
        self.zone.setCurrentText(texts["timezone"])
        self.zone.setAccessibleName(self.tr("Time zone of the business hours"))
        self.holidays = QLineEdit("" if texts["holidays"] == "none" else texts["holidays"], objectName="sla_holidays")
        self.holidays.setPlaceholderText(self.tr("none; e.g. DE-BY, GB, US-NY"))
        self.holidays.setAccessibleName(self.tr("Public holidays: country and subdivision"))
        self.closed = QLineEdit("" if texts["closed"] == "none" else texts["closed"], objectName="sla_closed")
        self.closed.setPlaceholderText(self.tr("none; e.g. 2026-12-24,2026-12-31"))
        self.closed.setAccessibleName(self.tr("The business's own closed days"))
        schedule = QFormLayout()
        schedule.addRow(self.tr("&Hours:"), self.hours)
        schedule.addRow(self.tr("&Time zone:"), self.zone)
        schedule.addRow(self.tr("Public &holidays:"), self.holidays)
        schedule.addRow(self.tr("&Closed days:"), self.closed)
        hours_box = QGroupBox(self.tr("Business hours"))
        hours_box.setLayout(schedule)

        grid = QGridLayout()
        heads = (self.tr("First reply"), self.tr("Next reply"), self.tr("Resolution"))
        for column, head in enumerate(heads, 1):
            grid.addWidget(QLabel(f"<b>{head}</b>"), 0, column, Qt.AlignmentFlag.AlignCenter)
        self.targets: dict[tuple[str, str], QSpinBox] = {}
        for row, priority in enumerate(Priority, 1):
            grid.addWidget(QLabel(priority.value.capitalize()), row, 0)
            now = policy.targets.resolve(priority.value)
            default = DEFAULT_TARGETS[priority.value]
            for column, metric in enumerate(METRICS, 1):
                box = QSpinBox(objectName=f"sla_{priority.value}_{metric}")
                box.setRange(1, MAX_MINUTES)
                box.setSuffix(self.tr(" min"))
                box.setValue(now.minutes(metric))
                box.setAccessibleName(self.tr("{0} {1} target in business minutes").format(priority.value, heads[column - 1]))
                box.setToolTip(self.tr("Default: {0} min").format(default.minutes(metric)))
                box.valueChanged.connect(self._check)
                self.targets[(priority.value, metric)] = box
                grid.addWidget(box, row, column)
        targets_box = QGroupBox(self.tr("Targets in business minutes"))
        targets_box.setLayout(grid)

        self.preview = QLabel(objectName="sla_preview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setAccessibleName(self.tr("When a ticket opened now would be due"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._defaults)
        self._fields = (hours_box, targets_box)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.follow)
        layout.addWidget(hours_box)
        layout.addWidget(targets_box)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        for edit in (self.hours, self.holidays, self.closed):
            edit.textChanged.connect(self._check)
        self.zone.currentTextChanged.connect(self._check)
        self.follow.toggled.connect(self._check)
        self._check()

    # --- what was chosen -----------------------------------------------------------------------------
    def values(self) -> SlaPolicy | None:
        """The policy as typed (None: follow the store-wide one); a BadInput naming a bad part."""
        if self._is_queue and self.follow.isChecked():
            return None
        schedule = parse_schedule(self.hours.text().strip() or "24/7", self.zone.currentText().strip() or "UTC",
                                  self.holidays.text().strip() or "none", self.closed.text().strip() or "none")
        overrides: dict[tuple[str, str], dict[str, int]] = {
            key: dict(values) for key, values in self._policy.targets.overrides.items() if key[1] != _STANDARD
        }  # a tier's tighter targets (set at the command line) are kept as they are
        for (priority, metric), box in self.targets.items():
            if box.value() != DEFAULT_TARGETS[priority].minutes(metric):
                overrides.setdefault((priority, _STANDARD), {})[metric] = box.value()
        return SlaPolicy(schedule, TargetTable(overrides))

    def _defaults(self) -> None:
        self.hours.setText("24/7")
        self.holidays.clear()
        self.closed.clear()
        for (priority, metric), box in self.targets.items():
            box.setValue(DEFAULT_TARGETS[priority].minutes(metric))

    def _check(self) -> None:
        following = self._is_queue and self.follow.isChecked()
        for box in self._fields:
            box.setEnabled(not following)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if following:
            self.preview.setText(self.tr("This queue's clocks follow the store-wide policy."))
            self.preview.setStyleSheet("")
            ok.setEnabled(True)
            return
        try:
            policy = self.values()
        except BadInput as error:
            self.preview.setText(str(error))
            window = self.palette().color(QPalette.ColorRole.Window)
            self.preview.setStyleSheet(f"color: {colours.ink(colours.RED, on=[window]).name()}")
            ok.setEnabled(False)
            return
        assert policy is not None
        ok.setEnabled(True)
        self.preview.setStyleSheet("")
        zone = ZoneInfo(policy.schedule.timezone) if policy.schedule is not None else None
        due = policy.due_times(Priority.NORMAL.value, clock.now_text())
        self.preview.setText(self.tr("A normal ticket opened now is due: first reply {0}, resolution {1}.").format(
            _shown(due["first"], zone), _shown(due["resolution"], zone)))


def _shown(text: str, zone: ZoneInfo | None) -> str:
    """A due time in the schedule's own zone (or this computer's), as a supervisor reads it."""
    moment = clock.from_text(text)
    local = moment.astimezone(zone) if zone is not None else moment.astimezone()
    return local.strftime("%a %d %b %H:%M") + (f" ({zone.key})" if zone is not None else "")

