"""A server that goes away in the middle of a write: one plain line, nothing half-written, and the same
store carries on once the server answers again (its connection comes back by itself)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from csconsole.domain.read_models import TicketFilter
from csconsole.io.csv_import import import_csv
from csconsole.services import StoreError, audit, open_store, queries, retry_read
from csconsole.store import retry
from csconsole.store.import_session import ImportSession
from tests.cli.test_cli import HEADER
from tests.faults.harness import make_store
from tests.pg_server import PgServer
from tests.sites import Site, fingerprint

LOST = "the connection to the server was lost|the server is restarting or shutting down"


def test_a_connection_cut_in_the_middle_of_an_import_chunk_leaves_no_half_chunk_and_the_import_resumes(
        pg_site: Site, pg_server: PgServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_store(pg_site.location, n_tickets=5)
    log = tmp_path / "big.csv"
    log.write_text(HEADER + "".join(f"N-{i},2026-03-02T09:00:00Z,created,,Billing,,C{i},s,chat,low,,\n"
                                    for i in range(2500)))
    before = fingerprint(pg_site)
    store = open_store(pg_site.location)
    cut: list[int] = []
    opened = ImportSession.open_ticket

    def open_ticket(session: ImportSession, *args: object) -> object:
        if not cut and len(opened_refs) == 300:  # inside a chunk's transaction: the server drops this desk
            session_id = store.session_id()
            assert session_id is not None
            cut.append(session_id)
            pg_server.sql("SELECT pg_terminate_backend(%s)", (session_id,))
        opened_refs.append(1)
        return opened(session, *args)  # type: ignore[arg-type]

    opened_refs: list[int] = []
    monkeypatch.setattr(ImportSession, "open_ticket", open_ticket)
    with pytest.raises(StoreError, match=LOST) as lost:
        import_csv(store, log)
    assert "\n" not in str(lost.value) and cut
    landed = queries.tickets_count(store, TicketFilter())  # the same store, connected again
    assert store.session_id() != cut[0]
    assert 5 <= landed < 2505
    if landed == 5:  # the cut came in the first chunk: nothing of the import is there
        assert fingerprint(pg_site) == before
    monkeypatch.undo()
    result = import_csv(store, log)  # the same import again: the rest, nothing twice
    assert result.resumed_from == landed - 5
    assert queries.tickets_count(store, TicketFilter()) == 2505
    store.close()


@pytest.mark.slow
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


@pytest.mark.slow
def test_reads_while_the_server_is_stopped_immediately_wait_for_it_and_answer_once_it_is_back(
        own_pg_server: PgServer) -> None:
    """``pg_ctl stop -m immediate`` (a crash) under an open store, started again a few seconds later: a
    read through the store's read rule waits it out and answers, whether it is a bare query, a snapshot
    of several (one ticket's story) or the opening of another connection, as a console's would."""
    url = own_pg_server.url("postgres")
    open_store(url, create=True).close()
    make_store(url, n_tickets=3)
    store = open_store(url, read_only=True)
    reads = {
        "count": lambda: queries.tickets_count(store, TicketFilter()),
        "story": lambda: queries.ticket_detail(store, 1).row.ref,
        "head": lambda: audit.head(store).seq,
        "a new connection": lambda: _count_on_a_new_store(url),
    }
    expected = {name: read() for name, read in reads.items()}
    try:
        for name, read in reads.items():
            # The test server acknowledges commits before their WAL is written (synchronous_commit off):
            # a crash would take the last of them with it, which a floor's durable server never does.
            own_pg_server.sql("CHECKPOINT")
            own_pg_server.stop("immediate")
            with pytest.raises(StoreError) as away:  # at once, for a read that must not wait (the GUI thread)
                retry_read(read, store.location, patient=False)
            assert away.value.server_away and "\n" not in str(away.value), name
            back = threading.Timer(2.0, own_pg_server.start)
            back.start()
            try:
                assert retry_read(read, store.location) == expected[name], name
            finally:
                back.join()
    finally:
        if not own_pg_server.running():
            own_pg_server.start()
        store.close()


def _count_on_a_new_store(url: str) -> int:
    with open_store(url, read_only=True) as other:
        return queries.tickets_count(other, TicketFilter())


@pytest.mark.slow
def test_a_read_the_server_never_answers_gives_one_plain_line_after_the_bound(
        own_pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> None:
    url = own_pg_server.url("postgres")
    open_store(url, create=True).close()
    make_store(url, n_tickets=2)
    store = open_store(url, read_only=True)
    short = retry.Backoff(attempts=50, first=0.05, longest=0.2, budget=1.0)  # the bound, shortened for the test
    monkeypatch.setitem(retry.BACKOFF, retry.Retry.UNAVAILABLE, short)
    own_pg_server.sql("CHECKPOINT")  # the test server's commits reach its disk late (synchronous_commit off)
    own_pg_server.stop("immediate")
    try:
        with pytest.raises(StoreError) as gave_up:
            retry_read(lambda: queries.tickets_count(store, TicketFilter()), store.location)
    finally:
        own_pg_server.start()
    line = str(gave_up.value)
    assert gave_up.value.server_away and "\n" not in line and "Traceback" not in line
    assert "cannot reach the PostgreSQL server" in line and "(waited 1 s for it)" in line
    assert "psycopg" not in line
    assert queries.tickets_count(store, TicketFilter()) == 2  # the same store, once it is back
    store.close()


@pytest.mark.slow
def test_a_connection_lost_at_commit_after_the_server_committed_is_the_write_done_not_run_again(
        own_pg_server: PgServer) -> None:
    """The one loss a retry must not hide: the server committed, and the connection went before it said so.
    Held there for certain by a synchronous standby that never comes (the server commits locally, then
    waits), the session is ended while it waits: the desk is told its note is written, and it is there
    once, not twice (a unit run again because its COMMIT met a lost connection writes it again)."""
    url = own_pg_server.url("postgres")
    open_store(url, create=True).close()
    make_store(url, n_tickets=1)
    store = open_store(url)
    ana = queries.agent_by_name(store, "Ana").id
    from csconsole.services import tickets

    def waiting_commits() -> list[int]:
        with own_pg_server.admin() as admin:
            return [int(pid) for (pid,) in admin.execute(
                b"SELECT pid FROM pg_stat_activity WHERE wait_event = 'SyncRep'").fetchall()]

    def end_the_session_while_it_waits() -> None:
        for _ in range(200):
            if waiting := waiting_commits():
                own_pg_server.sql("SELECT pg_terminate_backend(%s)", (waiting[0],))
                break
            threading.Event().wait(0.05)
        own_pg_server.sql("ALTER SYSTEM RESET synchronous_standby_names")  # a second commit goes through
        own_pg_server.sql("SELECT pg_reload_conf()")

    own_pg_server.sql("ALTER SYSTEM SET synchronous_commit = on")
    own_pg_server.sql("ALTER SYSTEM SET synchronous_standby_names = 'nobody'")
    own_pg_server.sql("SELECT pg_reload_conf()")
    cut = threading.Thread(target=end_the_session_while_it_waits)
    cut.start()
    try:
        change = tickets.add_note(store, 1, actor_id=ana, note="written once")
    finally:
        cut.join()
    notes = [e for e in queries.ticket_detail(store, 1).events if e.data.get("note") == "written once"]
    assert [e.seq for e in notes] == list(change.seqs)
    with open_store(url, read_only=True) as check:
        assert audit.verify(check).ok
    store.close()
