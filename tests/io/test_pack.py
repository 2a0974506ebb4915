"""The audit pack's two copies: CSVs a spreadsheet opens without running anything, and a raw copy for
programs from which a store is rebuilt that verifies with the same head."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from csconsole.cli import main
from csconsole.io.csv_import import COLUMNS, import_csv
from csconsole.io.export import export
from csconsole.io.safe_csv import restore
from csconsole.services import audit, open_store, people, pin, queries

CUSTOMER = '=HYPERLINK("http://x";"open")'
SUBJECT = "+cmd|' /C calc'!A0"
AGENT = "@SUM(A1:A9)"


def _log(path: Path) -> Path:
    rows = [
        {"ticket": "X-1", "at": "2026-03-02T09:00:00Z", "kind": "created", "queue": "Billing", "customer": CUSTOMER,
         "subject": SUBJECT, "channel": "phone", "priority": "high"},
        {"ticket": "X-1", "at": "2026-03-02T09:05:00Z", "kind": "take", "actor": AGENT, "queue": "Billing"},
        {"ticket": "X-1", "at": "2026-03-02T09:30:00Z", "kind": "reply", "actor": AGENT, "note": "-2+3 refunded"},
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)
    return path


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def pack(tmp_path: Path) -> tuple[Path, Path]:
    store_path = tmp_path / "floor.db"
    with open_store(str(store_path), create=True) as store:
        sue = people.add_agent(store, "Sue", "supervisor").id
        pin.set_pin(store, sue, "2468")
        import_csv(store, _log(tmp_path / "log.csv"))
        export(store, tmp_path / "pack")
    return store_path, tmp_path / "pack"


def test_formulas_reach_the_csvs_neutralised_and_the_raw_copy_as_they_came(pack: tuple[Path, Path]) -> None:
    _, folder = pack
    [customer] = _csv(folder / "customers.csv")
    [ticket] = _csv(folder / "tickets.csv")
    agents = {row["name"] for row in _csv(folder / "agents.csv")}
    assert customer["name"] == "'" + CUSTOMER and ticket["subject"] == "'" + SUBJECT and "'" + AGENT in agents
    assert (restore(customer["name"]), restore(ticket["subject"])) == (CUSTOMER, SUBJECT)
    # Every cell of every CSV: none would start a formula in a spreadsheet.
    for file in folder.glob("*.csv"):
        with file.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                assert not [cell for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")], file
    [raw_customer] = _jsonl(folder / "raw" / "customers.jsonl")
    [raw_ticket] = _jsonl(folder / "raw" / "tickets.jsonl")
    assert (raw_customer["name"], raw_ticket["subject"]) == (CUSTOMER, SUBJECT)
    assert not (folder / "raw" / "agent_pins.jsonl").exists() and not (folder / "agent_pins.csv").exists()


def test_the_manifest_says_which_file_is_for_whom_and_the_head(pack: tuple[Path, Path]) -> None:
    store_path, folder = pack
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    kinds = {entry["name"]: entry["for"] for entry in manifest["files"]}
    assert kinds["tickets.csv"] == "spreadsheets" and kinds["raw/events.jsonl"] == "programs"
    assert set(manifest["formats"]) == {"csv", "jsonl", "pdf"}
    with open_store(str(store_path), read_only=True) as store:
        head = audit.head(store)
    assert (manifest["chain"]["seq"], manifest["chain"]["head"]) == (head.seq, head.hash)
    conn = sqlite3.connect(store_path)
    stored = conn.execute("SELECT seq, ticket_id, kind, at, actor_id, data, hash FROM events ORDER BY seq").fetchall()
    conn.close()
    assert [tuple(e.values()) for e in _jsonl(folder / "raw" / "events.jsonl")] == stored  # every event as stored


def test_a_store_rebuilt_from_the_pack_verifies_with_the_same_head(pack: tuple[Path, Path], tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    store_path, folder = pack
    rebuilt = tmp_path / "rebuilt.db"
    assert main(["import", str(rebuilt), str(folder), "--format", "pack"]) == 0
    with open_store(str(store_path), read_only=True) as store:
        head = audit.head(store)
    assert f"head {head.seq} {head.hash}" in capsys.readouterr().out
    assert main(["audit", "verify", str(rebuilt), "--head", head.hash]) == 0
    assert "1 PIN hashes withheld" in capsys.readouterr().out
    conn = sqlite3.connect(rebuilt)
    assert conn.execute("SELECT name FROM customers").fetchall() == [(CUSTOMER,)]
    assert conn.execute("SELECT subject FROM tickets").fetchall() == [(SUBJECT,)]
    conn.close()
    with open_store(str(rebuilt)) as store:  # a withheld PIN opens nothing
        sue = queries.agent_by_name(store, "Sue").id
        assert not pin.verify_pin(store, sue, "2468")


def test_a_pack_changed_after_it_was_made_is_refused_and_nothing_is_written(
    pack: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, folder = pack
    changed = tmp_path / "changed"
    shutil.copytree(folder, changed)
    events = changed / "raw" / "events.jsonl"
    events.write_text(events.read_text(encoding="utf-8").replace("Billing", "Bi11ing"), encoding="utf-8")
    target = tmp_path / "new.db"
    assert main(["import", str(target), str(changed), "--format", "pack"]) == 2
    assert "does not match its sha256" in capsys.readouterr().err
    with open_store(str(target), read_only=True) as store:
        assert audit.head(store).seq == 0


def test_a_pack_goes_only_into_a_new_store(pack: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    store_path, folder = pack
    assert main(["import", str(store_path), str(folder), "--format", "pack"]) == 2
    assert "is not empty" in capsys.readouterr().err
