"""Working tickets: new ticket, take, reassign, transfer, reply, note, contact, escalate, status, watch, undo.

Each action opens a small non-blocking dialog, then commits the same service the CLI uses through the
runner; what can be undone goes on the undo stack only once it has succeeded. Adding a ticket action
touches the registry (actions.py), this controller and one service.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QAbstractButton, QMessageBox

from csconsole.domain.errors import StaleTickets
from csconsole.services import Store, people, queries, tickets
from csconsole.services.changes import Change
from csconsole.settings import Prefs, Settings
from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.commands import RevertCommand
from csconsole.ui.dialogs.forms import NewTicketDialog, TextDialog, TransferDialog
from csconsole.ui.dialogs.reassign import ReassignDialog
from csconsole.ui.messages import Dialogs, Messages
from csconsole.ui.runner import Runner
from csconsole.ui.selection import TicketSelection
from csconsole.ui.watchlist import WatchList
from csconsole.ui.who import Who

MAX_BULK = 10_000  # a selection larger than this is a mistake more often than a plan
STATUS_ACTIONS = {ActionId.RESOLVE: "resolved", ActionId.CLOSE: "closed", ActionId.REOPEN: "open"}


class TicketWork(QObject):
    def __init__(self, runner: Runner, actions: Actions, selection: TicketSelection, who: Who, watch: WatchList,
                 settings: Settings, messages: Messages, dialogs: Dialogs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._actions, self._selection, self._who = runner, actions, selection, who
        self._watch, self._settings, self._messages, self._dialogs = watch, settings, messages, dialogs
        self.undo_stack = QUndoStack(self)
        for key, handler in ((ActionId.NEW_TICKET, self.new_ticket), (ActionId.TAKE, self.take),
                             (ActionId.REASSIGN, self.reassign), (ActionId.TRANSFER, self.transfer),
                             (ActionId.REPLY, self.reply), (ActionId.NOTE, self.add_note),
                             (ActionId.CONTACT, self.log_contact), (ActionId.ESCALATE, self.escalate),
                             (ActionId.WATCH, self.toggle_watch),
                             (ActionId.UNDO, self.undo_stack.undo), (ActionId.REDO, self.undo_stack.redo)):
            actions.on_trigger(key, handler)
        for key, status in STATUS_ACTIONS.items():
            actions.on_trigger(key, partial(self.set_status, status))
        undo, redo = actions[ActionId.UNDO], actions[ActionId.REDO]
        self.undo_stack.canUndoChanged.connect(lambda _c: self.update_undo())
        self.undo_stack.canRedoChanged.connect(lambda _c: self.update_undo())
        # The menu names the step ("Undo Reassign CS-000048 to Raj Patel"); the toolbar keeps its short label.
        def undo_text_changed(text: str) -> None:
            undo.setText(self.tr("&Undo {0}").format(text) if text else self.tr("&Undo"))
            self.update_undo()

        def redo_text_changed(text: str) -> None:
            redo.setText(self.tr("&Redo {0}").format(text) if text else self.tr("&Redo"))
            self.update_undo()

        self.undo_stack.undoTextChanged.connect(undo_text_changed)
        self.undo_stack.redoTextChanged.connect(redo_text_changed)
        who.changed.connect(self.undo_stack.clear)  # undo belongs to the person who did it

    def update_undo(self) -> None:
        why = self._actions.why_not(read_only=self._runner.read_only, has_identity=self._who.agent is not None,
                                    busy=self._runner.writing)
        stack = self.undo_stack
        for key, can, step, nothing, shortcut in (
                (ActionId.UNDO, stack.canUndo(), stack.undoText(), self.tr("Nothing to undo"), "Ctrl+Z"),
                (ActionId.REDO, stack.canRedo(), stack.redoText(), self.tr("Nothing to redo"), "Ctrl+Shift+Z")):
            verb = self.tr("Undo") if key is ActionId.UNDO else self.tr("Redo")
            tip = f"{verb} {step} ({shortcut})" if step else None
            self._actions.set_enabled(key, why or ("" if can else nothing), tip)

    def _commit(self, job: Callable[[Store], Change], what: str,
                command: Callable[..., QUndoCommand] | None = None,
                failed: Callable[[str], None] | None = None) -> None:
        """Commit ``job``; when it succeeds, ``command`` (a factory) puts what it did on the undo stack."""
        me = self._who.agent.id if self._who.agent else 0

        def done(change: Change) -> None:
            if command is not None:
                self.undo_stack.push(command(what, self._runner, self.undo_stack, change, me, self._messages.report))
            self._messages.show(what)

        self._runner.commit(job, done, failed or self._messages.error)

    def _actor_and_ticket(self) -> tuple[int, int] | None:
        me, tid = self._who.id_or_tell(self._messages), self._selection.one_ticket()
        return (me, tid) if me is not None and tid is not None else None

    def reassign(self) -> None:
        me = self._who.id_or_tell(self._messages)
        if me is None or not self._selection.has_selection():
            return
        count = self._selection.count()
        if count > MAX_BULK:
            self._messages.error(self.tr("Select at most {0:,} tickets to reassign at once.").format(MAX_BULK))
            return
        rows = self._selection.rows()
        if len(rows) != count:  # rows not fetched yet (a jump before the anchors arrived)
            self._messages.error(self.tr("Some selected rows are still loading; try again in a moment."))
            return
        ids = [r.id for r in rows]
        seqs = {r.id: r.last_seq for r in rows}  # what we saw: the store refuses if any changed since
        dialog = ReassignDialog(queries.agents_with_load(self._runner.store), [r.ref for r in rows],
                                self._dialogs.parent_widget, reasons=self._settings.get(Prefs.REASONS),
                                queues={r.queue for r in rows}, owners={r.owner for r in rows if r.owner})

        def accepted() -> None:
            to_id, reason = dialog.agent_id(), dialog.reason_text()
            if to_id is None:
                return
            name = dialog.agent_name()
            what = (self.tr("Reassign {0} to {1}").format(rows[0].ref, name) if len(ids) == 1
                    else self.tr("Reassign {0} tickets to {1}").format(len(ids), name))
            self._reassign(ids, seqs, me, to_id, reason, what)

        self._dialogs.open(dialog, accepted)

    def _reassign(self, ids: list[int], seqs: dict[int, int], me: int, to_id: int, reason: str, what: str) -> None:
        """Reassign; when some changed meanwhile (the service names them), offer to reassign the others."""
        refused: list[StaleTickets] = []

        def job(store: Store) -> Change:
            try:
                return tickets.reassign(store, ids, actor_id=me, to_id=to_id, reason=reason, expected_seqs=seqs)
            except StaleTickets as stale:
                refused.append(stale)
                raise

        def failed(message: str) -> None:
            if not refused or not refused[0].others:
                self._messages.error(message)
                return
            others = refused[0].others
            ask = QMessageBox(QMessageBox.Icon.Question, self.tr("Reassign"), message,
                              parent=self._dialogs.parent_widget)
            go = ask.addButton(self.tr("Reassign the other {0:,}").format(len(others)),
                               QMessageBox.ButtonRole.AcceptRole)
            ask.addButton(QMessageBox.StandardButton.Cancel)

            def clicked(button: QAbstractButton) -> None:
                if button is go:
                    self._reassign(others, {t: seqs[t] for t in others}, me, to_id, reason, what)

            ask.buttonClicked.connect(clicked)
            self._dialogs.open(ask)

        self._commit(job, what, RevertCommand, failed)

    def take(self) -> None:
        if (pair := self._actor_and_ticket()) is None:
            return
        me, tid = pair
        self._commit(lambda s: tickets.take(s, tid, actor_id=me),
                     self.tr("Take {0}").format(self._selection.label(tid)), RevertCommand)

    def transfer(self) -> None:
        if (pair := self._actor_and_ticket()) is None:
            return
        me, tid = pair
        store = self._runner.store
        row = queries.tickets_by_id(store, [tid])[0]
        dialog = TransferDialog([(q.id, q.name) for q in queries.queues(store)], queries.agents_with_load(store),
                                row.queue, self._dialogs.parent_widget, ticket=f"{row.ref} — {row.subject}")

        def accepted() -> None:
            queue_id, owner_id, note = dialog.values()
            self._commit(lambda s: tickets.transfer(s, tid, actor_id=me, queue_id=queue_id, owner_id=owner_id,
                                                    note=note),
                         self.tr("Transfer {0}").format(self._selection.label(tid)), RevertCommand)

        self._dialogs.open(dialog, accepted)

    def set_status(self, status: str) -> None:
        if (pair := self._actor_and_ticket()) is None:
            return
        me, tid = pair
        verb = {"resolved": self.tr("Resolve"), "closed": self.tr("Close"), "open": self.tr("Reopen")}[status]
        self._commit(lambda s: tickets.set_status(s, tid, actor_id=me, status=status),
                     f"{verb} {self._selection.label(tid)}", RevertCommand)

    def _text_action(self, title: str, label: str, run: Callable[[Store, int, int, str], Change],
                     *, required: bool = True) -> None:
        if (pair := self._actor_and_ticket()) is None:
            return
        me, tid = pair
        dialog = TextDialog(title, label, required=required, parent=self._dialogs.parent_widget)

        def accepted() -> None:
            text = dialog.value()
            self._commit(lambda s: run(s, tid, me, text), f"{title} {self._selection.label(tid)}")

        self._dialogs.open(dialog, accepted)

    def reply(self) -> None:
        self._text_action(self.tr("Reply"), self.tr("Reply to the customer"),
                          lambda s, t, me, text: tickets.reply(s, t, actor_id=me, note=text))

    def add_note(self) -> None:
        self._text_action(self.tr("Note"), self.tr("Internal note"),
                          lambda s, t, me, text: tickets.add_note(s, t, actor_id=me, note=text))

    def log_contact(self) -> None:
        self._text_action(self.tr("Customer contact"), self.tr("What the customer said"),
                          lambda s, t, _me, text: tickets.contact(s, t, note=text), required=False)

    def escalate(self) -> None:
        if (pair := self._actor_and_ticket()) is None:
            return
        me, tid = pair
        rows = queries.tickets_by_id(self._runner.store, [tid])
        before = rows[0].priority if rows else "normal"
        dialog = TextDialog(self.tr("Escalate"), self.tr("Why it is escalated"), priority=before,
                            parent=self._dialogs.parent_widget)

        def accepted() -> None:
            level, note = dialog.priority.currentText() if dialog.priority else "high", dialog.value()
            self._commit(lambda s: tickets.escalate(s, tid, actor_id=me, priority=level, note=note),
                         self.tr("Escalate {0} to {1}").format(self._selection.label(tid), level),
                         RevertCommand)

        self._dialogs.open(dialog, accepted)

    def new_ticket(self) -> None:
        me = self._who.id_or_tell(self._messages)
        if me is None:
            return
        store = self._runner.store
        queues_list = [(q.id, q.name) for q in queries.queues(store)]
        if not queues_list:
            self._messages.error(self.tr("This store has no queues yet; add one first (File > Add a queue)."))
            return
        dialog = NewTicketDialog(queues_list, people.customer_names(store), self._dialogs.parent_widget)

        def accepted() -> None:
            values = dialog.values()
            self._commit(lambda s: tickets.create_ticket(s, actor_id=me, **values),
                         self.tr("New ticket for {0}").format(values["customer"]))

        self._dialogs.open(dialog, accepted)

    def toggle_watch(self) -> None:
        tid = self._selection.one_ticket()
        if tid is None:
            return
        self._watch.toggle(tid)  # the rows, the detail and the chip redraw from the watch list's own signal
        self._actions[ActionId.WATCH].setChecked(tid in self._watch)
