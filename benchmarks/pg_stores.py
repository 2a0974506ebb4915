"""The PostgreSQL side of a benchmark run: a server of the run's own, as a floor runs one (every commit
durable, reached over loopback TCP), and demo stores in it built the way ``csconsole demo URL`` builds
them, from the same anchor as the SQLite store of that size, so both hold the same events.

The cluster lives in a folder of /tmp named after the store folder (``csbench-pg-<hash>``: the server's
own user must reach it, and a socket path is short, so never under a private folder such as pytest's)
and is kept between runs with ``--reuse``, its stores with it; without ``--reuse`` it is made afresh and
removed at the end.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import tempfile
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from benchmarks.stores import FOLDERS, BuiltStore, anchor_now
from csconsole.io.demo import build_demo
from tests.pg_server import SUPERUSER, PgServer, find_bindir

META = "bench_meta"  # a table in the postgres database: how each demo database was built


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BenchServer:
    def __init__(self, *, reuse: bool) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError("no PostgreSQL binaries (apt-get install postgresql)")
        key = hashlib.sha256(str(FOLDERS.stores.resolve()).encode()).hexdigest()[:10]
        root = Path(tempfile.gettempdir()) / f"csbench-pg-{key}"
        self.reuse = reuse
        port_file = root / "port"
        if not reuse and root.exists():
            shutil.rmtree(root)
        if reuse and (root / "data").exists() and port_file.exists():
            self.server = PgServer(bindir, port=int(port_file.read_text()), durable=True, root=root)
            if not self.server.running():
                self.server.start()
        else:
            root.mkdir(parents=True, exist_ok=True)
            self.server = PgServer(bindir, port=_free_port(), durable=True, root=root)
            self.server.init_and_start()
            port_file.write_text(str(self.server.port))
            self.server.sql(f"CREATE TABLE {META} (dbname text PRIMARY KEY, built jsonb NOT NULL)")

    def url(self, dbname: str) -> str:
        return self.server.url(dbname, user=SUPERUSER, tcp=True)

    def close(self) -> None:
        if self.reuse:
            self.server.stop()
        else:
            self.server.remove()

    # --- stores ---------------------------------------------------------------------------------
    def demo_store(self, tickets: int, seed: int, *, reuse: bool, anchor: str = "") -> BuiltStore:
        """The demo of this size and seed in its own database (``anchor``: the SQLite twin's)."""
        name = f"demo_{tickets}_s{seed}"
        with self.server.admin() as conn:
            row = conn.execute(f"SELECT built FROM {META} WHERE dbname = %s", (name,)).fetchone()
            if reuse and row is not None and (not anchor or row[0].get("anchor") == anchor):
                return BuiltStore(**{**row[0], "path": self.url(name), "reused": True})
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
            conn.execute(f"DELETE FROM {META} WHERE dbname = %s", (name,))
        moment = datetime.fromisoformat(anchor) if anchor else anchor_now()
        started = time.perf_counter()
        summary = build_demo(self.url(name), tickets=tickets, seed=seed, now=moment)
        built = BuiltStore(self.url(name), tickets, seed, summary.events, time.perf_counter() - started,
                           time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), moment.isoformat())
        with self.server.admin() as conn:
            conn.execute(f"INSERT INTO {META} VALUES (%s, %s)",
                         (name, json.dumps({k: v for k, v in asdict(built).items() if k not in ("path", "reused")})))
        return built

    def scratch_copy(self, built: BuiltStore, name: str) -> str:
        """A throwaway copy of a demo database (CREATE DATABASE ... TEMPLATE: a file copy on the server)."""
        source = built.path.rsplit("/", 1)[1]
        target = f"{source}_{name}"
        with self.server.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'.encode())
            conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'.encode())
        return self.url(target)

    def drop(self, url: str) -> None:
        with self.server.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'.encode())
