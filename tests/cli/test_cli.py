"""The command line contract of DESIGN §6: outputs, exit codes, and one plain line per refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from csconsole.cli import main
from tests.sites import Site, fingerprint

HEADER = "ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note\n"
LOG = HEADER + """\
T-1,2026-03-02T09:00:00Z,created,,Billing,,Acme Ltd,Charged twice,phone,high,,
T-1,2026-03-02T09:05:00+00:00,take,Ana,Billing,,,,,,,
T-1,2026-03-02T10:00:00Z,transfer,Ana,Tech,Raj,,,,,,Looks like a router fault
T-1,2026-03-02T11:00:00Z,transfer,Raj,Billing,Ana,,,,,,It is a billing problem
T-1,2026-03-02T12:00:00Z,transfer,Ana,Tech,,,,,,,
T-1,2026-03-02T12:30:00Z,contact,Acme Ltd,,,,,,,,Still charged twice
T-1,2026-03-02T13:30:00Z,contact,Acme Ltd,,,,,,,,Third call
T-2,2026-03-02T09:30:00+01:00,created,,Tech,,Bo Berg,Router drops,email,low,,
T-2,2026-03-02T09:40:00Z,take,Raj,Tech,,,,,,,
T-2,2026-03-02T10:00:00Z,status,Ana,,,,,,,closed,
"""
AGENTS = "name,role,queue\nAna,agent,Billing\nRaj,agent,Tech\nSue,supervisor,\n"


@pytest.fixture
def imported(site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The log imported into a new store: on SQLite ``import`` makes the file itself; on a server the
    store is there, empty (``csconsole init`` made it)."""
    (tmp_path / "log.csv").write_text(LOG)
    (tmp_path / "agents.csv").write_text(AGENTS)
    db = site.location
    assert main(["import", db, str(tmp_path / "log.csv"), "--agents", str(tmp_path / "agents.csv")]) == 0
    out = capsys.readouterr().out
    assert "imported 10 events on 2 tickets (2 new); 2 rule breaches" in out
    return db


def tickets_json(db: str, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["tickets", db, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_import_then_tickets_json_gives_bounces_pingpongs_contacts(
    imported: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = {r["ref"]: r for r in tickets_json(imported, capsys)}
    t1 = rows["T-1"]
    assert t1["path"] == ["Billing/Ana", "Tech/Raj", "Billing/Ana", "Tech/—"]
    assert (t1["bounces"], t1["pingpongs"], t1["contacts"], t1["owner"]) == (3, 2, 3, None)
    assert set(t1) >= {"id", "ref", "subject", "customer", "queue", "owner", "status", "priority", "bounces",
                       "pingpongs", "contacts", "sla_state", "path"}
    assert rows["T-2"]["status"] == "closed"
    assert rows["T-2"]["created_at"] == "2026-03-02T08:30:00Z"  # the offset was honoured
    assert [r["ref"] for r in tickets_json(imported, capsys, "--min-bounces", "3")] == ["T-1"]
    assert [r["ref"] for r in tickets_json(imported, capsys, "--min-contacts", "3")] == ["T-1"]
    assert [r["ref"] for r in tickets_json(imported, capsys, "--queue", "tech", "--status", "closed")] == ["T-2"]
    assert [r["ref"] for r in tickets_json(imported, capsys, "--breached")] == ["T-1"]


def test_reassign_through_the_cli(imported: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reassign", imported, "T-1", "--to", "Ana", "--reason", "One owner", "--as", "Sue"]) == 0
    assert "reassigned to Ana" in capsys.readouterr().out
    assert tickets_json(imported, capsys, "--min-bounces", "4")[0]["owner"] == "Ana"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["T-404", "--to", "Ana", "--reason", "r", "--as", "Sue"], "no ticket 'T-404'"),
        (["T-1", "--to", "Ana", "--reason", "r", "--as", "Raj"], "only a supervisor or manager may reassign"),
        (["T-1", "--to", "Ana", "--reason", "  ", "--as", "Sue"], "a reason for the reassignment is required"),
        (["T-2", "--to", "Ana", "--reason", "r", "--as", "Sue"], "is closed and cannot be reassigned"),
        (["T-1", "--to", "Nobody", "--reason", "r", "--as", "Sue"], "no agent named 'Nobody'"),
        (["T-1", "--to", "Ana", "--as", "Sue"], "the following arguments are required: --reason"),
    ],
)
def test_reassign_refusals_are_one_line_exit_2_and_change_nothing(
    imported: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = tickets_json(imported, capsys)
    assert main(["reassign", imported, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert tickets_json(imported, capsys) == before


def test_stats_json(imported: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", imported, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["queues"]["Tech"]["depth"] == 1 and stats["queues"]["Billing"]["depth"] == 0
    assert (stats["bounced_over_two"], stats["senior_callbacks"], stats["breached"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("csv_text", "expected"),
    [
        (HEADER + "T-9,2026-03-02T09:00:00Z,created,,Billing,,X,s,fax,high,,\n", ":2:channel: unknown channel 'fax'"),
        (HEADER + "T-9,yesterday,created,,Billing,,X,s,phone,high,,\n", ":2:at: not an ISO 8601 time"),
        (HEADER + "T-9,2026-03-02T09:00:00,created,,Billing,,X,s,phone,high,,\n", ":2:at: time without an offset"),
        (HEADER + "T-9,2026-03-02T09:00:00Z,wave,,Billing,,X,s,phone,high,,\n", ":2:kind: unknown kind 'wave'"),
        (HEADER + "T-9,2026-03-02T09:00:00Z,take,Ana,Billing,,,,,,,\n", ":2:kind: take before ticket T-9 was created"),
        (HEADER + "T-9,2026-03-02T09:00:00Z,created,,Billing,,X,,phone,high,,\n", ":2:subject: missing subject"),
        (HEADER.replace(",note", "") + "T-9,2026-03-02T09:00:00Z,created,,B,,X,s,phone,high,\n", ":1:note: missing column"),
        (HEADER + "T-9,2026-03-02T09:00:00Z,created,,Billing,,X,s,phone,high,,\n"
                  "T-9,2026-03-02T08:00:00Z,take,Ana,,,,,,,,\n", ":3:at: 2026-03-02T08:00:00Z is earlier"),
        (HEADER + "T-1,2026-03-02T09:00:00Z,created,,Billing,,X,s,phone,high,,\n", ":2:ticket: ticket T-1 was already created in the store"),
        (HEADER + "T-9,2026-03-02T09:00:00Z,status,Ana,,,,,,,,\n", ":2:status: missing status"),
    ],
)
def test_import_is_all_or_nothing_with_file_row_field_messages(
    site: Site, imported: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], csv_text: str, expected: str
) -> None:
    bad = tmp_path / "bad.csv"
    # A good ticket first: all-or-nothing means it is not written either.
    good = "T-5,2026-03-02T09:00:00Z,created,,Billing,,Ok Co,fine,phone,low,,\n"
    if csv_text.startswith(HEADER):
        csv_text = HEADER + good + csv_text[len(HEADER):]
        row, rest = expected[1:].split(":", 1)
        expected = f":{int(row) + 1}:{rest}"
    bad.write_text(csv_text)
    before = fingerprint(site)
    assert main(["import", imported, str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}{expected}" in err
    assert "nothing was written" in err
    assert fingerprint(site) == before


def test_bad_encoding_is_named(imported: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "latin1.csv"
    bad.write_bytes((HEADER + "T-7,2026-03-02T09:00:00Z,created,,Billing,,Müller,s,phone,low,,\n").encode("latin-1"))
    assert main(["import", imported, str(bad)]) == 2
    assert f"{bad}:2:-: not UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "does not exist"),
        (lambda p: p.write_text("name,amount\nx,1\n"), "not an SQLite database"),
        (lambda p: p.mkdir(), "is a folder"),
    ],
)
def test_opening_what_is_not_a_store_is_one_plain_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make, message: str
) -> None:
    target = tmp_path / "store.db"
    make(target)
    assert main(["stats", str(target)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_a_real_process_never_shows_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00" * 4096)
    result = subprocess.run([sys.executable, "-m", "csconsole.cli", "tickets", str(junk)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "not an SQLite database" in result.stderr and "Traceback" not in result.stderr


def test_rebuild_and_demo(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    db = site.location
    assert main(["demo", db, "--tickets", "300", "--seed", "3"]) == 0
    assert "300 tickets" in capsys.readouterr().out
    before = fingerprint(site)
    assert main(["demo", db, "--tickets", "300"]) == 2
    err = capsys.readouterr().err
    assert ("already holds a store in use" if site.on_postgres else "already exists") in err
    assert err.count("\n") == 1 and fingerprint(site) == before
    assert main(["rebuild", db]) == 0
    assert "0 rows had drifted" in capsys.readouterr().out
    assert main(["audit", "verify", db]) == 0


def test_a_cancelled_csv_import_writes_nothing(site: Site, imported: str, tmp_path: Path) -> None:
    import threading

    from csconsole.io.csv_import import ImportCancelled, import_csv
    from csconsole.services import open_store

    rows = "".join(f"N-{i},2026-03-02T09:00:00Z,created,,Billing,,C{i},s,chat,low,,\n" for i in range(2500))
    log = tmp_path / "big.csv"
    log.write_text(HEADER + rows)
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        cancel.set()  # the user presses Cancel after the first progress report

    before = fingerprint(site)
    with open_store(imported) as store, pytest.raises(ImportCancelled):
        import_csv(store, log, progress=progress, cancel=cancel)
    assert seen == [1000]
    assert fingerprint(site) == before
