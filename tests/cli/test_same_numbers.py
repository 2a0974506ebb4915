"""The same numbers on both engines through the command line: one sequence of commands (import a CSV,
reassign, tickets --json, stats --json, recoveries --json, audit head) on an SQLite file and on a
PostgreSQL store gives the same outputs, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from csconsole.cli import main
from tests.cli.test_cli import AGENTS, LOG
from tests.pg_server import PgServer
from tests.sites import DESK, DESK_PASSWORD

NOW = "2026-03-02T15:00:00Z"


def session(store: str, folder: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[int, str]]:
    (folder / "log.csv").write_text(LOG)
    (folder / "agents.csv").write_text(AGENTS)
    commands = [
        ["import", store, str(folder / "log.csv"), "--agents", str(folder / "agents.csv")],
        ["reassign", store, "T-1", "--to", "Ana", "--reason", "One owner until it is solved", "--as", "Sue"],
        ["recovery", store, "T-1", "--step", "acknowledge", "--note", "Sorry for the runaround", "--as", "Sue"],
        ["tickets", store, "--json"],
        ["tickets", store, "--min-bounces", "3", "--json"],
        ["stats", store, "--json"],
        ["recoveries", store, "--json"],
        ["audit", "head", store],
        ["audit", "verify", store],
    ]
    said = []
    for args in commands:
        code = main(args)
        out, err = capsys.readouterr()
        assert set(err) <= set("importing: 0123456789%\n"), (args[0], err)  # the progress bar, nothing else
        said.append((code, out))
    return said


def test_the_same_commands_give_the_same_numbers_on_both_engines(
    pg_server: PgServer, pg_url: str, pg_desk: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from csconsole.domain import clock

    monkeypatch.setattr(clock, "now_text", lambda: NOW)  # the reassign and the SLA states: one moment
    assert main(["init", pg_url, "--grant", DESK]) == 0  # the administrator makes the store, the desk gets in
    assert "created the store" in capsys.readouterr().out
    dbname = pg_url.split("@/", 1)[1].split("?")[0]
    server = pg_server.url(dbname, user=DESK, password=DESK_PASSWORD)
    (tmp_path / "lite").mkdir()
    (tmp_path / "server").mkdir()
    on_file = session(str(tmp_path / "lite" / "floor.db"), tmp_path / "lite", capsys)
    on_server = session(server, tmp_path / "server", capsys)
    assert [code for code, _ in on_file] == [0] * len(on_file)
    assert on_file == on_server
    assert '"bounced_over_two": 1' in on_file[5][1] and on_file[7][1].startswith("20 ")  # 7 of the floor's records, 13 of tickets
