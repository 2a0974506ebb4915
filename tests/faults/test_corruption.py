"""Corruption: a damaged, a truncated and a foreign file give one clear line, never a traceback, and
no command changes a byte of them (nothing is written into a damaged store)."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from csconsole.cli import main
from tests.faults.harness import make_store, sha256


def _damage_middle(file: Path) -> None:
    data = bytearray(file.read_bytes())
    start = len(data) // 2
    data[start:start + 8192] = random.Random(5).randbytes(8192)
    file.write_bytes(bytes(data))


def _truncate(file: Path) -> None:
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])


def _foreign(file: Path) -> None:
    file.write_text("ticket,at,kind\nT-1,2026-01-01T00:00:00Z,created\n")


def _damage_schema(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[100:4096] = random.Random(6).randbytes(3996)  # the header survives, the schema page does not
    file.write_bytes(bytes(data))


PROGRESS = re.compile(r"^[a-z ]+: \d+%$")  # "exporting: 40%", not an error
DAMAGE: dict[str, Callable[[Path], None]] = {
    "damaged in the middle": _damage_middle,
    "truncated": _truncate,
    "not SQLite": _foreign,
    "schema page damaged": _damage_schema,
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("pristine") / "store.db", n_tickets=300)


def _commands(store: str, tmp: Path) -> list[list[str]]:
    csv = tmp / "log.csv"
    csv.write_text("ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note\n"
                   "N-1,2026-03-02T09:00:00Z,created,,Billing,,Acme,Broken,phone,high,,\n")
    return [
        ["stats", store], ["stats", store, "--json"], ["tickets", store], ["tickets", store, "--json"],
        ["audit", "verify", store], ["audit", "head", store],
        ["reassign", store, "150", "--to", "Raj", "--reason", "cover", "--as", "Sue"],
        ["import", store, str(csv)], ["rebuild", store], ["export", store, "--out", str(tmp / "pack")],
    ]


@pytest.mark.parametrize("damage", DAMAGE)
def test_every_command_on_a_broken_file_is_one_clear_line_and_changes_nothing(
    damage: str, pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "store.db"
    shutil.copy(pristine, file)
    DAMAGE[damage](file)
    before = sha256(file)
    for command in _commands(str(file), tmp_path):
        code = main(command)
        err = capsys.readouterr().err.strip()
        if command[:2] == ["audit", "head"] and code == 0:
            continue  # the head is one page; a damaged page elsewhere is audit verify's to report
        assert code in (1, 2), (command, err)
        assert "unexpected error" not in err and "Traceback" not in err, (command, err)
        lines = [line for line in err.splitlines() if not PROGRESS.match(line)]
        assert len(lines) == 1 and str(file) in lines[0], (command, err)
        assert any(word in lines[0] for word in ("damaged", "not a csconsole store", "integrity")), lines[0]
        assert sha256(file) == before, f"{command[0]} changed the broken file"
        assert not Path(f"{file}-wal").exists() or Path(f"{file}-wal").stat().st_size == 0
    assert not (tmp_path / "pack").exists() or not any((tmp_path / "pack").iterdir()), "no half pack left"


def test_a_real_process_on_a_damaged_file_shows_no_traceback(pristine: Path, tmp_path: Path) -> None:
    file = tmp_path / "store.db"
    shutil.copy(pristine, file)
    _damage_middle(file)
    before = sha256(file)
    reassign = ["reassign", str(file), "1", "--to", "Raj", "--reason", "x", "--as", "Sue"]
    for command in (["stats", str(file)], reassign):
        done = subprocess.run([sys.executable, "-m", "csconsole.cli", *command], capture_output=True,
                              text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=60)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "damaged" in done.stderr
    assert sha256(file) == before
