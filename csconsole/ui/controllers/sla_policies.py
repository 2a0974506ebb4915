"""Editing an SLA policy from the console: the queue's context menu and Preferences both come here.

The dialog opens at once from a small read on the GUI thread's connection (as the detail pane's); saving
runs off the GUI thread as one long task with progress (every open ticket of the queue, or of the store,
is re-timed in the same transaction as the policy's event), and the progress shows only when it is slow.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QProgressDialog, QWidget

from csconsole.services import Store
from csconsole.services import sla as service
from csconsole.services.changes import Kind
from csconsole.ui.dialogs.sla import SlaDialog
from csconsole.ui.messages import Dialogs, Messages
from csconsole.ui.runner import Progress, Runner

TOUCHES = (Kind.SLA_TARGETS, Kind.TICKETS, Kind.QUEUES)


class SlaPolicyEditor(QObject):
    def __init__(self, runner: Runner, who_id: Callable[[], int | None], messages: Messages, dialogs: Dialogs,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._who_id, self._messages, self._dialogs = runner, who_id, messages, dialogs
        self.dialog: SlaDialog | None = None  # the one open (tests)

    def edit(self, queue_id: int | None, parent: QWidget | None = None,
             saved: Callable[[], None] | None = None) -> None:
        """Open the policy of ``queue_id`` (None: the store-wide one); ``saved`` runs once it is stored."""
        now = service.policy_for(self._runner.store, queue_id)
        dialog = SlaDialog(now.name, now.policy, own=now.own, is_queue=queue_id is not None,
                           parent=parent or self._dialogs.parent_widget)
        self.dialog = dialog

        def accepted() -> None:
            self._save(queue_id, now.name, dialog.values(), saved)

        self._dialogs.open(dialog, accepted)

    def _save(self, queue_id: int | None, name: str, policy: object, saved: Callable[[], None] | None) -> None:
        actor = self._who_id()

        def work(store: Store | None, progress: Progress) -> service.PolicyChange:
            assert store is not None
            return service.set_policy(store, queue_id, policy, actor_id=actor, progress=progress)  # type: ignore[arg-type]

        task = self._runner.start_task(work, connection="write", touches=TOUCHES)
        bar = QProgressDialog(self.tr("Re-timing the open tickets of {0}…").format(name), "", 0, 0,
                              self._dialogs.parent_widget)
        bar.setObjectName("sla_progress")
        bar.setCancelButton(None)  # one transaction: it lands whole, and soon
        bar.setMinimumDuration(400)
        bar.setAutoClose(False)

        def progressed(done: int, total: int) -> None:
            bar.setMaximum(total)
            bar.setValue(done)

        task.progressed.connect(progressed)

        def finished() -> None:
            bar.close()
            bar.deleteLater()
            if task.error is not None or task.result is None:
                self._messages.error(self.tr("The SLA policy of {0} was not saved: {1}").format(name, task.message))
                return
            change: service.PolicyChange = task.result
            self._messages.show(self.tr("SLA policy of {0} saved; {1} open tickets re-timed")
                                .format(name, change.retimed))
            if saved is not None:
                saved()

        task.finished.connect(finished)
