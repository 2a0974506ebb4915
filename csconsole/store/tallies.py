"""The dashboard's tallies (issue 16): per queue and hour, and per pair of queues, kept by triggers on the
tickets table in the transaction of every ticket write, so a chart reads a few thousand rows instead of
every ticket (queue depth over the week: 2.3 s at 1M before).

Each tally is a sum over the ticket rows, so a trigger takes a row's part out as it was (OLD) and puts it
in as it is (NEW); the rows a part lands in:

- ``queue_hours`` (queue, hour): of the tickets sitting in the queue now, how many were **created** in that
  hour, and of those how many have had **repeat contacts** (contacts >= 2), a **breached** SLA
  (sla_breaches > 0), and 1, 2, 3, 4 or 5+ **bounces**; and how many were **resolved** in that hour.
- ``queue_pairs`` (two queues, the lower id first): the hops between them along the paths of the tickets
  bounced more than twice (a hop either way).

The triggers fire only when a part changes (an update of another column, a third contact, a sixth bounce
move no tally), so an SLA re-time or a reply costs nothing here; a part that stays in its rows and only
counts otherwise there (a second contact, a first breach) is one UPDATE by the differences. Both tables are derived: ``rebuild``
makes them again from the tickets (themselves made from the events), ``audit verify`` compares them with
the tickets its parts have proved (``mismatch``), and a bulk load drops the triggers and fills them once.
A row of zeros is no row: the trigger removes the rows a part it takes out leaves at zero, and neither
``audit verify`` nor ``rebuild`` counts one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csconsole.store.store import Store

HOURS, PAIRS = "queue_hours", "queue_pairs"
POSTGRES_SCHEMA = "csconsole"  # store/postgres/connection.py's SCHEMA (a test holds them equal)

# The hops of each path of the tickets bounced more than twice (a JSON array of [queue, owner] pairs) as
# (queue, previous queue), in path order, in each engine's JSON words: the dashboard's ping-pong pairs.
SQLITE_PATH_HOPS = """
    SELECT json_extract(j.value, '$[0]') AS q,
           lag(json_extract(j.value, '$[0]')) OVER (PARTITION BY t.id ORDER BY j.key) AS prev
    FROM tickets t, json_each(t.path) j
    WHERE t.bounces >= 3
"""
POSTGRES_PATH_HOPS = """
    SELECT (j.value ->> 0)::bigint AS q,
           lag((j.value ->> 0)::bigint) OVER (PARTITION BY t.id ORDER BY j.key) AS prev
    FROM tickets t, jsonb_array_elements(t.path::jsonb) WITH ORDINALITY AS j(value, key)
    WHERE t.bounces >= 3
"""
TABLES = (HOURS, PAIRS)
BUCKETS = 5  # bounced_1 ... bounced_5 (5 and more); no bounce at all is created minus the others
HOUR_COLUMNS = ("queue_id", "hour", "created", "resolved", "repeat_contacts", "breached",
                *(f"bounced_{n}" for n in range(1, BUCKETS + 1)))
PAIR_COLUMNS = ("low_queue_id", "high_queue_id", "hops")
_COUNTS = HOUR_COLUMNS[2:]

HOURS_TABLE = f"""
            queue_id INTEGER NOT NULL,
            hour TEXT NOT NULL,
            {', '.join(f'{c} INTEGER NOT NULL DEFAULT 0' for c in _COUNTS)},
            PRIMARY KEY (queue_id, hour)
        """
PAIRS_TABLE = """
            low_queue_id INTEGER NOT NULL,
            high_queue_id INTEGER NOT NULL,
            hops INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (low_queue_id, high_queue_id)
        """


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _bucket(row: str) -> str:
    return f"CASE WHEN {row}.bounces > {BUCKETS} THEN {BUCKETS} ELSE {row}.bounces END"


def _created_values(row: str) -> list[str]:
    """The counts a ticket row adds to the row of its queue and creation hour, in ``_COUNTS`` order."""
    return ["1", "0", _flag(f"{row}.contacts >= 2"), _flag(f"{row}.sla_breaches > 0"),
            *(_flag(f"{_bucket(row)} = {n}") for n in range(1, BUCKETS + 1))]


def _upsert(table: str, columns: tuple[str, ...], key: str, counted: tuple[str, ...], select: str) -> str:
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counted)
    return f"INSERT INTO {table} ({', '.join(columns)}) {select} ON CONFLICT ({key}) DO UPDATE SET {sets}"


def _hour_statements(row: str, sign: str, prefix: str = "") -> list[str]:
    """The two upserts of a ticket row's part (``sign`` 1 or -1) in ``queue_hours``."""
    created = ", ".join(f"{sign} * {v}" for v in _created_values(row))
    return [
        _upsert(f"{prefix}{HOURS}", HOUR_COLUMNS, "queue_id, hour", _COUNTS,
                f"SELECT {row}.queue_id, substr({row}.created_at, 1, 13), {created}"),
        _upsert(f"{prefix}{HOURS}", ("queue_id", "hour", "resolved"), "queue_id, hour", ("resolved",),
                f"SELECT {row}.queue_id, substr({row}.resolved_at, 1, 13), {sign} WHERE {row}.resolved_at IS NOT NULL"),
    ]


def _pair_statement(hops: str, row: str, sign: str, prefix: str = "") -> str:
    """The upsert of a bounced ticket's hops (``hops``: the engine's (q, prev) of ``row``'s path)."""
    return _upsert(
        f"{prefix}{PAIRS}", PAIR_COLUMNS, "low_queue_id, high_queue_id", ("hops",),
        "SELECT CASE WHEN q < prev THEN q ELSE prev END, CASE WHEN q < prev THEN prev ELSE q END, "
        f"{sign} * count(*) FROM ({hops}) AS hops WHERE {row}.bounces >= 3 AND prev IS NOT NULL AND prev <> q "
        "GROUP BY 1, 2")


def _emptied(row: str, prefix: str = "") -> list[str]:
    """After a part is taken out: the rows it left at zero go (a row of zeros is no row; the pairs are few)."""
    zero = " AND ".join(f"{c} = 0" for c in _COUNTS)
    return [f"DELETE FROM {prefix}{HOURS} WHERE queue_id = {row}.queue_id AND hour IN "
            f"(substr({row}.created_at, 1, 13), substr({row}.resolved_at, 1, 13)) AND {zero}",
            f"DELETE FROM {prefix}{PAIRS} WHERE hops = 0"]


# When a ticket's part moves to other rows (its queue, its creation or resolution hour, being bounced more
# than twice, or the path of a ticket that is): out of the rows it was in, into the ones it is in now.
_MOVED = " OR ".join((
    "OLD.queue_id <> NEW.queue_id",
    "substr(OLD.created_at, 1, 13) <> substr(NEW.created_at, 1, 13)",
    "coalesce(substr(OLD.resolved_at, 1, 13), '') <> coalesce(substr(NEW.resolved_at, 1, 13), '')",
    "(OLD.bounces >= 3) <> (NEW.bounces >= 3)",
    "(OLD.bounces >= 3 OR NEW.bounces >= 3) AND OLD.path <> NEW.path",
))
# When it stays in its rows and only what it counts there changes (a second contact, a first breach, a
# bounce under three): one UPDATE of its creation hour's row by the differences, not a move (~5x cheaper).
_FLAGS = [("repeat_contacts", "{r}.contacts >= 2"), ("breached", "{r}.sla_breaches > 0"),
          *((f"bounced_{n}", f"{_bucket('{r}')} = {n}") for n in range(1, BUCKETS + 1))]
_RECOUNTED = f"NOT ({_MOVED}) AND (" + " OR ".join(
    f"({test.format(r='OLD')}) <> ({test.format(r='NEW')})" for _, test in _FLAGS) + ")"


def _recount(prefix: str = "") -> str:
    sets = ", ".join(f"{column} = {column} + {_flag(test.format(r='NEW'))} - {_flag(test.format(r='OLD'))}"
                     for column, test in _FLAGS)
    return (f"UPDATE {prefix}{HOURS} SET {sets} WHERE queue_id = NEW.queue_id "
            "AND hour = substr(NEW.created_at, 1, 13)")


_WATCHED = "queue_id, created_at, resolved_at, contacts, sla_breaches, bounces, path"

# -- SQLite: four triggers ---------------------------------------------------------------------------------


def _sqlite_hops(row: str) -> str:
    return (f"SELECT json_extract(j.value, '$[0]') AS q, lag(json_extract(j.value, '$[0]')) OVER (ORDER BY j.key) "
            f"AS prev FROM json_each({row}.path) AS j")


def _sqlite_part(row: str, sign: str) -> str:
    statements = [*_hour_statements(row, sign), _pair_statement(_sqlite_hops(row), row, sign)]
    if sign == "-1":
        statements += _emptied(row)
    return " ".join(f"{s};" for s in statements)


SQLITE_TRIGGERS: tuple[str, ...] = (
    f"CREATE TRIGGER tally_ticket_insert AFTER INSERT ON tickets BEGIN {_sqlite_part('NEW', '1')} END",
    f"CREATE TRIGGER tally_ticket_delete AFTER DELETE ON tickets BEGIN {_sqlite_part('OLD', '-1')} END",
    f"CREATE TRIGGER tally_ticket_update AFTER UPDATE OF {_WATCHED} ON tickets WHEN {_MOVED} "
    f"BEGIN {_sqlite_part('OLD', '-1')} {_sqlite_part('NEW', '1')} END",
    f"CREATE TRIGGER tally_ticket_recount AFTER UPDATE OF {_WATCHED} ON tickets WHEN {_RECOUNTED} "
    f"BEGIN {_recount()}; END",
)

# -- PostgreSQL: the same four triggers, calling three functions (the tables named with their schema, as the floor guard's) ----


def postgres_statements(schema: str = POSTGRES_SCHEMA) -> tuple[str, ...]:
    hops = ("SELECT (j.value ->> 0)::bigint AS q, lag((j.value ->> 0)::bigint) OVER (ORDER BY j.key) AS prev "
            "FROM jsonb_array_elements(r.path::jsonb) WITH ORDINALITY AS j(value, key)")
    part = " ".join(f"{s};" for s in (*_hour_statements("r", "sign", f"{schema}."),
                                      _pair_statement(hops, "r", "sign", f"{schema}.")))
    emptied = " ".join(f"{s};" for s in _emptied("r", f"{schema}."))
    # SECURITY DEFINER: the tallies are written by the schema's owner alone, for whoever wrote the ticket (a
    # person's own login may write tickets, never the tallies: store/postgres/floor_guard.py), the path
    # fixed and every name schema-qualified, as the floor guard's functions are.
    function = f"""CREATE OR REPLACE FUNCTION {schema}.tally_part(r {schema}.tickets, sign bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    {part}
    IF sign < 0 THEN
        {emptied}
    END IF;
END
$$"""
    trigger = f"""CREATE OR REPLACE FUNCTION {schema}.tally_ticket() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM {schema}.tally_part(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM {schema}.tally_part(NEW, 1);
    END IF;
    RETURN NULL;
END
$$"""
    recount = f"""CREATE OR REPLACE FUNCTION {schema}.tally_recount() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    {_recount(f"{schema}.")};
    RETURN NULL;
END
$$"""
    run = f"FOR EACH ROW EXECUTE FUNCTION {schema}.tally_ticket()"
    return (
        function, trigger, recount,
        f"CREATE TRIGGER tally_ticket_insert AFTER INSERT ON {schema}.tickets {run}",
        f"CREATE TRIGGER tally_ticket_delete AFTER DELETE ON {schema}.tickets {run}",
        f"CREATE TRIGGER tally_ticket_update AFTER UPDATE OF {_WATCHED} ON {schema}.tickets "
        f"FOR EACH ROW WHEN ({_MOVED}) EXECUTE FUNCTION {schema}.tally_ticket()",
        f"CREATE TRIGGER tally_ticket_recount AFTER UPDATE OF {_WATCHED} ON {schema}.tickets "
        f"FOR EACH ROW WHEN ({_RECOUNTED}) EXECUTE FUNCTION {schema}.tally_recount()",
    )


TRIGGER_NAMES = ("tally_ticket_insert", "tally_ticket_delete", "tally_ticket_update", "tally_ticket_recount")


def postgres_switch_triggers(conn: Any, on: bool) -> None:
    """For a bulk load by the tables' owner: the triggers off while the rows come, on again before ``fill``."""
    for name in TRIGGER_NAMES:
        conn.execute(f"ALTER TABLE {POSTGRES_SCHEMA}.tickets {'ENABLE' if on else 'DISABLE'} TRIGGER {name}")

# -- from the tickets, whole: the migration's fill, rebuild, audit verify ----------------------------------


def _hours_sql() -> str:
    return f"""
        SELECT queue_id, hour, {', '.join(f'sum({c})' for c in _COUNTS)} FROM (
            SELECT t.queue_id AS queue_id, substr(t.created_at, 1, 13) AS hour,
                   {', '.join(f'{v} AS {c}' for v, c in zip(_created_values('t'), _COUNTS, strict=True))}
            FROM tickets t
            UNION ALL
            SELECT t.queue_id, substr(t.resolved_at, 1, 13), 0, 1, {', '.join('0' for _ in _COUNTS[2:])}
            FROM tickets t WHERE t.resolved_at IS NOT NULL
        ) AS parts GROUP BY queue_id, hour ORDER BY queue_id, hour
    """


def _pairs_sql(hops: str) -> str:
    return f"""
        WITH hops AS ({hops})
        SELECT CASE WHEN q < prev THEN q ELSE prev END AS low, CASE WHEN q < prev THEN prev ELSE q END AS high,
               count(*)
        FROM hops WHERE prev IS NOT NULL AND prev <> q GROUP BY 1, 2 ORDER BY 1, 2
    """


def _nonzero(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"{c} <> 0" for c in columns)


def from_tickets(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Both tallies as the ticket rows make them, from scratch, each sorted by its key."""
    conn = store._conn
    hours = [tuple(int(v) if i != 1 else str(v) for i, v in enumerate(r)) for r in conn.execute(_hours_sql())]
    pairs = [tuple(int(v) for v in r) for r in conn.execute(_pairs_sql(store._engine.pingpong_hops))]
    return hours, pairs


def stored(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Both tallies as stored (rows of zeros left out), each sorted by its key."""
    conn = store._conn
    hours = [tuple(r) for r in conn.execute(
        f"SELECT {', '.join(HOUR_COLUMNS)} FROM {HOURS} WHERE {_nonzero(_COUNTS)} ORDER BY queue_id, hour")]
    pairs = [tuple(r) for r in conn.execute(
        f"SELECT {', '.join(PAIR_COLUMNS)} FROM {PAIRS} WHERE hops <> 0 ORDER BY low_queue_id, high_queue_id")]
    return hours, pairs


def _keyed(table: str, rows: list[tuple[Any, ...]]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    for row in rows:
        yield table, row


def mismatch(store: Store) -> str | None:
    """The first tally row that is not what the ticket rows make it, in one line (None: they agree)."""
    from csconsole.store.differences import differences

    made, kept = from_tickets(store), stored(store)
    for table, columns, derived, found in ((HOURS, HOUR_COLUMNS, made[0], kept[0]),
                                           (PAIRS, PAIR_COLUMNS, made[1], kept[1])):
        for diff in differences(table, columns, found, derived, lambda r: (r[0], r[1])):
            key = (diff.stored or diff.derived or ())[:2]
            what = f"the dashboard's {table} row {key[0]}/{key[1]}"
            if diff.stored is None:
                return f"{what} is missing in the store (its tickets count {diff.derived[2:]})"  # type: ignore[index]
            if diff.derived is None:
                return f"{what} counts {diff.stored[2:]} in the store, no ticket by its events"
            column = diff.column
            index = columns.index(column or columns[2])
            return (f"{what}: {column} is {diff.stored[index]} in the store, {diff.derived[index]} by the tickets' "
                    "events")
    return None


def refill(store: Store) -> int:
    """Both tallies made again from the ticket rows, row by row where they drifted; how many rows changed."""
    from csconsole.store.differences import differences

    made, kept = from_tickets(store), stored(store)
    conn, changed = store._conn, 0
    for table, columns, derived, found, key in ((HOURS, HOUR_COLUMNS, made[0], kept[0], ("queue_id", "hour")),
                                                (PAIRS, PAIR_COLUMNS, made[1], kept[1],
                                                 ("low_queue_id", "high_queue_id"))):
        drifted = list(differences(table, columns, found, derived, lambda r: (r[0], r[1])))
        if drifted:  # rows of zeros are no rows: away with them, then every drifted row as the tickets say
            conn.execute(f"DELETE FROM {table} WHERE NOT ({_nonzero(columns[2:])})")
        for diff in drifted:
            row = diff.stored or diff.derived
            assert row is not None
            conn.execute(f"DELETE FROM {table} WHERE {key[0]} = ? AND {key[1]} = ?", row[:2])
            if diff.derived is not None:
                conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                             diff.derived)
            changed += 1
    return changed


FILL_HOURS = f"INSERT INTO {HOURS} ({', '.join(HOUR_COLUMNS)}) {_hours_sql()}"


def fill_pairs(pingpong_hops: str) -> str:
    return f"INSERT INTO {PAIRS} ({', '.join(PAIR_COLUMNS)}) {_pairs_sql(pingpong_hops)}"


def fill(conn: Any, pingpong_hops: str) -> None:
    """Both tallies from the ticket rows on ``conn`` (a bulk load's end): whatever was there goes."""
    conn.execute(f"DELETE FROM {HOURS}")
    conn.execute(f"DELETE FROM {PAIRS}")
    conn.execute(FILL_HOURS)
    conn.execute(fill_pairs(pingpong_hops))


def sqlite_drop_triggers(conn: Any) -> None:
    """For a bulk load: no tally write per ticket; ``sqlite_restore`` fills them once at the end."""
    for name in TRIGGER_NAMES:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def sqlite_restore(conn: Any, pingpong_hops: str) -> None:
    """The triggers back (as the migration wrote them) and both tallies filled from the ticket rows."""
    sqlite_drop_triggers(conn)
    for statement in SQLITE_TRIGGERS:
        conn.execute(statement)
    fill(conn, pingpong_hops)
