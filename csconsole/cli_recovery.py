"""The recovery commands of ``csconsole`` (DESIGN §6): ``recovery``, ``recoveries``, ``evaluate``.

Kept apart from cli.py so the shared command module only registers them. Refusals raise DomainError,
which cli.main turns into one stderr line and exit 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from csconsole.cli_actor import acting_agent
from csconsole.cli_store import add_store, open_named

COMMANDS = ("recovery", "recoveries", "evaluate")


def add_parsers(sub: Any) -> None:
    rec = sub.add_parser("recovery", help="do the next step of a ticket's recovery case (opens one if needed)")
    add_store(rec, may_default=False)
    rec.add_argument("ticket", metavar="TICKET", help="reference or number")
    rec.add_argument("--step", required=True, metavar="STEP",
                     help="the step to do (acknowledge, widen, agree, resolve, evaluate for AWARE); "
                          "'complete' checks every step is done")
    rec.add_argument("--note", default="", metavar="TEXT")
    rec.add_argument("--as", dest="actor", metavar="SUPERVISOR",
                     help="who acts, exactly as the store names them; on a server, your own login (which it may leave out)")
    rec.add_argument("--checklist", metavar="NAME", help="checklist for a new case (default AWARE; HEARD, LEARN...)")
    rec.add_argument("--promise", metavar="TEXT", help="Agree: what was promised")
    rec.add_argument("--promised-by", metavar="DATE", help="Agree: the promised-by date (YYYY-MM-DD)")
    rec.add_argument("--fix", metavar="TEXT", help="Resolve: what was done")
    rec.add_argument("--goodwill-kind", metavar="KIND", help="Resolve: refund, voucher, credit...")
    rec.add_argument("--goodwill-amount", metavar="AMOUNT")
    rec.add_argument("--follow-up", metavar="DATE", help="Resolve: the follow-up date (YYYY-MM-DD)")
    rec.add_argument("--outcome", metavar="OUTCOME", help="Resolve: recovered, partial or lost")
    rec.add_argument("--root-cause", metavar="C", help="Evaluate: associate, policy, process, product, other")
    rec.add_argument("--policy", metavar="P", help="Evaluate: the policy involved (name or id)")
    rec.add_argument("--change", metavar="TEXT", help="Evaluate: what should change")

    cases = sub.add_parser("recoveries", help="recovery cases with their checklist steps")
    add_store(cases, may_default=True)
    cases.add_argument("--open", action="store_true", help="only cases not complete yet")
    cases.add_argument("--json", action="store_true")

    ev = sub.add_parser("evaluate", help="evaluate a ticket: associate and policy scores (1-5), kept apart")
    add_store(ev, may_default=False)
    ev.add_argument("ticket", metavar="TICKET")
    ev.add_argument("--associate-score", required=True, metavar="N")
    ev.add_argument("--policy", metavar="P", help="the policy judged (name or id)")
    ev.add_argument("--policy-score", metavar="N")
    ev.add_argument("--comment", default="", metavar="TEXT")
    ev.add_argument("--as", dest="actor", metavar="SUPERVISOR",
                    help="who acts, exactly as the store names them; on a server, your own login (which it may leave out)")


def _recovery(args: argparse.Namespace) -> int:
    from csconsole.services import queries
    from csconsole.services import recovery as rec

    with open_named(args) as store:
        ticket_id = queries.find_ticket(store, args.ticket)
        actor = acting_agent(store, args.actor)
        if args.step.strip().lower() == "complete":
            known = rec.cases_of_ticket(store, ticket_id)
            if not known:
                from csconsole.domain.errors import NotFound

                raise NotFound(f"{args.ticket} has no recovery case")
            case = rec.complete_case(store, (rec.current_case(store, ticket_id) or known[-1]).id)
            print(f"{args.ticket}: recovery case {case.id} is complete ({case.checklist.name})")
            return 0
        fields = {
            "promise": args.promise, "promised_by": args.promised_by, "fix": args.fix,
            "goodwill_kind": args.goodwill_kind, "goodwill_amount": args.goodwill_amount,
            "follow_up": args.follow_up, "outcome": args.outcome, "root_cause": args.root_cause,
            "policy": args.policy, "change": args.change,
        }
        result = rec.complete_step(store, ticket_id, actor_id=actor.id, step=args.step, note=args.note,
                                   fields={k: v for k, v in fields.items() if v is not None},
                                   checklist=args.checklist)
    case = result.case
    done, total = case.progress
    step = case.done[-1].step.title
    nxt = case.next_step
    tail = "complete" if nxt is None else f"next: {nxt.title}"
    print(f"{args.ticket}: {step} done on recovery case {case.id} ({case.checklist.name} {done}/{total}; {tail})")
    return 0


def _recoveries(args: argparse.Namespace) -> int:
    from csconsole.services import recovery as rec

    with open_named(args, read_only=True) as store:
        rows = rec.cases(store, rec.CaseFilter(open_only=args.open), limit=1_000_000)
        if args.json:
            out = sys.stdout
            out.write("[")
            for i, item in enumerate(rec.case_details(store, rows)):
                out.write(("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False))
            out.write("\n]\n")
            return 0
    today = rec.today()
    print(f"{'CASE':>7} {'TICKET':<12} {'CHECKLIST':<9} {'DONE':<5} {'NEXT':<12} {'PROMISED BY':<11} "
          f"{'FOLLOW-UP':<10} {'OUTCOME':<9} {'ROOT CAUSE':<10} CUSTOMER")
    for r in rows:
        flags = (" !promise" if r.promise_overdue(today) else "") + (" !follow-up" if r.follow_up_due(today) else "")
        print(f"{r.id:>7} {r.ref:<12} {r.checklist:<9} {f'{r.steps_done}/{r.steps_total}':<5} "
              f"{(r.next_step or 'complete'):<12} {(r.promised_by or '—'):<11} {(r.follow_up or '—'):<10} "
              f"{(r.outcome or '—'):<9} {(r.root_cause or '—'):<10} {r.customer}{' (loyal)' if r.loyal else ''}{flags}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from csconsole.services import queries
    from csconsole.services import recovery as rec

    with open_named(args) as store:
        ticket_id = queries.find_ticket(store, args.ticket)
        actor = acting_agent(store, args.actor)
        change = rec.evaluate(store, ticket_id, actor_id=actor.id, associate_score=args.associate_score,
                              policy_score=args.policy_score, policy=args.policy, comment=args.comment)
    print(f"{args.ticket}: evaluated (event {change.seqs[-1]})")
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "recovery": _recovery, "recoveries": _recoveries, "evaluate": _evaluate,
}
