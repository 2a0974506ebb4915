"""Zendesk's schedules and SLA policies imported as SLA policies: queues' hours, zones, holidays and
targets; checked whole (a bad schedule writes nothing); unmappable conditions warned; on both engines."""

from __future__ import annotations

import json
import shutil
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from csconsole.cli import main
from csconsole.io.csv_import import ImportRejected
from csconsole.io.zendesk import ImportCancelled, import_zendesk
from csconsole.io.zendesk_sla import hours_text
from csconsole.services import Store, audit, sla
from tests.io.test_zendesk import FIXTURE, edit, footprint, rows
from tests.sql import connection

SLA_FILES = Path(__file__).parent.parent / "fixtures" / "zendesk_sla"
TECH_TARGETS = ("urgent:first=30,next=60,resolution=480; high:first=60,next=120,resolution=960; "
                "normal:first=240,next=480,resolution=1920; low:first=480,next=960,resolution=2880")
DESK_TARGETS = ("urgent:first=20,next=40,resolution=360; high:first=60,next=120,resolution=720; "
                "normal:first=180,next=360,resolution=1440; low:first=360,next=720,resolution=2880")


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """The Zendesk fixture with the SLA fixture's files added: schedules.json (two schedules, one with its
    holidays inside, one with schedules/9002/holidays.json) and sla_policies.json (four policies)."""
    folder = Path(shutil.copytree(FIXTURE, tmp_path / "export"))
    shutil.copytree(SLA_FILES, folder, dirs_exist_ok=True)
    return folder


def in_force(store: Store) -> dict[str, tuple[bool, dict[str, str]]]:
    return {row.name: (row.own, row.policy.to_dict()) for row in sla.policies(store)}


def policy_events(store: Store) -> list[dict[str, Any]]:
    rows = connection(store).execute("SELECT data FROM events WHERE kind = 'sla_policy_set' ORDER BY seq")
    return [json.loads(data) for (data,) in rows]


def test_the_export_sets_each_queue_s_hours_zone_closed_days_and_targets(store: Store, export: Path) -> None:
    result = import_zendesk(store, export)
    assert (result.sla_policies, result.retimed, result.new_tickets) == (4, 0, 11)
    policies = in_force(store)
    # "Tech desk" (group_id is 202), in business hours: the schedule named like the group, its zone from
    # the Rails name, its holiday from schedules/9002/holidays.json.
    assert policies["Tech"] == (True, {"hours": "mon-fri 08:00-20:00; sat 10:00-14:00", "timezone": "America/New_York",
                                       "holidays": "none", "closed": "2026-07-03", "targets": TECH_TARGETS})
    # "Billing and Returns" (any of two groups), around the clock.
    for queue in ("Billing", "Returns"):
        assert policies[queue] == (True, {"hours": "24/7", "timezone": "UTC", "holidays": "none", "closed": "none",
                                          "targets": DESK_TARGETS})
    # "Everyone else" (no condition): store-wide, on Zendesk's default schedule (the first), its holidays
    # (inside the schedule, three days) as closed days.
    assert policies["(every queue)"] == (True, {
        "hours": "mon-fri 09:00-17:00", "timezone": "Europe/Berlin", "holidays": "none",
        "closed": "2026-12-24,2026-12-25,2026-12-26", "targets": TECH_TARGETS})
    assert policies["Unassigned"][0] is False  # follows the store-wide policy
    # Marked as the import's other records are, and the derived columns equal a rebuild.
    events = policy_events(store)
    assert len(events) == 4 and all(e["import"] == result.batch for e in events)
    assert audit.verify(store, None).ok
    assert audit.rebuild(store).corrected == 0
    # What csconsole cannot keep is said, each line naming its file and JSON path.
    warnings = "\n".join(result.warnings)
    assert f"{export}/sla_policies.json:sla_policies[0]:policy_metrics[12].metric: SLA policy 'Tech desk': " \
           "agent_work_time" in warnings
    assert f"{export}/sla_policies.json:sla_policies[1]:filter: SLA policy 'VIP customers' not imported" in warnings
    assert "'Everyone else': the export holds 2 schedules; Zendesk's default, 'Berlin office'" in warnings


def test_the_open_tickets_already_in_the_store_are_re_timed_and_the_same_export_sets_nothing_again(
        store: Store, export: Path) -> None:
    import_zendesk(store, FIXTURE)  # the tickets first, under the default 24/7 policy
    before = {ref: row for ref, row in rows(store).items() if row.status in ("open", "pending")}
    result = import_zendesk(store, export)
    assert (result.sla_policies, result.new_tickets, result.events) == (4, 0, 0)
    assert result.retimed == 3  # ZD-1007 and ZD-1008 in Tech, ZD-1012 in Returns
    after = rows(store)
    assert sorted(before) == ["ZD-1007", "ZD-1008", "ZD-1012"]
    due = {ref: (row.first_reply_due_at, row.resolution_due_at) for ref, row in before.items()}
    assert {ref for ref in before if (after[ref].first_reply_due_at, after[ref].resolution_due_at) != due[ref]} \
        == {"ZD-1007", "ZD-1012"}  # ZD-1008 waits on the customer: its clocks stay paused (and moved inside)
    assert after["ZD-1008"].sla_paused
    assert audit.verify(store, None).ok
    assert audit.rebuild(store).corrected == 0
    again = footprint(store)
    repeat = import_zendesk(store, export)
    assert (repeat.sla_policies, repeat.retimed, footprint(store)) == (0, 0, again)


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        ("schedules.json", lambda d: d["schedules"][0].update(time_zone="Mars/Olympus Mons"),
         "schedules.json:schedules[0]:time_zone: unknown time zone 'Mars/Olympus Mons'"),
        ("schedules.json", lambda d: d["schedules"][1]["intervals"].append({"start_time": 1900, "end_time": 2000}),
         "schedules.json:schedules[1]:intervals[6]: overlaps intervals[0]"),
        ("schedules.json", lambda d: d["schedules"][0]["intervals"][2].update(end_time=10081),
         "schedules.json:schedules[0]:intervals[2].end_time: expected minutes from Sunday 00:00 (0 to 10080)"),
        ("schedules.json", lambda d: d["schedules"][0]["intervals"][1].update(start_time=3500, end_time=3400),
         "schedules.json:schedules[0]:intervals[1]: ends (3400) at or before it starts (3500)"),
        ("schedules.json", lambda d: d["schedules"][0]["holidays"][0].update(end_date="2026-12-23"),
         "schedules.json:schedules[0]:holidays[0].end_date: 2026-12-23 is before 2026-12-24"),
        ("schedules/9002/holidays.json", lambda d: d["holidays"][0].update(start_date="July 3rd"),
         "schedules/9002/holidays.json:holidays[0]:start_date: expected a date YYYY-MM-DD, got 'July 3rd'"),
        ("sla_policies.json", lambda d: d["sla_policies"][2]["policy_metrics"][0].update(target=0),
         "sla_policies.json:sla_policies[2]:policy_metrics[0].target: expected whole minutes from 1"),
        ("sla_policies.json", lambda d: d["sla_policies"][0]["policy_metrics"][0].update(priority="asap"),
         "sla_policies.json:sla_policies[0]:policy_metrics[0].priority: unknown priority 'asap'"),
    ],
)
def test_a_bad_schedule_or_policy_is_refused_naming_its_file_and_json_path_and_nothing_is_written(
        store: Store, export: Path, file: str, change: Any, expected: str) -> None:
    edit(export / file, change)
    with pytest.raises(ImportRejected) as rejected:
        import_zendesk(store, export)
    assert any(line.startswith(f"{export}/{expected}") for line in rejected.value.problems), rejected.value.problems
    assert footprint(store) == (0, 0, 0, 0)


def test_holidays_of_a_schedule_the_export_does_not_hold_are_refused(store: Store, export: Path) -> None:
    (export / "schedules" / "9002").rename(export / "schedules" / "9003")
    with pytest.raises(ImportRejected, match=r"schedules/9003/holidays.json:holidays\[0\]:-: holidays of "
                                             "schedule 9003, which is not in schedules.json"):
        import_zendesk(store, export)
    assert footprint(store) == (0, 0, 0, 0)


def test_a_condition_csconsole_cannot_map_skips_that_policy_with_a_warning(store: Store, export: Path) -> None:
    def by_organisation(document: dict[str, Any]) -> None:
        document["sla_policies"][0]["filter"]["all"].append(
            {"field": "organization_id", "operator": "is", "value": 360001})

    edit(export / "sla_policies.json", by_organisation)
    result = import_zendesk(store, export)
    assert (f"{export}/sla_policies.json:sla_policies[0]:filter: SLA policy 'Tech desk' not imported: csconsole "
            "cannot select tickets by organization_id is 360001") in "\n".join(result.warnings)
    policies = in_force(store)
    assert policies["Tech"][0] is False  # under the store-wide policy, "Everyone else"
    assert result.sla_policies == 3
    assert audit.rebuild(store).corrected == 0


def test_mixed_business_hours_take_the_schedule_and_a_later_policy_for_a_claimed_group_is_skipped(
        store: Store, export: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        policies = document["sla_policies"]
        policies[2]["policy_metrics"][0]["business_hours"] = True  # Billing and Returns: one metric in hours
        policies[3]["filter"] = {"all": [{"field": "group_id", "operator": "is", "value": 202}], "any": []}

    edit(export / "sla_policies.json", change)
    result = import_zendesk(store, export)
    warnings = "\n".join(result.warnings)
    assert "'Billing and Returns' counts some targets in business hours and some around the clock" in warnings
    assert "SLA policy 'Everyone else' not imported for Tech: Zendesk applies 'Tech desk', an earlier policy" \
        in warnings
    policies = in_force(store)
    assert policies["Billing"][1]["timezone"] == "Europe/Berlin"  # no schedule named Billing: the default
    assert policies["(every queue)"][0] is False
    assert audit.rebuild(store).corrected == 0


def test_a_zip_with_the_schedules_holidays_folder_imports_the_same(store: Store, export: Path,
                                                                  tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in export.rglob("*.json"):
            zipped.write(file, "zendesk/" + file.relative_to(export).as_posix())
    import_zendesk(store, archive)
    assert in_force(store)["Tech"][1]["closed"] == "2026-07-03"


def test_the_command_line_says_how_many_policies_were_set(
        store_location: str, export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", store_location, str(export), "--format", "zendesk"]) == 0
    captured = capsys.readouterr()
    assert "SLA policies from Zendesk: 4 set; 0 open tickets re-timed" in captured.out
    assert "'VIP customers' not imported" in captured.err


@pytest.mark.parametrize(
    ("intervals", "hours"),
    [
        ([(1 * 1440 + 540, 1 * 1440 + 1020)], "mon 09:00-17:00"),
        ([(6 * 1440 + 1320, 7 * 1440)], "sat 22:00-24:00"),  # up to the week's end
        ([(1320, 1440 + 120)], "mon 00:00-02:00; sun 22:00-24:00"),  # Sunday night into Monday
        ([(0, 2 * 1440)], "mon 00:00-24:00; sun 00:00-24:00"),  # two whole days in one interval
    ],
)
def test_zendesk_intervals_become_our_hours(intervals: list[tuple[int, int]], hours: str) -> None:
    assert hours_text(intervals) == hours


def test_the_same_export_again_does_not_undo_a_policy_edited_since(store: Store, export: Path) -> None:
    import_zendesk(store, export)
    tech = next(row for row in sla.policies(store) if row.name == "Tech")
    assert tech.queue_id is not None
    edited = sla.amend(tech.policy, timezone="America/Chicago")
    sla.set_policy(store, tech.queue_id, edited)
    again = import_zendesk(store, export)
    assert again.sla_policies == 0
    assert in_force(store)["Tech"][1]["timezone"] == "America/Chicago"
    assert audit.verify(store, None).ok and audit.rebuild(store).corrected == 0


def test_a_metric_zendesk_added_since_is_warned_not_refused(store: Store, export: Path) -> None:
    edit(export / "sla_policies.json", lambda d: d["sla_policies"][3]["policy_metrics"].append(
        {"priority": "low", "metric": "first_call_time", "target": 30, "business_hours": True}))
    result = import_zendesk(store, export)
    assert "SLA policy 'Everyone else': unknown metric 'first_call_time' (csconsole maps first_reply_time, " \
           "next_reply_time, requester_wait_time); not imported" in "\n".join(result.warnings)
    assert result.sla_policies == 4


def test_a_cancel_in_the_first_transaction_takes_the_policies_back_with_it(store: Store, export: Path) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == 3:
            cancel.set()

    with pytest.raises(ImportCancelled):
        import_zendesk(store, export, progress=progress, cancel=cancel)
    assert footprint(store) == (0, 0, 0, 0)
    assert policy_events(store) == []
    assert not any(row.own for row in sla.policies(store))
