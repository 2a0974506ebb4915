"""Fuzzed imports: every malformed CSV exits 2 with FILE:ROW:FIELD lines, writes nothing, never a traceback.

Each generated file starts from a valid event log and gets at least one structural fault (wrong
columns, bad encoding, bad time, unknown kind, events out of order, a huge field, a broken row).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csconsole.cli import main
from csconsole.io.csv_import import COLUMNS, MAX_FIELD
from tests.faults.harness import make_store, sha256

HEADER = list(COLUMNS)
KINDS = {"created", "take", "transfer", "reassign", "contact", "reply", "status", "escalate", "note",
         "recovery_step", "evaluation"}
# benchmarks/faults.py raises the count through the environment for its long run.
FUZZ = settings(max_examples=int(os.environ.get("CSCONSOLE_FUZZ_EXAMPLES", "150")), deadline=None,
                derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("fuzz") / "store.db", n_tickets=3)


def _row(**fields: str) -> list[str]:
    return [fields.get(c, "") for c in HEADER]


@st.composite
def valid_logs(draw: st.DrawFn) -> list[list[str]]:
    rows: list[list[str]] = []
    for n in range(draw(st.integers(1, 4))):
        ref = f"F-{n}"
        minute = draw(st.integers(0, 50))
        rows.append(_row(ticket=ref, at=f"2026-03-02T09:{minute:02d}:00Z", kind="created", queue="Billing",
                         customer=draw(st.sampled_from(["Acme", "Zoë Ltd", "O'Neil"])), subject="Broken",
                         channel="phone", priority="high"))
        for step in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["take", "transfer", "contact", "reply", "note"]))
            rows.append(_row(ticket=ref, at=f"2026-03-02T10:{minute + step:02d}:00Z", kind=kind, actor="Ana",
                             queue="Tech" if kind == "transfer" else "", note="moving on"))
    return rows


def _set(rows: list[list[str]], index: int, column: str, value: str) -> None:
    rows[index % len(rows)][HEADER.index(column)] = value


@st.composite
def malformed(draw: st.DrawFn) -> bytes:
    rows = draw(valid_logs())
    header = list(HEADER)
    fault = draw(st.sampled_from(["columns", "encoding", "time", "kind", "order", "huge", "fields", "quote"]))
    at = draw(st.integers(0, 100))
    if fault == "columns":
        if draw(st.booleans()):
            gone = draw(st.sampled_from(HEADER))
            header.remove(gone)
            rows = [[v for c, v in zip(HEADER, r, strict=True) if c != gone] for r in rows]
        else:
            header.append(draw(st.sampled_from(["extra", "Assignee", "  ", "due: date", "first name"])))
            rows = [[*r, "x"] for r in rows]
    elif fault == "time":
        bad = draw(st.one_of(
            st.sampled_from(["yesterday", "2026-13-01T00:00:00Z", "2026-03-02T09:00:00", "02/03/2026 09:00",
                             "2026-02-30T10:00:00Z", "", "T", "2026-03-02T25:00:00+01:00"]),
            st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12).filter(
                lambda t: not re.match(r"^\s*\d{4}-\d\d-\d\d", t)),
        ))
        _set(rows, at, "at", bad)
    elif fault == "kind":
        _set(rows, at, "kind", draw(st.text(max_size=10).filter(lambda t: t.strip().lower() not in KINDS)))
    elif fault == "order":
        if draw(st.booleans()):  # an event before its ticket was created
            rows.insert(0, _row(ticket="LATE-1", at="2026-03-01T00:00:00Z", kind="take", actor="Ana"))
        else:  # a ticket's rows out of time order
            rows.append(_row(ticket=rows[0][0], at="2026-03-01T00:00:00Z", kind="note", actor="Ana",
                             note="x"))
    elif fault == "huge":
        _set(rows, at, draw(st.sampled_from(["subject", "note", "customer", "actor"])), "x" * (MAX_FIELD + 1))
    elif fault == "fields":
        target = rows[at % len(rows)]
        if draw(st.booleans()):
            target.append("surplus")
        else:
            target.pop()
    text = ",".join(header) + "\n" + "".join(",".join(_quote(v) for v in r) + "\n" for r in rows)
    if fault == "quote":
        text += 'F-9,"2026-03-02T09:00:00Z,created\n'  # a quote never closed
    if fault == "encoding":
        how = draw(st.sampled_from(["latin-1", "utf-16", "stray byte"]))
        if how == "stray byte":
            data = text.encode()
            cut = draw(st.integers(0, len(data)))
            return data[:cut] + draw(st.sampled_from([b"\xff", b"\xe9", b"\xc3\x28", b"\x80"])) + data[cut:]
        if how == "latin-1":  # every log has a "Broken" subject: make it non-ASCII, so Latin-1 is not UTF-8
            return text.replace("Broken", "Cassé", 1).encode(how)
        return text.encode(how)
    return text.encode()


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value


def _import(store: Path, file: Path) -> tuple[int, list[str]]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["import", str(store), str(file)])
    return code, err.getvalue().splitlines()


def _assert_rejected_cleanly(code: int, lines: list[str], file: Path) -> None:
    assert code == 2, lines
    assert lines, "a rejection says why"
    *problems, summary = lines
    if problems:
        assert summary.startswith("csconsole: import rejected (") and summary.endswith("nothing was written")
        for line in problems:
            assert re.match(rf"^{re.escape(str(file))}:\d+:[^:\s]+(?: [^:\s]+)*: \S", line), line
            assert line.isprintable(), line
    else:
        assert summary.startswith("csconsole: ") and "unexpected" not in summary, summary
    assert not any("Traceback" in line or "unexpected error" in line for line in lines)


@FUZZ
@given(content=malformed())
def test_malformed_logs_are_rejected_with_file_row_field_and_change_nothing(
    store: Path, tmp_path: Path, content: bytes
) -> None:
    before = sha256(store)
    file = tmp_path / "log.csv"
    file.write_bytes(content)
    code, lines = _import(store, file)
    _assert_rejected_cleanly(code, lines, file)
    assert sha256(store) == before


@FUZZ
@given(content=st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_importer(store: Path, tmp_path: Path, content: bytes) -> None:
    before = sha256(store)
    file = tmp_path / "noise.csv"
    file.write_bytes(content)
    code, lines = _import(store, file)
    _assert_rejected_cleanly(code, lines, file)
    assert sha256(store) == before


def test_the_fuzzer_starts_from_logs_that_import(store: Path, tmp_path: Path) -> None:
    """The faults above are what makes each file bad: the clean log imports."""
    file = tmp_path / "good.csv"
    rows = [_row(ticket="OK-1", at="2026-03-02T09:00:00Z", kind="created", queue="Billing", customer="Acme",
                 subject="Broken", channel="phone", priority="high"),
            _row(ticket="OK-1", at="2026-03-02T10:00:00Z", kind="transfer", actor="Ana", queue="Tech",
                 note="x")]
    file.write_text(",".join(HEADER) + "\n" + "".join(",".join(r) + "\n" for r in rows))
    code, lines = _import(store, file)
    assert code == 0, lines
