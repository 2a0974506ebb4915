"""``csconsole recovery``, ``recoveries`` and ``evaluate``: a round trip, and every refusal is one line, exit 2,
with nothing written."""

from __future__ import annotations

import json

import pytest

from csconsole.cli import main
from tests.recovery.conftest import RecoveryFloor
from tests.sql import connection


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def event_count(rf: RecoveryFloor) -> int:
    return int(connection(rf.floor.store).execute("SELECT count(*) FROM events").fetchone()[0])


def test_round_trip(rf: RecoveryFloor, capsys: pytest.CaptureFixture[str]) -> None:
    db, ref = rf.floor.location, "CS-000001"
    steps = [
        ["--step", "acknowledge", "--note", "Sorry: we sent you round in circles"],
        ["--step", "Widen", "--note", "Three calls, no answer"],
        ["--step", "agree", "--note", "Agreed", "--promise", "Refund today", "--promised-by", "2026-03-02"],
        ["--step", "resolve", "--note", "Done", "--fix", "Refunded", "--goodwill-kind", "voucher",
         "--goodwill-amount", "25", "--follow-up", "2026-03-09", "--outcome", "recovered"],
        ["--step", "evaluate", "--note", "Approval rule", "--root-cause", "policy", "--policy",
         "Refunds over $50 need approval", "--change", "Raise the limit"],
    ]
    for i, args in enumerate(steps, 1):
        code, out, err = run(capsys, "recovery", db, ref, *args, "--as", "Sue")
        assert (code, err) == (0, "")
        assert f"AWARE {i}/5" in out
    assert out.rstrip().endswith("complete)")
    code, out, _ = run(capsys, "recovery", db, ref, "--step", "complete", "--as", "Sue")
    assert code == 0 and "is complete" in out
    code, out, _ = run(capsys, "recoveries", db, "--json")
    [case] = json.loads(out)
    assert (case["checklist"], case["complete"], case["root_cause"], case["policy"], case["outcome"]) == (
        "AWARE", True, "policy", "Refunds over $50 need approval", "recovered")
    assert [s["step"] for s in case["steps"]] == ["acknowledge", "widen", "agree", "resolve", "evaluate"]
    first, _, agree, resolve, evaluate = case["steps"]
    assert (first["actor"], first["note"], first["done"]) == ("Sue", "Sorry: we sent you round in circles", True)
    assert first["at"].endswith("Z")
    assert (agree["promise"], agree["promised_by"]) == ("Refund today", "2026-03-02")
    assert (resolve["goodwill_amount"], resolve["follow_up"]) == (25.0, "2026-03-09")
    assert evaluate["policy"] == "Refunds over $50 need approval"
    code, out, _ = run(capsys, "recoveries", db, "--open", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "recoveries", db)
    assert "CS-000001" in out and "5/5" in out
    code, out, _ = run(capsys, "evaluate", db, ref, "--associate-score", "5", "--policy",
                       "Refunds over $50 need approval", "--policy-score", "1", "--as", "Sue")
    assert code == 0 and "evaluated" in out
    code, out, _ = run(capsys, "stats", db, "--json")
    assert json.loads(out)["open_recoveries"] == 0


def test_a_mid_way_case_with_another_checklist(rf: RecoveryFloor, capsys: pytest.CaptureFixture[str]) -> None:
    db = rf.floor.location
    code, out, _ = run(capsys, "recovery", db, "1", "--step", "listen", "--note", "x", "--checklist", "LEARN",
                       "--as", "Sue")
    assert code == 0 and "LEARN 1/5; next: Empathize" in out
    code, out, _ = run(capsys, "recoveries", db, "--open", "--json")
    [case] = json.loads(out)
    assert case["steps"][1] == {"step": "empathize", "title": "Empathize", "done": False}
    code, out, _ = run(capsys, "stats", db)
    assert "open recoveries: 1" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["recovery", "CS-000001", "--step", "agree", "--note", "x", "--promise", "p", "--promised-by",
          "2026-03-02", "--as", "Sue"], "in order: Acknowledge comes before Agree"),
        (["recovery", "CS-000001", "--step", "acknowledge", "--note", "x", "--as", "Ana"], "only a supervisor"),
        (["recovery", "CS-000001", "--step", "hug", "--note", "x", "--as", "Sue"], "no step 'hug'"),
        (["recovery", "CS-000001", "--step", "acknowledge", "--as", "Sue"], "needs a note"),
        (["recovery", "CS-000001", "--step", "acknowledge", "--note", "x", "--checklist", "ZEN", "--as", "Sue"],
         "unknown checklist"),
        (["recovery", "CS-000001", "--step", "complete", "--as", "Sue"], "has no recovery case"),
        (["recovery", "CS-999999", "--step", "acknowledge", "--note", "x", "--as", "Sue"], "no ticket"),
        (["evaluate", "CS-000001", "--associate-score", "6", "--as", "Sue"], "from 1 to 5"),
        (["evaluate", "CS-000001", "--associate-score", "4", "--policy", "Refunds over $50 need approval",
          "--policy-score", "0", "--as", "Sue"], "policy score must be a whole number from 1 to 5"),
        (["evaluate", "CS-000001", "--associate-score", "4", "--policy", "Free lunch", "--policy-score", "2",
          "--as", "Sue"], "unknown policy 'Free lunch'"),
        (["recovery", "CS-000001", "--as", "Sue"], "required: --step"),
    ],
)
def test_refusals_are_one_line_exit_two_and_write_nothing(
    rf: RecoveryFloor, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = event_count(rf)
    code, out, err = run(capsys, args[0], rf.floor.location, *args[1:])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err
    assert event_count(rf) == before


def test_steps_missing_and_unknown_policy_on_a_started_case(rf: RecoveryFloor,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    db = rf.floor.location
    for args in (["--step", "acknowledge", "--note", "a"], ["--step", "widen", "--note", "b"],
                 ["--step", "agree", "--note", "c", "--promise", "p", "--promised-by", "2026-03-02"],
                 ["--step", "resolve", "--note", "d", "--fix", "f", "--outcome", "partial"]):
        assert run(capsys, "recovery", db, "CS-000001", *args, "--as", "Sue")[0] == 0
    before = event_count(rf)
    code, _, err = run(capsys, "recovery", db, "CS-000001", "--step", "complete", "--as", "Sue")
    assert code == 2 and "not complete: still to do: Evaluate" in err and err.count("\n") == 1
    code, _, err = run(capsys, "recovery", db, "CS-000001", "--step", "evaluate", "--note", "e", "--root-cause",
                       "policy", "--policy", "Nothing like it", "--as", "Sue")
    assert code == 2 and "unknown policy 'Nothing like it'" in err
    assert event_count(rf) == before
