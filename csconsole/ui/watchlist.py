"""Mine to watch: tickets this supervisor marked, or acted on from this console, kept per store."""

from __future__ import annotations

import json
from collections.abc import Iterable

from csconsole.settings import Prefs, Settings

LIMIT = 2_000  # the newest ones are kept; a watch list is a short list


class WatchList:
    def __init__(self, settings: Settings, store_key: str) -> None:
        self._settings, self._key = settings, store_key
        try:
            every = json.loads(settings.get(Prefs.WATCHED) or "{}")
        except ValueError:
            every = {}
        self._all: dict[str, list[int]] = every if isinstance(every, dict) else {}
        self.ids: list[int] = [int(i) for i in self._all.get(store_key, [])]

    def add(self, ids: Iterable[int]) -> None:
        for tid in ids:
            if tid not in self.ids:
                self.ids.append(tid)
        self._save()

    def toggle(self, ticket_id: int) -> None:
        if ticket_id in self.ids:
            self.ids.remove(ticket_id)
        else:
            self.ids.append(ticket_id)
        self._save()

    def _save(self) -> None:
        self.ids = self.ids[-LIMIT:]
        self._all[self._key] = self.ids
        self._settings.set(Prefs.WATCHED, json.dumps(self._all))
