"""The search box: which tickets a text finds, and the indexes that find them without reading every ticket.

A text finds a ticket whose ref is the text, whose subject holds it, or whose customer's name holds it,
whatever the case of ASCII letters (``directory.contains``). That is the meaning on both engines, and
``plain_clause`` says it as it always has; the indexes only narrow what it reads:

- SQLite: contentless FTS5 tables with the ``trigram`` tokenizer over the subjects (``search_subjects``)
  and the customers' names (``search_customers``), each text lowered by lower() and matched
  case-sensitively, so a phrase is found exactly where the LIKE finds it; kept by triggers in the same
  transaction as every write of a ticket or a customer. A text of three characters or more is answered
  from them and the ref's unique index alone (a count of the search box over every ticket reads no ticket).
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

# Contentless (the text lies in the tickets and customers already), over the text with its ASCII letters
# lowered as lower() lowers them, matched case-sensitively: a phrase is found exactly where the LIKE of
# ``directory.contains`` finds it, so no candidate needs checking again and a count never reads a ticket.
_FTS = "fts5({column}, content='', columnsize=0, tokenize='trigram case_sensitive 1')"
SQLITE_TABLES: tuple[str, ...] = (
    f"CREATE VIRTUAL TABLE {SUBJECTS} USING {_FTS.format(column='subject')}",
    f"CREATE VIRTUAL TABLE {CUSTOMERS} USING {_FTS.format(column='name')}",
)
_SOURCES = ((SUBJECTS, "tickets", "subject"), (CUSTOMERS, "customers", "name"))


def _triggers(index: str, table: str, column: str) -> tuple[str, ...]:
    add = f"INSERT INTO {index}(rowid, {column}) VALUES (new.id, lower(new.{column}));"
    remove = f"INSERT INTO {index}({index}, rowid, {column}) VALUES ('delete', old.id, lower(old.{column}));"
    inserted = (f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {add} END",)
    return (
        *(inserted if table != "tickets" else ()),
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {column} ON {table} "
        f"WHEN old.{column} IS NOT new.{column} BEGIN {remove} {add} END",
    )


# A new ticket's subject is written by the ledger beside its row (``ADD_SUBJECTS``), not by a trigger: an
# FTS5 write from a trigger costs 13 us a row against 1 us from executemany, a tenth of an import's time.
# Every other write (a ticket's subject changed or its row removed, any customer) is the triggers'; the
# bulk loader and ``rebuild`` fill the index whole (``SQLITE_FILL``).
SQLITE_TRIGGERS: tuple[str, ...] = tuple(t for source in _SOURCES for t in _triggers(*source))
ADD_SUBJECTS = f"INSERT INTO {SUBJECTS}(rowid, subject) VALUES (?, lower(?))"
# Both indexes made again from their tables: a migrated store's rows, a bulk load, ``rebuild``.
SQLITE_FILL: tuple[str, ...] = tuple(
    statement for index, table, column in _SOURCES for statement in (
        f"INSERT INTO {index}({index}) VALUES ('delete-all')",
        f"INSERT INTO {index}(rowid, {column}) SELECT id, lower({column}) FROM {table}",
    )
)


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


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}  # what SQLite's lower() folds


def _phrase(text: str) -> str:
    """``text`` as one FTS5 phrase, lowered as the index is: every character literal (a quote doubled)."""
    return '"' + text.translate(_ASCII_LOWER).replace('"', '""') + '"'


def sqlite_ids(text: str) -> list[Clause] | None:
    """The ways in to the tickets ``text`` finds, each a SELECT of ticket ids answered from an index; None
    when the text is too short for the trigram index."""
    if len(text) < TRIGRAM:
        return None
    phrase = _phrase(text)
    return [
        ("SELECT id FROM tickets WHERE ref = ?", [text]),
        (f"SELECT rowid AS id FROM {SUBJECTS} WHERE {SUBJECTS} MATCH ?", [phrase]),
        (f"SELECT id FROM tickets WHERE customer_id IN (SELECT rowid FROM {CUSTOMERS} WHERE {CUSTOMERS} MATCH ?)",
         [phrase]),
    ]


def postgres_ids(text: str) -> list[Clause] | None:
    if len(text) < TRIGRAM:
        return None
    like = "%" + directory.like_escape(text) + "%"
    return [
        ("SELECT id FROM tickets WHERE ref = ?", [text]),
        (f"SELECT id FROM tickets WHERE {directory.contains('subject')}", [like]),
        (f"SELECT id FROM tickets WHERE customer_id IN (SELECT id FROM customers WHERE {directory.contains('name')})",
         [like]),
    ]


def union(ways: list[Clause], *, distinct: bool) -> Clause:
    """The ways in as one SELECT of ids (``distinct``: each ticket once, for a count)."""
    glue = " UNION " if distinct else " UNION ALL "
    return glue.join(sql for sql, _ in ways), [p for _, params in ways for p in params]


def clause(ways: list[Clause] | None, text: str) -> Clause:
    """The WHERE clause (``t`` the tickets) of the tickets ``text`` finds."""
    if ways is None:
        return plain_clause(text)
    sql, params = union(ways, distinct=False)
    return f"t.id IN ({sql})", params


def page_clause(ways: list[Clause], *, descending: bool, after: int | None, limit: int) -> Clause:
    """The WHERE clause of a page in id order of the search box over every ticket: each way in gives only
    its first ``limit`` ids after ``after`` (FTS5 walks its ids in order), so a word in one ticket of
    fourteen reads a page's worth, not all its tickets (0.5 ms at 1M, not 19)."""
    op, direction = ("<", "DESC") if descending else (">", "ASC")
    key = f"id {op} ? " if after is not None else ""
    arms, params = [], []
    for sql, values in ways:
        arms.append(f"SELECT id FROM (SELECT id FROM ({sql}) AS way {'WHERE ' + key if key else ''}"
                    f"ORDER BY id {direction} LIMIT ?) AS first")
        params += [*values, *([after] if after is not None else []), limit]
    return f"t.id IN ({' UNION ALL '.join(arms)})", params
