"""The layer contracts of DESIGN §4, checked by import-linter, the store's boundary checked on the source,
and the domain importable without Qt."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from csconsole.services import Store

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "csconsole"
STORE = PACKAGE / "store"

# A store's insides: its connection, its engine and its unit-of-work bookkeeping.
PRIVATE = {"_conn", "_engine", "_unit", "_depth"}
RUNS_SQL = {"execute", "executemany", "executescript"}
SQL = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|TRIGGER)"
    r"|DROP\s+(TABLE|INDEX)|PRAGMA\s+\w+|SAVEPOINT\s+\w+|BEGIN\s+IMMEDIATE)\b",
    re.DOTALL,
)


def boundary_breaches(source: str, name: str) -> list[str]:
    """Where ``source`` reaches a store's connection or runs SQL, one line each."""
    found = []
    tree = ast.parse(source, name)
    said = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}  # docstrings may name SQL
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            found.append(f"{name}:{node.lineno}: touches .{node.attr}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RUNS_SQL:
            found.append(f"{name}:{node.lineno}: calls .{node.func.attr}()")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in said \
                and SQL.search(node.value):
            found.append(f"{name}:{node.lineno}: SQL in a string: {node.value.strip()[:40]!r}")
    return found


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 7 kept, 0 broken." in result.stdout


def test_nothing_outside_the_store_reaches_its_connection_or_runs_sql() -> None:
    breaches = [
        line
        for file in sorted(PACKAGE.rglob("*.py")) if STORE not in file.parents
        for line in boundary_breaches(file.read_text(encoding="utf-8"), str(file.relative_to(ROOT)))
    ]
    assert breaches == []


def test_the_boundary_check_catches_what_it_is_for() -> None:
    source = (
        "def look(store):\n"
        "    store._conn.execute('SELECT id FROM tickets WHERE ref = ?', ('A',))\n"
        "    store._engine.begin_write\n"
        "    return 'UPDATE tickets SET owner_id = 1'\n"
    )
    found = sorted(line.split(": ", 1)[1].split(": ")[0] for line in boundary_breaches(source, "x.py"))
    assert found == sorted(["calls .execute()", "touches ._conn", "touches ._engine", "SQL in a string",
                            "SQL in a string"])


def test_a_store_has_no_public_connection() -> None:
    public = {name for name in dir(Store) if not name.startswith("_")}
    assert not public & {"conn", "db", "connection", "write"}, public


def test_domain_store_and_services_run_without_qt() -> None:
    code = (
        "import sys, csconsole.domain.ticket, csconsole.services.tickets, csconsole.services.queries, "
        "csconsole.services.audit, csconsole.io.csv_import, csconsole.cli\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]\n"
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_no_ui_module_imports_itself_back() -> None:
    """No import circle in ui/: for every import a → b there, b never leads back to a."""
    import grimp

    graph = grimp.build_graph("csconsole", cache_dir=None)
    ui = {m for m in graph.modules if m.startswith("csconsole.ui")}
    circles = []
    for importer in sorted(ui):
        for imported in graph.find_modules_directly_imported_by(importer) & ui:
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                circles.append(" → ".join((importer, *back)))
    assert not circles, "\n".join(circles)
