"""Figures measured in this process through the services the console calls: pages, filters, scrolling,
reassigns, and the CLI's audit verify and export. Each records the exact SQL it ran, for the peers."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.figures import OPEN_SORTS, SizeResult, median, percentile
from csconsole.domain import clock
from csconsole.domain.read_models import SlaFilter, SortKey, TicketFilter
from csconsole.services import dashboard, open_store, queries, sla, tickets
from csconsole.store import dashboard as charts
from csconsole.store import dashboard_scan
from csconsole.store import queries as store_queries
from csconsole.store.store import Store

# What the console shows when it opens (ui/models/ticket_table.py): open tickets, newest first.
CONSOLE_FILTER = TicketFilter(open_only=True)
CONSOLE_ORDER = queries.Order(SortKey.ID, descending=True)
PAGE = 100
QUEUE = "Billing"


@dataclass(frozen=True)
class Statement:
    """One SQL statement exactly as the store ran it, with its parameters."""

    sql: str
    params: dict[str, object]

    def literal(self) -> str:
        """The statement with its parameters inlined, for the sqlite3 command-line shell."""
        text = self.sql
        for name in sorted(self.params, key=len, reverse=True):
            value = self.params[name]
            text = text.replace(f":{name}", str(value) if isinstance(value, int | float)
                                else "'" + str(value).replace("'", "''") + "'")
        return text


def connection(store: Store) -> sqlite3.Connection:
    """The store's own connection: the statement the store ran is timed on it, bare (no TicketRows)."""
    return store._conn


def _named(sql: str, params: list[object]) -> Statement:
    """The store's ``?`` statement with named parameters (``:p1``...), as Datasette's API takes them."""
    parts = re.split(r"('(?:[^']|'')*')", sql)  # leave quoted text alone
    names: dict[str, object] = {}
    for i in range(0, len(parts), 2):
        pieces = parts[i].split("?")
        for n in range(1, len(pieces)):
            names[f"p{len(names) + 1}"] = params[len(names)]
            pieces[n] = f":p{len(names)}" + pieces[n]
        parts[i] = "".join(pieces)
    if len(names) != len(params):
        raise ValueError(f"{len(params)} parameters for {len(names)} placeholders")
    return Statement("".join(parts), names)


def captured_page_sql(store: Store, flt: TicketFilter, now: str, *, order: queries.Order = CONSOLE_ORDER,
                      after: queries.Key | None = None) -> Statement:
    return _named(*store_queries.page_statement(store, flt, now, order=order, after=after, limit=PAGE))


def captured_count_sql(store: Store, flt: TicketFilter, now: str) -> Statement:
    return _named(*store_queries.count_statement(store, flt, now))


def evict(path: Path) -> None:
    """Drop this file (and its WAL) from the OS page cache, so the next read really comes from disk."""
    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            fd = os.open(name, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def timed_ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def repeat_ms(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # warm
    return [timed_ms(fn) for _ in range(n)]


def quick_filters(store: Store) -> dict[str, TicketFilter]:
    """The console's chips over its default view, plus a queue picked on the left (DESIGN §7 example)."""
    queue_id = queries.queue_by_name(store, QUEUE).id
    return {
        "bounced": CONSOLE_FILTER.with_(min_bounces=3),
        "callback": CONSOLE_FILTER.with_(min_contacts=3),
        "attention": CONSOLE_FILTER.with_(sla=SlaFilter.ATTENTION),
        "unowned": CONSOLE_FILTER.with_(unowned=True),
        "queue": CONSOLE_FILTER.with_(queue_id=queue_id),
        "queue_bounced": CONSOLE_FILTER.with_(queue_id=queue_id, min_bounces=3),
    }


def _page_ratios(path: Path, store: Store, first: Statement, result: SizeResult, now: str, *, reps: int) -> None:
    """The page as TicketRows, the same SQL on the store's connection, and on a bare sqlite3 connection,
    call by call in turn: on the shared machine the load moves within seconds, so the ratios are of calls
    made side by side (the peer's own figures are measured again at the end of the run)."""
    bare = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    calls = (lambda: queries.tickets_page(store, CONSOLE_FILTER, order=CONSOLE_ORDER, limit=PAGE, now=now),
             lambda: connection(store).execute(first.sql, first.params).fetchall(),
             lambda: bare.execute(first.sql, first.params).fetchall())
    times: list[list[float]] = [[], [], []]
    for call in calls:
        call()  # warm
    for _ in range(reps):
        for call, taken in zip(calls, times, strict=True):
            taken.append(timed_ms(call))
    bare.close()
    rows, sql, peer = (median(t) for t in times)
    result.put("first_page_vs_sqlite3_x", rows / peer, f"tickets_page (SQL + 100 TicketRows) / the bare SQL, "
               f"medians of {reps} calls made in turn ({rows:.3f} / {peer:.3f} ms)", reps)
    result.put("first_page_sql_vs_sqlite3_x", sql / peer, "the same statement on the store's connection / on a bare "
               f"connection, medians of {reps} calls made in turn", reps)


def measure_reads(path: Path | str, result: SizeResult, *, reps: int) -> dict[str, Statement]:
    """First page cold and warm, every quick filter, and pages by key at the start, middle and end, on a
    store file or a store on a server (``path`` its URL).

    Returns the statements run, by name, so the peers can run exactly the same SQL.
    """
    store = open_store(str(path), read_only=True)
    on_server = store.notifies
    now = clock.now_text()
    warm = repeat_ms(lambda: queries.tickets_page(store, CONSOLE_FILTER, order=CONSOLE_ORDER, limit=PAGE, now=now),
                     reps)
    result.put("first_page_query_warm_ms", median(warm), f"median of {reps}, rows built as TicketRow", reps)
    statements = {"first_page": captured_page_sql(store, CONSOLE_FILTER, now)}
    first = statements["first_page"]
    sql_only = repeat_ms(lambda: connection(store).execute(first.sql, first.params).fetchall(), reps)
    result.put("first_page_sql_ms", median(sql_only), f"median of {reps}: the statement tickets_page runs, "
               "executed on the store's connection and fetched as tuples", reps)
    if not on_server:
        _page_ratios(Path(path), store, first, result, now, reps=4 * reps)

    for name, flt in quick_filters(store).items():
        def page_and_count(flt: TicketFilter = flt) -> None:
            # As the table model does on a new filter: the count and the first page, in one call.
            queries.tickets_count_and_page(store, flt, order=CONSOLE_ORDER, limit=PAGE, now=now)

        first = timed_ms(page_and_count)
        times = repeat_ms(page_and_count, reps)
        count = queries.tickets_count(store, flt, now=now)
        result.put(f"filter_{name}_ms", median(times),
                   f"count={count:,}; first run {first:.1f} ms; median of {reps}", reps)
        statements[f"filter_{name}"] = captured_page_sql(store, flt, now)
        statements[f"count_{name}"] = captured_count_sql(store, flt, now)

    measure_search(store, result, reps=reps, now=now)
    measure_open_sorts(store, result, reps=reps, now=now)
    measure_dashboard(store, result, reps=max(3, reps // 5), now=now)
    started = time.perf_counter()
    anchors = queries.page_anchors(store, CONSOLE_FILTER, order=CONSOLE_ORDER, step=PAGE, now=now)
    result.put("anchors_ms", (time.perf_counter() - started) * 1000, f"{len(anchors):,} anchors", 1)
    for where, at in (("start", 0), ("middle", len(anchors) // 2), ("end", len(anchors) - 1)):
        anchor = anchors[at]

        def fetch(anchor: queries.Key = anchor) -> None:
            # As the table model does: the page from its anchor row on, one statement.
            queries.tickets_page(store, CONSOLE_FILTER, order=CONSOLE_ORDER, after=anchor, limit=PAGE, now=now,
                                 inclusive=True)

        first = timed_ms(fetch)
        times = repeat_ms(fetch, reps)
        result.put(f"scroll_page_{where}_ms", max(first, median(times)),
                   f"page {at:,} of {len(anchors):,}; first fetch {first:.2f} ms (SQLite's cache cold for that "
                   f"region), median {median(times):.2f} ms; the larger is shown", reps)
    statements["scroll_end"] = captured_page_sql(store, CONSOLE_FILTER, now, after=anchors[-1])
    store.close()

    if on_server:
        started = time.perf_counter()
        store = open_store(str(path), read_only=True)
        opened = (time.perf_counter() - started) * 1000
        cold = timed_ms(lambda: queries.tickets_page(store, CONSOLE_FILTER, order=CONSOLE_ORDER, limit=PAGE, now=now))
        result.put("first_page_query_cold_ms", cold, f"new connection over loopback (opened in {opened:.0f} ms); "
                   "the server's cache is not emptied", 1)
        store.close()
        return statements
    # Last, so that the pages above are read as the machine's OS cache has them, not from disk.
    evict(Path(path))
    store = open_store(str(path), read_only=True)
    cold = timed_ms(lambda: queries.tickets_page(store, CONSOLE_FILTER, order=CONSOLE_ORDER, limit=PAGE, now=now))
    result.put("first_page_query_cold_ms", cold, "new read-only connection, store file evicted from the OS cache "
               "(posix_fadvise DONTNEED); includes the name lookups", 1)
    store.close()
    return statements


def _slowest_sorted_page(store: Store, flt: TicketFilter, key: str, *, reps: int, now: str) -> tuple[float, str]:
    """``flt`` sorted by ``key`` either way: its first page, and the page from the middle anchor on (as the
    table model fetches it); the slowest median, and each one's."""
    worst, detail = 0.0, []
    for descending in (False, True):
        order = queries.Order(SortKey(key), descending)
        anchors = queries.page_anchors(store, flt, order=order, step=PAGE, now=now)
        middle = anchors[len(anchors) // 2] if anchors else None
        for where, after in (("first", None), ("middle", middle)):
            def fetch(order: queries.Order = order, after: queries.Key | None = after) -> None:
                queries.tickets_page(store, flt, order=order, after=after, limit=PAGE, now=now,
                                     inclusive=after is not None)

            took = median(repeat_ms(fetch, reps))
            detail.append(f"{'desc' if descending else 'asc'} {where} {took:.2f}")
            worst = max(worst, took)
    return worst, ", ".join(detail)


def measure_open_sorts(store: Store, result: SizeResult, *, reps: int, now: str) -> None:
    """The open view (the console's default filter) sorted by each column but the number; then the open
    view of the queue with the fewest open tickets (its pages are the sparsest in the shared indexes)."""
    for key in OPEN_SORTS:
        worst, detail = _slowest_sorted_page(store, CONSOLE_FILTER, key, reps=reps, now=now)
        result.put(f"open_sort_{key}_ms", worst, f"median of {reps} each: {detail} ms", reps)
    sizes = {q.id: queries.tickets_count(store, CONSOLE_FILTER.with_(queue_id=q.id), now=now)
             for q in queries.queues(store)}
    smallest = min((q for q in sizes if sizes[q]), key=lambda q: sizes[q], default=None)
    if smallest is None:
        result.skip(("open_sort_queue_ms",), "no queue holds an open ticket")
        return
    slowest = max((*_slowest_sorted_page(store, CONSOLE_FILTER.with_(queue_id=smallest), key, reps=reps, now=now),
                    key) for key in OPEN_SORTS)
    result.put("open_sort_queue_ms", slowest[0], f"queue {smallest}, {sizes[smallest]:,} open; slowest by "
               f"{slowest[2]}: {slowest[1]} ms", reps)


def measure_dashboard(store: Store, result: SizeResult, *, reps: int, now: str) -> None:
    """Each chart the dashboard reads from the tallies, and as its peer the same chart computed from every
    ticket as it was before them (``store/dashboard_scan.py``), in one snapshot; then the whole dashboard."""
    week, month = 7 * 24, 30
    pairs = {
        "depth": (lambda: charts.depth_series(store, now, week, top=None),
                  lambda: dashboard_scan.depth_series(store, now, week, top=None)),
        "bounces": (lambda: charts.bounce_distribution(store), lambda: dashboard_scan.bounce_distribution(store)),
        "pingpong": (lambda: charts.pingpong_pairs(store), lambda: dashboard_scan.pingpong_pairs(store)),
        "days": (lambda: charts.day_figures(store, now, month), lambda: dashboard_scan.day_figures(store, now, month)),
    }
    with store.read():
        for name, (tallied, scanned) in pairs.items():
            same = tallied() == scanned()
            result.put(f"dashboard_{name}_ms", median(repeat_ms(tallied, reps)),
                       f"median of {reps}; {'the same figures as' if same else 'DIFFERENT FROM'} the scan", reps)
            times = repeat_ms(scanned, 1)
            result.put(f"dashboard_{name}_scan_ms", median(times), "one run after a warm one", 1)
    times = repeat_ms(lambda: dashboard.snapshot(store, now=now), reps)
    result.put("dashboard_snapshot_ms", median(times), f"services.dashboard.snapshot, median of {reps}", reps)


def search_texts(store: Store) -> dict[str, str]:
    """What a supervisor types: a word of a subject (one ticket in ~14 of the demo's), a customer's whole
    name, a ticket's ref."""
    middle = queries.tickets_count(store, TicketFilter()) // 2 or 1
    (row,) = queries.tickets_by_id(store, [middle])
    return {"subject": "refund", "customer": row.customer, "ref": row.ref}


def _no_index(text: str) -> None:
    return None  # every text answered as a short one is: the plain LIKE, ticket by ticket


def measure_search(store: Store, result: SizeResult, *, reps: int, now: str) -> None:
    """The search box over every ticket, newest first: count and first page, through the store's indexes
    and, as its peer, by the plain LIKE the store used before it had them (the same statements otherwise)."""
    engine = store._engine
    for name, text in search_texts(store).items():
        flt = TicketFilter(search=text)

        def page_and_count(flt: TicketFilter = flt) -> None:
            # As the table model does on a new filter: the count and the first page, in one call.
            queries.tickets_count_and_page(store, flt, order=CONSOLE_ORDER, limit=PAGE, now=now)

        count = queries.tickets_count(store, flt, now=now)
        result.put(f"search_{name}_ms", median(repeat_ms(page_and_count, reps)),
                   f"{text!r}: count={count:,}; median of {reps}", reps)
        engine.search_ids = _no_index  # type: ignore[method-assign]
        try:
            times = repeat_ms(page_and_count, max(3, reps // 5))
        finally:
            del engine.search_ids  # back to the engine's own
        result.put(f"search_{name}_like_ms", median(times), f"median of {len(times)}", len(times))


def measure_writes(path: Path | str, result: SizeResult, *, singles: int, bulk: int) -> None:
    """Reassign latency one ticket at a time (each its own BEGIN IMMEDIATE, synchronous=FULL), then in bulk."""
    store = open_store(str(path))
    supervisor = next(a for a in queries.agents(store) if a.role.may_supervise)
    agents = [a for a in queries.agents(store) if not a.role.may_supervise][:2]
    ids = [int(r[0]) for r in connection(store).execute(
        "SELECT id FROM tickets WHERE status != 'closed' ORDER BY id DESC LIMIT ?", (singles + bulk,))]
    if len(ids) < singles + bulk:
        raise RuntimeError(f"only {len(ids)} tickets can be reassigned in this store")
    latencies = []
    for n, ticket_id in enumerate(ids[:singles]):
        target = agents[n % 2]
        started = time.perf_counter()
        try:
            tickets.reassign(store, [ticket_id], actor_id=supervisor.id, to_id=target.id, reason="benchmark")
        except Exception:
            tickets.reassign(store, [ticket_id], actor_id=supervisor.id, to_id=agents[(n + 1) % 2].id,
                             reason="benchmark")
        latencies.append((time.perf_counter() - started) * 1000)
    result.put("reassign_p50_ms", percentile(latencies, 50), f"over {singles} reassigns, one transaction each", singles)
    result.put("reassign_p99_ms", percentile(latencies, 99), f"over {singles} reassigns; max {max(latencies):.1f} ms",
               singles)
    batch = ids[singles:]
    started = time.perf_counter()
    change = tickets.reassign(store, batch, actor_id=supervisor.id, to_id=agents[0].id, reason="benchmark bulk")
    seconds = time.perf_counter() - started
    result.put("bulk_reassign_s", seconds, f"{len(change.tickets):,} of {len(batch):,} tickets in one transaction", 1)
    office = sla.amend(sla.policy_for(store, None).policy, hours="mon-fri 09:00-17:00", timezone="Europe/Berlin",
                       holidays="DE-BY")
    started = time.perf_counter()
    retimed = sla.set_policy(store, None, office).retimed
    result.put("sla_retime_s", time.perf_counter() - started,
               f"{retimed:,} open tickets re-timed, with the policy's event, in one transaction", 1)
    store.close()


def cli_command() -> list[str]:
    """The ``csconsole`` command through this interpreter: the checkout being measured, whatever PATH holds."""
    return [sys.executable, "-c", "import sys; from csconsole.cli import main; sys.exit(main())"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([*cli_command(), *args], capture_output=True, text=True, check=False, timeout=900)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, "", "timed out after 900 s")


def measure_cli(path: Path | str, result: SizeResult, events: int, out_dir: Path, *, export: bool = True) -> None:
    started = time.perf_counter()
    done = _cli("audit", "verify", "--chain-only", str(path))
    seconds = time.perf_counter() - started
    if done.returncode == 0:
        result.put("audit_chain_s", seconds, f"`csconsole audit verify --chain-only`, {events:,} events, process "
                   "start included", 1)
        result.put("audit_chain_s_per_1m", seconds / max(events, 1) * 1_000_000, "scaled to 1M events", 1)
        result.put("audit_events_per_s", events / seconds, "", 1)
    else:
        note = f"audit verify --chain-only exited {done.returncode}: {(done.stderr or done.stdout).strip()[:120]}"
        result.skip(("audit_chain_s", "audit_chain_s_per_1m", "audit_events_per_s"), note)
    started = time.perf_counter()
    done = _cli("audit", "verify", str(path))
    seconds = time.perf_counter() - started
    if done.returncode == 0:
        result.put("audit_verify_s", seconds, f"`csconsole audit verify`: the chain, the appends, every derived table "
                   f"and the schema; {events:,} events, process start included", 1)
        result.put("audit_verify_s_per_1m_tickets", seconds / max(result.tickets, 1) * 1_000_000,
                   "scaled to 1M tickets (meant at 1M: the processes' start does not scale)", 1)
    else:
        note = f"audit verify exited {done.returncode}: {(done.stderr or done.stdout).strip()[:120]}"
        result.skip(("audit_verify_s", "audit_verify_s_per_1m_tickets"), note)
    export_keys = ("export_s", "export_cpu_s", "export_dump_s", "export_vs_dump_x")
    if not export:
        result.skip(export_keys, "not measured on this engine (not among its budgets)")
        return
    if _cli("export", "--help").returncode != 0:
        result.skip(export_keys, "`csconsole export` does not exist yet in this checkout")
        return
    target = out_dir / f"export-{result.tickets}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    cpu = _children_cpu()
    started = time.perf_counter()
    done = _cli("export", str(path), "--out", str(target))
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    size_mb = sum(f.stat().st_size for f in target.rglob("*") if f.is_file()) / 1e6
    tables = sorted(f.stem for f in target.glob("*.csv") if f.name != "findings.csv")
    shutil.rmtree(target, ignore_errors=True)  # the events CSV alone is ~1 GB at 1M tickets
    if done.returncode != 0:
        result.skip(export_keys, f"export exited {done.returncode}: {(done.stderr or done.stdout).strip()[:120]}")
        return
    result.put("export_s", seconds, f"`csconsole export PATH --out DIR`, process start included; "
               f"{size_mb:,.0f} MB written", 1)
    result.put("export_cpu_s", cpu, "the export's process and its children, from their rusage", 1)
    dumped = _bare_dump(Path(path), tables, out_dir / f"dump-{result.tickets}")
    if dumped is None:
        result.skip(("export_dump_s", "export_vs_dump_x"), "sqlite3 command-line shell not installed")
        return
    dump_seconds, dump_mb = dumped
    result.put("export_dump_s", dump_seconds, f"`sqlite3 -readonly -csv -header STORE 'SELECT * FROM t' > t.csv` for "
               f"the {len(tables)} tables the pack holds, one after another; {dump_mb:,.0f} MB written", 1)
    result.put("export_vs_dump_x", seconds / dump_seconds, "the whole pack (two copies of every table, the "
               "findings, a full audit verify, the PDF) / one CSV copy of its tables", 1)


def _children_cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _bare_dump(path: Path, tables: list[str], folder: Path) -> tuple[float, float] | None:
    """The peer of ``export``: the sqlite3 shell writing each of the same tables as CSV (the shell's own
    quoting; no neutralising, no second copy, no checks). Seconds, and MB written."""
    cli = shutil.which("sqlite3")
    if cli is None:
        return None
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    for table in tables:
        with (folder / f"{table}.csv").open("wb") as handle:
            subprocess.run([cli, "-readonly", "-csv", "-header", str(path), f'SELECT * FROM "{table}"'],
                           stdout=handle, check=True)
    seconds = time.perf_counter() - started
    size_mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, size_mb
