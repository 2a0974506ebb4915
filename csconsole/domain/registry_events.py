"""The floor's record events, each kind's data spelled once (``make_*``): what ``domain/registry.py``
folds into queues, agents, customers, policies, checklists, PINs and Zendesk links."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from csconsole.domain.ticket import Event
from csconsole.domain.words import BACKFILL_MARK, IMPORT_MARK, EventKind, Role

ZENDESK_METRICS = ("assignee_stations", "group_stations", "reopens", "replies")
AGENT_FIELDS = ("name", "role", "queue", "active")
CUSTOMER_FIELDS = ("name", "since")
POLICY_FIELDS = ("name", "description", "owner", "active")


def pin_commitment(stored_hash: str) -> str:
    """What a ``pin_set`` event records of a PIN: the sha256 of the stored Argon2 string.

    It proves which hash the store must hold (a replaced or deleted hash no longer matches) and gives
    nothing to guess with: the Argon2 string holds a random 16-byte salt, so testing a PIN against the
    commitment needs the hash itself, which stays in the store and out of the audit pack.
    """
    return hashlib.sha256(stored_hash.encode()).hexdigest()


def _event(kind: EventKind, at: str, actor: int | None, data: dict[str, Any]) -> Event:
    return Event(None, kind.value, at, actor, data)


def make_queue_added(queue_id: int, name: str, at: str, actor: int | None = None,
                     targets: Mapping[str, int] | None = None) -> Event:
    data: dict[str, Any] = {"queue": queue_id, "name": name}
    if targets:
        data["targets"] = dict(targets)
    return _event(EventKind.QUEUE_ADDED, at, actor, data)


def make_queue_renamed(queue_id: int, name: str, at: str, actor: int | None = None) -> Event:
    return _event(EventKind.QUEUE_RENAMED, at, actor, {"queue": queue_id, "name": name})


def make_queue_targets_set(queue_id: int, targets: Mapping[str, int | None], at: str,
                           actor: int | None = None) -> Event:
    """``targets``: minutes by priority; None puts a priority back to the default target."""
    return _event(EventKind.QUEUE_TARGETS_SET, at, actor, {"queue": queue_id, "targets": dict(targets)})


def make_sla_policy_set(queue_id: int | None, policy: Mapping[str, str] | None, at: str,
                        actor: int | None = None) -> Event:
    """A queue's SLA policy (``SlaPolicy.to_dict()``: hours, timezone, holidays, closed, targets), or with
    ``queue_id`` None the store-wide one; ``policy`` None puts the queue back under the store-wide policy."""
    return _event(EventKind.SLA_POLICY_SET, at, actor,
                  {"queue": queue_id, "policy": None if policy is None else dict(policy)})


def make_agent_added(agent_id: int, name: str, role: Role, queue_id: int | None, at: str,
                     actor: int | None = None, active: bool = True) -> Event:
    data: dict[str, Any] = {"agent": agent_id, "name": name, "role": role.value, "queue": queue_id}
    if not active:
        data["active"] = False
    return _event(EventKind.AGENT_ADDED, at, actor, data)


def make_agent_changed(agent_id: int, changes: Mapping[str, Any], at: str, actor: int | None = None) -> Event:
    """``changes``: any of name, role, queue (id or None), active."""
    unknown = set(changes) - set(AGENT_FIELDS)
    if unknown:
        raise ValueError(f"an agent has no field {sorted(unknown)[0]!r}")
    data = {"agent": agent_id, **{k: (v.value if isinstance(v, Role) else v) for k, v in changes.items()}}
    return _event(EventKind.AGENT_CHANGED, at, actor, data)


def make_customer_added(customer_id: int, name: str, since: str, at: str, actor: int | None = None) -> Event:
    return _event(EventKind.CUSTOMER_ADDED, at, actor, {"customer": customer_id, "name": name, "since": since})


def make_customer_changed(customer_id: int, changes: Mapping[str, str], at: str, actor: int | None = None) -> Event:
    unknown = set(changes) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValueError(f"a customer has no field {sorted(unknown)[0]!r}")
    return _event(EventKind.CUSTOMER_CHANGED, at, actor, {"customer": customer_id, **changes})


def make_policy_added(policy_id: int, name: str, description: str, owner: str, at: str,
                      actor: int | None = None) -> Event:
    return _event(EventKind.POLICY_ADDED, at, actor,
                  {"policy": policy_id, "name": name, "description": description, "owner": owner})


def make_policy_changed(policy_id: int, changes: Mapping[str, Any], at: str, actor: int | None = None) -> Event:
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"a policy has no field {sorted(unknown)[0]!r}")
    data = {"policy": policy_id, **{k: (bool(v) if k == "active" else v) for k, v in changes.items()}}
    return _event(EventKind.POLICY_CHANGED, at, actor, data)


def make_checklist_saved(checklist_id: int, name: str, definition: Mapping[str, Any], at: str,
                         actor: int | None = None) -> Event:
    return _event(EventKind.CHECKLIST_SAVED, at, actor,
                  {"checklist": checklist_id, "name": name, "definition": dict(definition)})


def make_pin_set(agent_id: int, stored_hash: str, at: str, actor: int | None = None) -> Event:
    return _event(EventKind.PIN_SET, at, actor, {"agent": agent_id, "commitment": pin_commitment(stored_hash)})


def make_pin_cleared(agent_id: int, at: str, actor: int | None = None) -> Event:
    return _event(EventKind.PIN_CLEARED, at, actor, {"agent": agent_id})


def make_zendesk_synced(ticket_id: int, zendesk_id: int, last_audit_id: int, metrics: Mapping[str, int | None],
                        at: str, batch: str | None) -> Event:
    """What one import found of a ticket in Zendesk: its id, the last audit read, Zendesk's metrics."""
    data: dict[str, Any] = {"zendesk_id": zendesk_id, "last_audit_id": last_audit_id,
                            **{name: metrics.get(name) for name in ZENDESK_METRICS}}
    if batch:
        data[IMPORT_MARK] = batch
    return Event(ticket_id, EventKind.ZENDESK_SYNCED.value, at, None, data)


def make_ref_recorded(ticket_id: int, ref: str, at: str) -> Event:
    """The reference of a ticket whose ``created`` event did not record it yet (before schema 6)."""
    return Event(ticket_id, EventKind.REF_RECORDED.value, at, None, {"ref": ref})


def backfilled(event: Event, history_until: int, **kept: Any) -> Event:
    """``event`` as the registry's migration writes it: describing a record that was already there (with
    the times it ``kept``: created_at, set_at, imported_at), after the history up to ``history_until``."""
    event.data[BACKFILL_MARK] = history_until
    event.data.update({name: value for name, value in kept.items() if value is not None})
    return event
