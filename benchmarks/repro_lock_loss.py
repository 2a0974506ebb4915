"""Reproduce the lost-lock bug of ``Store.open`` without Qt (python benchmarks/repro_lock_loss.py).

``Store.open`` reads the file header with Python's ``open()``; closing that file drops every POSIX lock
this process holds on it, including those of a Store already open here (the console's GUI connection,
while a background job opens its own Store). Another process then believes it is the last user,
checkpoints and removes the WAL, and the first connection stops seeing commits (``data_version`` frozen).
Prints "BUG" while ``Store.open`` still does this, "ok" once it no longer does. Exit 1 on BUG.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from csconsole.io.demo import build_demo
from csconsole.services import open_store

WRITER = """
import sys
from csconsole.services import open_store, queries, tickets
store = open_store(sys.argv[1])
boss = next(a for a in queries.agents(store) if a.role.may_supervise)
staff = [a for a in queries.agents(store) if not a.role.may_supervise]
tickets.reassign(store, [int(sys.argv[2])], actor_id=boss.id, to_id=staff[int(sys.argv[3])].id, reason="repro")
store.close()
"""


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.db"
        build_demo(path, tickets=500, seed=1)
        console = open_store(str(path))  # the GUI thread's connection, kept open
        ticket = console._conn.execute("SELECT max(id) FROM tickets WHERE status = 'open'").fetchone()[0]
        versions = [console.data_version()]
        for n in (1, 2, 3):
            open_store(str(path), read_only=True).close()  # what every background job does
            subprocess.run([sys.executable, "-c", WRITER, str(path), str(ticket), str(n)], check=True,
                           env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
            versions.append(console.data_version())
        console.close()
    seen = len(set(versions)) - 1
    print(f"{'ok' if seen == 3 else 'BUG'}: the open connection saw {seen} of 3 commits by another process "
          f"(data_version {versions})")
    return 0 if seen == 3 else 1


if __name__ == "__main__":
    sys.exit(main())
