"""The rough edges of issue 18 in CSV imports and their output: each one plain line naming what and where,
or a warning where the data is odd but may be right."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from csconsole.cli import main
from csconsole.services import open_store, people, queries

HEADER = "ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note\n"
CREATED = "R-1,2026-03-02T09:00:00Z,created,,Billing,,Acme,Broken,phone,high,,\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "floor.db"
    with open_store(str(path), create=True) as store:
        people.add_queue(store, "Billing")
    return path


def _import(db: Path, tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    log = tmp_path / "log.csv"
    log.write_bytes(text.encode())
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    code = main(["import", str(db), str(log)])
    err = capsys.readouterr().err
    if code:
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
        assert "unexpected error" not in err
    return code, err.replace(str(log), "LOG")


@pytest.mark.parametrize("at, expect", [
    ("0001-01-01T00:00:00+01:00", "LOG:3:at: time out of range"),
    ("0999-06-01T00:00:00Z", "LOG:3:at: time out of range"),
    ("9999-12-31T23:00:00-05:00", "LOG:3:at: time out of range"),
    ("2999-01-01T00:00:00Z", "LOG:3:at: 2999-01-01T00:00:00Z is in the future"),
])
def test_times_no_history_can_have_are_refused_with_row_and_field(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], at: str, expect: str) -> None:
    code, err = _import(db, tmp_path, HEADER + CREATED + f"R-1,{at},note,Ana,,,,,,,,x\n", capsys)
    assert code == 2 and expect in err


def test_a_nul_byte_in_a_field_is_refused(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _import(db, tmp_path, HEADER + CREATED.replace("Acme", "Ac\x00me"), capsys)
    assert code == 2 and "LOG:2:customer: a NUL byte; the field is not text" in err


def test_bidi_overrides_in_a_name_are_imported_with_a_warning(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _import(db, tmp_path, HEADER + CREATED + "R-1,2026-03-02T09:05:00Z,take,An\u202ea,,,,,,,,\n", capsys)
    assert code == 0
    assert "warning: LOG:3:actor: bidi control characters in a name" in err


def test_order_within_a_second_is_kept_and_a_step_back_in_it_refused(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forward = (HEADER + "R-1,2026-03-02T09:00:00.100Z,created,,Billing,,Acme,Broken,phone,high,,\n"
               "R-1,2026-03-02T09:00:00.200Z,take,Ana,,,,,,,,\n"
               "R-1,2026-03-02T09:00:00.900Z,transfer,Ana,Billing,Raj,,,,,,handing over\n")
    assert _import(db, tmp_path, forward, capsys)[0] == 0
    with open_store(str(db), read_only=True) as store:
        [row] = queries.all_tickets(store, queries.TicketFilter(), now="2026-03-03T00:00:00Z")
        assert row.owner == "Raj"  # the take, then the transfer: the file's order within the second
    backward = (HEADER + "R-2,2026-03-02T09:00:00.500Z,created,,Billing,,Acme,Broken,phone,high,,\n"
                "R-2,2026-03-02T09:00:00.400Z,take,Ana,,,,,,,,\n")
    code, err = _import(db, tmp_path, backward, capsys)
    assert code == 2
    assert "LOG:3:at: 2026-03-02T09:00:00.400000Z is earlier than the ticket's previous event" in err


def test_tickets_prints_control_characters_from_imported_text_escaped(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = CREATED.replace("Broken", "\x1b]0;pwned\x07\x1b[2J\u202eBroken")
    assert _import(db, tmp_path, HEADER + hostile, capsys)[0] == 0
    assert main(["tickets", str(db)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\u202eBroken" in out
    assert main(["tickets", str(db), "--json"]) == 0
    assert "\\u001b]0;pwned" in capsys.readouterr().out  # --json escapes as JSON does
