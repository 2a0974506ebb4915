"""Hostile import inputs (issue 17): each refused with one plain line naming what and where, in bounded
memory (the child's peak RSS), and not a byte of the store changed. Times are the benchmark's
(benchmarks/imports.py); here a generous timeout only keeps a hang from hanging the suite."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.import_inputs import HEADER, event_log, fifo, huge_field, zip_bomb
from csconsole.services import open_store, people
from tests.imports.runner import RSS_BUDGET_MB, csconsole, store_bytes

FIXTURE = Path(__file__).parents[1] / "fixtures" / "zendesk"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "floor.db"
    with open_store(str(path), create=True) as opened:
        people.add_queue(opened, "Billing")
    return path


def refused(store: Path, *args: str, expect: str) -> str:
    before = store_bytes(store)
    run = csconsole("import", str(store), *args, timeout=60)
    assert run.code == 2, run.err
    assert expect in run.err, run.err
    assert "unexpected error" not in run.err and "Traceback" not in run.err
    assert run.peak_mb < RSS_BUDGET_MB, f"peak {run.peak_mb:.0f} MB"
    assert store_bytes(store) == before
    assert not list(store.parent.glob("*.staging")), "a refused import leaves no staging file"
    return run.err


def test_a_zip_bomb_is_refused_from_its_directory_before_inflating(store: Path, tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "export.zip", gigabytes=0.25)
    assert bomb.stat().st_size < 2 * 1024**2
    err = refused(store, str(bomb), "--format", "zendesk", expect="tickets.json would inflate")
    assert "zip bomb" in err and "before reading" in err


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_what_is_not_a_regular_file_is_refused_before_reading(store: Path, tmp_path: Path, kind: str) -> None:
    target = {"fifo": lambda: fifo(tmp_path / "log.csv"), "device": lambda: Path("/dev/zero"),
              "folder": lambda: tmp_path}[kind]()
    what = {"fifo": "is a named pipe (FIFO), not a CSV", "device": "is a device, not a CSV",
            "folder": "is a folder, not a CSV"}[kind]
    refused(store, str(target), expect=f"{target} {what}")


def test_a_fifo_as_a_zendesk_export_is_refused_too(store: Path, tmp_path: Path) -> None:
    refused(store, str(fifo(tmp_path / "export.zip")), "--format", "zendesk", expect="is a named pipe (FIFO)")


def test_a_huge_field_is_refused_naming_its_row_and_field(store: Path, tmp_path: Path) -> None:
    log = huge_field(tmp_path / "huge.csv", megabytes=64)
    refused(store, str(log), expect=f"{log}:3:note: a line of more than")


@pytest.mark.slow
def test_a_large_file_with_one_bad_row_at_its_end_is_refused_whole_in_bounded_memory(
        store: Path, tmp_path: Path) -> None:
    log = event_log(tmp_path / "large.csv", 400_000)
    with log.open("a") as out:
        out.write("L-1,2026-01-01T00:00:00Z,kind-of-nothing,Ana,,,,,,,,\n")
    assert log.stat().st_size > 24 * 1024**2  # held whole, it took ~20 times its size
    refused(store, str(log), expect=f"{log}:400002:kind: unknown kind 'kind-of-nothing'")


def test_an_unreadable_folder_is_one_plain_line(store: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "log.csv").write_text(HEADER)
    locked.chmod(0)
    try:
        run = without_root_powers("import", str(store), str(locked / "log.csv"))
    finally:
        locked.chmod(0o755)
    assert run.returncode == 2
    assert f"cannot read {locked}/log.csv: permission denied" in run.stderr
    assert "unexpected error" not in run.stderr


def without_root_powers(*args: str) -> subprocess.CompletedProcess[str]:
    """``csconsole ARGS`` as a user whom file modes bind (root, too, once it drops CAP_DAC_*)."""
    command = [sys.executable, "-m", "csconsole.cli", *args]
    if os.geteuid() == 0:
        if not shutil.which("capsh"):
            pytest.skip("root reads a folder of mode 0000 anyway, and capsh is not here to drop that")
        command = ["capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", shlex.join(command)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name, content, expect", [
    ("deep", b'{"tickets": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}",
     "tickets.json:tickets[0]:-: nested more than 64 levels deep"),
    ("digits", b'{"tickets": [{"id": ' + b"7" * 5000 + b"}]}", "tickets.json:$:-: not JSON: parse error: integer overflow"),
    ("beyond", b'{"tickets": [{"id": 9223372036854775808}]}', "tickets.json:$:-: not JSON: parse error: integer overflow"),
    ("superscript", b'{"tickets": [{"id": "\xc2\xb2", "created_at": "2026-03-02T09:00:00Z"}]}',
     "tickets.json:tickets[0]:id: expected a number, got '\xb2'"),
    ("dashes", b'{"tickets": [{"id": "--5", "created_at": "2026-03-02T09:00:00Z"}]}',
     "tickets.json:tickets[0]:id: expected a number, got '--5'"),
    ("year1", b'{"tickets": [{"id": 5, "requester_id": 1, "created_at": "0001-01-01T00:00:00+01:00"}]}',
     "tickets.json:tickets[0]:created_at: time out of range"),
    ("year9999", b'{"tickets": [{"id": 5, "requester_id": 1, "created_at": "9999-12-31T23:00:00-05:00"}]}',
     "tickets.json:tickets[0]:created_at: time out of range"),
])
def test_zendesk_rough_edges_are_one_plain_line_with_file_and_row(
        store: Path, tmp_path: Path, name: str, content: bytes, expect: str) -> None:
    export = tmp_path / name
    shutil.copytree(FIXTURE, export)
    (export / "tickets.json").write_bytes(content)
    refused(store, str(export), "--format", "zendesk", expect=f"{export}/{expect}")


def test_a_zip_with_a_bad_crc_is_named(store: Path, tmp_path: Path) -> None:
    from benchmarks.import_inputs import bad_crc_zip

    archive = bad_crc_zip(tmp_path / "export.zip", FIXTURE)
    refused(store, str(archive), "--format", "zendesk", expect="tickets.json:$:-: damaged in the zip (Bad CRC-32")


def test_a_zip_holding_tickets_json_twice_is_refused(store: Path, tmp_path: Path) -> None:
    import warnings
    import zipfile

    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the point
        for file in sorted(FIXTURE.glob("*.json")):
            out.write(file, file.name)
        out.writestr("tickets.json", '{"tickets": []}')
    refused(store, str(archive), "--format", "zendesk", expect="tickets.json is in the zip twice")
