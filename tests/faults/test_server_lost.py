"""A server that goes away in the middle of a write: one plain line, nothing half-written, and the same
store carries on once the server answers again (its connection comes back by itself)."""

from __future__ import annotations

from pathlib import Path

import pytest

from csconsole.domain.read_models import TicketFilter
from csconsole.io.csv_import import import_csv
from csconsole.services import StoreError, open_store, queries
from tests.cli.test_cli import HEADER
from tests.faults.harness import make_store
from tests.pg_server import PgServer
from tests.sites import Site, fingerprint

LOST = "the connection to the server was lost|the server is restarting or shutting down"


def test_a_connection_cut_in_the_middle_of_an_import_leaves_nothing(pg_site: Site, pg_server: PgServer,
                                                                    tmp_path: Path) -> None:
    make_store(pg_site.location, n_tickets=5)
    log = tmp_path / "big.csv"
    log.write_text(HEADER + "".join(f"N-{i},2026-03-02T09:00:00Z,created,,Billing,,C{i},s,chat,low,,\n"
                                    for i in range(2500)))
    before = fingerprint(pg_site)
    store = open_store(pg_site.location)
    cut: list[int] = []

    def progress(done: int, total: int) -> None:
        if not cut and done:  # rows are being written: the server drops this desk's connection
            session = store.session_id()
            assert session is not None
            cut.append(session)
            pg_server.sql("SELECT pg_terminate_backend(%s)", (session,))

    with pytest.raises(StoreError, match=LOST) as lost:
        import_csv(store, log, progress=progress)
    assert "\n" not in str(lost.value) and cut
    assert fingerprint(pg_site) == before
    assert queries.tickets_count(store, TicketFilter()) == 5  # the same store, connected again
    assert store.session_id() != cut[0]
    store.close()


def test_a_write_while_the_server_is_down_is_refused_and_the_store_goes_on_after(own_pg_server: PgServer) -> None:
    url = own_pg_server.url("postgres")
    open_store(url, create=True).close()
    make_store(url, n_tickets=3)
    store = open_store(url)
    sue = queries.agent_by_name(store, "Sue").id
    raj = queries.agent_by_name(store, "Raj").id
    from csconsole.services import tickets

    own_pg_server.stop("immediate")
    try:
        with pytest.raises(StoreError, match="cannot reach the PostgreSQL server|" + LOST):
            tickets.reassign(store, [1], actor_id=sue, to_id=raj, reason="while it is down")
    finally:
        own_pg_server.start()
    change = tickets.reassign(store, [1], actor_id=sue, to_id=raj, reason="after the restart")
    assert queries.tickets_by_id(store, [1])[0].owner == "Raj" and change.seqs
    store.close()
