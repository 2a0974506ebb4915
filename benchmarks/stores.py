"""Demo stores of a given size and seed, built once and reused on request, on either engine.

SQLite stores ``demo-<tickets>-s<seed>-v<schema>.db`` live in the run's store folder (``--store-dir``, by
default /tmp/csbench, shared between runs so ``--reuse`` can keep them); each has a sidecar ``.json``
recording how long its build took and the moment its floor was anchored at, so a ``--reuse`` run still
reports the build time it measured (marked as reused) and a PostgreSQL store built later holds the very
same events (the same chain head). Scratch copies and every other file a run writes go to a folder of the
run's own (``scratch``), removed at its end: two runs at once never share one.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from csconsole.io.demo import build_demo
from csconsole.store.schema import SCHEMA_VERSION
from csconsole.store.store import Store

ROOT = Path("/tmp/csbench")  # the default store folder; peers keep their own tools here too


@dataclass
class Folders:
    stores: Path = ROOT
    scratch: Path = ROOT

    def start(self, stores: Path) -> None:
        """Use ``stores`` for the built stores, and make this run's own scratch folder inside it."""
        stores.mkdir(parents=True, exist_ok=True)
        self.stores = stores
        self.scratch = Path(tempfile.mkdtemp(prefix="session-", dir=stores))

    def finish(self) -> None:
        if self.scratch != self.stores:
            shutil.rmtree(self.scratch, ignore_errors=True)


FOLDERS = Folders()


@dataclass(frozen=True)
class BuiltStore:
    path: str  # a file path, or a PostgreSQL URL
    tickets: int
    seed: int
    events: int
    build_seconds: float
    built_at: str
    anchor: str = ""  # the demo's "now", ISO 8601: the same anchor gives the same events
    reused: bool = False


def store_path(tickets: int, seed: int) -> Path:
    """Named by schema too: checkouts of different schemas share the store folder, and opening a store for
    writing migrates it, after which an older checkout refuses it."""
    return FOLDERS.stores / f"demo-{tickets}-s{seed}-v{SCHEMA_VERSION}.db"


def anchor_now() -> datetime:
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def demo_store(tickets: int, seed: int, *, reuse: bool) -> BuiltStore:
    """The demo store of this size and seed: reused if asked and complete, otherwise built (and timed)."""
    path = store_path(tickets, seed)
    meta = path.with_suffix(".json")
    if reuse and path.exists() and meta.exists():
        upgrade(path)
        return BuiltStore(**{**json.loads(meta.read_text()), "path": str(path), "reused": True})
    for old in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), meta):
        old.unlink(missing_ok=True)
    anchor = anchor_now()
    started = time.perf_counter()
    summary = build_demo(path, tickets=tickets, seed=seed, now=anchor)
    built = BuiltStore(str(path), tickets, seed, summary.events, time.perf_counter() - started,
                       time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), anchor.isoformat())
    meta.write_text(json.dumps({k: v for k, v in asdict(built).items() if k not in ("path", "reused")}))
    return built


def upgrade(path: Path) -> None:
    """A store built by an older checkout: open it once for writing, as a user would, to migrate it."""
    Store.open(path).close()
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):  # closed cleanly: nothing left in them
        if leftover.exists() and leftover.stat().st_size == 0:
            leftover.unlink()


def scratch_copy(built: BuiltStore, name: str) -> Path:
    """A throwaway copy of a store for benchmarks that write (reassign, import), in the run's own folder."""
    source = Path(built.path)
    target = FOLDERS.scratch / f"{source.stem}-{name}.db"
    for old in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        old.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    wal = Path(f"{source}-wal")
    if wal.exists() and wal.stat().st_size:
        shutil.copyfile(wal, f"{target}-wal")
    return target


if __name__ == "__main__":  # build one store ahead of a run: python -m benchmarks.stores N [SEED]
    import sys

    FOLDERS.stores = ROOT
    ROOT.mkdir(parents=True, exist_ok=True)
    made = demo_store(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 7, reuse=True)
    print(made)
