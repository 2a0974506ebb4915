"""The schema, by migrations, each written once and rendered for either engine.

A migration is a list of steps: a ``Table`` (its columns in SQLite's words: INTEGER, TEXT, REAL), a
statement both engines say alike (indexes, ANALYZE), or a ``Native`` statement each engine says its own
way (the append-only triggers). On SQLite the steps run as sqlite-utils ``Migrations`` with
``user_version`` as the schema number, exactly as before there was a second engine; on PostgreSQL
``store/postgres/migrate.py`` runs the same steps, rendered by ``store/postgres/ddl.py``.

Tables are STRICT (on PostgreSQL: bigint, text in byte order, double precision). Events are
append-only: triggers refuse UPDATE and DELETE (and on PostgreSQL TRUNCATE). Indexes are chosen so
every filter of DESIGN §6 and every chip of the console is answered from an index, partial where the
filtered set is small (open tickets, bounced > 2, senior callbacks, a running SLA clock).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from csconsole.store import search, tallies
from csconsole.store.errors import StoreError
from csconsole.store.fragments import OPEN_SQL

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations


class Executes(Protocol):
    def execute(self, sql: str, /) -> object: ...


@dataclass(frozen=True)
class Table:
    """A table; ``columns`` is the text between its parentheses, as SQLite reads it."""

    name: str
    columns: str
    if_not_exists: bool = False


@dataclass(frozen=True)
class AddColumn:
    """A column added to a table, in SQLite's words as ``Table`` columns are (rendered the same way)."""

    table: str
    definition: str


@dataclass(frozen=True)
class Native:
    """One statement in each engine's own words; empty where an engine needs none."""

    sqlite: str
    postgres: str


@dataclass(frozen=True)
class Data:
    """Rows a migration writes through the connection, the same on both engines (``store/backfill.py``)."""

    run: Callable[[Any], None]


Step = Table | AddColumn | Native | Data | str  # a str: said alike by both engines


@dataclass(frozen=True)
class Migration:
    name: str
    steps: tuple[Step, ...]


# Priority as its rank (urgent first); the same text in the index and in queries, so the index serves them.
PRIORITY_RANK_SQL = (
    "(CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END)"
)
# Every sortable column of the ticket table, for views over all tickets (open or not): a page is read
# in order by key instead of sorting a million rows (2 s a page at 1M without them).
SORT_INDEXES: tuple[str, ...] = (
    f"CREATE INDEX IF NOT EXISTS ix_tickets_priority ON tickets({PRIORITY_RANK_SQL}, id)",
    "CREATE INDEX IF NOT EXISTS ix_tickets_created ON tickets(created_at, id)",
    "CREATE INDEX IF NOT EXISTS ix_tickets_bounces ON tickets(bounces, id)",
    "CREATE INDEX IF NOT EXISTS ix_tickets_contacts ON tickets(contacts, id)",
    "CREATE INDEX IF NOT EXISTS ix_tickets_due ON tickets(coalesce(sla_due_at, '9999'), id)",
)

# The same sortable columns over open tickets only (issue 16): the open view sorted by age, SLA due, bounces,
# contacts or priority reads a page by key from its index instead of walking the all-tickets index past
# every closed ticket (or sorting every open one): ~100 ms a page at 1M before. Partial, so each holds the
# open tickets alone (28k at 1M) and a closed ticket's writes never touch it.
_OPEN = f"WHERE status IN {OPEN_SQL}"
# The queue last: one queue's open view walks the same index and keeps its own entries without reading
# any other ticket's row (the smallest queue holds 2% of the open tickets at 1M: 20-40 ms a page without).
OPEN_SORT_INDEXES: dict[str, str] = {
    "created_at": f"CREATE INDEX IF NOT EXISTS ix_tickets_open_created ON tickets(created_at, id, queue_id) {_OPEN}",
    "bounces": f"CREATE INDEX IF NOT EXISTS ix_tickets_open_bounces ON tickets(bounces, id, queue_id) {_OPEN}",
    "contacts": f"CREATE INDEX IF NOT EXISTS ix_tickets_open_contacts ON tickets(contacts, id, queue_id) {_OPEN}",
    "sla_due_at": "CREATE INDEX IF NOT EXISTS ix_tickets_open_due "
                  f"ON tickets(coalesce(sla_due_at, '9999'), id, queue_id) {_OPEN}",
    "priority": "CREATE INDEX IF NOT EXISTS ix_tickets_open_priority "
                f"ON tickets({PRIORITY_RANK_SQL}, id, queue_id) {_OPEN}",
}

OPEN_CHIPS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_tickets_open_chips "
    "ON tickets(id, queue_id, owner_id, bounces, contacts, sla_risk_at, sla_due_at) "
    f"WHERE status IN {OPEN_SQL}"
)
OPEN_STATS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_tickets_open_stats ON tickets(queue_id, sla_due_at, sla_risk_at, created_at) "
    f"WHERE status IN {OPEN_SQL}"
)

# What migration 0001 makes on a new store (the indexes of later migrations up to 0005 included, as
# schema 5 always had them); a later migration's indexes come after it, in ``INDEXES``.
_FIRST_INDEXES: tuple[str, ...] = (
    "CREATE INDEX IF NOT EXISTS ix_events_ticket ON events(ticket_id, seq)",
    "CREATE INDEX IF NOT EXISTS ix_tickets_queue_status ON tickets(queue_id, status, id)",
    "CREATE INDEX IF NOT EXISTS ix_tickets_status ON tickets(status, id)",
    "CREATE INDEX IF NOT EXISTS ix_tickets_owner ON tickets(owner_id, status, id)",
    "CREATE INDEX IF NOT EXISTS ix_tickets_customer ON tickets(customer_id)",
    f"CREATE INDEX IF NOT EXISTS ix_tickets_open ON tickets(queue_id, id) WHERE status IN {OPEN_SQL}",
    f"CREATE INDEX IF NOT EXISTS ix_tickets_unowned ON tickets(queue_id, id) "
    f"WHERE owner_id IS NULL AND status IN {OPEN_SQL}",
    "CREATE INDEX IF NOT EXISTS ix_tickets_bounced ON tickets(bounces, id) WHERE bounces >= 3",
    "CREATE INDEX IF NOT EXISTS ix_tickets_callbacks ON tickets(contacts, id) WHERE contacts >= 3",
    "CREATE INDEX IF NOT EXISTS ix_tickets_sla ON tickets(sla_risk_at, sla_due_at, id) "
    "WHERE sla_due_at IS NOT NULL",
    OPEN_STATS_INDEX,
    OPEN_CHIPS_INDEX,
    *SORT_INDEXES,
)
# Every index of the tickets and the log, as a bulk load drops and makes them again.
INDEXES: tuple[str, ...] = (*_FIRST_INDEXES, *OPEN_SORT_INDEXES.values())


def index_name(statement: str) -> str:
    return statement.split(" ON ")[0].split()[-1]


def create_indexes(db: Executes) -> None:
    for statement in INDEXES:
        db.execute(statement)


def drop_indexes(db: Executes) -> None:
    """For bulk loads: build the indexes once at the end, not row by row."""
    for statement in INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {index_name(statement)}")


# The column texts keep the layout of the first stores, so that sqlite_master reads as it always has.
QUEUES = Table("queues", """
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            sla_urgent INTEGER, sla_high INTEGER, sla_normal INTEGER, sla_low INTEGER
        """)
AGENTS = Table("agents", """
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('agent','supervisor','manager')),
            queue_id INTEGER REFERENCES queues(id),
            active INTEGER NOT NULL DEFAULT 1
        """)
CUSTOMERS = Table("customers", """
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            since TEXT NOT NULL,
            resolved_tickets INTEGER NOT NULL DEFAULT 0
        """)
TICKETS = Table("tickets", """
            id INTEGER PRIMARY KEY,
            ref TEXT NOT NULL UNIQUE,
            customer_id INTEGER NOT NULL REFERENCES customers(id),
            subject TEXT NOT NULL,
            channel TEXT NOT NULL,
            priority TEXT NOT NULL,
            status TEXT NOT NULL,
            queue_id INTEGER NOT NULL REFERENCES queues(id),
            owner_id INTEGER REFERENCES agents(id),
            created_at TEXT NOT NULL,
            first_response_at TEXT,
            resolved_at TEXT,
            closed_at TEXT,
            closed_by INTEGER REFERENCES agents(id),
            bounces INTEGER NOT NULL DEFAULT 0,
            pingpongs INTEGER NOT NULL DEFAULT 0,
            contacts INTEGER NOT NULL DEFAULT 0,
            sla_since TEXT,
            sla_due_at TEXT,
            sla_risk_at TEXT,
            sla_breaches INTEGER NOT NULL DEFAULT 0,
            path TEXT NOT NULL DEFAULT '[]',
            last_seq INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        """)
EVENTS = Table("events", """
            seq INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES agents(id),
            data TEXT NOT NULL,
            hash TEXT NOT NULL
        """)

# PostgreSQL's triggers are statement-level: an UPDATE or DELETE is refused even when it matches no row.
_REFUSE_CHANGES_FUNCTION = """CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: an event cannot be %',
        CASE TG_OP WHEN 'UPDATE' THEN 'changed' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
        USING ERRCODE = 'restrict_violation';
END
$$"""


def _refusal(trigger: str, operation: str) -> str:
    return (f"CREATE TRIGGER {trigger} BEFORE {operation} ON events "
            "FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()")


_APPEND_ONLY: tuple[Native, ...] = (
    Native("", _REFUSE_CHANGES_FUNCTION),
    Native("CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events\n"
           "            BEGIN SELECT RAISE(ABORT, 'events are append-only: an event cannot be changed'); END",
           _refusal("events_append_only_update", "UPDATE")),
    Native("CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events\n"
           "            BEGIN SELECT RAISE(ABORT, 'events are append-only: an event cannot be deleted'); END",
           _refusal("events_append_only_delete", "DELETE")),
    Native("", _refusal("events_append_only_truncate", "TRUNCATE")),  # SQLite has no TRUNCATE
)

POLICIES = Table("policies", """
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        """)
CHECKLISTS = Table("checklists", """
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL
        """)
RECOVERY_CASES = Table("recovery_cases", """
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            checklist TEXT NOT NULL,
            steps_done INTEGER NOT NULL,
            steps_total INTEGER NOT NULL,
            next_step TEXT,
            opened_at TEXT NOT NULL,
            opened_by INTEGER REFERENCES agents(id),
            updated_at TEXT NOT NULL,
            completed_at TEXT,
            promise TEXT,
            promised_by TEXT,
            resolved_at TEXT,
            fix TEXT,
            goodwill_kind TEXT,
            goodwill_amount REAL,
            follow_up TEXT,
            outcome TEXT,
            root_cause TEXT,
            policy_id INTEGER REFERENCES policies(id),
            change TEXT,
            last_seq INTEGER NOT NULL
        """)
EVALUATIONS = Table("evaluations", """
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            at TEXT NOT NULL,
            evaluator_id INTEGER REFERENCES agents(id),
            associate_id INTEGER REFERENCES agents(id),
            associate_score INTEGER NOT NULL CHECK (associate_score BETWEEN 1 AND 5),
            policy_id INTEGER REFERENCES policies(id),
            policy_score INTEGER CHECK (policy_score BETWEEN 1 AND 5),
            comment TEXT NOT NULL DEFAULT ''
        """)
# Which Zendesk ticket a ticket came from, the last audit imported, and Zendesk's own ticket_metrics
# for the cross-check (store/zendesk_schema.py reads and writes it).
ZENDESK_TICKETS = Table("zendesk_tickets", """
            ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
            zendesk_id INTEGER NOT NULL UNIQUE,
            last_audit_id INTEGER NOT NULL DEFAULT 0,
            assignee_stations INTEGER,
            group_stations INTEGER,
            reopens INTEGER,
            replies INTEGER,
            imported_at TEXT NOT NULL
        """, if_not_exists=True)
AGENT_PINS = Table("agent_pins", """
            agent_id INTEGER PRIMARY KEY REFERENCES agents(id),
            hash TEXT NOT NULL,
            set_at TEXT NOT NULL
        """)

# Migration 0006's events: the same columns, ``ticket_id`` NULL for an event about the floor's records.
EVENTS_V6_COLUMNS = EVENTS.columns.replace("ticket_id INTEGER NOT NULL REFERENCES", "ticket_id INTEGER REFERENCES")
# The floor's records by kind (the SLA targets in force along the log, read when a revert refolds a
# ticket); in seq order they are the NULL ticket of ix_events_ticket.
REGISTRY_INDEXES: tuple[str, ...] = (
    "CREATE INDEX IF NOT EXISTS ix_events_registry_kind ON events(kind, seq) WHERE ticket_id IS NULL",
)


def _reclock(conn: Any) -> None:
    from csconsole.store.reclock import reclock

    reclock(conn)


def _backfill(conn: Any) -> None:
    from csconsole.store.backfill import backfill

    backfill(conn)


MIGRATION_STEPS: tuple[Migration, ...] = (
    Migration("0001_initial", (QUEUES, AGENTS, CUSTOMERS, TICKETS, EVENTS, *_APPEND_ONLY, *_FIRST_INDEXES)),
    # Service recovery: policies and custom checklists are business data; cases and evaluations are
    # derived from ``recovery_step`` / ``evaluation`` events and rebuilt from them by ``rebuild``.
    Migration("0002_recovery", (
        POLICIES, CHECKLISTS, RECOVERY_CASES,
        "CREATE INDEX ix_recovery_ticket ON recovery_cases(ticket_id, id)",
        "CREATE INDEX ix_recovery_open ON recovery_cases(id) WHERE completed_at IS NULL",
        "CREATE INDEX ix_recovery_policy ON recovery_cases(policy_id) WHERE policy_id IS NOT NULL",
        EVALUATIONS,
        "CREATE INDEX ix_evaluations_ticket ON evaluations(ticket_id, id)",
    )),
    # Zendesk's own metrics beside imported tickets; console PIN hashes; and a covering index for the
    # per-queue figures of open tickets, so the queues panel never reads ticket rows.
    Migration("0003_zendesk_pins_open_stats", (ZENDESK_TICKETS, AGENT_PINS, OPEN_STATS_INDEX)),
    # Open tickets with every column a chip filters on: chip counts and all-queue pages read only open
    # tickets from it, never a ticket row (DESIGN §7: a filter change repainted in < 50 ms at 1M).
    Migration("0004_open_chips", (OPEN_CHIPS_INDEX, "ANALYZE")),
    # Sorting any column over all tickets reads pages by key (priority by rank: urgent first).
    Migration("0005_sort_indexes", SORT_INDEXES),
    # The floor's records as events (issue 17): an event may concern no ticket, so ticket_id may be NULL.
    # SQLite cannot drop a NOT NULL: the log is copied into the new table, seq, hash and every byte as
    # they were, with its guards and index made again; PostgreSQL drops the constraint in place. Then the
    # records already there are written as events (``backfill``), after the history they were part of.
    Migration("0006_registry_events", (
        Native("ALTER TABLE events RENAME TO events_v5", ""),
        Native(f"CREATE TABLE events ({EVENTS_V6_COLUMNS}) STRICT",
               "ALTER TABLE events ALTER COLUMN ticket_id DROP NOT NULL"),
        Native("INSERT INTO events (seq, ticket_id, kind, at, actor_id, data, hash) "
               "SELECT seq, ticket_id, kind, at, actor_id, data, hash FROM events_v5 ORDER BY seq", ""),
        Native("DROP TABLE events_v5", ""),
        *(Native(guard.sqlite, "") for guard in _APPEND_ONLY if guard.sqlite),
        Native(INDEXES[0], ""),
        *REGISTRY_INDEXES,
        Data(_backfill),
    )),
    # The search box from indexes (issue 16; store/search.py): on SQLite FTS5 trigram tables over the
    # subjects and the customers' names, kept by triggers and filled from the rows already there; on
    # PostgreSQL pg_trgm (a trusted extension: the database's owner may create it) and its GIN indexes,
    # the extension's schema put on the path for its operator classes wherever it was installed.
    Migration("0007_search", (
        *(Native(statement, "") for statement in search.SQLITE_TABLES),
        *(Native(statement, "") for statement in search.SQLITE_TRIGGERS),
        *(Native(statement, "") for statement in search.SQLITE_FILL),
        Native("", search.POSTGRES_EXTENSION),
        Native("", search.POSTGRES_EXTENSION_PATH),
        *(Native("", statement) for statement in search.POSTGRES_INDEXES),
    )),
    # SLA clocks in business time (issue 15): first reply, next reply and resolution, each with its due
    # time on the row, paused while pending, and the clocks themselves as one text the next event continues
    # from. The single response clock's start (``sla_since``) goes; every ticket is re-clocked from its
    # events (``store/reclock.py``), so sla_due_at, sla_risk_at and sla_breaches now read all three clocks.
    Migration("0008_sla_clocks", (
        AddColumn("tickets", "first_reply_due_at TEXT"),
        AddColumn("tickets", "next_reply_due_at TEXT"),
        AddColumn("tickets", "resolution_due_at TEXT"),
        AddColumn("tickets", "sla_paused INTEGER NOT NULL DEFAULT 0"),
        AddColumn("tickets", "sla_clocks TEXT"),
        "ALTER TABLE tickets DROP COLUMN sla_since",
        Data(_reclock),
    )),
    # The open view sorted by any column pages by key from an index of open tickets (issue 16).
    Migration("0009_open_sorts", (*OPEN_SORT_INDEXES.values(), "ANALYZE")),
    # The dashboard's tallies (issue 16, store/tallies.py): per queue and hour, and per pair of queues, kept
    # by triggers on the tickets in the transaction of each write, filled here from the tickets there.
    Migration("0010_dashboard_tallies", (
        Table(tallies.HOURS, tallies.HOURS_TABLE), Table(tallies.PAIRS, tallies.PAIRS_TABLE),
        *(Native(statement, "") for statement in tallies.SQLITE_TRIGGERS),
        *(Native("", statement) for statement in tallies.postgres_statements()),
        tallies.FILL_HOURS,
        Native(tallies.fill_pairs(tallies.SQLITE_PATH_HOPS), tallies.fill_pairs(tallies.POSTGRES_PATH_HOPS)),
    )),
)

# The number of migrations; a store whose version is larger was written by a newer csconsole.
SCHEMA_VERSION = len(MIGRATION_STEPS)
# Every table, in the order the migrations create them: each comes after the tables it refers to.
TABLES: tuple[str, ...] = tuple(step.name for m in MIGRATION_STEPS for step in m.steps if isinstance(step, Table))


def newer_store(where: str, version: int) -> StoreError:
    """The refusal of a store from a newer csconsole, the same on both engines."""
    return StoreError(
        f"{where} was written by a newer csconsole (schema {version}, this one knows {SCHEMA_VERSION}); "
        "upgrade csconsole to open it"
    )


# -- SQLite ----------------------------------------------------------------------------------------

def sqlite_table(table: Table) -> str:
    exists = "IF NOT EXISTS " if table.if_not_exists else ""
    return f"CREATE TABLE {exists}{table.name} ({table.columns}) STRICT"


def sqlite_statements(migration: Migration) -> Iterator[str | Data]:
    for step in migration.steps:
        if isinstance(step, Table):
            yield sqlite_table(step)
        elif isinstance(step, AddColumn):
            yield f"ALTER TABLE {step.table} ADD COLUMN {step.definition}"
        elif isinstance(step, Native):
            if step.sqlite:
                yield step.sqlite
        else:
            yield step


class SqliteMigrations:
    """Every migration as sqlite-utils ``Migrations`` (set "csconsole"), made at first use: importing
    sqlite-utils imports numpy, 0.3-0.4 s of a console's start that opens a store of the current schema
    without migrating anything."""

    def __init__(self) -> None:
        self._made: Migrations | None = None

    def _migrations(self) -> Migrations:
        if self._made is None:
            from sqlite_utils.migrations import Migrations

            made = Migrations("csconsole")
            for migration in MIGRATION_STEPS:
                _register(made, migration)
            self._made = made
        return self._made

    def apply(self, db: Database, *, stop_before: list[str] | None = None) -> None:
        self._migrations().apply(db, stop_before=stop_before)


def _register(migrations: Migrations, migration: Migration) -> None:
    def apply(db: Database) -> None:
        for statement in sqlite_statements(migration):
            if isinstance(statement, Data):
                statement.run(db.conn)
            else:
                db.execute(statement)

    apply.__doc__ = f"Migration {migration.name}, rendered for SQLite."
    migrations(name=migration.name)(apply)


MIGRATIONS = SqliteMigrations()
