"""Safe CSV: cells that a spreadsheet would run as formulas are neutralised, and the raw value returns."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from csconsole.io.safe_csv import SafeWriter, neutralise, restore

HOSTILE = [
    '=HYPERLINK("http://evil.example";"open")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def written(rows: list[list[object]]) -> list[list[str]]:
    handle = io.StringIO()
    SafeWriter(handle).writerows(rows)
    return list(csv.reader(io.StringIO(handle.getvalue())))


def test_every_formula_start_is_neutralised_and_plain_text_is_not() -> None:
    [cells] = written([[*HOSTILE, "Charged twice", "T-0042"]])
    assert all(cell.startswith("'") for cell in cells[: len(HOSTILE)])
    assert cells[len(HOSTILE):] == ["Charged twice", "T-0042"]


def test_numbers_the_product_writes_stay_numbers() -> None:
    assert written([[-5, 3.5, 0]]) == [["-5", "3.5", "0"]]


@given(st.text())
def test_restore_gives_back_the_raw_value_and_no_cell_starts_a_formula(text: str) -> None:
    safe = neutralise(text)
    assert restore(safe) == text
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
