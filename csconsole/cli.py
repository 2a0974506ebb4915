"""The ``csconsole`` command (DESIGN §6). Exit codes: 0 success, 1 check failed, 2 bad input or usage.

Every error is one plain line on stderr; no traceback reaches the user. Every STORE is a file path or a
``postgresql://`` URL (cli_store.py: which commands may take it from ``CSCONSOLE_DB``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from csconsole import __version__, cli_floor, cli_import, cli_recovery, cli_sla, cli_store
from csconsole.cli_actor import acting_agent
from csconsole.cli_output import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, ProgressBar, UsageError, shown
from csconsole.cli_store import add_store, named_store, open_named
from csconsole.domain import clock
from csconsole.domain.errors import DomainError
from csconsole.domain.read_models import SlaFilter, TicketFilter, TicketRow

COMMANDS = ("gui", "demo", "import", "tickets", "reassign", "stats", "audit", "rebuild", "export",
            *cli_store.COMMANDS, *cli_recovery.COMMANDS, *cli_sla.COMMANDS, *cli_floor.COMMANDS)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="csconsole", description="The floor supervisor's console and its command line.")
    parser.add_argument("--version", action="version", version=f"csconsole {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    gui = sub.add_parser("gui", help="open the console (the default command)")
    gui.add_argument("--db", metavar="STORE", help="the store to open, a file or a postgresql:// URL (default: "
                     "$CSCONSOLE_DB, else your store in the user data folder)")
    gui.add_argument("--read-only", action="store_true", help="open for audit: nothing can be changed")
    gui.add_argument("--demo", action="store_true", help="open (creating it if needed) the demo store")

    demo = sub.add_parser("demo", help="create a realistic demo store, with a progress bar")
    add_store(demo, may_default=False)
    demo.add_argument("--tickets", type=int, default=20_000, metavar="N", help="how many tickets (default 20000)")
    demo.add_argument("--seed", type=int, default=7, metavar="S", help="random seed; same seed, same store")

    cli_import.add_parsers(sub)

    tickets = sub.add_parser("tickets", help="list tickets")
    add_store(tickets, may_default=True)
    tickets.add_argument("--queue", metavar="Q")
    tickets.add_argument("--status", metavar="S", choices=("new", "open", "pending", "resolved", "closed"))
    tickets.add_argument("--min-bounces", type=int, metavar="N")
    tickets.add_argument("--min-contacts", type=int, metavar="N")
    tickets.add_argument("--breached", action="store_true", help="only tickets whose SLA is breached now")
    tickets.add_argument("--json", action="store_true")

    reassign = sub.add_parser("reassign", help="give a ticket a new owner (supervisors only)")
    add_store(reassign, may_default=False)
    reassign.add_argument("ticket", metavar="TICKET", help="reference or number")
    reassign.add_argument("--to", required=True, metavar="AGENT")
    reassign.add_argument("--reason", required=True, metavar="TEXT")
    reassign.add_argument("--as", dest="actor", metavar="SUPERVISOR",
                          help="who acts, exactly as the store names them; on a server, your own login (which it may leave out)")

    stats = sub.add_parser("stats", help="queue depths, bounced > 2, breached, open recoveries")
    add_store(stats, may_default=True)
    stats.add_argument("--json", action="store_true")

    audit = sub.add_parser("audit", help="verify the tamper-evident event log")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="verify|head", required=True, parser_class=_Parser)
    verify = audit_sub.add_parser(
        "verify", help="exit 0 if the store holds what its events say, 1 naming the first difference")
    add_store(verify, may_default=True)
    verify.add_argument("--head", metavar="HASH", help="a head hash kept earlier: proves nothing before it changed")
    verify.add_argument("--chain-only", action="store_true",
                        help="the hash chain alone (quick), not the derived tables, appends and schema")
    head = audit_sub.add_parser("head", help="sequence number and head hash of the chain")
    add_store(head, may_default=True)
    head.add_argument("--json", action="store_true", help='{"seq": N, "hash": "...", "store": STORE, "at": TIME}')

    rebuild = sub.add_parser("rebuild", help="recompute derived columns from the events")
    add_store(rebuild, may_default=True)

    export = sub.add_parser("export", help="audit pack: a CSV per table, report.pdf and manifest.json")
    add_store(export, may_default=True)
    export.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder for the pack")
    cli_store.add_parsers(sub)
    cli_recovery.add_parsers(sub)
    cli_sla.add_parsers(sub)
    cli_floor.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "gui")
    args: argparse.Namespace | None = None
    try:
        args = build_parser().parse_args(args_list)
        return HANDLERS[args.command](args)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except cli_store.MissingStore as error:
        print(f"csconsole {args.command if args else ''}: {error}".replace("  ", " "), file=sys.stderr)
        return EXIT_BAD_INPUT
    except DomainError as error:
        print(f"csconsole: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("csconsole: interrupted; nothing half-written (every change is one transaction)", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:
        from csconsole.services import database_failure

        where = getattr(args, "store", None) or getattr(args, "db", None) or "the store"
        # e.g. damage met on a page the open did not read
        plain = database_failure(error, str(where)) or f"unexpected error: {type(error).__name__}: {error}"
        print(f"csconsole: {plain}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _gui(args: argparse.Namespace) -> int:
    from csconsole.app import run_gui

    return run_gui(args.db or os.environ.get(cli_store.ENVIRONMENT, "").strip() or None,
                   read_only=args.read_only, demo=args.demo)


def _demo(args: argparse.Namespace) -> int:
    from csconsole.io.demo import build_demo

    if args.tickets < 1:
        raise UsageError("csconsole demo: --tickets must be at least 1")
    bar = ProgressBar(sys.stderr, "building demo store")
    summary = build_demo(named_store(args), tickets=args.tickets, seed=args.seed, progress=bar.update)
    bar.finish()
    from csconsole.services import parse_location

    print(
        f"{parse_location(args.store)}: {summary.tickets} tickets, {summary.events} events, {summary.agents} "
        f"agents, {summary.queues} queues in {summary.seconds:.1f} s"
    )
    return EXIT_OK


def ticket_json(row: TicketRow, now: str) -> dict[str, Any]:
    return {
        "id": row.id, "ref": row.ref, "subject": row.subject, "customer": row.customer,
        "customer_tier": row.customer_tier.value, "queue": row.queue, "owner": row.owner,
        "status": row.status, "priority": row.priority, "channel": row.channel,
        "created_at": row.created_at, "bounces": row.bounces, "pingpongs": row.pingpongs,
        "contacts": row.contacts, "sla_state": row.sla_state(now).value, "sla_due_at": row.sla_due_at,
        "first_reply_due_at": row.first_reply_due_at, "next_reply_due_at": row.next_reply_due_at,
        "resolution_due_at": row.resolution_due_at, "sla_paused": row.sla_paused,
        "path": list(row.path),
    }


def _tickets(args: argparse.Namespace) -> int:
    from csconsole.services import queries

    with open_named(args, read_only=True) as store:
        flt = TicketFilter(
            queue_id=queries.queue_by_name(store, args.queue).id if args.queue else None,
            status=args.status, min_bounces=args.min_bounces, min_contacts=args.min_contacts,
            sla=SlaFilter.BREACHED if args.breached else None,
        )
        now = clock.now_text()
        rows = queries.all_tickets(store, flt, now=now)
        out = sys.stdout
        if args.json:
            out.write("[")
            for i, row in enumerate(rows):
                out.write(("," if i else "") + "\n" + json.dumps(ticket_json(row, now), ensure_ascii=False))
            out.write("\n]\n")
            return EXIT_OK
        out.write(f"{'REF':<12} {'QUEUE':<14} {'OWNER':<16} {'STATUS':<9} {'PRIO':<7} BNC PP CON SLA       SUBJECT\n")
        for row in rows:
            out.write(
                f"{shown(row.ref):<12} {shown(row.queue)[:14]:<14} {shown(row.owner or '—')[:16]:<16} "
                f"{row.status:<9} {row.priority:<7} {row.bounces:>3} {row.pingpongs:>2} {row.contacts:>3} "
                f"{row.sla_state(now).value:<9} {shown(row.subject)}\n"
            )
    return EXIT_OK


def _reassign(args: argparse.Namespace) -> int:
    from csconsole.services import queries, tickets

    with open_named(args) as store:
        ticket_id = queries.find_ticket(store, args.ticket)
        actor = acting_agent(store, args.actor)
        target = queries.agent_by_name(store, args.to)
        change = tickets.reassign(store, [ticket_id], actor_id=actor.id, to_id=target.id, reason=args.reason)
    print(f"{args.ticket}: reassigned to {target.name} (event {change.seqs[-1]})")
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    from csconsole.services import queries

    with open_named(args, read_only=True) as store:
        now = clock.now_text()
        stats = queries.floor_stats(store, now)
        from csconsole.services.recovery import open_recoveries_count

        open_recoveries = open_recoveries_count(store)
    queues = {
        q.name: {
            "depth": q.depth,
            "oldest_age_minutes": round(clock.minutes_between(q.oldest_created_at, now)) if q.oldest_created_at else None,
            "at_risk": q.at_risk,
            "breached": q.breached,
        }
        for q in stats.queues
    }
    if args.json:
        print(json.dumps({
            "queues": queues, "open_tickets": stats.open_tickets, "bounced_over_two": stats.bounced_over_two,
            "senior_callbacks": stats.senior_callbacks, "breached": stats.breached,
            "open_recoveries": open_recoveries,
        }, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{'QUEUE':<16} {'OPEN':>6} {'OLDEST':>8} {'AT RISK':>8} {'BREACHED':>9}")
    for name, q in queues.items():
        age = q["oldest_age_minutes"]
        print(f"{name:<16} {q['depth']:>6} {_age(age):>8} {q['at_risk']:>8} {q['breached']:>9}")
    print(f"\nopen tickets {stats.open_tickets} · bounced > 2: {stats.bounced_over_two} · "
          f"senior callbacks: {stats.senior_callbacks} · breached: {stats.breached} · "
          f"open recoveries: {open_recoveries}")
    return EXIT_OK


def _age(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 120:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // 1440}d"


def _audit(args: argparse.Namespace) -> int:
    from csconsole.services import audit

    with open_named(args, read_only=True) as store:
        if args.audit_command == "head":
            head = audit.head(store)
            if args.json:
                print(json.dumps({"seq": head.seq, "hash": head.hash, "store": str(store.location),
                                  "at": clock.now_text()}))
            else:
                print(f"{head.seq} {head.hash}")
            return EXIT_OK
        problems = audit.quick_check(store)
        if problems:
            print(f"csconsole: {store.location}: integrity check failed: {problems[0]}", file=sys.stderr)
            return EXIT_CHECK_FAILED
        bar = ProgressBar(sys.stderr, "verifying")  # on a terminal only: a script reads one line, the verdict
        verdict = audit.verify(store, args.head, chain_only=args.chain_only,
                               progress=bar.update if bar.tty else None)
        bar.finish()
    if verdict.ok:
        checked = "the chain" if args.chain_only else (
            f"the chain, the appends, {verdict.rows} derived rows and the schema")
        extra = f"; {verdict.findings} findings in imported history" if verdict.findings else ""
        if verdict.withheld_pins:
            extra += f"; {verdict.withheld_pins} PIN hashes withheld (a store rebuilt from an audit pack)"
        verb = "holds" if args.chain_only else "hold"
        print(f"ok: {verdict.checked} events; {checked} {verb}; head {verdict.head.seq} {verdict.head.hash}{extra}")
        return EXIT_OK
    print(f"csconsole: audit failed: {verdict.problem}", file=sys.stderr)
    return EXIT_CHECK_FAILED


def _rebuild(args: argparse.Namespace) -> int:
    from csconsole.services import audit

    with open_named(args) as store:
        rebuilt = audit.rebuild(store)
    print(f"rebuilt every derived table from the events; {rebuilt.corrected} rows had drifted and were corrected")
    for line in rebuilt.cannot:
        print(f"csconsole: {line}", file=sys.stderr)
    return EXIT_CHECK_FAILED if rebuilt.cannot else EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from csconsole.io.export import export

    with open_named(args, read_only=True) as store:  # an export never changes a byte of the store
        from csconsole.ui.report_pdf import render_report  # Qt only for the PDF, only here

        bar = ProgressBar(sys.stderr, "exporting")
        result = export(store, Path(args.out), render=render_report, progress=bar.update)
        bar.finish()
    report = result.report
    print(f"{result.out_dir}: {len(result.files)} files and manifest.json; chain head {report.chain_head.seq} "
          f"{report.chain_head.hash}; {report.findings_total} rule breaches listed as findings")
    if not report.chain_ok:
        print(f"csconsole: audit failed: {report.chain_problem}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": _gui, "demo": _demo, "tickets": _tickets, "reassign": _reassign,
    "stats": _stats, "audit": _audit, "rebuild": _rebuild, "export": _export, **cli_store.HANDLERS,
    **cli_import.HANDLERS, **cli_recovery.HANDLERS, **cli_sla.HANDLERS, **cli_floor.HANDLERS,
}


if __name__ == "__main__":
    sys.exit(main())
