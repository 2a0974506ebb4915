"""README's "A floor on PostgreSQL", step by step on the run's server: an administrator who is no superuser
makes the store, moves a floor.db onto it with the same chain head, and gives three agents and a
supervisor their own logins; each then sees and does only what their role allows, through csconsole and
through raw SQL alike; a desk can neither make the schema nor change the log."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from csconsole.cli import main
from tests.cli.test_cli import LOG
from tests.pg_server import PgServer

PEOPLE = (("Sue", "supervisor", None), ("Ana", "agent", "Billing"), ("Raj", "agent", "Tech"), ("Lee", "agent", "Billing"))


def test_the_readme_floor_setup_works_as_written(pg_server: PgServer, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pg_server.sql("CREATE ROLE floor_admin LOGIN CREATEROLE PASSWORD 'change-me-admin'")
    pg_server.sql("CREATE DATABASE floor OWNER floor_admin")
    pg_server.sql("REVOKE ALL ON DATABASE floor FROM PUBLIC")
    try:
        admin = pg_server.url("floor", user="floor_admin", password="change-me-admin")
        assert main(["init", admin]) == 0
        (tmp_path / "log.csv").write_text(LOG)
        floor_db = str(tmp_path / "floor.db")
        assert main(["import", floor_db, str(tmp_path / "log.csv")]) == 0
        assert main(["copy", floor_db, admin]) == 0
        capsys.readouterr()
        heads = []
        for store in (floor_db, admin):
            assert main(["audit", "head", store]) == 0
            heads.append(capsys.readouterr().out)
        assert heads[0] == heads[1] and heads[0].startswith("16 ")  # 6 of the floor's records, 10 of tickets

        for name, role, queue in PEOPLE:  # Ana and Raj come with the copied store; Sue and Lee are new
            (tmp_path / f"{name}.pw").write_text(f"pw of {name}\n")
            assert main(["floor", "add-agent", admin, name, "--role", role, *(["--queue", queue] if queue else []),
                         "--password-file", str(tmp_path / f"{name}.pw")]) == 0
        assert main(["floor", "list", admin]) == 0
        listing = capsys.readouterr().out
        for name, role, _ in PEOPLE:
            assert f"{name:<20} {role:<12} {role}\n" in listing

        def desk(name: str) -> str:
            return pg_server.url("floor", user=name, password=f"pw of {name}")

        monkeypatch.setenv("CSCONSOLE_DB", desk("Ana"))
        assert main(["stats", "--json"]) == 0 and '"bounced_over_two": 1' in capsys.readouterr().out
        assert main(["reassign", desk("Ana"), "T-1", "--to", "Ana", "--reason", "one owner", "--as", "Sue"]) == 2
        assert "--as cannot name anyone else" in capsys.readouterr().err
        assert main(["reassign", desk("Ana"), "T-1", "--to", "Ana", "--reason", "one owner", "--as", "Ana"]) == 2
        assert "only a supervisor" in capsys.readouterr().err
        assert main(["reassign", desk("Sue"), "T-1", "--to", "Lee", "--reason", "one owner", "--as", "Sue"]) == 0
        assert main(["init", desk("Ana")]) == 2
        assert "must be created by the store's administrator" in capsys.readouterr().err
        with psycopg.connect(desk("Lee"), autocommit=True) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE csconsole.events SET kind = 'note' WHERE seq = 1")
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only its owner or a supervisor"):
                conn.execute("INSERT INTO csconsole.events (seq, ticket_id, kind, at, actor_id, data, hash) "
                             "SELECT max(seq) + 1, 2, 'status', to_char(now() AT TIME ZONE 'UTC', "
                             "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                             "(SELECT id FROM csconsole.agents WHERE name = 'Lee'), "
                             "'{\"status\": \"resolved\"}', '' FROM csconsole.events")
        assert main(["audit", "verify", admin]) == 0
    finally:
        pg_server.sql("DROP DATABASE IF EXISTS floor WITH (FORCE)")
        for role in ("Sue", "Ana", "Raj", "Lee", "floor_admin"):
            pg_server.sql(f'DROP ROLE IF EXISTS "{role}"')


def test_floor_commands_need_a_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "one-desk.db")
    assert main(["init", db]) == 0
    for command in (["list", db], ["set-role", db, "Ana", "supervisor"], ["add-agent", db, "Ana", "--role", "agent"]):
        assert main(["floor", *command]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "operating system's file permissions are the guard" in err


def test_as_is_required_on_a_store_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "log.csv").write_text(LOG)
    db = str(tmp_path / "floor.db")
    assert main(["import", db, str(tmp_path / "log.csv")]) == 0
    capsys.readouterr()
    assert main(["reassign", db, "T-1", "--to", "Raj", "--reason", "one owner"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--as names who acts" in err
