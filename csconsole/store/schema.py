"""The schema, by migrations (sqlite-utils Migrations) with ``user_version`` as the schema number.

Tables are STRICT. Events are append-only: triggers refuse UPDATE and DELETE. Indexes are chosen so
every filter of DESIGN §6 and every chip of the console is answered from an index, partial where the
filtered set is small (open tickets, bounced > 2, senior callbacks, a running SLA clock).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from csconsole.store.fragments import OPEN_SQL

MIGRATIONS = Migrations("csconsole")


@MIGRATIONS(name="0001_initial")
def _initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE queues (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            sla_urgent INTEGER, sla_high INTEGER, sla_normal INTEGER, sla_low INTEGER
        ) STRICT;
        CREATE TABLE agents (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('agent','supervisor','manager')),
            queue_id INTEGER REFERENCES queues(id),
            active INTEGER NOT NULL DEFAULT 1
        ) STRICT;
        CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            since TEXT NOT NULL,
            resolved_tickets INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE TABLE tickets (
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
        ) STRICT;
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES agents(id),
            data TEXT NOT NULL,
            hash TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only: an event cannot be changed'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only: an event cannot be deleted'); END;
        """
    )
    create_indexes(db)


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

OPEN_CHIPS_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_tickets_open_chips "
    "ON tickets(id, queue_id, owner_id, bounces, contacts, sla_risk_at, sla_due_at) "
    f"WHERE status IN {OPEN_SQL}"
)

INDEXES: tuple[str, ...] = (
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
    f"CREATE INDEX IF NOT EXISTS ix_tickets_open_stats ON tickets(queue_id, sla_due_at, sla_risk_at, created_at) "
    f"WHERE status IN {OPEN_SQL}",
    OPEN_CHIPS_INDEX,
    *SORT_INDEXES,
)


def create_indexes(db: Database) -> None:
    for statement in INDEXES:
        db.execute(statement)


def drop_indexes(db: Database) -> None:
    """For bulk loads: build the indexes once at the end, not row by row."""
    for statement in INDEXES:
        name = statement.split(" ON ")[0].split()[-1]
        db.execute(f"DROP INDEX IF EXISTS {name}")


@MIGRATIONS(name="0002_recovery")
def _recovery(db: Database) -> None:
    """Service recovery: policies and custom checklists are business data; cases and evaluations are
    derived from ``recovery_step`` / ``evaluation`` events and rebuilt from them by ``rebuild``."""
    db.executescript(
        """
        CREATE TABLE policies (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            owner TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE checklists (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE recovery_cases (
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
        ) STRICT;
        CREATE INDEX ix_recovery_ticket ON recovery_cases(ticket_id, id);
        CREATE INDEX ix_recovery_open ON recovery_cases(id) WHERE completed_at IS NULL;
        CREATE INDEX ix_recovery_policy ON recovery_cases(policy_id) WHERE policy_id IS NOT NULL;
        CREATE TABLE evaluations (
            id INTEGER PRIMARY KEY,
            ticket_id INTEGER NOT NULL REFERENCES tickets(id),
            at TEXT NOT NULL,
            evaluator_id INTEGER REFERENCES agents(id),
            associate_id INTEGER REFERENCES agents(id),
            associate_score INTEGER NOT NULL CHECK (associate_score BETWEEN 1 AND 5),
            policy_id INTEGER REFERENCES policies(id),
            policy_score INTEGER CHECK (policy_score BETWEEN 1 AND 5),
            comment TEXT NOT NULL DEFAULT ''
        ) STRICT;
        CREATE INDEX ix_evaluations_ticket ON evaluations(ticket_id, id);
        """
    )


@MIGRATIONS(name="0003_zendesk_pins_open_stats")
def _zendesk_pins_open_stats(db: Database) -> None:
    """Zendesk's own metrics beside imported tickets; console PIN hashes; and a covering index for the
    per-queue figures of open tickets, so the queues panel never reads ticket rows."""
    from csconsole.store.zendesk_schema import create_zendesk_tables

    create_zendesk_tables(db)
    db.executescript(
        f"""
        CREATE TABLE agent_pins (
            agent_id INTEGER PRIMARY KEY REFERENCES agents(id),
            hash TEXT NOT NULL,
            set_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX IF NOT EXISTS ix_tickets_open_stats
            ON tickets(queue_id, sla_due_at, sla_risk_at, created_at) WHERE status IN {OPEN_SQL};
        """
    )


@MIGRATIONS(name="0004_open_chips")
def _open_chips(db: Database) -> None:
    """Open tickets with every column a chip filters on: chip counts and all-queue pages read only open
    tickets from it, never a ticket row (DESIGN §7: a filter change repainted in < 50 ms at 1M)."""
    db.execute(OPEN_CHIPS_INDEX)
    db.execute("ANALYZE")


@MIGRATIONS(name="0005_sort_indexes")
def _sort_indexes(db: Database) -> None:
    """Sorting any column over all tickets reads pages by key (priority by rank: urgent first)."""
    for statement in SORT_INDEXES:
        db.execute(statement)


# The number of migrations above; a store whose user_version is larger was written by a newer csconsole.
SCHEMA_VERSION = 5
