"""The detail pane follows the selected ticket and re-reads it only when a commit touched that ticket."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from csconsole.domain.errors import DomainError
from csconsole.services import StoreError, queries, retry_read
from csconsole.services.changes import Kind
from csconsole.ui.actions import ActionId, Actions
from csconsole.ui.changes_event import Changes
from csconsole.ui.runner import Runner
from csconsole.ui.selection import TicketSelection
from csconsole.ui.watchlist import WatchList
from csconsole.ui.widgets.detail import DetailPane


class DetailController(QObject):
    read = Signal(int)  # the pane read this ticket from the store (a public hook: tests count reads)

    def __init__(self, runner: Runner, actions: Actions, selection: TicketSelection, pane: DetailPane,
                 watch: WatchList, zendesk_line: Callable[[int], str], currency: Callable[[], str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._actions, self._selection, self.pane = runner, actions, selection, pane
        self._watch, self._zendesk_line, self._currency = watch, zendesk_line, currency
        self._stopped = False
        self._away_from: int | None = None  # the ticket whose story could not be read: the server was away
        selection.settled.connect(self.follow_selection)
        runner.changes.connect(self.on_changes)
        watch.changed.connect(self.redraw)  # the watch mark

    @property
    def ticket_id(self) -> int | None:
        return self.pane.ticket_id

    def follow_selection(self) -> None:
        if self._stopped:
            return
        wanted = self._selection.one_ticket()
        if wanted is None or wanted != self.pane.ticket_id:
            self.show(wanted)

    def on_changes(self, changes: Changes) -> None:
        if self._away_from is not None and changes.touches_ticket(self._away_from):
            self.show(self._away_from)  # the server is back: the story it could not read
            return
        shown = self.pane.ticket_id
        if shown is not None and (changes.touches_ticket(shown) or changes.touches(Kind.PREFERENCES)):
            self.show(shown)  # its ticket changed, or how it is told (the goodwill currency)

    def redraw(self) -> None:
        """The same ticket again (new palette, a new cross-check line)."""
        if self.pane.ticket_id is not None:
            self.show(self.pane.ticket_id)

    def show(self, ticket_id: int | None) -> None:
        if ticket_id is None:
            self.pane.show_nothing()
            return
        store = self._runner.store
        self._away_from = None
        try:
            # One ticket's story, on the GUI thread's connection: a few indexed reads, painted at once (and
            # never waiting for a server away: the banner says it, and the story comes back with it).
            detail = retry_read(lambda: queries.ticket_detail(store, ticket_id, currency=self._currency()),
                                store.location, patient=False)
            self.pane.show_detail(detail, watched=ticket_id in self._watch)
            self.pane.set_zendesk(self._zendesk_line(ticket_id))
        except StoreError as error:
            if error.server_away:
                self._away_from = ticket_id
                self._runner.server_lost()
                self.pane.show_nothing(self.tr("The server is not answering; this ticket's story shows again "
                                               "once it is back."))
            else:
                self.pane.show_nothing(str(error))
        except DomainError as error:
            self.pane.show_nothing(str(error))
        self.read.emit(ticket_id)
        self._actions[ActionId.WATCH].setChecked(ticket_id in self._watch)

    def show_nothing(self, why: str) -> None:
        self.pane.show_nothing(why)

    def stop(self) -> None:
        self._stopped = True
