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


def path_text(labels: Sequence[str]) -> str:
    return " → ".join(labels)


def summary(kind: str, data: Mapping[str, object], queues: Names, agents: Names) -> str:
    """One plain line saying what an event did."""
    def holder() -> str:
        owner = data.get("owner")
        who = agents.get(owner, "?") if isinstance(owner, int) else NO_OWNER
        return f"{queues.get(data.get('queue'), '?')}/{who}"  # type: ignore[arg-type]

    note = str(data.get("note") or "")
    match kind:
        case EventKind.CREATED:
            return f"Opened by {data.get('channel')} ({data.get('priority')}) in {queues.get(data.get('queue'), '?')}: {data.get('subject')}"  # type: ignore[arg-type]
        case EventKind.TAKE:
            return f"Taken → {holder()}"
        case EventKind.TRANSFER:
            return f"Transferred → {holder()}: {note}"
        case EventKind.REASSIGN:
            return f"Reassigned → {holder()}: {data.get('reason')}"
        case EventKind.CONTACT:
            return f"Customer contact{': ' + note if note else ''}"
        case EventKind.REPLY:
            return f"Reply: {note}"
        case EventKind.STATUS:
            return f"Status → {data.get('status')}{': ' + note if note else ''}"
        case EventKind.ESCALATE:
            return f"Escalated to {data.get('priority')}: {note}"
        case EventKind.NOTE:
            return f"Note: {note}"
        case EventKind.REVERT:
            count = len(data.get("reverts") or ())  # type: ignore[arg-type]
            what = "the action before" if count == 1 else f"the {count} actions before"
            return f"Undone: {what}{': ' + note if note else ''}"
        case EventKind.RECOVERY_STEP | EventKind.EVALUATION:
            return recovery.describe(kind, dict(data)) or str(kind)
        case EventKind.ZENDESK_SYNCED:
            found = ", ".join(f"{name.replace('_', ' ')} {data[name]}" for name in
                              ("assignee_stations", "group_stations", "reopens", "replies") if data.get(name) is not None)
            return f"Zendesk ticket {data.get('zendesk_id')} imported{': ' + found if found else ''}"
        case EventKind.REF_RECORDED:
            return f"Reference {data.get('ref')} recorded"
    return f"{kind}{': ' + note if note else ''}"
