"""A ticket's story told from its events: the holder path (with ping-pong returns) and one line per event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from csconsole.domain import recovery
from csconsole.domain.read_models import NO_OWNER, PathStep
from csconsole.domain.words import EventKind

Names = Mapping[int, str]


def actor_name(actor: int | None, agents: Names, customer: str) -> str:
    return customer if actor is None else agents.get(actor, f"agent {actor}")


def path_steps(
    events: Sequence[tuple[str, str, int | None, Mapping[str, object]]],
    queues: Names,
    agents: Names,
    customer: str,
) -> list[PathStep]:
    """Holders from the first owner on; ``events`` are (kind, at, actor, data) in order."""
    steps: list[PathStep] = []
    holder: tuple[int, int | None] | None = None
    seen_queues: set[int] = set()
    seen_owners: set[int] = set()
    for kind, at, actor, data in events:
        if kind == EventKind.CREATED:
            holder = (int(data["queue"]), None)  # type: ignore[call-overload]
            continue
        if kind not in (EventKind.TAKE, EventKind.TRANSFER, EventKind.REASSIGN):
            continue
        new = (int(data["queue"]), data["owner"])  # type: ignore[call-overload]
        owner = new[1] if isinstance(new[1], int) else None
        if not steps and owner is None:
            holder = (new[0], None)  # routed between queues before anyone took it
            continue
        if steps and (new[0], owner) == holder:
            continue
        returned = bool(steps) and (
            (holder is not None and new[0] != holder[0] and new[0] in seen_queues)
            or (owner is not None and holder is not None and owner != holder[1] and owner in seen_owners)
        )
        note = str(data.get("note") or data.get("reason") or "")
        steps.append(PathStep(
            queues.get(new[0], "?"), agents.get(owner) if owner is not None else None,
            str(kind), at, actor_name(actor, agents, customer), note, returned,
        ))
        holder = (new[0], owner)
        seen_queues.add(new[0])
        if owner is not None:
            seen_owners.add(owner)
    return steps


# Said where a transfer carries no note (DESIGN §2: everyone who touches a ticket moves it forward).
NO_TRANSFER_NOTE = "without a note, a breach of the rule that every transfer says what was done and what is next"


def _name(names: Names, key: object) -> str:
    return names.get(key, "?") if isinstance(key, int) else "?"


def _seqs(value: object) -> list[int]:
    """The seqs a revert names (its data's ``reverts``), as numbers."""
    return [int(s) for s in value] if isinstance(value, list | tuple) else []


def summary(kind: str, data: Mapping[str, object], queues: Names, agents: Names, policies: Names | None = None,
            currency: str = "") -> str:
    """One plain line saying what an event did (a ``revert`` is told by ``revert_summary``)."""
    def holder() -> str:
        owner = data.get("owner")
        who = agents.get(owner, "?") if isinstance(owner, int) else NO_OWNER
        return f"{_name(queues, data.get('queue'))}/{who}"

    note = str(data.get("note") or "").strip()
    match kind:
        case EventKind.CREATED:
            return f"Opened by {data.get('channel')} ({data.get('priority')}) in {_name(queues, data.get('queue'))}: {data.get('subject')}"
        case EventKind.TAKE:
            return f"Taken → {holder()}"
        case EventKind.TRANSFER:
            return f"Transferred → {holder()}: {note}" if note else f"Transferred → {holder()} {NO_TRANSFER_NOTE}"
        case EventKind.REASSIGN:
            return f"Reassigned → {holder()}: {data.get('reason')}"
        case EventKind.CONTACT:
            return f"Customer contact{': ' + note if note else ''}"
        case EventKind.REPLY:
            return f"Reply{': ' + note if note else ''}"
        case EventKind.STATUS:
            return f"Status → {data.get('status')}{': ' + note if note else ''}"
        case EventKind.ESCALATE:
            return f"Escalated to {data.get('priority')}{': ' + note if note else ''}"
        case EventKind.NOTE:
            return f"Note{': ' + note if note else ''}"
        case EventKind.REVERT:
            count = len(_seqs(data.get("reverts")))
            what = "the action before" if count == 1 else f"the {count} actions before"
            return f"Undone: {what}{': ' + note if note else ''}"
        case EventKind.RECOVERY_STEP | EventKind.EVALUATION:
            return recovery.describe(kind, dict(data), policies, currency) or str(kind)
        case EventKind.ZENDESK_SYNCED:
            found = ", ".join(f"{name.replace('_', ' ')} {data[name]}" for name in
                              ("assignee_stations", "group_stations", "reopens", "replies") if data.get(name) is not None)
            return f"Zendesk ticket {data.get('zendesk_id')} imported{': ' + found if found else ''}"
        case EventKind.REF_RECORDED:
            return f"Reference {data.get('ref')} recorded"
    return f"{kind}{': ' + note if note else ''}"


def revert_summary(data: Mapping[str, object], kinds: Mapping[int, tuple[str, Mapping[str, object]]]) -> str:
    """An undo or a redo, told by what it takes back: ``kinds`` maps the ticket's seqs to (kind, data).

    A revert of an action is an undo; a revert of that revert is a redo (the action stands again); and so
    on, so the parity of the chain says which, and its end says what action it was about.
    """
    seqs = _seqs(data.get("reverts"))
    depth = 1
    while seqs and all(kinds.get(s, ("", {}))[0] == EventKind.REVERT for s in seqs):
        depth += 1
        seqs = [t for s in seqs for t in _seqs(kinds[s][1].get("reverts"))]
    actions = sorted({kinds[s][0] for s in seqs if s in kinds})
    verb = "Undone" if depth % 2 else "Redone"
    what = " and ".join(f"the {kind}" for kind in actions) or "the action before"
    note = str(data.get("note") or "").strip()
    return f"{verb}: {what}" + (f" ({note})" if note else "")
