"""The audit pack: a CSV per table (every row), report.pdf with pages, a manifest whose hashes hold,
exported from a read-only store without changing a byte of it."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from csconsole.cli import main
from csconsole.io.demo import build_demo
from csconsole.io.export import export
from csconsole.services import StoreError, open_store
from csconsole.store import table_dump
from csconsole.ui.report_pdf import report_html
from tests.conftest import site_maker
from tests.sites import Site, SiteMaker, fingerprint
from tests.sql import connection

BREACHES = """ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note
H-1,2026-03-02T09:00:00Z,created,,Billing,,Acme Ltd,Charged twice,phone,high,,
H-1,2026-03-02T09:05:00Z,take,Ana Silva,Billing,,,,,,,
H-1,2026-03-02T10:00:00Z,transfer,Ana Silva,Technical,,,,,,,
H-1,2026-03-02T11:00:00Z,status,Bob Stranger,,,,,,,closed,done
"""


DEMO_FINDINGS: list[int] = []


@pytest.fixture(scope="module")
def makers(engine: str, tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> Iterator[SiteMaker]:
    maker = site_maker(engine, tmp_path_factory.mktemp("export"), request)
    yield maker
    maker.drop()


@pytest.fixture(scope="module")
def demo_site(makers: SiteMaker) -> Site:
    site = makers.new()
    build_demo(site.location, tickets=400, seed=3)
    with open_store(site.location, read_only=True) as store:  # the demo's own breaches (a few, by design)
        DEMO_FINDINGS.append(export(store, makers.folder / "before").report.findings_total)
    log = makers.folder / "breaches.csv"
    log.write_text(BREACHES)
    assert main(["import", site.location, str(log)]) == 0  # a transfer without a note, a close by a stranger
    return site


@pytest.fixture
def demo(demo_site: Site) -> str:
    return demo_site.location


def _sha(file: Path) -> str:
    return hashlib.sha256(file.read_bytes()).hexdigest()


def _pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def _state(site: Site) -> tuple[object, ...]:
    if site.on_postgres:
        return fingerprint(site)
    wal = Path(f"{site.location}-wal")
    return _sha(site.path), hashlib.sha256(wal.read_bytes() if wal.exists() else b"").hexdigest()


def test_the_pack_has_every_row_a_pdf_and_a_manifest_that_holds(
    demo_site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _state(demo_site)
    out = tmp_path / "pack"
    assert main(["export", demo_site.location, "--out", str(out)]) == 0
    assert "chain head" in capsys.readouterr().out
    assert _state(demo_site) == before, "an export changes no byte of the store"

    store = open_store(demo_site.location, read_only=True)
    conn = connection(store)
    tables = table_dump.table_names(store)
    assert {"tickets", "events", "agents", "queues", "customers", "agent_pins"} <= set(tables)
    assert not (out / "agent_pins.csv").exists(), "PIN hashes are secrets: they never leave the store"
    for table in set(tables) - {"agent_pins"}:
        with (out / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) - 1 == conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0], table
        assert rows[0] == [d[0] for d in conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description]
    head = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    store.close()

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) | {"manifest.json"} == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for name, entry in listed.items():
        assert entry["sha256"] == _sha(out / name) and entry["bytes"] == (out / name).stat().st_size
    kept = manifest["chain"]
    assert (kept["seq"], kept["head"], kept["verified"]) == (*head, True)

    with (out / "findings.csv").open(encoding="utf-8", newline="") as handle:
        rules = {row["rule"] for row in csv.DictReader(handle) if row["ref"] == "H-1"}
    assert rules == {"transfer without a note", "close by someone neither owner nor supervisor"}

    pdf = out / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and _pages(pdf) >= 2


def test_the_report_names_its_sections_and_findings(demo: str, tmp_path: Path) -> None:
    with open_store(demo, read_only=True) as store:
        report = export(store, tmp_path / "pack").report
    html = report_html(report)
    for heading in ("Audit chain", "Summary of the period", "Queues", "Tickets bounced more than twice",
                    "Senior callbacks", "Service recovery", "Findings", "Files of this pack"):
        assert heading in html
    assert report.bounced_total >= len(report.bounced) > 0 and all(t.bounces >= 3 for t in report.bounced)
    assert all(" → " in " → ".join(t.path) or len(t.path) == 1 for t in report.bounced)
    assert report.findings_total == DEMO_FINDINGS[0] + 2 and f"event <b>{report.chain_head.seq}</b>" in html
    assert report.chain_ok and report.chain_checked == report.events


@pytest.mark.sqlite_only  # a store of an older schema, made by hand
def test_a_store_without_recovery_tables_says_so(demo: str, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(demo, old)
    conn = sqlite3.connect(old)
    for table in ("recovery_cases", "evaluations"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.commit()
    conn.close()
    # A store of today's schema without them is damaged, and every command refuses it (issue 17); it
    # used to be exported with "No recovery cases", hiding the loss.
    with pytest.raises(StoreError, match="is damaged: its evaluations, recovery_cases tables are missing"):
        open_store(str(old), read_only=True)
    assert not (tmp_path / "pack").exists()


def test_a_broken_chain_is_exported_and_reported(demo_site: Site, makers: SiteMaker, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    tampered = makers.clone(demo_site)
    tampered.tamper("UPDATE events SET at = '2020-01-01T00:00:00Z' WHERE seq = 7")
    assert main(["export", tampered.location, "--out", str(tmp_path / "pack")]) == 1
    assert "event 7 " in capsys.readouterr().err
    manifest = json.loads((tmp_path / "pack" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["chain"]["verified"] is False and "event 7 " in manifest["chain"]["problem"]


def test_a_folder_in_use_is_refused_and_left_alone(demo: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(["export", demo, "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_progress_runs_to_the_end(demo: str, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with open_store(demo, read_only=True) as store:
        export(store, tmp_path / "pack", progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.sqlite_only  # the fault harness's writer processes
def test_the_pack_is_one_snapshot_while_a_writer_keeps_working(tmp_path: Path) -> None:
    from tests.faults.harness import make_store, run_to_end, spawn, start_together

    store = make_store(tmp_path / "busy.db", n_tickets=40)
    writer = spawn("write", str(store), "400", "busy", "--together")
    start_together([writer])
    with open_store(str(store), read_only=True) as opened:
        result = export(opened, tmp_path / "pack")
    (outcome,) = run_to_end([writer])
    assert len(outcome.acks) == 400 and outcome.refusals == []
    with (tmp_path / "pack" / "events.csv").open(encoding="utf-8", newline="") as handle:
        seqs = [int(row["seq"]) for row in csv.DictReader(handle)]
    with (tmp_path / "pack" / "tickets.csv").open(encoding="utf-8", newline="") as handle:
        last_seqs = [int(row["last_seq"]) for row in csv.DictReader(handle)]
    head = result.report.chain_head.seq
    assert seqs == list(range(1, head + 1)) and max(last_seqs) == head and result.report.chain_ok


def test_the_period_spans_the_whole_history_even_when_older_history_was_imported_last(
    demo: str, tmp_path: Path
) -> None:
    with open_store(demo, read_only=True) as store:
        report = export(store, tmp_path / "pack").report
        first, last = connection(store).execute(
            "SELECT min(at), max(at) FROM events WHERE ticket_id IS NOT NULL").fetchone()
    assert (report.period_start, report.period_end) == (first, last)
    assert report.period_start.startswith("2026-03-02")  # the imported H-1 history, older than the demo


def test_findings_judge_each_action_by_the_roles_in_force_when_it_happened(tmp_path: Path) -> None:
    """Promoting the agent afterwards (an event, from then on) does not make their earlier reassign right."""
    from csconsole.io.csv_import import import_csv
    from csconsole.services import people, queries

    log = tmp_path / "log.csv"
    log.write_text(BREACHES.replace("H-1,2026-03-02T10:00:00Z,transfer,Ana Silva,Technical,,,,,,,",
                                    "H-1,2026-03-02T10:00:00Z,reassign,Ana Silva,Technical,Ana Silva,,,,,,mine"),
                   encoding="utf-8")
    with open_store(str(tmp_path / "floor.db"), create=True) as store:
        import_csv(store, log)
        ana = queries.agent_by_name(store, "Ana Silva")
        before = {f.rule for f in export(store, tmp_path / "before").report.findings}
        people.change_agent(store, ana.id, role="supervisor")
        after = {f.rule for f in export(store, tmp_path / "after").report.findings}
    assert "reassign by a non-supervisor" in before
    assert after == before


def test_a_killed_export_leaves_no_pack_that_looks_whole(demo: Path, tmp_path: Path) -> None:
    """SIGKILL while the CSVs are written: the target folder never appears without its manifest."""
    import os
    import signal
    import sys
    import time

    pack = tmp_path / "pack"
    child = subprocess.Popen([sys.executable, "-m", "csconsole.cli", "export", str(demo), "--out", str(pack)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".pack.partial/tickets.csv")):
        assert child.poll() is None and time.monotonic() < deadline, "the export ended before it was killed"
        time.sleep(0.005)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert not pack.exists()  # only the hidden .partial folder, which the next export of that name clears
