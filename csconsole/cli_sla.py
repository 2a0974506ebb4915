"""The ``sla`` command (issue 15): the SLA policies in force, or set one queue's (or the store-wide one).

    csconsole sla STORE --queue Q [--hours "mon-fri 09:00-17:00; sat 10:00-14:00"] [--timezone Europe/Berlin]
                        [--holidays DE[-BY]] [--closed 2026-12-31,...] [--target PRIORITY:first=MIN,...]
    csconsole sla STORE [--queue Q] [--json]         the schedules and targets in force

Without ``--queue`` the options set the store-wide policy, which every queue without its own follows. A
queue's first edit starts from the policy it followed, so ``--target`` alone keeps the hours it had.
``--clear`` puts a queue back under the store-wide policy. A bad part: one line naming it, exit 2,
nothing changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from csconsole.cli_actor import acting_agent
from csconsole.cli_store import add_store, open_named

if TYPE_CHECKING:
    from csconsole.services.sla import PolicyInForce

COMMANDS = ("sla",)
_SETTERS = ("hours", "timezone", "holidays", "closed", "target")


def add_parsers(sub: Any) -> None:
    sla = sub.add_parser("sla", help="SLA schedules and targets: those in force, or set a queue's")
    add_store(sla, may_default=True)
    sla.add_argument("--queue", metavar="Q", help="the queue (default: the store-wide policy)")
    sla.add_argument("--hours", metavar="HOURS", help='opening hours, e.g. "mon-fri 09:00-17:00; sat 10:00-14:00"; 24/7')
    sla.add_argument("--timezone", metavar="ZONE", help="IANA time zone, e.g. Europe/Berlin")
    sla.add_argument("--holidays", metavar="CC[-SUB]", help="public holidays of a country (and subdivision); none")
    sla.add_argument("--closed", metavar="DATES", help="the business's own closed days: YYYY-MM-DD,...; none")
    sla.add_argument("--target", action="append", default=[], metavar="PRIORITY:first=MIN,next=MIN,resolution=MIN",
                     help="business minutes per priority (PRIORITY@loyal for a tighter loyal target); repeatable")
    sla.add_argument("--clear", action="store_true", help="the queue follows the store-wide policy again")
    sla.add_argument("--as", dest="actor", metavar="SUPERVISOR", help="who sets it (asked for their PIN if they have one)")
    sla.add_argument("--json", action="store_true")


def _sla(args: argparse.Namespace) -> int:
    from csconsole.domain.errors import BadInput
    from csconsole.services import queries
    from csconsole.services import sla as service

    setting = args.clear or any(getattr(args, name) not in (None, []) for name in _SETTERS)
    if args.clear and any(getattr(args, name) not in (None, []) for name in _SETTERS):
        raise BadInput("--clear takes no other option: it puts the queue back under the store-wide policy")
    if args.clear and not args.queue:
        raise BadInput("--clear needs --queue: the store-wide policy itself cannot be cleared")
    with open_named(args, read_only=not setting) as store:
        queue_id = queries.queue_by_name(store, args.queue).id if args.queue else None
        if not setting:
            shown = service.policies(store)
            if args.queue:
                shown = [p for p in shown if p.queue_id == queue_id]
            _print(shown, args.json)
            return 0
        actor = acting_agent(store, args.actor) if args.actor else None
        current = service.policy_for(store, queue_id).policy
        policy = None if args.clear else service.amend(
            current, hours=args.hours, timezone=args.timezone, holidays=args.holidays, closed=args.closed,
            targets=args.target)  # refuses a bad part before anything is written
        change = service.set_policy(store, queue_id, policy, actor_id=actor.id if actor else None)
    if args.json:
        print(json.dumps({**_json(change.policy), "retimed": change.retimed}, ensure_ascii=False))
    else:
        print(f"{_line(change.policy)}; {change.retimed} open tickets re-timed")
    return 0


def _json(row: PolicyInForce) -> dict[str, object]:
    targets = {p: _minutes(row.policy.targets.resolve(p)) for p in ("urgent", "high", "normal", "low")}
    return {**row.to_json(), "targets_in_force": targets}


def _minutes(targets: Any) -> dict[str, int]:
    return {"first": targets.first, "next": targets.next, "resolution": targets.resolution}


def _line(row: PolicyInForce) -> str:
    whose = "own" if row.own else ("store-wide" if row.queue_id is not None else "default")
    return f"{row.name}: {row.policy.describe()} [{whose}]"


def _print(rows: list[PolicyInForce], as_json: bool) -> None:
    if as_json:
        json.dump([_json(row) for row in rows], sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for row in rows:
        print(_line(row))
        resolved = ", ".join(f"{p} {t['first']}/{t['next']}/{t['resolution']}"
                             for p, t in _json(row)["targets_in_force"].items())  # type: ignore[attr-defined]
        print(f"    first/next/resolution minutes: {resolved}")


HANDLERS = {"sla": _sla}
