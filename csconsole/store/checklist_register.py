"""A business's own checklists beside the built-in ones (AWARE, HEARD, LEARN): checklists are data."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from csconsole.domain.checklists import BUILT_IN, Checklist
from csconsole.domain.errors import BadInput, NotFound
from csconsole.store import registry
from csconsole.store.ledger import Ledger

if TYPE_CHECKING:
    from csconsole.store.store import Store


def checklists(store: Store) -> list[Checklist]:
    """The built-in checklists first (AWARE is the default), then the business's own."""
    own = [Checklist.from_data(json.loads(d)) for (d,) in store._conn.execute("SELECT data FROM checklists ORDER BY name")]
    return [*BUILT_IN.values(), *own]


def checklist(store: Store, name: str) -> Checklist:
    for known in checklists(store):
        if known.name.lower() == name.strip().lower():
            return known
    names = ", ".join(c.name for c in checklists(store))
    raise NotFound(f"unknown checklist {name!r} (known: {names})")


def save_checklist(store: Store, item: Checklist, at: str, *, actor: int | None = None) -> None:
    if item.name.upper() in BUILT_IN:
        raise BadInput(f"{item.name} ships with csconsole and cannot be changed; give yours another name")
    registry.save_checklist(Ledger(store), item.name, item.to_data(), at=at, actor=actor)
