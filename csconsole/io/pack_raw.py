"""The audit pack's machine-readable copy: ``raw/<table>.jsonl``, for programs, not spreadsheets.

One JSON object a line, a table's row exactly as stored: its column names as keys, every value with its
type (numbers stay numbers, NULL is null, text is the text: nothing neutralised). ``raw/events.jsonl``
is the log itself, ``data`` the very text each hash covers, so a program can check the chain without
csconsole, and ``csconsole import NEW.db PACK --format pack`` rebuilds a store from it (``pack_import``)
whose ``audit verify`` holds with the same head.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from csconsole.domain.errors import BadInput
from csconsole.store import table_dump
from csconsole.store.store import Store

RAW = "raw"
EVENTS = f"{RAW}/events.jsonl"
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def write_table(store: Store, out: Path, table: str, advance: Callable[[int], None]) -> tuple[Path, int]:
    """``out/raw/<table>.jsonl``; returns the file and its rows."""
    folder = out / RAW
    folder.mkdir(exist_ok=True)
    file = folder / f"{table}.jsonl"
    rows = 0
    with file.open("w", encoding="utf-8", newline="\n") as handle:
        for lines in _lines(store, table):
            handle.writelines(lines)
            rows += len(lines)
            advance(len(lines))
    return file, rows


def _lines(store: Store, table: str) -> Iterator[list[str]]:
    """The file's lines in batches: spelled by the store where its engine spells them as ``_ENCODER`` does
    (SQLite's json_object: the same bytes, without a dict and a Python call a row), else encoded here."""
    spelled = table_dump.json_lines(store, table)
    if spelled is not None:
        yield from spelled
        return
    header, batches = table_dump.table_rows(store, table)
    encode = _ENCODER.encode
    for batch in batches:
        yield [encode(dict(zip(header, row, strict=True))) + "\n" for row in batch]


def read_rows(file: Path) -> Iterator[dict[str, Any]]:
    """The rows of one raw file, a line at a time; a line that is not a JSON object is refused by name."""
    try:
        handle = file.open(encoding="utf-8", newline="\n")
    except OSError as error:
        raise BadInput(f"cannot read {file}: {error.strerror}") from None
    with handle:
        for number, line in enumerate(handle, 1):
            try:
                row = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise BadInput(f"{file}:{number}: not a JSON row ({error})") from None
            if not isinstance(row, dict):
                raise BadInput(f"{file}:{number}: not a JSON object")
            yield row
