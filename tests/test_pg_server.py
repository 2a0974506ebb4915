"""The test run's own PostgreSQL server (tests/pg_server.py): skipped in one line without the binaries,
failed in CI, private to each session, deaf to the PG* variables of a developer's shell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pg_server import find_bindir

ROOT = Path(__file__).resolve().parents[1]
PG_TEST = '''
import os
from pathlib import Path

import psycopg

def test_on_the_sessions_own_server(pg_server, pg_url):
    Path(os.environ["SERVER_ROOT_FILE"]).write_text(str(pg_server.root))
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE mine (x bigint)")
        assert conn.execute("SHOW unix_socket_directories").fetchone()[0] == str(pg_server.socket_dir)
'''


def run_session(test_file: Path, **env: str) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "CSCONSOLE_PG_BINDIR")}
    environment.update(env)
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "tests.pg_server",
         "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(test_file)],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


@pytest.fixture
def test_file(tmp_path: Path) -> Path:
    path = tmp_path / "test_uses_postgres.py"
    path.write_text(PG_TEST)
    return path


def test_without_the_binaries_the_tests_are_skipped_in_one_line(test_file: Path) -> None:
    test_file.write_text(PG_TEST + PG_TEST.replace("def test_on_the", "def test_again_on_the"))
    session = run_session(test_file, CSCONSOLE_PG_BINDIR="/nonexistent")
    out, _ = session.communicate(timeout=120)
    told = [line for line in out.splitlines() if "PostgreSQL" in line]
    assert told == ["PostgreSQL tests skipped: no initdb/pg_ctl found (apt-get install postgresql) (2 tests)"], out
    assert session.returncode in (0, 5) and "2 deselected" in out


def test_in_ci_missing_binaries_fail_the_run(test_file: Path) -> None:
    session = run_session(test_file, CSCONSOLE_PG_BINDIR="/nonexistent", CI="true")
    out, _ = session.communicate(timeout=120)
    assert session.returncode != 0 and "cannot run in CI" in out, out


@pytest.mark.skipif(find_bindir() is None, reason="needs the PostgreSQL binaries")
def test_two_sessions_at_once_each_use_their_own_server(test_file: Path, tmp_path: Path) -> None:
    hostile = {"PGHOST": "/nowhere", "PGPORT": "1", "PGDATABASE": "nope", "PGUSER": "nobody"}
    told = [tmp_path / f"root{i}" for i in range(2)]
    sessions = [run_session(test_file, SERVER_ROOT_FILE=str(path), **hostile) for path in told]
    outputs = [session.communicate(timeout=180)[0] for session in sessions]
    for session, out in zip(sessions, outputs, strict=True):
        assert session.returncode == 0 and "1 passed" in out, out
    roots = {Path(path.read_text()) for path in told}
    assert len(roots) == 2  # two servers, one each
    assert not any(root.exists() for root in roots)  # stopped and removed at the end of each session
