"""Demo stores of a given size and seed under /tmp/csbench, built once and reused on request.

Each store ``demo-<tickets>-s<seed>-v<schema>.db`` has a sidecar ``.json`` recording how long its build took, so a
``--reuse`` run still reports the build time it measured (marked as reused).
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from csconsole.io.demo import build_demo
from csconsole.store.schema import SCHEMA_VERSION
from csconsole.store.store import Store

ROOT = Path("/tmp/csbench")


@dataclass(frozen=True)
class BuiltStore:
    path: Path
    tickets: int
    seed: int
    events: int
    build_seconds: float
    built_at: str
    reused: bool = False


def store_path(tickets: int, seed: int) -> Path:
    """Named by schema too: checkouts of different schemas share /tmp/csbench, and opening a store for
    writing migrates it, after which an older checkout refuses it."""
    return ROOT / f"demo-{tickets}-s{seed}-v{SCHEMA_VERSION}.db"


def demo_store(tickets: int, seed: int, *, reuse: bool) -> BuiltStore:
    """The demo store of this size and seed: reused if asked and complete, otherwise built (and timed)."""
    ROOT.mkdir(parents=True, exist_ok=True)
    path = store_path(tickets, seed)
    meta = path.with_suffix(".json")
    if reuse and path.exists() and meta.exists():
        upgrade(path)
        return BuiltStore(**{**json.loads(meta.read_text()), "path": path, "reused": True})
    for old in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), meta):
        old.unlink(missing_ok=True)
    started = time.perf_counter()
    summary = build_demo(path, tickets=tickets, seed=seed)
    built = BuiltStore(path, tickets, seed, summary.events, time.perf_counter() - started,
                       time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    meta.write_text(json.dumps({k: v for k, v in asdict(built).items() if k not in ("path", "reused")}))
    return built


def upgrade(path: Path) -> None:
    """A store built by an older checkout: open it once for writing, as a user would, to migrate it."""
    Store.open(path).close()
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):  # closed cleanly: nothing left in them
        if leftover.exists() and leftover.stat().st_size == 0:
            leftover.unlink()


def scratch_copy(built: BuiltStore, name: str) -> Path:
    """A throwaway copy of a store for benchmarks that write (reassign, import), next to it."""
    target = ROOT / f"{built.path.stem}-{name}.db"
    for old in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        old.unlink(missing_ok=True)
    shutil.copyfile(built.path, target)
    wal = Path(f"{built.path}-wal")
    if wal.exists() and wal.stat().st_size:
        shutil.copyfile(wal, f"{target}-wal")
    return target


if __name__ == "__main__":  # build one store ahead of a run: python -m benchmarks.stores N [SEED]
    import sys

    made = demo_store(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 7, reuse=True)
    print(made)
