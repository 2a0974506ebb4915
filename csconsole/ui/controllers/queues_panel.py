"""The queues on the left and the floor's counts in the status bar; adding a queue, editing its SLA policy.

Owns NEW_QUEUE and SLA_TARGETS (the policy dialog itself is ``SlaPolicyEditor``'s). The floor stats are read off the GUI thread, when a commit changed
tickets or queues and on the window's slow tick (ages and SLA clocks move on).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QLabel, QTableView

from csconsole.services import people, queries
from csconsole.services.changes import Kind
from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.changes_event import Changes
from csconsole.ui.controllers.sla_policies import SlaPolicyEditor
from csconsole.ui.messages import Dialogs, Messages
from csconsole.ui.models.queues import QueuesModel
from csconsole.ui.runner import Runner

STATS_KINDS = (Kind.TICKETS, Kind.QUEUES, Kind.SLA_TARGETS)


class QueuesPanel(QObject):
    def __init__(self, runner: Runner, actions: Actions, view: QTableView, model: QueuesModel,
                 counts_label: QLabel, refreshed_label: QLabel, messages: Messages, dialogs: Dialogs,
                 current_queue_id: Callable[[], int], sla_policies: SlaPolicyEditor,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._view, self._model = runner, view, model
        self._counts, self._refreshed = counts_label, refreshed_label
        self._messages, self._dialogs = messages, dialogs
        self._current_queue_id = current_queue_id  # the queue the ticket list shows
        self._sla_policies = sla_policies
        actions.on_trigger(ActionId.NEW_QUEUE, self.add_queue)
        actions.on_trigger(ActionId.SLA_TARGETS, self.edit_sla_targets)
        view.addAction(actions[ActionId.SLA_TARGETS])  # right-click on a queue
        runner.changes.connect(self.on_changes)

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(*STATS_KINDS):
            self.refresh()

    def refresh(self) -> None:
        def got(stats: queries.FloorStats) -> None:
            self._model.set_stats(stats.queues)
            if not self._view.currentIndex().isValid():
                self._view.setCurrentIndex(self._model.index(self._model.row_of(self._current_queue_id()), 0))
            self._counts.setText(self.tr("{0:,} open · {1:,} breached · {2:,} bounced more than twice · "
                                         "{3:,} senior callbacks")
                                 .format(stats.open_tickets, stats.breached, stats.bounced_over_two,
                                         stats.senior_callbacks))
            self.mark_refreshed()

        self._runner.read(queries.floor_stats, got, self._messages.note_error, key="floor")

    def mark_refreshed(self) -> None:
        self._refreshed.setText(self.tr("Refreshed {0}").format(datetime.now().strftime("%H:%M:%S")))

    def add_queue(self) -> None:
        name, ok = QInputDialog.getText(self._dialogs.parent_widget, self.tr("Add a queue"),
                                        self.tr("Name of the new queue:"))
        if ok and name.strip():
            self._runner.commit(lambda s: people.add_queue(s, name),
                                lambda q: self._messages.show(self.tr("Queue {0} added").format(q.name)),
                                self._messages.error, touches=[Kind.QUEUES])

    def edit_sla_targets(self) -> None:
        stats = self._model.stats_at(self._view.currentIndex().row())
        if stats is None or stats.queue_id < 0:
            self._messages.error(self.tr("Pick a queue on the left first."))
            return
        self._sla_policies.edit(stats.queue_id)
