"""Zendesk import on a hand-built export of the documented API shapes: numbers, cross-check, all or nothing."""

from __future__ import annotations

import json
import shutil
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from csconsole.cli import main
from csconsole.domain.read_models import TicketFilter, TicketRow
from csconsole.io.csv_import import ImportRejected, import_csv
from csconsole.io.zendesk import ImportCancelled, import_zendesk
from csconsole.services import Store, audit, crosscheck, open_store, queries
from csconsole.store import zendesk_schema
from tests.sql import connection

FIXTURE = Path(__file__).parent.parent / "fixtures" / "zendesk"

# ref → (queue, owner, status, bounces, pingpongs, contacts, path)
EXPECTED = {
    "ZD-1001": ("Billing", "Ana", "closed", 0, 0, 2, ("Billing/Ana",)),
    "ZD-1002": ("Tech", "Raj", "resolved", 3, 2, 3, ("Billing/Ana", "Tech/Raj", "Billing/Ana", "Tech/Raj")),
    "ZD-1003": ("Billing", "Li", "resolved", 0, 0, 2, ("Billing/Li",)),
    "ZD-1004": ("Billing", "Li", "resolved", 1, 0, 1, ("Billing/Ana", "Billing/Li")),
    "ZD-1005": ("Returns", "Omar", "resolved", 0, 0, 1, ("Returns/Omar",)),
    "ZD-1006": ("Billing", "Ana", "resolved", 0, 0, 1, ("Billing/Ana",)),
    "ZD-1007": ("Tech", "Raj", "open", 0, 0, 3, ("Tech/Raj",)),
    "ZD-1008": ("Tech", "Raj", "pending", 3, 1, 1, ("Billing/Ana", "Tech/Raj", "Tech/—", "Tech/Raj")),
    "ZD-1010": ("Tech", "Raj", "closed", 0, 0, 1, ("Tech/Raj",)),
    "ZD-1011": ("Billing", "Ana", "resolved", 0, 0, 2, ("Billing/Ana",)),
    "ZD-1012": ("Returns", "Omar", "open", 2, 1, 1, ("Returns/Omar", "Billing/Ana", "Returns/Omar")),
}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A copy of the fixture a test may change."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "export"))


def rows(store: Store) -> dict[str, TicketRow]:
    return {row.ref: row for row in queries.all_tickets(store, TicketFilter())}


def edit(file: Path, change: Any) -> None:
    document = json.loads(file.read_text())
    change(document)
    file.write_text(json.dumps(document))


def footprint(store: Store) -> tuple[int, int, int, int]:
    conn = connection(store)
    tables = ("tickets", "events", "agents", "customers")
    return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)  # type: ignore[return-value]


def test_the_fixture_gives_the_right_holders_bounces_pingpongs_contacts_and_paths(store: Store) -> None:
    result = import_zendesk(store, FIXTURE)
    assert (result.tickets, result.new_tickets, result.skipped, result.metrics) == (11, 11, 1, 11)
    got = rows(store)
    assert {ref: (r.queue, r.owner, r.status, r.bounces, r.pingpongs, r.contacts, r.path)
            for ref, r in got.items()} == EXPECTED
    # Mapping of the ticket fields: organisation as the customer, channels, priorities.
    assert (got["ZD-1002"].customer, got["ZD-1002"].channel, got["ZD-1002"].priority) == ("Acme Ltd", "email", "urgent")
    assert (got["ZD-1003"].customer, got["ZD-1003"].channel) == ("Priya Shah", "phone")
    assert (got["ZD-1004"].channel, got["ZD-1005"].channel, got["ZD-1006"].channel) == ("chat", "social", "social")
    assert got["ZD-1007"].priority == "normal"  # Zendesk's null priority
    assert got["ZD-1010"].priority == "urgent"  # raised from high by an escalate event
    roles = {a.name: a.role.value for a in queries.agents(store)}
    assert roles == {"Ana": "agent", "Raj": "agent", "Li": "agent", "Omar": "agent", "Sue": "supervisor",
                     "Zendesk automation": "supervisor"}
    # History kept as it happened: Li resolved a ticket Ana owned; unnoted transfers are findings.
    assert sorted(f.rule for f in result.findings) == [
        "resolve by someone neither owner nor supervisor"] + ["transfer without a note"] * 3
    # A private comment on a transfer is its note; other private comments are notes of their own.
    detail = queries.ticket_detail(store, got["ZD-1002"].id)
    kinds = [e.kind for e in detail.events]
    assert kinds == ["created", "take", "transfer", "contact", "transfer", "transfer", "contact", "reply", "status",
                     "zendesk_synced"]  # Zendesk's own metrics, as the import found them
    assert kinds.count("note") == 0
    assert "note" in [e.kind for e in queries.ticket_detail(store, got["ZD-1006"].id).events]
    # Derived columns equal a rebuild from the events alone, and the chain holds.
    assert audit.rebuild(store).corrected == 0
    assert audit.verify(store, None).ok


def test_our_numbers_agree_with_zendesk_metrics_on_the_fixture(store: Store) -> None:
    import_zendesk(store, FIXTURE)
    check = crosscheck.check(store)
    assert check.checked == 11
    assert check.disagreements == []


def test_a_disagreeing_metric_is_reported(store: Store, export: Path) -> None:
    def tamper(document: dict[str, Any]) -> None:
        for metrics in document["ticket_metrics"]:
            if metrics["ticket_id"] == 1002:
                metrics["assignee_stations"] = 5  # Zendesk saw one more assignee than we did
            if metrics["ticket_id"] == 1003:
                metrics["replies"] = 7

    edit(export / "ticket_metrics.json", tamper)
    import_zendesk(store, export)
    found = {(d.ref, d.metric, d.ours, d.zendesk) for d in crosscheck.check(store).disagreements}
    assert found == {("ZD-1002", "assignee_stations", 4, 5), ("ZD-1002", "bounces", 3, 4),
                     ("ZD-1003", "replies", 2, 7)}


def test_counts_follow_the_documented_identity_on_a_silent_handoff(store: Store) -> None:
    import_zendesk(store, FIXTURE)
    emma = rows(store)["ZD-1008"]
    events = [e for e in queries.ticket_detail(store, emma.id).events]
    assert [e.kind for e in events][:5] == ["created", "take", "transfer", "transfer", "transfer"]
    from csconsole.store.ledger import load_events

    counts = crosscheck.count(load_events(store, emma.id))
    # Billing/Ana → Tech/Raj (joint) → Tech/— (silent: Zendesk sees no station) → Tech/Raj.
    assert (counts.assignee_stations, counts.group_stations, counts.joint, counts.silent) == (3, 2, 1, 1)
    assert counts.bounces_implied(3, 2) == emma.bounces == 3


def test_a_zip_of_the_export_with_a_top_folder_imports_the_same(store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "zendesk-export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in FIXTURE.rglob("*.json"):
            zipped.write(file, "export-2026-03/" + file.relative_to(FIXTURE).as_posix())
    import_zendesk(store, archive)
    assert {ref: r.path for ref, r in rows(store).items()} == {ref: e[6] for ref, e in EXPECTED.items()}


def test_one_combined_export_file_is_accepted(store: Store, tmp_path: Path) -> None:
    combined: dict[str, Any] = {}
    for file in FIXTURE.glob("*.json"):
        combined.update({k: v for k, v in json.loads(file.read_text()).items() if isinstance(v, list)})
    combined["audits"] += json.loads((FIXTURE / "audits" / "1012.json").read_text())["audits"]
    folder = tmp_path / "combined"
    folder.mkdir()
    (folder / "export.json").write_text(json.dumps(combined))
    import_zendesk(store, folder)
    assert crosscheck.check(store).disagreements == []
    assert rows(store)["ZD-1012"].bounces == 2


def test_a_later_export_appends_only_new_audits(store: Store, export: Path) -> None:
    last: dict[str, Any] = {}

    def hold_back(document: dict[str, Any]) -> None:
        last.update(document["audits"].pop())  # ZD-1012's move back to Returns/Omar

    edit(export / "audits" / "1012.json", hold_back)
    import_zendesk(store, export)
    assert rows(store)["ZD-1012"].path == ("Returns/Omar", "Billing/Ana")
    before = footprint(store)
    again = import_zendesk(store, export)  # the same export again writes nothing new
    assert (again.events, again.new_tickets, footprint(store)) == (0, 0, before)
    edit(export / "audits" / "1012.json", lambda d: d["audits"].append(last))
    later = import_zendesk(store, export)
    assert (later.events, later.tickets, later.new_tickets) == (1, 1, 0)
    assert rows(store)["ZD-1012"].path == EXPECTED["ZD-1012"][6]
    assert crosscheck.check(store).disagreements == []


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        ("ticket_audits.json", lambda d: d["audits"][7]["events"][1].update(value="999"),
         "ticket_audits.json:audits[7]:events[1].value: unknown group 999"),
        ("ticket_audits.json", lambda d: d["audits"][0].update(created_at="yesterday"),
         "ticket_audits.json:audits[0]:created_at: not an ISO 8601 time"),
        ("tickets.json", lambda d: d["tickets"][1].update(status="waiting"),
         "tickets.json:tickets[1]:status: unknown status 'waiting'"),
        ("tickets.json", lambda d: d["tickets"][2].update(requester_id=4242),
         "tickets.json:tickets[2]:requester_id: unknown user 4242"),
        ("users.json", lambda d: d["users"][0].update(role="owner"),
         "users.json:users[0]:role: unknown role 'owner'"),
        ("ticket_metrics.json", lambda d: d["ticket_metrics"][0].update(reopens=-1),
         "ticket_metrics.json:ticket_metrics[0]:reopens: expected a count"),
        ("ticket_audits.json", lambda d: d["audits"][1]["events"][0].update(value="505"),
         "ticket_audits.json:audits[1]:events[0].value: user 505 (Chen Wei) is an end-user"),
    ],
)
def test_a_structural_error_rejects_everything_with_file_row_field(
    store: Store, export: Path, file: str, change: Any, expected: str
) -> None:
    edit(export / file, change)
    before = footprint(store)
    with pytest.raises(ImportRejected) as rejected:
        import_zendesk(store, export)
    assert any(f"{export}/{expected}" in line for line in rejected.value.problems), rejected.value.problems
    assert footprint(store) == before == (0, 0, 0, 0)


def test_broken_json_is_named_and_nothing_is_written(store: Store, export: Path) -> None:
    (export / "users.json").write_text('{"users": [{"id": 1,]}')
    with pytest.raises(ImportRejected) as rejected:
        import_zendesk(store, export)
    assert rejected.value.problems[0].startswith(f"{export}/users.json:$:-: not JSON")
    assert footprint(store) == (0, 0, 0, 0)


def test_a_failure_while_writing_rolls_everything_back(store: Store, tmp_path: Path) -> None:
    # ZD-1012 already exists in the store from a CSV log: refused inside the write transaction.
    log = tmp_path / "log.csv"
    log.write_text("ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note\n"
                   "ZD-1012,2026-03-01T09:00:00Z,created,,Billing,,Bo,Other,email,low,,\n")
    import_csv(store, log)
    before = footprint(store)
    with pytest.raises(ImportRejected, match="ZD-1012 is already in the store"):
        import_zendesk(store, FIXTURE)
    assert footprint(store) == before


def test_cancelling_writes_nothing(store: Store) -> None:
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 5:
            cancel.set()

    with pytest.raises(ImportCancelled):
        import_zendesk(store, FIXTURE, progress=progress, cancel=cancel)
    assert seen == [(n, 12) for n in range(1, 6)]
    assert footprint(store) == (0, 0, 0, 0)
    assert audit.head(store).seq == 0


@pytest.mark.sqlite_only  # sqlite-utils migrations
def test_the_migration_function_is_idempotent_on_a_store(store: Store) -> None:
    # Applied as a sqlite-utils migration on a store that already has the table (from migration 0003).
    migrations = Migrations("zendesk-check")
    migrations(name="0003_zendesk")(zendesk_schema.create_zendesk_tables)
    with store.atomic():
        migrations.apply(Database(connection(store)))
    zendesk_schema.create_zendesk_tables(Database(connection(store)))  # again: the store's own migration 0003 made it first
    import_zendesk(store, FIXTURE)
    assert connection(store).execute("SELECT count(*) FROM zendesk_tickets").fetchone()[0] == 11


def test_cli_import_zendesk_prints_the_summary_and_the_disagreements(
    store: Store, store_location: str, export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(export / "ticket_metrics.json", lambda d: d["ticket_metrics"][0].update(reopens=2))
    assert main(["import", store_location, str(export), "--format", "zendesk"]) == 0
    out = capsys.readouterr().out
    assert "disagrees: ZD-1001: reopens 0 here, 2 in Zendesk" in out
    assert ("imported 74 events on 11 tickets (11 new, 1 skipped); 4 rule breaches recorded as findings; "
            "Zendesk metrics on 11 tickets: 1 disagreements") in out
    assert main(["import", store_location, str(export / "missing"), "--format", "zendesk"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_written_in_short_transactions_a_cut_short_import_is_finished_by_importing_again(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import csconsole.io.zendesk as zendesk
    from csconsole.io.import_outcome import ImportPaused

    clean = open_store(str(tmp_path / "clean.db"), create=True)
    import_zendesk(clean, FIXTURE)
    monkeypatch.setattr(zendesk, "CHUNK_SECONDS", 0.0)  # one ticket a transaction, so a cancel lands between
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == 5:
            cancel.set()

    with pytest.raises(ImportPaused, match="stopped after 5 of 12"):
        import_zendesk(store, FIXTURE, progress=progress, cancel=cancel)
    assert footprint(store)[0] == 5  # whole tickets, committed one by one
    assert connection(store).execute("SELECT count(*) FROM zendesk_tickets").fetchone()[0] == 5
    again = import_zendesk(store, FIXTURE)
    assert again.new_tickets == 6  # the rest (one of the 12 is deleted in Zendesk)
    assert footprint(store) == footprint(clean)
    assert audit.verify(store).ok and audit.head(store) == audit.head(clean)
    events = connection(store).execute("SELECT data FROM events").fetchall()
    assert all(json.loads(d)["import"] == again.batch for (d,) in events)
    clean.close()
