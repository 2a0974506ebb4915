"""The audit pack's bytes, pinned: a fixed store exports to the very files it exported before the export was
made to stream (issue 16), on both engines; and every CSV cell is its raw value neutralised, so the
spreadsheet copy and the program copy of a table say the same thing.

The store is a demo floor at a fixed moment plus an imported log whose texts begin with every character
that starts a formula (and the guard itself), with quotes, commas, a line break, a tab and text beyond
ASCII. ``_sqlite_migrations`` (when each migration ran), ``manifest.json`` and ``report.pdf`` (when the pack
was made) change with the clock and are not pinned; the manifest's hashes are checked by test_export.py.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from csconsole.cli import main
from csconsole.io.demo import build_demo
from csconsole.io.safe_csv import neutralise, restore
from tests.conftest import Floor, site_maker
from tests.sites import Site, SiteMaker

PINS = Path(__file__).parent.parent / "fixtures" / "export_bytes.json"
MOMENT = datetime(2026, 3, 1, 12, tzinfo=UTC)
UNPINNED = {"_sqlite_migrations.csv", "raw/_sqlite_migrations.jsonl", "manifest.json", "report.pdf"}
HOSTILE = """ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note
=H-1,2026-03-02T09:00:00Z,created,,Billing,,"=HYPERLINK(""http://x"")",=1+2 charged twice,phone,high,,
=H-1,2026-03-02T09:05:00Z,take,@Ana,Billing,,,,,,,
=H-1,2026-03-02T10:00:00Z,transfer,@Ana,+Technical,,,,,,,
=H-1,2026-03-02T10:30:00Z,note,@Ana,,,,,,,,"-minus, ""quoted"" and
two lines"
=H-1,2026-03-02T11:00:00Z,status,'Bob,,,,,,,closed,\tstarts with a tab
H-2,2026-03-02T12:00:00Z,created,,Billing,,Zoë 😀 Łódź,'already guarded,email,low,,
H-2,2026-03-02T12:05:00Z,contact,Zoë 😀 Łódź,,,,,,,,@mention
"""


@pytest.fixture(scope="module")
def pinned(engine: str, tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> Iterator[tuple[SiteMaker, Site, Path]]:
    folder = tmp_path_factory.mktemp("bytes")
    maker: SiteMaker = site_maker(engine, folder, request)
    site: Site = maker.new()
    build_demo(site.location, tickets=60, seed=3, now=MOMENT)
    log = folder / "hostile.csv"
    log.write_text(HOSTILE.replace("\\t", "\t"), encoding="utf-8")
    assert main(["import", site.location, str(log)]) == 0
    out = folder / "pack"
    assert main(["export", site.location, "--out", str(out)]) == 0
    yield maker, site, out
    maker.drop()


@pytest.fixture
def pack(pinned: tuple[SiteMaker, Site, Path]) -> Path:
    return pinned[2]


def _digests(out: Path) -> dict[str, str]:
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*")) if path.is_file() and path.relative_to(out).as_posix() not in UNPINNED}


def test_the_pack_is_byte_for_byte_what_it_was(pack: Path, engine: str) -> None:
    pinned = json.loads(PINS.read_text(encoding="utf-8"))
    made = _digests(pack)
    assert made == pinned[engine], "files whose bytes changed: " + ", ".join(
        sorted(name for name in set(made) | set(pinned[engine]) if made.get(name) != pinned[engine].get(name)))


def test_findings_are_the_same_when_the_store_does_not_verify(pinned: tuple[SiteMaker, Site, Path],
                                                              tmp_path: Path) -> None:
    """A store that holds hands the pack the breaches its verify found; one that does not is walked again
    for them: both ways give the same file."""
    maker, site, pack = pinned
    broken = maker.clone(site)
    broken.tamper("UPDATE tickets SET subject = 'edited' WHERE id = 1")
    assert main(["export", broken.location, "--out", str(tmp_path / "pack")]) == 1
    assert (tmp_path / "pack" / "findings.csv").read_bytes() == (pack / "findings.csv").read_bytes()


def test_findings_are_the_same_when_verify_carries_none_back(pinned: tuple[SiteMaker, Site, Path],
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, site, pack = pinned
    monkeypatch.setattr("csconsole.store.verify_work.CARRIED_BREACHES", 0)
    assert main(["export", site.location, "--out", str(tmp_path / "pack")]) == 0
    assert (tmp_path / "pack" / "findings.csv").read_bytes() == (pack / "findings.csv").read_bytes()
    monkeypatch.undo()
    monkeypatch.setattr("csconsole.store.verify.CARRIED_IN_ALL", 1)  # the two breaches are one too many
    shutil.rmtree(tmp_path / "pack")
    assert main(["export", site.location, "--out", str(tmp_path / "pack")]) == 0
    assert (tmp_path / "pack" / "findings.csv").read_bytes() == (pack / "findings.csv").read_bytes()


def test_the_pack_written_while_verify_runs_in_processes_is_the_same(pinned: tuple[SiteMaker, Site, Path],
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A large store's verify checks its parts in a pool of processes while the pack writes its tables (the
    pool's way, here for a small store): the same files, the same verdict."""
    _, site, _ = pinned
    monkeypatch.setattr("csconsole.store.verify.POOL_FROM", 0)
    assert main(["export", site.location, "--out", str(tmp_path / "pack")]) == 0
    assert _digests(tmp_path / "pack") == json.loads(PINS.read_text(encoding="utf-8"))[site.engine]
    manifest = json.loads((tmp_path / "pack" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["chain"]["verified"] is True


def _as_csv(value: Any) -> str:
    """How csv.writer spells a value of a row (None as nothing, a float by repr)."""
    return "" if value is None else str(neutralise(value))


def test_every_csv_cell_is_its_raw_value_neutralised(pack: Path) -> None:
    guarded = 0
    for raw in sorted((pack / "raw").glob("*.jsonl")):
        with raw.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle]
        with (pack / f"{raw.stem}.csv").open(encoding="utf-8", newline="") as handle:
            header, *cells = list(csv.reader(handle))
        assert len(cells) == len(rows), raw.stem
        for row, line in zip(rows, cells, strict=True):
            assert list(row) == header, raw.stem
            assert line == [_as_csv(value) for value in row.values()], (raw.stem, row)
            guarded += sum(1 for value in row.values() if neutralise(value) is not value)
    _spelled_as_python_does(pack)
    assert guarded == 7, "the hostile texts that open a cell: a ref, two subjects, a customer, two agents, a queue"



SUBJECTS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tTab first", "\rCR first", "'guarded", "''twice", "plain",
            "a=b", " =space first", "ÉCU", "😀=", "=", "", "\x01\x1f\x7f controls", "line\u2028sep",
            'back\\slash "quoted"', "tab\tinside\nnewline"]


def test_the_store_guards_each_text_cell_as_neutralise_does(floor: Floor, tmp_path: Path) -> None:
    """Every character that opens a formula, the guard itself, and texts that hold them only later. The
    console strips a subject's blanks, so the subjects are written in by hand (the export then names the
    tickets that differ from their events, and writes the pack all the same)."""
    from csconsole.services import tickets

    for number in range(len(SUBJECTS)):
        tickets.create_ticket(floor.store, actor_id=floor.ana.id, customer=f"Customer {number}", subject="x",
                              channel="email", priority="normal", queue_id=floor.billing, ref=f"S-{number}")
    floor.site.tamper(*(f"UPDATE tickets SET subject = '{s.replace(chr(39), chr(39) * 2)}' WHERE ref = 'S-{n}'"
                        for n, s in enumerate(SUBJECTS)))
    assert main(["export", floor.location, "--out", str(tmp_path / "pack")]) == 1
    with (tmp_path / "pack" / "tickets.csv").open(encoding="utf-8", newline="") as handle:
        cells = {row["ref"]: row["subject"] for row in csv.DictReader(handle)}
    assert [cells[f"S-{n}"] for n in range(len(SUBJECTS))] == [neutralise(s) for s in SUBJECTS]
    assert [restore(cells[f"S-{n}"]) for n in range(len(SUBJECTS))] == SUBJECTS
    raw = [json.loads(line) for line in (tmp_path / "pack" / "raw" / "tickets.jsonl").open(encoding="utf-8")]
    assert [row["subject"] for row in raw if row["ref"].startswith("S-")] == SUBJECTS
    _spelled_as_python_does(tmp_path / "pack")


def _spelled_as_python_does(pack: Path) -> None:
    """Each line of every raw file is its row as Python's json spells it (the store may spell it itself)."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw in (pack / "raw").glob("*.jsonl"):
        for line in raw.read_text(encoding="utf-8").split("\n")[:-1]:
            assert encoder.encode(json.loads(line)) == line, raw.name
