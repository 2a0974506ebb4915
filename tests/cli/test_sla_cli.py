"""``csconsole sla`` and the SLA fields of ``tickets --json`` (issue 15's contract), on both engines."""

from __future__ import annotations

import json

import pytest

from csconsole.cli import main
from csconsole.services import tickets
from tests.conftest import Floor
from tests.sites import fingerprint

MONDAY = "2026-03-02T10:00:00Z"  # 11:00 in Berlin


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_set_then_read_the_policy_of_a_queue(floor: Floor, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sla", floor.location, "--queue", "Tech", "--hours", "mon-fri 09:00-17:00; sat 10:00-14:00",
                 "--timezone", "Europe/Berlin", "--holidays", "DE-BY", "--closed", "2026-12-24,2026-12-31",
                 "--target", "urgent:first=10,resolution=120", "--target", "normal@loyal:first=60"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Tech: mon-fri 09:00-17:00; sat 10:00-14:00 (Europe/Berlin), holidays DE-BY") and \
        out.rstrip().endswith("0 open tickets re-timed")
    shown = _json(capsys, "sla", floor.location, "--json")
    assert isinstance(shown, list)
    by_queue = {row["queue"]: row for row in shown}
    assert set(by_queue) == {None, "Billing", "Tech"}  # the store-wide policy first, then every queue
    tech = by_queue["Tech"]
    assert (tech["own"], tech["timezone"], tech["holidays"], tech["closed"]) == (
        True, "Europe/Berlin", "DE-BY", "2026-12-24,2026-12-31")
    assert tech["targets_in_force"]["urgent"] == {"first": 10, "next": 15, "resolution": 120}
    assert not by_queue["Billing"]["own"] and by_queue["Billing"]["hours"] == "24/7"
    # a second edit keeps what it does not name
    assert main(["sla", floor.location, "--queue", "Tech", "--target", "high:next=30"]) == 0
    capsys.readouterr()
    (again,) = _json(capsys, "sla", floor.location, "--queue", "Tech", "--json")  # type: ignore[misc]
    assert again["timezone"] == "Europe/Berlin" and again["targets_in_force"]["high"]["next"] == 30
    assert again["targets_in_force"]["urgent"]["first"] == 10


@pytest.mark.parametrize(("args", "message"), [
    (["--queue", "Tech", "--hours", "mon-fri 17:00-09:00x"], 'bad hours "mon-fri 17:00-09:00x"'),
    (["--queue", "Tech", "--timezone", "Europe/Atlantis"], 'unknown time zone "Europe/Atlantis"'),
    (["--queue", "Tech", "--holidays", "ZZ"], 'unknown holiday country "ZZ"'),
    (["--queue", "Tech", "--holidays", "DE-XX"], 'unknown subdivision "XX" of DE'),
    (["--queue", "Tech", "--target", "urgent:first=fast"], 'bad target "urgent:first=fast"'),
    (["--queue", "Nowhere", "--hours", "24/7"], "Nowhere"),
    (["--clear"], "--clear needs --queue"),
])
def test_a_bad_part_exits_2_with_one_line_and_changes_nothing(
        floor: Floor, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    before = fingerprint(floor.site)
    assert main(["sla", floor.location, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert fingerprint(floor.site) == before


def test_tickets_json_gives_each_clock_due_in_utc_and_whether_it_is_paused(
        floor: Floor, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sla", floor.location, "--queue", "Tech", "--hours", "mon-fri 09:00-17:00",
                 "--timezone", "Europe/Berlin"]) == 0
    capsys.readouterr()
    tid = tickets.create_ticket(floor.store, actor_id=None, customer="C", subject="s", channel="chat",
                                priority="normal", queue_id=floor.tech, at=MONDAY).ticket_ids[0]
    (row,) = _json(capsys, "tickets", floor.location, "--json")  # type: ignore[misc]
    assert (row["first_reply_due_at"], row["next_reply_due_at"], row["resolution_due_at"], row["sla_paused"]) == (
        "2026-03-02T14:00:00Z", None, "2026-03-05T10:00:00Z", False)
    tickets.take(floor.store, tid, actor_id=floor.raj.id, at="2026-03-02T10:05:00Z")
    tickets.reply(floor.store, tid, actor_id=floor.raj.id, note="which model?", at="2026-03-02T10:10:00Z")
    tickets.set_status(floor.store, tid, actor_id=floor.raj.id, status="pending", note="", at="2026-03-02T10:11:00Z")
    (row,) = _json(capsys, "tickets", floor.location, "--json")  # type: ignore[misc]
    assert (row["first_reply_due_at"], row["resolution_due_at"], row["sla_paused"]) == (None, None, True)
    assert row["sla_state"] == "none"
