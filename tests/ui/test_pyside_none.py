"""Guard for a PySide6 bug: every None a model returns to C++ costs None one reference (Python < 3.12)."""

from __future__ import annotations

import sys

from csconsole.domain.views import TicketFilter
from csconsole.services import open_store
from csconsole.ui.models.ticket_table import TicketTableModel


def test_painting_many_empty_cells_does_not_exhaust_none(store_path) -> None:
    import csconsole.ui  # noqa: F401 - the guard runs when the package is imported

    with open_store(str(store_path)) as store:
        model = TicketTableModel(store)
        model.set_query(TicketFilter(open_only=True))
        index = model.index(0, 1)
        for _ in range(20_000):  # more than None's few thousand references on an unguarded 3.11
            index.data(0x0100 + 99)  # an unused role: data() returns None through C++
        assert sys.getrefcount(None) > 1_000_000 or sys.version_info >= (3, 12)
