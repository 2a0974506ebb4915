"""``csconsole import``: a CSV event log, a Zendesk export or an audit pack into a store (DESIGN §6)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from csconsole.cli_actor import acting_agent
from csconsole.cli_output import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, ProgressBar, UsageError
from csconsole.cli_store import add_store, open_named


def add_parsers(sub: Any) -> None:
    imp = sub.add_parser("import", help="import a CSV event log or a Zendesk export, all or nothing")
    add_store(imp, may_default=False)
    imp.add_argument("file", metavar="FILE",
                     help="the CSV event log, the Zendesk export's folder or .zip, or an audit pack's folder")
    imp.add_argument("--format", choices=("csv", "zendesk", "pack"), default="csv",
                     help="pack: rebuild a new store from an audit pack's log (raw/events.jsonl)")
    imp.add_argument("--agents", metavar="FILE", help="CSV of name,role,queue giving agents their roles")
    imp.add_argument("--as", dest="actor", metavar="SUPERVISOR",
                     help="who gives the --agents file's roles (with their PIN if they have one); a store's "
                          "first import needs none")


def _import(args: argparse.Namespace) -> int:
    from csconsole.services import stores

    if args.actor and not args.agents:
        raise UsageError("csconsole import: --as names who gives an --agents file's roles; there is none")
    if args.format != "csv" and args.agents:
        raise UsageError("csconsole import: --agents is for CSV event logs; a Zendesk export names its agents")
    if args.format == "pack":
        return _import_pack(args)
    if not stores.is_new_file(args.store):
        with open_named(args) as store:
            return _import_into(store, args)[0]
    # A new file: made as init makes it, and removed again unless the import lands in it (a paused
    # import keeps what it appended: the same import resumes from there).
    landed = False
    try:
        with open_named(args, create=True) as store:
            code, landed = _import_into(store, args)
        return code
    finally:
        if not landed:
            stores.remove_new_file(args.store)


def _import_into(store: Any, args: argparse.Namespace) -> tuple[int, bool]:
    """The import's exit code, and whether anything of it is in the store."""
    from csconsole.io.csv_import import ImportPaused, ImportRejected, ImportResult, import_csv

    bar = ProgressBar(sys.stderr, "importing")
    result: ImportResult
    try:
        if args.format == "zendesk":
            from csconsole.io.zendesk import import_zendesk

            result = import_zendesk(store, Path(args.file), progress=bar.update)
        else:
            by = acting_agent(store, args.actor) if args.actor else None
            result = import_csv(store, Path(args.file), agents_file=Path(args.agents) if args.agents else None,
                                progress=bar.update, by=by)
    except ImportRejected as rejected:
        bar.finish()
        for problem in rejected.problems:
            print(problem, file=sys.stderr)
        print(f"csconsole: import rejected ({len(rejected.problems)} problems); nothing was written",
              file=sys.stderr)
        return EXIT_BAD_INPUT, False
    except ImportPaused as paused:
        bar.finish()
        print(f"csconsole: {paused}", file=sys.stderr)
        return (130 if paused.interrupted else EXIT_BAD_INPUT), True
    bar.finish()
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if result.resumed_from:
        print(f"resumed batch {result.batch}: {result.resumed_from} rows were already in the store",
              file=sys.stderr)
    if args.format == "zendesk":
        return _zendesk_summary(store, result), True
    print(f"imported {result.events} events on {result.tickets} tickets "
          f"({result.new_tickets} new); {len(result.findings)} rule breaches recorded as findings")
    return EXIT_OK, True


def _import_pack(args: argparse.Namespace) -> int:
    from csconsole.io.pack_import import import_pack

    with open_named(args, create=True) as store:
        result = import_pack(store, Path(args.file))
        where = store.location
    verdict = result.verdict
    print(f"{where}: rebuilt from the pack's {result.events} events; head {result.head.seq} {result.head.hash}")
    if not verdict.ok:
        print(f"csconsole: audit failed: {verdict.problem}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    return EXIT_OK


def _zendesk_summary(store: Any, result: Any) -> int:
    """The import's figures and the cross-check against Zendesk's own ticket_metrics."""
    from csconsole.services import crosscheck

    check = crosscheck.check(store)
    for disagreement in check.disagreements[:50]:
        print(f"disagrees: {disagreement}")
    print(f"imported {result.events} events on {result.tickets} tickets ({result.new_tickets} new, "
          f"{result.skipped} skipped); {len(result.findings)} rule breaches recorded as findings; "
          f"Zendesk metrics on {check.checked} tickets: {len(check.disagreements)} disagreements")
    if result.sla_policies:
        print(f"SLA policies from Zendesk: {result.sla_policies} set; {result.retimed} open tickets re-timed "
              "(csconsole sla STORE shows them)")
    return EXIT_OK


HANDLERS = {"import": _import}
