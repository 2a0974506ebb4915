"""An import's staging file: the rows an importer checked, kept in a scratch SQLite file beside the store
until every one of them is appended, so the store's write lock is never held while a file is read.

It is the import's own copy (a source file edited while it is appended changes nothing) and its journal:
after a crash it is still there, and importing the same file again resumes the batch from it. It is not
a store: no WAL, no sync (a staging file lost in a power cut is staged again from the source).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from csconsole.store.errors import StoreError

SUFFIX = ".staging"


class Staging:
    """Rows numbered 1..n in the order they are to be appended, and a few key/value facts."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        width = len(conn.execute("PRAGMA table_info(rows)").fetchall()) - 1  # the columns after n
        self._insert = f"INSERT INTO rows VALUES (?, {', '.join('?' * width)})"

    @classmethod
    def create(cls, path: Path, width: int) -> Staging:
        """A new, empty staging file for rows of ``width`` values (an old one at ``path`` is replaced)."""
        discard(path)
        try:
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            columns = ", ".join(f"v{i}" for i in range(width))
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(f"CREATE TABLE rows (n INTEGER PRIMARY KEY, {columns})")
            conn.execute("BEGIN")
        except sqlite3.Error as error:
            raise StoreError(f"cannot stage the import in {path}: {error}") from None
        return cls(conn, path)

    @classmethod
    def find(cls, path: Path) -> Staging | None:
        """The staging file left at ``path`` by an import that did not finish, or None."""
        if not path.is_file():
            return None
        try:
            conn = sqlite3.connect(path, isolation_level=None)
            conn.execute("SELECT count(*) FROM meta").fetchone()
            conn.execute("PRAGMA journal_mode = OFF")
        except sqlite3.Error:
            return None  # not ours, or broken: it is staged anew
        return cls(conn, path)

    def add(self, rows: Sequence[Sequence[object]], first: int) -> None:
        self._conn.executemany(self._insert, ((first + i, *row) for i, row in enumerate(rows)))

    def set(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def get(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def seal(self) -> None:
        """Everything staged is on disk: from here on the file can be resumed from."""
        self._conn.execute("COMMIT")

    def rows(self, after: int, size: int = 5000) -> Iterator[tuple[Any, ...]]:
        """The staged rows numbered above ``after``, in order, a page at a time (never all in memory)."""
        while True:
            page = self._conn.execute("SELECT * FROM rows WHERE n > ? ORDER BY n LIMIT ?", (after, size)).fetchall()
            if not page:
                return
            yield from page
            after = page[-1][0]

    def distinct(self, column: int) -> Iterator[object]:
        """The distinct values of the rows' ``column`` (0-based), in no particular order."""
        for (value,) in self._conn.execute(f"SELECT DISTINCT v{int(column)} FROM rows"):
            yield value

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM rows").fetchone()[0])

    def close(self) -> None:
        self._conn.close()

    def discard(self) -> None:
        self.close()
        discard(self.path)


def discard(path: Path) -> None:
    for leftover in (path, Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
