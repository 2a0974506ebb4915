"""Issue 12 on the run's own PostgreSQL server: each person's own login, and DESIGN §2 enforced by the
server itself. Every refusal here is tried through raw SQL (psycopg, as any client could), never only
through csconsole's services; and the floor's everyday work through the services still passes the guards.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import psycopg
import pytest
from psycopg import errors as pg

from csconsole.cli import main
from csconsole.domain import clock
from csconsole.services import floor, open_store, tickets, undo
from csconsole.services import queries as q
from csconsole.store.errors import StoreError
from tests.floor_logins import AT, ServerFloor, raw_event

pytestmark = pytest.mark.postgresql
REFUSED = (pg.InsufficientPrivilege, pg.RestrictViolation)


def refused(floor_: ServerFloor, who: str, attempt: Callable[[psycopg.Connection[tuple[object, ...]]], object]) -> str:
    """``attempt`` in one transaction of ``who``'s own login: the server must refuse it, and write nothing."""
    with floor_.raw(who) as conn:
        before = conn.execute("SELECT count(*), max(seq) FROM csconsole.events").fetchone()
        with pytest.raises(REFUSED) as caught:
            with conn.transaction():
                attempt(conn)
        assert conn.execute("SELECT count(*), max(seq) FROM csconsole.events").fetchone() == before
    return str(caught.value)


def _agent_refusals(f: ServerFloor, me: str) -> dict[str, Callable[[psycopg.Connection[tuple[object, ...]]], object]]:
    """Every write an agent may not do, as raw SQL."""
    mine, rajs, raj = f.ids[me], f.rajs_ticket, f.ids["raj"]

    def with_note_then(update: str) -> Callable[[psycopg.Connection[tuple[object, ...]]], object]:
        def attempt(conn: psycopg.Connection[tuple[object, ...]]) -> None:
            seq = raw_event(conn, rajs, "note", mine, {"note": "looking"})  # allowed by itself
            conn.execute(f"UPDATE csconsole.tickets SET {update}, last_seq = %s WHERE id = %s", (seq, rajs))
        return attempt

    def close_beside_undo(conn: psycopg.Connection[tuple[object, ...]]) -> None:
        took = raw_event(conn, f.open_ticket, "take", mine, {"queue": 1, "owner": mine})
        conn.execute("UPDATE csconsole.tickets SET owner_id = %s, status = 'open', last_seq = %s WHERE id = %s",
                     (mine, took, f.open_ticket))
        undone = raw_event(conn, f.open_ticket, "revert", mine, {"reverts": [took]})
        conn.execute("UPDATE csconsole.tickets SET owner_id = NULL, status = 'closed', last_seq = %s WHERE id = %s",
                     (undone, f.open_ticket))

    return {
        "reassign": lambda c: raw_event(c, rajs, "reassign", mine, {"queue": 1, "owner": mine, "reason": "mine"}),
        "close a colleague's ticket": lambda c: raw_event(c, rajs, "status", mine, {"status": "closed", "note": ""}),
        "resolve a colleague's ticket": lambda c: raw_event(c, rajs, "status", mine, {"status": "resolved", "note": ""}),
        "close an unowned ticket": lambda c: raw_event(c, f.open_ticket, "status", mine, {"status": "closed", "note": ""}),
        "take a colleague's ticket": lambda c: raw_event(c, rajs, "take", mine, {"queue": 1, "owner": mine}),
        "transfer a colleague's ticket": lambda c: raw_event(c, rajs, "transfer", mine,
                                                              {"queue": 2, "owner": None, "note": "yours"}),
        "write another actor's name": lambda c: raw_event(c, f.open_ticket, "note", raj, {"note": "Raj said so"}),
        "close as nobody": lambda c: raw_event(c, rajs, "status", None, {"status": "closed", "note": ""}),
        "take for someone else": lambda c: raw_event(c, f.open_ticket, "take", mine, {"queue": 1, "owner": raj}),
        "undo a colleague's take": lambda c: raw_event(c, rajs, "revert", mine, {"reverts": [_take_seq(c, rajs)]}),
        "take into another queue": lambda c: raw_event(c, f.open_ticket, "take", mine, {"queue": 2, "owner": mine}),
        "undo their own reply": lambda c: raw_event(c, f.open_ticket, "revert", mine,
                                                    {"reverts": [raw_event(c, f.open_ticket, "reply", mine, {"note": "hi"})]}),
        "close by the row, beside their own undo": close_beside_undo,
        "a ticket's event about no ticket": lambda c: raw_event(c, None, "note", mine, {"note": "x"}),
        "a floor's record on a ticket": lambda c: raw_event(c, f.open_ticket, "policy_added", mine, {"policy": 9}),
        "backdate a reply": lambda c: raw_event(c, f.open_ticket, "reply", mine, {"note": "early"},
                                                at="2026-01-01T09:00:00Z"),
        "a time that is no time": lambda c: raw_event(c, f.open_ticket, "reply", mine, {"note": "?"}, at="soon"),
        "record a recovery step": lambda c: raw_event(c, rajs, "recovery_step", mine, {"step": "acknowledge"}),
        "evaluate": lambda c: raw_event(c, rajs, "evaluation", mine, {"associate_score": 5}),
        "add a policy (event)": lambda c: raw_event(c, None, "policy_added", mine, {"policy": 9, "name": "x"}),
        "add a policy (row)": lambda c: c.execute("INSERT INTO csconsole.policies (name, created_at) VALUES ('x', %s)",
                                                  (AT,)),
        "change a policy": lambda c: c.execute("UPDATE csconsole.policies SET active = 0"),
        "change a queue's targets": lambda c: raw_event(c, None, "queue_targets_set", mine,
                                                        {"queue": 1, "targets": {"urgent": 999}}),
        "change the queues": lambda c: c.execute("UPDATE csconsole.queues SET sla_urgent = 999"),
        "give themself a role (row)": lambda c: c.execute("UPDATE csconsole.agents SET role = 'manager'"),
        "give themself a role (event)": lambda c: raw_event(c, None, "agent_changed", mine,
                                                            {"agent": mine, "role": "manager"}),
        "give themself a group": lambda c: c.execute(f"GRANT csconsole_supervisor TO \"{f.names[me]}\""),
        "become a supervisor's group": lambda c: c.execute("SET ROLE csconsole_supervisor"),
        "take a ticket by its row": lambda c: c.execute("UPDATE csconsole.tickets SET owner_id = %s WHERE id = %s",
                                                        (mine, f.open_ticket)),
        "hide the bounces": lambda c: c.execute("UPDATE csconsole.tickets SET bounces = 7, pingpongs = 3"),
        "reassign by the row, beside a note": with_note_then(f"owner_id = {mine}"),
        "close by the row, beside a note": with_note_then("status = 'closed'"),
        "move queue by the row, beside a note": with_note_then("queue_id = 2"),
        "a new ticket already owned": lambda c: c.execute(
            "INSERT INTO csconsole.tickets (id, ref, customer_id, subject, channel, priority, status, queue_id, "
            "owner_id, created_at, updated_at) VALUES (999, 'X-1', 1, 's', 'phone', 'normal', 'open', 1, %s, %s, %s)",
            (mine, AT, AT)),
        "make a customer loyal": lambda c: c.execute("UPDATE csconsole.customers SET resolved_tickets = 50"),
        "change an event": lambda c: c.execute("UPDATE csconsole.events SET kind = 'note' WHERE seq = 1"),
        "delete an event": lambda c: c.execute("DELETE FROM csconsole.events WHERE seq = 1"),
        "truncate the log": lambda c: c.execute("TRUNCATE csconsole.events CASCADE"),
        "delete a ticket": lambda c: c.execute("DELETE FROM csconsole.tickets WHERE id = %s", (rajs,)),
        "switch the guard off": lambda c: c.execute("ALTER TABLE csconsole.events DISABLE TRIGGER floor_guard_events"),
        "drop the guard": lambda c: c.execute("DROP TRIGGER floor_guard_events ON csconsole.events"),
        "a recovery case row": lambda c: c.execute("UPDATE csconsole.recovery_cases SET steps_done = 5"),
        "set a PIN row": lambda c: c.execute("INSERT INTO csconsole.agent_pins VALUES (%s, 'x', %s)", (mine, AT)),
    }


def _take_seq(conn: psycopg.Connection[tuple[object, ...]], ticket_id: int) -> int:
    row = conn.execute("SELECT max(seq) FROM csconsole.events WHERE ticket_id = %s AND kind = 'take'",
                       (ticket_id,)).fetchone()
    assert row is not None
    return int(str(row[0]))


def test_an_agent_login_is_refused_every_write_it_may_not_do(server_floor: ServerFloor) -> None:
    problems = []
    for name, attempt in _agent_refusals(server_floor, "ana").items():
        try:
            refused(server_floor, "ana", attempt)
        except BaseException as error:  # pytest.raises fails with a BaseException: list them all
            problems.append(f"{name}: {type(error).__name__}: {error}")
    assert not problems, "\n".join(problems)


# What a supervisor or manager may not do either: write another's name, change the log, the people.
UNIVERSAL = ("write another actor's name", "backdate a reply", "a time that is no time", "close as nobody", "take for someone else", "take a colleague's ticket",
             "give themself a role (row)", "give themself a role (event)", "give themself a group",
             "change an event", "delete an event", "truncate the log", "delete a ticket", "switch the guard off",
             "drop the guard", "hide the bounces", "take a ticket by its row", "reassign by the row, beside a note",
             "close by the row, beside a note", "a new ticket already owned", "make a customer loyal",
             "set a PIN row")


@pytest.mark.parametrize("who", ["sue", "max"])
def test_a_supervisor_or_manager_login_is_refused_what_nobody_may_do(server_floor: ServerFloor, who: str) -> None:
    attempts = _agent_refusals(server_floor, who)
    problems = []
    for name in UNIVERSAL:
        try:
            refused(server_floor, who, attempts[name])
        except BaseException as error:  # as above
            problems.append(f"{name}: {type(error).__name__}: {error}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", ["sue", "max"])
def test_a_supervisor_login_does_by_raw_sql_what_an_agent_cannot(server_floor: ServerFloor, who: str) -> None:
    f, me = server_floor, server_floor.ids[who]
    with f.raw(who) as conn, conn.transaction():
        seq = raw_event(conn, f.rajs_ticket, "reassign", me, {"queue": 1, "owner": f.ids["ana"], "reason": "one owner"})
        conn.execute("UPDATE csconsole.tickets SET owner_id = %s, bounces = bounces + 1, last_seq = %s WHERE id = %s",
                     (f.ids["ana"], seq, f.rajs_ticket))
        seq = raw_event(conn, f.open_ticket, "status", me, {"status": "closed", "note": ""})
        conn.execute("UPDATE csconsole.tickets SET status = 'closed', closed_at = %s, closed_by = %s, last_seq = %s "
                     "WHERE id = %s", (AT, me, seq, f.open_ticket))
        raw_event(conn, f.rajs_ticket, "recovery_step", me, {"step": "acknowledge"})
        raw_event(conn, None, "queue_targets_set", me, {"queue": 1, "targets": {"urgent": 10}})
        conn.execute("UPDATE csconsole.queues SET sla_urgent = 10 WHERE id = 1")
    # and through the services, as their own login
    with f.store("raj") as raj_store:
        with pytest.raises(StoreError, match="cannot name another actor"):
            # a client that skips csconsole's rules: the service called with a supervisor's id
            tickets.reassign(raj_store, [f.rajs_ticket], actor_id=me, to_id=f.ids["raj"], reason="x")
    with f.store(who) as store:
        tickets.set_status(store, f.rajs_ticket, actor_id=me, status="resolved")


def test_an_auditor_login_reads_everything_and_writes_nothing(server_floor: ServerFloor) -> None:
    f = server_floor
    with f.raw("aud") as conn:
        tables = [str(r[0]) for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'csconsole' ORDER BY 1").fetchall()]
        for table in tables:
            conn.execute(f"SELECT count(*) FROM csconsole.{table}").fetchone()  # reads each
    attempts: list[Callable[[psycopg.Connection[tuple[object, ...]]], object]] = [
        lambda c: raw_event(c, f.open_ticket, "note", None, {"note": "x"}),
        *(lambda c, t=table: c.execute(f"UPDATE csconsole.{t} SET {_any_column(c, t)} = {_any_column(c, t)}")
          for table in tables),
        *(lambda c, t=table: c.execute(f"DELETE FROM csconsole.{t}") for table in tables),
    ]
    for attempt in attempts:
        refused(f, "aud", attempt)
    assert main(["audit", "verify", f.url("aud")]) == 0  # an auditor's own login verifies the store


def _any_column(conn: psycopg.Connection[tuple[object, ...]], table: str) -> str:
    row = conn.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'csconsole' "
                       "AND table_name = %s ORDER BY ordinal_position LIMIT 1", (table,)).fetchone()
    assert row is not None
    return str(row[0])


def test_an_agents_day_through_the_services_passes_the_guards(server_floor: ServerFloor) -> None:
    f, ana = server_floor, server_floor.ids["ana"]
    with f.store("ana") as store:
        billing = q.queue_by_name(store, "Billing").id
        tech = q.queue_by_name(store, "Tech").id
        new = tickets.create_ticket(store, actor_id=ana, customer="Mr New", subject="Parcel lost", channel="chat",
                                    priority="high", queue_id=billing).tickets[0].ticket_id
        took = tickets.take(store, new, actor_id=ana)
        undo.revert(store, {new: took.seqs}, actor_id=ana)  # their own take, undone
        tickets.take(store, new, actor_id=ana)
        tickets.reply(store, new, actor_id=ana, note="On it")
        tickets.escalate(store, new, actor_id=ana, priority="urgent", note="VIP")
        tickets.add_note(store, new, actor_id=ana, note="Courier called")
        moved = tickets.transfer(store, new, actor_id=ana, queue_id=tech, owner_id=f.ids["raj"], note="Raj's now")
        undo.revert(store, {new: moved.seqs}, actor_id=ana)  # their own transfer, undone: theirs again
        tickets.set_status(store, new, actor_id=ana, status="pending")
        tickets.contact(store, new, note="customer called")
        tickets.set_status(store, new, actor_id=ana, status="resolved")
        tickets.contact(store, new, note="again")  # reopens it
        tickets.take(store, f.open_ticket, actor_id=ana)
        tickets.transfer(store, f.open_ticket, actor_id=ana, queue_id=tech, note="Tech should see it")
        with pytest.raises(StoreError, match="recorded at the time it happens"):  # a reply backdated
            tickets.reply(store, new, actor_id=ana, note="answered an hour ago", at="2026-01-01T09:00:00Z")
        with pytest.raises(StoreError, match="cannot name another actor"):  # a client that skips csconsole's rules
            tickets.set_status(store, f.rajs_ticket, actor_id=f.ids["sue"], status="closed")
    assert main(["audit", "verify", f.admin]) == 0  # the chain, and every derived row as the events make it


def test_as_someone_else_is_refused_and_the_login_is_who_acts(server_floor: ServerFloor,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    f = server_floor
    ref = _ref(f, f.rajs_ticket)
    assert main(["reassign", f.url("ana"), ref, "--to", f.names["ana"], "--reason", "mine",
                 "--as", f.names["sue"]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"logged in to the server as {f.names['ana']}" in err
    assert "--as cannot name anyone else" in err
    assert main(["reassign", f.url("ana"), ref, "--to", f.names["ana"], "--reason", "mine",
                 "--as", f.names["ana"]]) == 2
    assert "only a supervisor or manager may reassign" in capsys.readouterr().err
    assert main(["reassign", f.url("sue"), ref, "--to", f.names["ana"], "--reason", "absent",
                 "--as", f.names["sue"]]) == 0
    assert main(["reassign", f.url("sue"), ref, "--to", f.names["raj"], "--reason", "one owner"]) == 0  # the login acts
    capsys.readouterr()
    with f.store("sue") as store:
        assert store.session_login() == floor.SessionLogin(f.names["sue"], "supervisor")
        assert q.ticket_detail(store, f.rajs_ticket).row.owner == f.names["raj"]


def _ref(f: ServerFloor, ticket_id: int) -> str:
    with open_store(f.admin) as store:
        return q.ticket_detail(store, ticket_id).row.ref


def test_set_role_moves_the_record_and_the_server_at_once(server_floor: ServerFloor,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    f = server_floor
    refused(f, "raj", _agent_refusals(f, "raj")["reassign"])
    assert main(["floor", "set-role", f.admin, f.names["raj"], "supervisor"]) == 0
    with f.raw("raj") as conn, conn.transaction():
        raw_event(conn, f.open_ticket, "reassign", f.ids["raj"], {"queue": 1, "owner": f.ids["raj"], "reason": "r"})
    assert main(["floor", "list", f.admin]) == 0
    listing = capsys.readouterr().out
    assert f"{f.names['raj']:<20} supervisor   supervisor" in listing
    assert f"{f.names['aud']:<20} auditor      —" in listing
    with open_store(f.admin) as store:
        assert q.agent_by_name(store, f.names["raj"]).role.value == "supervisor"
    assert main(["floor", "set-role", f.url("raj"), f.names["raj"], "manager"]) == 2  # only the administrator
    assert "csconsole:" in capsys.readouterr().err


def test_an_agent_cannot_undo_once_a_colleague_acted_on_the_ticket(server_floor: ServerFloor) -> None:
    f, ana = server_floor, server_floor.ids["ana"]
    with f.store("ana") as store:
        took = tickets.take(store, f.open_ticket, actor_id=ana)
    with f.store("raj") as store:
        tickets.add_note(store, f.open_ticket, actor_id=f.ids["raj"], note="seen")
    said = refused(f, "ana", lambda c: raw_event(c, f.open_ticket, "revert", ana, {"reverts": list(took.seqs)}))
    assert "changed since, by someone else" in said


def test_two_raw_takes_racing_past_the_chain_lock_give_the_ticket_to_one(server_floor: ServerFloor) -> None:
    """Two clients that skip the chain's lock both take the same unowned ticket: the row's lock orders
    their updates, and the guard, reading the row as the first left it, refuses the second."""
    import threading

    f, ticket = server_floor, server_floor.open_ticket
    with f.raw("ana") as first, f.raw("raj") as second:
        first.execute("BEGIN")
        seq = raw_event(first, ticket, "take", f.ids["ana"], {"queue": 1, "owner": f.ids["ana"]})
        first.execute("UPDATE csconsole.tickets SET owner_id = %s, status = 'open', last_seq = %s WHERE id = %s",
                      (f.ids["ana"], seq, ticket))
        second.execute("BEGIN")
        second.execute("INSERT INTO csconsole.events (seq, ticket_id, kind, at, actor_id, data, hash) "
                       "VALUES (%s, %s, 'take', %s, %s, %s, '')",
                       (seq + 1, ticket, clock.now_text(), f.ids["raj"], json.dumps({"queue": 1, "owner": f.ids["raj"]})))
        outcome: list[BaseException | None] = []

        def update() -> None:
            try:
                second.execute("UPDATE csconsole.tickets SET owner_id = %s, status = 'open', last_seq = %s "
                               "WHERE id = %s", (f.ids["raj"], seq + 1, ticket))
                outcome.append(None)
            except psycopg.Error as error:
                outcome.append(error)

        racing = threading.Thread(target=update)
        racing.start()
        racing.join(0.5)
        assert racing.is_alive()  # waiting for the first's row lock
        first.execute("COMMIT")
        racing.join(10)
        assert isinstance(outcome[0], pg.InsufficientPrivilege) and "someone else's now" in str(outcome[0])
        second.execute("ROLLBACK")
    with open_store(f.admin) as store:
        assert q.ticket_detail(store, ticket).row.owner == f.names["ana"]


@pytest.mark.parametrize("how", ["DROP TRIGGER floor_guard_tickets ON csconsole.tickets",
                                 "ALTER TABLE csconsole.tickets DISABLE TRIGGER floor_guard_tickets"])
def test_audit_verify_names_a_floor_guard_dropped_or_switched_off(server_floor: ServerFloor, how: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", server_floor.admin]) == 0
    server_floor.server.sql(how, dbname=server_floor.dbname)
    assert main(["audit", "verify", server_floor.admin]) == 1
    err = capsys.readouterr().err
    assert "the floor's guard floor_guard_tickets is" in err and "who may write what" in err


def test_sla_policies_are_a_supervisors_on_the_server(server_floor: ServerFloor) -> None:
    """A supervisor's login sets a queue's SLA policy (its open tickets re-timed, rows without an event of
    their own: the clock's columns alone); an agent's login cannot, by the services nor by raw SQL."""
    from csconsole.domain.sla_policy import DEFAULT_POLICY
    from csconsole.services import sla

    f = server_floor
    policy = DEFAULT_POLICY.amended(hours="mon-fri 09:00-17:00", timezone="Europe/Berlin")
    with f.store("sue") as store:
        billing = q.queue_by_name(store, "Billing").id
        assert sla.set_policy(store, billing, policy, actor_id=f.ids["sue"]).retimed >= 1
    refused(f, "ana", lambda c: raw_event(c, None, "sla_policy_set", f.ids["ana"], {"queue": billing, "policy": None}))
    assert main(["audit", "verify", f.admin]) == 0
