"""Working tickets from the console: reassign, take, transfer, status, notes, new tickets.

Each action opens a small non-blocking dialog, then runs the same service the CLI uses through
``Operations``; what can be undone goes on the undo stack only once it has succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QDialog

from csconsole.services import Store, people, queries, tickets
from csconsole.services.changes import Change
from csconsole.settings import Prefs
from csconsole.ui.accessibility import name_controls
from csconsole.ui.actions import A
from csconsole.ui.commands import HolderCommand, PriorityCommand, StatusCommand
from csconsole.ui.dialogs.forms import NewTicketDialog, TextDialog, TransferDialog
from csconsole.ui.dialogs.reassign import ReassignDialog

if TYPE_CHECKING:
    from csconsole.ui.main_window import MainWindow

MAX_BULK = 10_000  # a selection larger than this is a mistake more often than a plan


class TicketWork:
    """Mixed into MainWindow: the writing half of the window."""

    def _me(self: MainWindow) -> int | None:
        if self.identity is None:
            self.show_message(self.tr("Choose who is at the console first (File menu)."), error=True)
            return None
        return self.identity.id

    def _run(self: MainWindow, job: Callable[[Store], Change], what: str,
             command: Callable[..., QUndoCommand] | None = None) -> None:
        """Run ``job``; when it succeeds, ``command`` (a factory) puts what it did on the undo stack."""
        me = self.identity.id if self.identity else 0

        def done(change: Change) -> None:
            self.watch.add(change.ticket_ids)
            if command is not None:
                self.undo_stack.push(command(what, self.ops, self.undo_stack, change, me, self._report))
            self.show_message(what)

        self.ops.write(job, done, lambda m: self.show_message(m, error=True))

    def _open_dialog(self: MainWindow, dialog: QDialog, accepted: Callable[[], None]) -> None:
        """Window-modal and non-blocking: live updates continue behind it, and tests can drive it."""
        self.active_dialog = dialog
        name_controls(dialog)  # screen readers announce each field by the label beside it
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _code: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self: MainWindow, dialog: QDialog) -> None:
        if self.active_dialog is dialog:  # a dialog opened from its accepted() handler stays current
            self.active_dialog = None

    def _one_ticket(self: MainWindow) -> int | None:
        """The ticket a one-ticket action acts on: the current row if selected, else the first selected."""
        current = self.table.currentIndex()
        if current.isValid() and self.table.selectionModel().isRowSelected(current.row()):
            return self.table_model.ticket_id(current.row())
        ids = self.selected_ticket_ids(limit=1)
        return ids[0] if ids else None

    def _label(self: MainWindow, ticket_id: int) -> str:
        row = self.table_model.row_of(ticket_id)
        found = self.table_model.row_at(row) if row is not None else None
        return found.ref if found else f"#{ticket_id}"

    def reassign(self: MainWindow) -> None:
        me = self._me()
        if me is None or not self.table.selectionModel().hasSelection():
            return
        count = self.selected_count()
        if count > MAX_BULK:
            self.show_message(self.tr("Select at most {0:,} tickets to reassign at once.").format(MAX_BULK), error=True)
            return
        rows = self.selected_rows()
        if len(rows) != count:  # rows not fetched yet (a jump before the anchors arrived)
            self.show_message(self.tr("Some selected rows are still loading; try again in a moment."), error=True)
            return
        ids = [r.id for r in rows]
        seqs = {r.id: r.last_seq for r in rows}  # what we saw: the store refuses if any changed since
        dialog = ReassignDialog(queries.agents_with_load(self.store), [r.ref for r in rows], self,
                                reasons=self.settings.get(Prefs.REASONS))

        def accepted() -> None:
            to_id, reason = dialog.agent_id(), dialog.reason_text()
            if to_id is None:
                return
            name = dialog.agent_name()
            what = (self.tr("Reassign {0} to {1}").format(rows[0].ref, name) if len(ids) == 1
                    else self.tr("Reassign {0} tickets to {1}").format(len(ids), name))
            self._run(lambda s: tickets.reassign(s, ids, actor_id=me, to_id=to_id, reason=reason,
                                                 expected_seqs=seqs), what, HolderCommand)

        self._open_dialog(dialog, accepted)

    def take(self: MainWindow) -> None:
        me, tid = self._me(), self._one_ticket()
        if me is None or tid is None:
            return
        self._run(lambda s: tickets.take(s, tid, actor_id=me), self.tr("Take {0}").format(self._label(tid)),
                  HolderCommand)

    def transfer(self: MainWindow) -> None:
        me, tid = self._me(), self._one_ticket()
        if me is None or tid is None:
            return
        detail = queries.ticket_detail(self.store, tid)
        dialog = TransferDialog([(q.id, q.name) for q in queries.queues(self.store)],
                                queries.agents_with_load(self.store), detail.row.queue, self)

        def accepted() -> None:
            queue_id, owner_id, note = dialog.values()
            self._run(lambda s: tickets.transfer(s, tid, actor_id=me, queue_id=queue_id, owner_id=owner_id, note=note),
                      self.tr("Transfer {0}").format(self._label(tid)), HolderCommand)

        self._open_dialog(dialog, accepted)

    def set_status(self: MainWindow, status: str) -> None:
        me, tid = self._me(), self._one_ticket()
        if me is None or tid is None:
            return
        verb = {"resolved": self.tr("Resolve"), "closed": self.tr("Close"), "open": self.tr("Reopen")}[status]
        self._run(lambda s: tickets.set_status(s, tid, actor_id=me, status=status),
                  f"{verb} {self._label(tid)}", StatusCommand)

    def _text_action(self: MainWindow, title: str, label: str, run: Callable[[Store, int, int, str], Change],
                     *, required: bool = True) -> None:
        me, tid = self._me(), self._one_ticket()
        if me is None or tid is None:
            return
        dialog = TextDialog(title, label, required=required, parent=self)

        def accepted() -> None:
            text = dialog.value()
            self._run(lambda s: run(s, tid, me, text), f"{title} {self._label(tid)}")

        self._open_dialog(dialog, accepted)

    def reply(self: MainWindow) -> None:
        self._text_action(self.tr("Reply"), self.tr("Reply to the customer"),
                          lambda s, t, me, text: tickets.reply(s, t, actor_id=me, note=text))

    def add_note(self: MainWindow) -> None:
        self._text_action(self.tr("Note"), self.tr("Internal note"),
                          lambda s, t, me, text: tickets.add_note(s, t, actor_id=me, note=text))

    def log_contact(self: MainWindow) -> None:
        self._text_action(self.tr("Customer contact"), self.tr("What the customer said"),
                          lambda s, t, _me, text: tickets.contact(s, t, note=text), required=False)

    def escalate(self: MainWindow) -> None:
        me, tid = self._me(), self._one_ticket()
        if me is None or tid is None:
            return
        rows = queries.tickets_by_id(self.store, [tid])
        before = rows[0].priority if rows else "normal"
        dialog = TextDialog(self.tr("Escalate"), self.tr("Why it is escalated"), priority=before, parent=self)

        def accepted() -> None:
            level, note = dialog.priority.currentText() if dialog.priority else "high", dialog.value()
            self._run(lambda s: tickets.escalate(s, tid, actor_id=me, priority=level, note=note),
                      self.tr("Escalate {0} to {1}").format(self._label(tid), level),
                      partial(PriorityCommand, before=before, after=level))

        self._open_dialog(dialog, accepted)

    def new_ticket(self: MainWindow) -> None:
        me = self._me()
        if me is None:
            return
        queues_list = [(q.id, q.name) for q in queries.queues(self.store)]
        if not queues_list:
            self.show_message(self.tr("This store has no queues yet; add one first (File > Add a queue)."),
                              error=True)
            return
        dialog = NewTicketDialog(queues_list, people.customer_names(self.store), self)

        def accepted() -> None:
            values = dialog.values()
            self._run(lambda s: tickets.create_ticket(s, actor_id=me, **values),  # type: ignore[arg-type]
                      self.tr("New ticket for {0}").format(values["customer"]))

        self._open_dialog(dialog, accepted)

    def _toggle_watch(self: MainWindow) -> None:
        tid = self._one_ticket()
        if tid is None:
            return
        self.watch.toggle(tid)
        self.actions[A.WATCH].setChecked(tid in self.watch.ids)
        self._refresh_chip_counts()
        if self.actions[A.CHIP_WATCHED].isChecked():
            self.apply_filter()

