"""SQLite's parameter styles (``?`` and ``:name``) in psycopg's (``%s`` and ``%(name)s``).

psycopg reads ``%`` anywhere in a query that has parameters, inside string literals too, so every ``%``
is doubled; a ``?`` or ``:name`` counts only outside literals, quoted identifiers and comments. The
store builds the same few hundred statements over and over, so each translation is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


class PlaceholderError(ValueError):
    """A statement whose placeholders psycopg cannot be given (numbered ``?1``, or styles mixed)."""


@dataclass(frozen=True)
class Translated:
    sql: str
    positional: int  # how many ``?``
    names: frozenset[str]  # the ``:name``s


def _is_name_start(char: str) -> bool:
    return char.isalpha() or char == "_"


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _end_of_quoted(sql: str, start: int, quote: str, backslashes: bool) -> int:
    """Index after the literal or identifier opened at ``start`` (doubled quotes stay inside)."""
    i = start + 1
    while i < len(sql):
        char = sql[i]
        if backslashes and char == "\\":
            i += 2
            continue
        if char == quote:
            if i + 1 < len(sql) and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return len(sql)  # unterminated: the server will say so


def _end_of_dollar_quoted(sql: str, start: int) -> int | None:
    """Index after a PostgreSQL ``$tag$...$tag$`` string opened at ``start``, or None if it is not one."""
    close = sql.find("$", start + 1)
    if close < 0:
        return None
    tag = sql[start:close + 1]
    inner = tag[1:-1]
    if inner and (not _is_name_start(inner[0]) or not all(map(_is_name_char, inner))):
        return None  # $1 (a psycopg-style positional) or plain text, not a dollar quote
    end = sql.find(tag, close + 1)
    return len(sql) if end < 0 else end + len(tag)


@lru_cache(maxsize=2048)
def translate(sql: str) -> Translated:
    """``sql`` with psycopg's placeholders; raises PlaceholderError on what it cannot translate."""
    out: list[str] = []
    positional = 0
    names: set[str] = set()
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in "'\"":
            # E'...' lets a backslash escape the quote; in any other literal a backslash is itself.
            escape_string = char == "'" and i > 0 and sql[i - 1] in "eE" and (i < 2 or not _is_name_char(sql[i - 2]))
            end = _end_of_quoted(sql, i, char, escape_string)
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif char == "$" and (dollar_end := _end_of_dollar_quoted(sql, i)) is not None:
            out.append(sql[i:dollar_end].replace("%", "%%"))
            i = dollar_end
        elif char == "?":
            if i + 1 < n and sql[i + 1].isdigit():
                raise PlaceholderError(f"numbered placeholder ?{sql[i + 1]}... is not supported: use ? or :name")
            out.append("%s")
            positional += 1
            i += 1
        elif char == ":" and sql.startswith("::", i):
            out.append("::")  # a PostgreSQL cast, not a placeholder
            i += 2
        elif char == ":" and i + 1 < n and _is_name_start(sql[i + 1]):
            j = i + 1
            while j < n and _is_name_char(sql[j]):
                j += 1
            name = sql[i + 1:j]
            out.append(f"%({name})s")
            names.add(name)
            i = j
        elif char == "%":
            out.append("%%")
            i += 1
        else:
            out.append(char)
            i += 1
    if positional and names:
        raise PlaceholderError("a statement mixes ? and :name placeholders")
    return Translated("".join(out), positional, frozenset(names))
