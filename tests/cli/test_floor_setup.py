"""README's "A floor on PostgreSQL", step by step on the run's server: an administrator who is no superuser
makes the store and lets the desks in; a floor.db moves onto it with the same chain head; a desk works
through CSCONSOLE_DB; a desk can neither make the schema nor change the log."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from csconsole.cli import main
from tests.cli.test_cli import LOG
from tests.pg_server import PgServer


def test_the_readme_floor_setup_works_as_written(pg_server: PgServer, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    roles = ("floor_admin", "desk_ana", "desk_raj")
    pg_server.sql("CREATE ROLE floor_admin LOGIN CREATEROLE PASSWORD 'change-me-admin'")
    pg_server.sql("CREATE DATABASE floor OWNER floor_admin")
    pg_server.sql("REVOKE ALL ON DATABASE floor FROM PUBLIC")
    for desk in roles[1:]:
        pg_server.sql(f"CREATE ROLE {desk} LOGIN PASSWORD 'change-me-{desk}'")
        pg_server.sql(f"GRANT CONNECT ON DATABASE floor TO {desk}")
    try:
        admin = pg_server.url("floor", user="floor_admin", password="change-me-admin")
        assert main(["init", admin, "--grant", "desk_ana", "--grant", "desk_raj"]) == 0
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

        desk = pg_server.url("floor", user="desk_ana", password="change-me-desk_ana")
        monkeypatch.setenv("CSCONSOLE_DB", desk)
        assert main(["stats", "--json"]) == 0 and '"bounced_over_two": 1' in capsys.readouterr().out
        assert main(["reassign", desk, "T-1", "--to", "Raj", "--reason", "one owner", "--as", "Ana"]) == 2
        assert "only a supervisor" in capsys.readouterr().err  # the rules, not the server, refuse this one
        assert main(["init", desk]) == 2
        assert "must be created by the store's administrator" in capsys.readouterr().err
        with psycopg.connect(desk, autocommit=True) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE csconsole.events SET kind = 'note' WHERE seq = 1")
    finally:
        pg_server.sql("DROP DATABASE IF EXISTS floor WITH (FORCE)")
        for role in reversed(roles):
            pg_server.sql(f"DROP ROLE IF EXISTS {role}")
