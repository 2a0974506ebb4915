"""Mine to watch: the tickets this supervisor marked with Ctrl+D, kept per store.

Only the supervisor's own Ctrl+D adds or removes a ticket: acting on a ticket does not watch it. The rows
and the detail pane show a watched ticket with ``MARK``; ``changed`` tells them (and the chip) to redraw.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QObject, Signal

from csconsole.settings import Prefs, Settings

LIMIT = 2_000  # the newest ones are kept; a watch list is a short list
MARK = "⚑"  # a watched ticket, in its row and its detail


class WatchList(QObject):
    changed = Signal()

    def __init__(self, settings: Settings, store_key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings, self._key = settings, store_key
        try:
            every = json.loads(settings.get(Prefs.WATCHED) or "{}")
        except ValueError:
            every = {}
        self._all: dict[str, list[int]] = every if isinstance(every, dict) else {}
        self.ids: list[int] = [int(i) for i in self._all.get(store_key, [])]
        self._set = set(self.ids)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._set

    def toggle(self, ticket_id: int) -> None:
        if ticket_id in self._set:
            self.ids.remove(ticket_id)
        else:
            self.ids.append(ticket_id)
        self.ids = self.ids[-LIMIT:]
        self._set = set(self.ids)
        self._all[self._key] = self.ids
        self._settings.set(Prefs.WATCHED, json.dumps(self._all))
        self.changed.emit()
