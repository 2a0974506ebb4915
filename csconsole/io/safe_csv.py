"""CSV that a spreadsheet opens without running anything (OWASP "CSV injection").

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets: ``=HYPERLINK(...)`` in a customer's subject would run on the
auditor's machine. Such cells get a leading apostrophe, which every spreadsheet shows as text and
hides; numbers the product writes stay numbers. The raw value stays recoverable: ``restore`` undoes
it, and the audit pack carries a machine-readable copy that is not meant for spreadsheets.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
GUARDED_STARTS = (*FORMULA_STARTS, GUARD)  # a cell beginning with one of these gets the guard


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet should see it: text that could start a formula gets the guard."""
    if isinstance(value, str) and value.startswith(GUARDED_STARTS):
        return GUARD + value  # a value that already began with the guard gets one more: restore is exact
    return value


def restore(cell: str) -> str:
    """The raw text of a cell ``neutralise`` wrote (the inverse, for text cells)."""
    if cell.startswith(GUARD) and cell[1:].startswith(GUARDED_STARTS):
        return cell[1:]
    return cell


class SafeWriter:
    """``csv.writer`` whose every text cell is neutralised; quoting as the csv module does it."""

    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)

    def write_neutralised(self, rows: Iterable[Iterable[Any]]) -> None:
        """Rows whose every text cell is neutralised already, as the store reads a table for the audit pack
        (``store.table_dump.guarded_rows`` with ``GUARDED_STARTS`` and ``GUARD``): written in one C loop."""
        self._writer.writerows(rows)
