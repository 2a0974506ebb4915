"""A PostgreSQL server of the test run's own: Debian's ``postgresql`` binaries, ``initdb`` into a private
temporary folder, listening only on a Unix socket inside it (no TCP port, so two test sessions never
meet), started once per session on first use, stopped and removed at the end.

Fixtures: ``pg_server`` (the session's server), ``pg_url`` (a libpq URL of a fresh, empty database for
one test, dropped after it) and ``pg_store_url`` (the same, holding a new, empty csconsole store). Tests
that use them are marked ``postgresql``.

Without the binaries those tests are set aside with one line saying why; with ``CI=true`` they fail.
As root (CI, these machines) the server runs as the ``postgres`` system user: initdb refuses root.
``CSCONSOLE_PG_BINDIR`` names another folder of binaries.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

SUPERUSER = "postgres"
SERVER_USER = "postgres"  # the system user that runs the server when the tests run as root
# A test server: durability is worth nothing here and fsync is most of a CREATE DATABASE.
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "60",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",  # the tests cause errors on purpose; the log need not keep them
}
HBA = (
    f"local all {SUPERUSER} trust\n"
    "local all all scram-sha-256\n"  # every other login proves its password (tests of refusals need it)
)


def find_bindir() -> Path | None:
    """The folder of initdb and pg_ctl: $CSCONSOLE_PG_BINDIR alone if it is set, else pg_config's,
    else Debian's newest."""
    if given := os.environ.get("CSCONSOLE_PG_BINDIR"):
        candidates = [given]
    else:
        pg_config = shutil.which("pg_config")
        told = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout \
            if pg_config else ""
        debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
        candidates = [told.strip(), *reversed(debian)]
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


# A server as a floor would run it (the benchmark's): every commit durable, as SQLite's synchronous=FULL.
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "shared_buffers": "256MB",
           "max_connections": "100"}


class PgServer:
    """One initdb'd cluster in a private folder; the test superuser connects over its Unix socket.

    ``port``: it listens on 127.0.0.1 too (loopback TCP, as a desk reaches a server); ``durable``: the
    settings of a real floor (``DURABLE``) instead of a test's."""

    _numbers = itertools.count(1)

    def __init__(self, bindir: Path, *, port: int | None = None, durable: bool = False,
                 root: Path | None = None) -> None:
        self.bindir = bindir
        self.port = port
        self.durable = durable
        self.as_root = os.geteuid() == 0
        # Short and under /tmp: a socket path has a 107-byte limit, and the server user must reach it.
        self.root = root or Path(tempfile.mkdtemp(prefix="csconsole-pg-", dir="/tmp" if self.as_root else None))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "server.log"
        self.started_in = 0.0  # seconds, initdb to accepting connections

    # -- the server's life -------------------------------------------------------------------------
    def init_and_start(self) -> None:
        began = time.perf_counter()
        self.socket_dir.mkdir()
        if self.as_root:
            server = pwd.getpwnam(SERVER_USER)
            for path in (self.root, self.socket_dir):
                os.chown(path, server.pw_uid, server.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-E", "UTF8", "--locale=C",
                  "--auth=trust", "--no-sync", "--no-instructions")
        settings = dict(SETTINGS, unix_socket_directories=f"'{self.socket_dir}'")
        hba = HBA
        if self.durable:
            settings.update(DURABLE)
        if self.port is not None:
            settings.update(listen_addresses="'127.0.0.1'", port=str(self.port))
            hba += f"host all {SUPERUSER} 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
        (self.data / "pg_hba.conf").write_text(hba, encoding="utf-8")
        self.start()
        self.started_in = time.perf_counter() - began

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """``mode`` as pg_ctl's: ``fast`` ends sessions cleanly, ``immediate`` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        status = subprocess.run(self._command("pg_ctl", "-D", str(self.data), "status"),
                                capture_output=True, check=False)
        return status.returncode == 0

    def remove(self) -> None:
        if self.data.exists() and self.running():
            try:
                self.stop()
            except subprocess.CalledProcessError:
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bindir / program), *args]
        return ["runuser", "-u", SERVER_USER, "--", *command] if self.as_root else command

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(self._command(program, *args), capture_output=True, text=True, check=False,
                              cwd=self.root, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout,
                                                done.stderr + ("\nserver log:\n" + log if log else ""))

    # -- connecting --------------------------------------------------------------------------------
    def url(self, dbname: str = "postgres", user: str = SUPERUSER, password: str | None = None, *,
            tcp: bool = False) -> str:
        """Over the Unix socket, or (``tcp``, a server started with a port) over loopback TCP."""
        secret = f":{quote(password, safe='')}" if password is not None else ""
        if tcp:
            return f"postgresql://{quote(user, safe='')}{secret}@127.0.0.1:{self.port}/{quote(dbname, safe='')}"
        where = f"?host={self.socket_dir}" + (f"&port={self.port}" if self.port is not None else "")
        return f"postgresql://{quote(user, safe='')}{secret}@/{quote(dbname, safe='')}{where}"

    def version(self) -> str:
        with self.admin() as conn:
            row = conn.execute(b"SHOW server_version").fetchone()
        return str(row[0]) if row else "?"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.url(), autocommit=True)

    def sql(self, statement: str, params: Sequence[object] | None = None, *, dbname: str = "postgres") -> None:
        """Run one statement as the superuser (roles, databases: what a test sets up around a store)."""
        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            conn.execute(statement.encode(), params)

    def create_database(self, template: str = "template0") -> str:
        name = f"test_{os.getpid()}_{next(self._numbers)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'.encode())
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def _unavailable() -> str:
    """Why this machine cannot run the server; empty when it can."""
    if find_bindir() is None:
        return "PostgreSQL tests skipped: no initdb/pg_ctl found (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"PostgreSQL tests skipped: running as root and there is no '{SERVER_USER}' user to run the server"
        if shutil.which("runuser") is None:
            return "PostgreSQL tests skipped: running as root and runuser is missing"
    return ""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    reason = _unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason.replace("skipped", "cannot run in CI"), pytrace=False)
        pytest.skip(reason)
    with pytest.MonkeyPatch.context() as env:
        for key in [k for k in os.environ if k.startswith("PG")]:
            env.delenv(key)  # PGHOST, PGPORT, PGSERVICE... must not lead a test to someone else's server
        bindir = find_bindir()
        assert bindir is not None
        server = PgServer(bindir)
        try:
            server.init_and_start()
            yield server
        finally:
            server.remove()


@pytest.fixture
def own_pg_server(pg_server: PgServer) -> Iterator[PgServer]:
    """A server of this test's own, to stop and start under open connections without disturbing the
    session's (its binaries are the session server's)."""
    server = PgServer(pg_server.bindir)
    try:
        server.init_and_start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A libpq URL of a fresh, empty database for this test, as the superuser."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture(scope="session")
def pg_store_template(pg_server: PgServer) -> str:
    """A database holding a new, empty csconsole store, migrated once: cloning it is a third of the
    cost of migrating a database for each test."""
    from csconsole.store.postgres.connection import Connection
    from csconsole.store.postgres.migrate import apply_migrations

    name = pg_server.create_database()
    conn = Connection.connect(pg_server.url(name))
    try:
        apply_migrations(conn, "the test store template")
    finally:
        conn.close()  # a template is cloned only while nobody is connected to it
    return name


@pytest.fixture
def pg_store_url(pg_server: PgServer, pg_store_template: str) -> Iterator[str]:
    """A libpq URL, as the superuser, of a fresh database holding a new, empty csconsole store."""
    name = pg_server.create_database(template=pg_store_template)
    yield pg_server.url(name)
    pg_server.drop_database(name)


_UNAVAILABLE = pytest.StashKey[tuple[str, int]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that use the server (also those of the ``postgres`` engine, which reach it only when
    they run); without it (and not in CI), set them aside, told in one line."""
    needing = [item for item in items if "pg_server" in getattr(item, "fixturenames", ())
               or item.get_closest_marker("postgresql") is not None]
    for item in needing:
        item.add_marker(pytest.mark.postgresql)
    reason = _unavailable() if needing else ""
    if reason and os.environ.get("CI") != "true":
        config.hook.pytest_deselected(items=needing)
        items[:] = [item for item in items if item not in needing]
        config.stash[_UNAVAILABLE] = (reason, len(needing))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if found := config.stash.get(_UNAVAILABLE, None):
        reason, count = found
        terminalreporter.write_line(f"{reason} ({count} tests)")
