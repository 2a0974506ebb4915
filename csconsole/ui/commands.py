"""Undoable actions. Each command holds ticket ids and the holders or statuses before and after.

A command is pushed only after its action succeeded, so its first redo() does nothing. Undo and
redo are new audited writes (``services.undo``) that carry the last event seq we saw of each
ticket: when someone acted on a ticket since, the store refuses, nothing is written, and the
command is put back where it was on the stack (its state unchanged).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QUndoCommand, QUndoStack

from csconsole.domain.ticket import Holder
from csconsole.services import Store, undo
from csconsole.services.changes import Change
from csconsole.ui.runner import Runner

Report = Callable[[str, bool], None]  # message, is_error


class _ServiceCommand(QUndoCommand):
    def __init__(self, text: str, runner: Runner, stack: QUndoStack, change: Change, actor_id: int,
                 report: Report) -> None:
        super().__init__(text)
        self._runner, self._stack, self._actor_id, self._report = runner, stack, actor_id, report
        self._seqs: dict[int, int] = {t.ticket_id: t.last_seq for t in change.tickets}
        self._skip = True  # the action already ran when the command is pushed
        self.ticket_ids: tuple[int, ...] = change.ticket_ids

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._run(forward=True)

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._run(forward=False)

    def _job(self, forward: bool) -> Callable[[Store], Change]:
        raise NotImplementedError

    def _run(self, *, forward: bool) -> None:
        def done(change: Change) -> None:
            self._seqs.update({t.ticket_id: t.last_seq for t in change.tickets})
            verb = self._runner.tr("Redone") if forward else self._runner.tr("Undone")
            self._report(f"{verb}: {self.text()}", False)

        def failed(message: str) -> None:
            # The stack already moved; move it back without writing anything.
            self._skip = True
            if forward:
                self._stack.undo()
            else:
                self._stack.redo()
            verb = self._runner.tr("Redo refused") if forward else self._runner.tr("Undo refused")
            self._report(f"{verb}: {message}", True)

        self._runner.commit(self._job(forward), done, failed)


class HolderCommand(_ServiceCommand):
    """Reassign, transfer and take: undo puts each ticket back with its previous holder."""

    def __init__(self, text: str, runner: Runner, stack: QUndoStack, change: Change, actor_id: int,
                 report: Report) -> None:
        super().__init__(text, runner, stack, change, actor_id, report)
        self._before: Mapping[int, Holder] = {t.ticket_id: t.before_holder for t in change.tickets}
        self._after: Mapping[int, Holder] = {t.ticket_id: t.after_holder for t in change.tickets}

    def _job(self, forward: bool) -> Callable[[Store], Change]:
        holders = dict(self._after if forward else self._before)
        seqs, actor = dict(self._seqs), self._actor_id
        note = ("Redo: " if forward else "Undo: ") + self.text()
        return lambda store: undo.restore_holders(
            store, holders, actor_id=actor, expected_seqs=seqs, note=note)


class StatusCommand(_ServiceCommand):
    """Resolve, close, reopen: undo sets the previous status back."""

    def __init__(self, text: str, runner: Runner, stack: QUndoStack, change: Change, actor_id: int,
                 report: Report) -> None:
        super().__init__(text, runner, stack, change, actor_id, report)
        first = change.tickets[0]
        self._ticket = first.ticket_id
        self._before_status, self._after_status = first.before_status, first.after_status

    def _job(self, forward: bool) -> Callable[[Store], Change]:
        status = self._after_status if forward else self._before_status
        ticket, seq, actor = self._ticket, self._seqs[self._ticket], self._actor_id
        note = ("Redo: " if forward else "Undo: ") + self.text()
        return lambda store: undo.restore_status(
            store, ticket, actor_id=actor, status=status, expected_seq=seq, note=note)


class PriorityCommand(_ServiceCommand):
    """Escalate: undo puts the earlier priority back (the SLA clock follows it)."""

    def __init__(self, text: str, runner: Runner, stack: QUndoStack, change: Change, actor_id: int,
                 report: Report, *, before: str, after: str) -> None:
        super().__init__(text, runner, stack, change, actor_id, report)
        self._ticket = change.tickets[0].ticket_id
        self._before, self._after = before, after

    def _job(self, forward: bool) -> Callable[[Store], Change]:
        priority = self._after if forward else self._before
        ticket, seq, actor = self._ticket, self._seqs[self._ticket], self._actor_id
        note = ("Redo: " if forward else "Undo: ") + self.text()
        return lambda store: undo.restore_priority(
            store, ticket, actor_id=actor, priority=priority, expected_seq=seq, note=note)
