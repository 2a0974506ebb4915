"""The policy register: named company rules that recovery root causes and evaluations point at.

Business data like queues and agents: never deleted (cases and evaluations point at them), retired by
``active = 0``; every change is an event in the chain (``registry``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from csconsole.domain.errors import BadInput, NotFound
from csconsole.store import registry
from csconsole.store.ledger import Ledger

if TYPE_CHECKING:
    from csconsole.store.store import Store


@dataclass(frozen=True)
class Policy:
    id: int
    name: str
    description: str
    owner: str
    active: bool


_POLICY_SQL = "SELECT id, name, description, owner, active FROM policies"


def _policy(row: Sequence[Any]) -> Policy:
    return Policy(int(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]))


def policies(store: Store, *, active_only: bool = False) -> list[Policy]:
    where = " WHERE active = 1" if active_only else ""
    return [_policy(r) for r in store._conn.execute(f"{_POLICY_SQL}{where} ORDER BY name")]


def policy(store: Store, policy_id: int) -> Policy:
    row = store._conn.execute(f"{_POLICY_SQL} WHERE id = ?", (policy_id,)).fetchone()
    if row is None:
        raise NotFound(f"no policy with id {policy_id}")
    return _policy(row)


def policy_by_name(store: Store, name: str) -> Policy:
    text = name.strip()
    row = store._conn.execute(f"{_POLICY_SQL} WHERE lower(name) = lower(?)", (text,)).fetchone()
    if row is None and text.isdigit():
        row = store._conn.execute(f"{_POLICY_SQL} WHERE id = ?", (int(text),)).fetchone()
    if row is None:
        raise NotFound(f"unknown policy {name!r}; add it to the policy register first")
    return _policy(row)


def add_policy(store: Store, name: str, description: str, owner: str, at: str, *,
               actor: int | None = None) -> Policy:
    if store._conn.execute("SELECT 1 FROM policies WHERE lower(name) = lower(?)", (name,)).fetchone():
        raise BadInput(f"a policy named {name!r} already exists")
    added = registry.add_policy(Ledger(store), name, description, owner, at=at, actor=actor)
    return policy(store, added.id)


def update_policy(store: Store, policy_id: int, *, actor: int | None = None, **values: object) -> Policy:
    before = policy(store, policy_id)
    if "name" in values and store._conn.execute(
        "SELECT 1 FROM policies WHERE lower(name) = lower(?) AND id <> ?", (values["name"], policy_id)
    ).fetchone():
        raise BadInput(f"a policy named {values['name']!r} already exists")
    unknown = set(values) - {"name", "description", "owner", "active"}
    if unknown:
        raise BadInput(f"a policy has no field {sorted(unknown)[0]!r}")
    changes = {k: v for k, v in values.items() if getattr(before, k) != (bool(v) if k == "active" else v)}
    if changes:
        registry.change_policy(Ledger(store), policy_id, changes, actor=actor)
    return policy(store, policy_id)
