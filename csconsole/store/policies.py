"""The policy register: named company rules that recovery root causes and evaluations point at.

Business data like queues and agents: never deleted (cases and evaluations point at them), retired by
``active = 0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from csconsole.domain.errors import BadInput, NotFound

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


def add_policy(store: Store, name: str, description: str, owner: str, at: str) -> Policy:
    if store._conn.execute("SELECT 1 FROM policies WHERE lower(name) = lower(?)", (name,)).fetchone():
        raise BadInput(f"a policy named {name!r} already exists")
    row = store._conn.execute(
        "INSERT INTO policies (name, description, owner, active, created_at) VALUES (?, ?, ?, 1, ?) RETURNING id",
        (name, description, owner, at),
    ).fetchone()
    return policy(store, int(row[0]))


def update_policy(store: Store, policy_id: int, **values: object) -> Policy:
    policy(store, policy_id)
    if "name" in values and store._conn.execute(
        "SELECT 1 FROM policies WHERE lower(name) = lower(?) AND id <> ?", (values["name"], policy_id)
    ).fetchone():
        raise BadInput(f"a policy named {values['name']!r} already exists")
    for column, value in values.items():
        if column not in ("name", "description", "owner", "active"):
            raise BadInput(f"a policy has no field {column!r}")
        store._conn.execute(f"UPDATE policies SET {column} = ? WHERE id = ?", (value, policy_id))
    return policy(store, policy_id)


def add_policies(store: Store, rows: list[tuple[str, str, str]], at: str) -> list[int]:
    """Many new policies (name, description, owner) at once; their ids, in the order given."""
    store._conn.executemany(
        "INSERT INTO policies (name, description, owner, active, created_at) VALUES (?, ?, ?, 1, ?)",
        [(*row, at) for row in rows],
    )
    names = [name for name, _, _ in rows]
    by_name = dict(store._conn.execute("SELECT name, id FROM policies").fetchall())
    return [int(by_name[name]) for name in names]
