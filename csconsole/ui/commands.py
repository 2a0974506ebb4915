"""Undoable actions: each command holds, per ticket, the events its action appended.

An undo is a correction, not a new handoff: ``services.undo.revert`` appends one ``revert`` event per
ticket naming the events it takes back, and the ticket is what its standing events make it (an undone
reassign counts no bounce, no ping-pong, no step on the path). Redo reverts that revert; undo again
reverts the redo, and so on: each step takes back the step before it.

A command is pushed only after its action succeeded, so its first redo() does nothing. The write runs
off the GUI thread after the stack has moved; when the store refuses (someone acted on the ticket
since), nothing is written and the command is dropped from the stack, so the older commands below it
stay within reach of Ctrl+Z.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from csconsole.services import Store, undo
from csconsole.services.changes import Change
from csconsole.ui.runner import Runner

Report = Callable[[str, bool], None]  # message, is_error


class RevertCommand(QUndoCommand):
    """Take, reassign, transfer, status changes and escalations alike: undo reverts what the action appended."""

    def __init__(self, text: str, runner: Runner, stack: QUndoStack, change: Change, actor_id: int,
                 report: Report) -> None:
        super().__init__(text)
        self._runner, self._stack, self._actor_id, self._report = runner, stack, actor_id, report
        # What the next step takes back, per ticket: the action's events, then each undo's or redo's revert.
        self._standing: dict[int, tuple[int, ...]] = {t.ticket_id: t.seqs for t in change.tickets}
        self._skip = True  # the action already ran when the command is pushed
        self.ticket_ids: tuple[int, ...] = change.ticket_ids

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._run(forward=True)

    def undo(self) -> None:
        self._run(forward=False)

    def _job(self, note: str) -> Callable[[Store], Change]:
        standing, actor = dict(self._standing), self._actor_id
        return lambda store: undo.revert(store, standing, actor_id=actor, note=note)

    def _run(self, *, forward: bool) -> None:
        verb = self._runner.tr("Redo") if forward else self._runner.tr("Undo")
        title = self.text()

        def done(change: Change) -> None:
            self._standing = {t.ticket_id: t.seqs for t in change.tickets}
            done_verb = self._runner.tr("Redone") if forward else self._runner.tr("Undone")
            self._report(f"{done_verb}: {title}", False)

        def failed(message: str) -> None:
            text = self._runner.tr("{0} refused: {1}. “{2}” is off the undo list.").format(verb, message, title)
            report, stack = self._report, self._stack
            # The stack already moved past this command; drop it (Qt deletes an obsolete command as the
            # stack steps over it, without calling it), so it cannot be retried and older ones stay reachable.
            self.setObsolete(True)
            if forward:
                stack.undo()
            else:
                stack.redo()
            report(text, True)

        self._runner.commit(self._job(title), done, failed)  # the history says undo or redo itself
