"""Who acts at the command line: ``--as`` names someone exactly, and a person with a console PIN acts
only with it (issue 18). Each refusal writes nothing."""

from __future__ import annotations

import pytest

from csconsole.cli import main
from csconsole.services import pin, tickets
from tests.conftest import Floor
from tests.sites import fingerprint

PIN = "482913"


def _owned_ticket(floor: Floor) -> int:
    ticket = tickets.create_ticket(floor.store, actor_id=None, customer="Acme", subject="Charged twice",
                                   channel="phone", priority="high", queue_id=floor.billing).ticket_ids[0]
    tickets.take(floor.store, ticket, actor_id=floor.ana.id)
    return ticket


def _reassign(floor: Floor, ticket: int, actor: str) -> list[str]:
    return ["reassign", floor.location, str(ticket), "--to", "Li", "--reason", "cover", "--as", actor]


def refused(floor: Floor, capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    before = fingerprint(floor.site)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert fingerprint(floor.site) == before  # nothing was written
    return err


def test_a_supervisor_with_a_pin_acts_only_with_it(floor: Floor, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ticket = _owned_ticket(floor)
    pin.set_pin(floor.store, floor.sue.id, PIN)
    monkeypatch.delenv("CSCONSOLE_PIN", raising=False)
    assert "Sue has a console PIN" in refused(floor, capsys, _reassign(floor, ticket, "Sue"))
    monkeypatch.setenv("CSCONSOLE_PIN", "000000")
    assert "that is not Sue's PIN" in refused(floor, capsys, _reassign(floor, ticket, "Sue"))
    monkeypatch.setenv("CSCONSOLE_PIN", PIN)
    assert main(_reassign(floor, ticket, "Sue")) == 0
    assert "reassigned to Li" in capsys.readouterr().out


def test_names_match_exactly(floor: Floor, capsys: pytest.CaptureFixture[str]) -> None:
    ticket = _owned_ticket(floor)
    assert "takes the name exactly as written ('Sue')" in refused(floor, capsys, _reassign(floor, ticket, "sue"))
    assert main(_reassign(floor, ticket, "Sue")) == 0  # no PIN set: the name alone, as before


def test_recovery_and_evaluate_ask_for_the_pin_too(floor: Floor, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ticket = _owned_ticket(floor)
    pin.set_pin(floor.store, floor.max.id, PIN)
    monkeypatch.delenv("CSCONSOLE_PIN", raising=False)
    step = ["recovery", floor.location, str(ticket), "--step", "acknowledge", "--note", "sorry", "--as", "Max"]
    assert "Max has a console PIN" in refused(floor, capsys, step)
    evaluate = ["evaluate", floor.location, str(ticket), "--associate-score", "4",
                "--policy-score", "3", "--as", "Max"]
    assert "Max has a console PIN" in refused(floor, capsys, evaluate)
    monkeypatch.setenv("CSCONSOLE_PIN", PIN)
    assert main(step) == 0


LOG = """ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note
H-1,2026-03-02T09:00:00Z,created,,Billing,,Acme Ltd,Charged twice,phone,high,,
H-1,2026-03-02T09:05:00Z,take,Ana,Billing,,,,,,,
"""
ROLES = "name,role,queue\nAna,manager,\n"  # a roles file that would make Ana a manager


def test_a_roles_file_needs_a_supervisors_authority_once_the_floor_has_one(
        floor: Floor, tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from csconsole.services import queries

    (tmp_path / "log.csv").write_text(LOG)
    (tmp_path / "roles.csv").write_text(ROLES)
    imp = ["import", floor.location, str(tmp_path / "log.csv"), "--agents", str(tmp_path / "roles.csv")]
    assert "name the supervisor or manager who gives it (--as NAME)" in refused(floor, capsys, imp)
    assert "only a supervisor or manager gives roles" in refused(floor, capsys, [*imp, "--as", "Raj"])
    pin.set_pin(floor.store, floor.sue.id, PIN)
    monkeypatch.delenv("CSCONSOLE_PIN", raising=False)
    assert "Sue has a console PIN" in refused(floor, capsys, [*imp, "--as", "Sue"])
    monkeypatch.setenv("CSCONSOLE_PIN", PIN)
    assert main([*imp, "--as", "Sue"]) == 0
    assert queries.agent_by_name(floor.store, "Ana").role.value == "manager"
    changed = floor.site.sql("SELECT actor_id FROM events WHERE kind = 'agent_changed'")
    assert changed == [(floor.sue.id,)]  # the promotion is on Sue's authority, in the log
