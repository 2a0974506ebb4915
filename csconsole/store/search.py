"""The search box: which tickets a text finds, and the indexes that find them without reading every ticket.

A text finds a ticket whose ref is the text, whose subject holds it, or whose customer's name holds it,
whatever the case of ASCII letters (``directory.contains``). That is the meaning on both engines, and
``plain_clause`` says it as it always has; the indexes only narrow what it reads:

- SQLite: FTS5 tables with the ``trigram`` tokenizer over the subjects (``search_subjects``, its content
  the tickets table) and the customers' names (``search_customers``), kept by triggers in the same
  transaction as every write of a ticket or a customer. A text of three characters or more gives the
  candidates from them and the ref's unique index; each candidate is checked against the plain meaning
  (the trigram tokenizer folds more than ASCII case), so both give the same tickets.
- PostgreSQL: ``pg_trgm`` GIN indexes on ``lower(subject)`` and ``lower(name)`` serve the same LIKE; the
  three ways in are written as a union so that each one is answered from its own index.

A text shorter than three characters (the least a trigram index can look for) is answered the plain way.
"""

from __future__ import annotations

from typing import Protocol

from csconsole.store import directory


class Executes(Protocol):
    def execute(self, sql: str, /) -> object: ...


TRIGRAM = 3  # the shortest text a trigram index can find
SUBJECTS = "search_subjects"
CUSTOMERS = "search_customers"
VIRTUAL_TABLES = (SUBJECTS, CUSTOMERS)

# -- SQLite ------------------------------------------------------------------------------------------

SQLITE_TABLES: tuple[str, ...] = (
    f"CREATE VIRTUAL TABLE {SUBJECTS} USING fts5(subject, content='tickets', content_rowid='id', "
    "columnsize=0, tokenize='trigram')",
    f"CREATE VIRTUAL TABLE {CUSTOMERS} USING fts5(name, content='customers', content_rowid='id', "
    "columnsize=0, tokenize='trigram')",
)


def _triggers(index: str, table: str, column: str) -> tuple[str, ...]:
    add = f"INSERT INTO {index}(rowid, {column}) VALUES (new.id, new.{column});"
    remove = f"INSERT INTO {index}({index}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    return (
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {column} ON {table} "
        f"WHEN old.{column} IS NOT new.{column} BEGIN {remove} {add} END",
    )


SQLITE_TRIGGERS: tuple[str, ...] = (*_triggers(SUBJECTS, "tickets", "subject"),
                                    *_triggers(CUSTOMERS, "customers", "name"))
# Both indexes made again from their tables: a migrated store's rows, a bulk load, ``rebuild``.
SQLITE_FILL: tuple[str, ...] = tuple(f"INSERT INTO {name}({name}) VALUES ('rebuild')" for name in VIRTUAL_TABLES)


def trigger_name(statement: str) -> str:
    return statement.split()[2]


def sqlite_drop_triggers(conn: Executes) -> None:
    """For a bulk load: no index row per ticket; ``sqlite_restore`` fills the indexes once at the end."""
    for statement in SQLITE_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger_name(statement)}")


def sqlite_restore(conn: Executes) -> None:
    """The triggers back (as the migration wrote them) and both indexes made again from their tables."""
    for statement in SQLITE_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger_name(statement)}")
        conn.execute(statement)
    for statement in SQLITE_FILL:
        conn.execute(statement)


def is_search_table(name: str) -> bool:
    """An FTS table or one of its shadow tables (``search_subjects_data``...): the index, not the store's data."""
    return any(name == v or name.startswith(f"{v}_") for v in VIRTUAL_TABLES)


# -- PostgreSQL ----------------------------------------------------------------------------------------

POSTGRES_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
# For the rest of the migration's transaction: the schema pg_trgm lives in (the store's own, or another
# where the database had it already) on the search path, so that ``gin_trgm_ops`` is found.
POSTGRES_EXTENSION_PATH = (
    "SELECT set_config('search_path', current_setting('search_path') || ', ' || quote_ident(n.nspname), true) "
    "FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
)
POSTGRES_INDEXES: tuple[str, ...] = (
    "CREATE INDEX IF NOT EXISTS ix_tickets_subject_trgm ON tickets USING gin (lower(subject) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_customers_name_trgm ON customers USING gin (lower(name) gin_trgm_ops)",
)


def index_name(statement: str) -> str:
    return statement.split(" ON ")[0].split()[-1]


# -- the clause ----------------------------------------------------------------------------------------

Clause = tuple[str, list[object]]


def plain_clause(text: str) -> Clause:
    """The meaning of the search box, read ticket by ticket (``t`` the tickets)."""
    like = "%" + directory.like_escape(text) + "%"
    return (f"(t.ref = ? OR {directory.contains('t.subject')} "
            f"OR t.customer_id IN (SELECT id FROM customers WHERE {directory.contains('name')}))",
            [text, like, like])


def _phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: every character literal (a double quote doubled)."""
    return '"' + text.replace('"', '""') + '"'


def sqlite_clause(text: str) -> Clause:
    if len(text) < TRIGRAM:
        return plain_clause(text)
    like = "%" + directory.like_escape(text) + "%"
    phrase = _phrase(text)
    named = f"SELECT rowid FROM {CUSTOMERS} WHERE {CUSTOMERS} MATCH ?"
    return (
        f"t.id IN (SELECT id FROM tickets WHERE ref = ? "
        f"UNION ALL SELECT rowid FROM {SUBJECTS} WHERE {SUBJECTS} MATCH ? "
        f"UNION ALL SELECT id FROM tickets WHERE customer_id IN ({named})) "
        f"AND (t.ref = ? OR {directory.contains('t.subject')} "
        f"OR t.customer_id IN ({named} AND {directory.contains('name')}))",
        [text, phrase, phrase, text, like, phrase, like],
    )


def postgres_clause(text: str) -> Clause:
    if len(text) < TRIGRAM:
        return plain_clause(text)
    like = "%" + directory.like_escape(text) + "%"
    return (
        f"t.id IN (SELECT id FROM tickets WHERE ref = ? "
        f"UNION ALL SELECT id FROM tickets WHERE {directory.contains('subject')} "
        f"UNION ALL SELECT id FROM tickets WHERE customer_id IN "
        f"(SELECT id FROM customers WHERE {directory.contains('name')}))",
        [text, like, like],
    )
