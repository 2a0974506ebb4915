"""Naming and making stores on the command line: ``init``, ``copy``, ``CSCONSOLE_DB``, and every fault a
store on a server can meet told in one plain line, exit 2, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

from csconsole.cli import main
from csconsole.store.schema import SCHEMA_VERSION
from tests.cli.test_cli import LOG
from tests.pg_server import PgServer
from tests.sites import DESK, DESK_PASSWORD, Site, fingerprint


def said(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The one plain line a refused command prints; its exit code is 2."""
    code, _, err = said(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_init_makes_an_empty_file_and_says_when_one_is_there(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "floor.db"
    code, out, _ = said(capsys, "init", str(db))
    assert code == 0 and out == f"{db}: created an empty store (schema {SCHEMA_VERSION})\n" and db.exists()
    code, out, _ = said(capsys, "init", str(db))
    assert code == 0 and "already a csconsole store" in out
    assert "a store file has none" in refused(capsys, "init", str(tmp_path / "other.db"), "--grant", "ana")
    assert not (tmp_path / "other.db").exists()


def test_init_makes_the_schema_in_a_database_and_lets_the_desks_in(
    pg_server: PgServer, pg_url: str, pg_desk: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pg_server.sql("CREATE ROLE desk_new LOGIN PASSWORD 'pw'")
    try:
        code, out, _ = said(capsys, "init", pg_url, "--grant", "desk_new")
        assert code == 0 and "created the store" in out and "owned by postgres" in out
        assert "desk_new is now a member of csconsole_console" in out
        desk = pg_url.replace("postgres@", "desk_new:pw@")
        assert said(capsys, "stats", desk, "--json")[0] == 0  # the desk reads and writes as a console does
        code, out, _ = said(capsys, "init", pg_url)
        assert code == 0 and "the store is up to date" in out
        assert "no login 'nobody'" in refused(capsys, "init", pg_url, "--grant", "nobody")
    finally:
        pg_server.sql("DROP OWNED BY desk_new")
        pg_server.sql("DROP ROLE desk_new")


def test_a_console_login_cannot_make_the_schema(pg_server: PgServer, pg_url: str, pg_desk: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    desk = pg_url.replace("postgres@", f"{DESK}:{DESK_PASSWORD}@")
    line = refused(capsys, "init", desk)
    assert "permission denied" in line or "administrator" in line
    assert "no csconsole schema" in refused(capsys, "stats", pg_url)  # nothing was left behind


def test_import_onto_a_new_file_makes_the_store_and_takes_it_back_when_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log, bad = tmp_path / "log.csv", tmp_path / "bad.csv"
    log.write_text(LOG)
    bad.write_text(LOG.replace("2026-03-02T12:00:00Z,transfer", "yesterday,transfer"))
    rejected = tmp_path / "rejected.db"
    assert main(["import", str(rejected), str(bad)]) == 2
    assert not rejected.exists() and not Path(f"{rejected}-wal").exists()
    capsys.readouterr()
    made = tmp_path / "made.db"
    code, out, _ = said(capsys, "import", str(made), str(log))
    assert code == 0 and "imported 10 events" in out
    assert said(capsys, "audit", "head", str(made))[1].startswith("16 ")  # 6 of the floor's records, 10 of tickets


def test_copy_prints_the_same_head_and_refuses_a_store_in_use(site: Site, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "source.db"
    (tmp_path / "log.csv").write_text(LOG)
    assert main(["import", str(source), str(tmp_path / "log.csv")]) == 0
    capsys.readouterr()
    head = said(capsys, "audit", "head", str(source))[1].strip()
    code, out, _ = said(capsys, "copy", str(source), site.location)
    assert code == 0 and f"chain head {head} on both" in out and "copied 16 events, 2 tickets" in out
    assert said(capsys, "audit", "head", site.location)[1].strip() == head
    before = fingerprint(site)
    assert "already holds a store in use (queues, agents, customers, tickets, events" in refused(
        capsys, "copy", str(source), site.location)
    assert fingerprint(site) == before


def test_csconsole_db_names_the_store_a_command_leaves_out(store_location: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "log.csv").write_text(LOG)
    assert main(["import", store_location, str(tmp_path / "log.csv")]) == 0
    capsys.readouterr()
    monkeypatch.setenv("CSCONSOLE_DB", store_location)
    for args in (["tickets", "--json"], ["stats"], ["audit", "head"], ["audit", "verify"], ["recoveries"]):
        code, out, err = said(capsys, *args)
        assert code == 0 and out and not err, args
    assert "the following arguments are required: FILE" in refused(capsys, "import", str(tmp_path / "log.csv"))
    monkeypatch.setenv("CSCONSOLE_DB", "postgresql://desk@db.example:99999/floor")
    assert "CSCONSOLE_DB: bad store URL" in refused(capsys, "stats")
    monkeypatch.delenv("CSCONSOLE_DB")
    assert "give the STORE (a file or a postgresql:// URL), or set CSCONSOLE_DB" in refused(capsys, "stats")


@pytest.mark.parametrize(("url", "message"), [
    ("postgresql://desk@db.example:99999/floor", 'the port "99999" is not a number'),
    ("postgresql://desk:s3cret@db.example", "no database named"),
    ("mysql://desk@db.example/floor", "a store is a file path or a postgresql:// URL"),
])
def test_a_malformed_url_is_one_plain_line_without_its_password(url: str, message: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    line = refused(capsys, "tickets", url)
    assert message in line and "s3cret" not in line


def test_what_a_server_refuses_is_one_plain_line_and_writes_nothing(
    pg_server: PgServer, pg_url: str, pg_site: Site, capsys: pytest.CaptureFixture[str],
) -> None:
    site = pg_site
    wrong = site.location.replace(DESK_PASSWORD, "not-the-password")
    assert 'refused the password of user "csconsole_desk"' in refused(capsys, "stats", wrong)
    assert "not-the-password" not in capsys.readouterr().err
    assert "is not a csconsole store (no csconsole schema: csconsole init creates one)" in refused(
        capsys, "stats", pg_url)
    missing = pg_server.url("no_such_database")
    assert 'there is no database "no_such_database"' in refused(capsys, "stats", missing)
    site.sql("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    before = fingerprint(site)
    assert "newer csconsole" in refused(capsys, "reassign", site.location, "T-1", "--to", "Ana", "--reason", "r",
                                        "--as", "Sue")
    assert fingerprint(site) == before


def test_a_server_that_is_down_is_one_plain_line(own_pg_server: PgServer,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    url = own_pg_server.url("postgres")
    assert main(["init", url]) == 0
    capsys.readouterr()
    own_pg_server.stop()
    try:
        line = refused(capsys, "stats", url)
        assert "cannot reach the PostgreSQL server of" in line and "it is not running" in line
    finally:
        own_pg_server.start()
    assert said(capsys, "stats", url)[0] == 0
