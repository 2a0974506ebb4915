"""Small look-ups the console's pickers need."""

from __future__ import annotations

from csconsole.store.store import Store


def customer_names(store: Store, prefix: str = "", *, limit: int = 200) -> list[str]:
    """Customer names starting with ``prefix``, for the new-ticket picker (bounded, never the whole table)."""
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = store.conn.execute(
        "SELECT name FROM customers WHERE name LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?", (like, limit)
    ).fetchall()
    return [str(r[0]) for r in rows]
