"""The floor's roles on a PostgreSQL server, and the server's own enforcement of DESIGN §2 (issue 12).

Each person on the floor logs in as their own login, a member of one group role: ``csconsole_agent``,
``csconsole_supervisor``, ``csconsole_manager`` (people who work tickets: a login named as their csconsole
agent) or ``csconsole_auditor`` (reads everything, writes nothing). ``init`` (``apply_migrations``) makes the
groups, grants what each may do afresh, and (re)installs the guards below, on every run: the migration
path of PostgreSQL alone, no numbered migration (SQLite has no logins; there the operating system's file
permissions are the guard).

**Why triggers, not SECURITY DEFINER functions.** The hash chain and the derived columns are computed in
Python by the one write path both engines share (``store/ledger.py``); SECURITY DEFINER functions would
mean writing every use case again in PL/pgSQL, a second copy of the rules to keep in step with the first.
Row-level security alone cannot say it either: a policy sees the old row (USING) or the new one (WITH
CHECK), never the change from one to the other, and "an agent may move a ticket only if it was theirs" is
about that change. So the console writes as it always has, and the server checks every row it is given:

- ``events`` (BEFORE INSERT, each row): the actor is the session's own agent (``session_user`` is the
  agent's name; no actor only on a customer's contact and the reopen it brings, a ticket's creation,
  and the floor's records the console writes without one: never another person);
  the kind is checked against the login's group and the ticket's row as it stands before the event:
  only a supervisor or manager reassigns, records a recovery step or an evaluation, or changes the floor's
  records (queues, policies, checklists, PINs); people and roles are the administrator's
  (``csconsole floor``: an ``agent_added``, or an ``agent_changed`` naming a name or a role, is refused to
  every floor login); a take is of an unowned ticket, for oneself, where it waits; an agent transfers
  only a ticket they hold or one nobody owns; only the owner or a supervisor resolves or closes; an agent
  undoes only their own moves and status changes, and only while nobody else acted on the ticket since;
  a closed ticket is neither taken, transferred nor reassigned; an event about no ticket is one of the
  floor's records, and a ticket's is a ticket's kind. UPDATE, DELETE and TRUNCATE stay refused to everyone
  (``schema.py``).
- ``tickets`` (BEFORE INSERT OR UPDATE, each row): the derived row is a floor login's to write only as
  an event of the same ticket, appended before it in the same change (``last_seq`` names it), lets it: the
  holder moves only with a take, transfer or reassign to exactly the holder the event names (or an undo),
  the status only with a status event to exactly that status (or the first take's new → open, or an
  undo), the priority only with an escalation (or an undo); an agent's undo gives the ticket to nobody
  else and leaves it resolved or closed only in their hands; and a take, an agent's transfer or close is
  checked again on the row as it is now (a writer that skipped the chain's lock may have raced another to
  it: the row's lock orders them). Without a new event only the columns outside the holder, status,
  priority, response times and counters move (the SLA clocks: a new policy re-times them). Reference, customer, subject, channel and creation
  time never change; a new ticket starts unowned, new, without history. The counters (bounces,
  contacts...) ride on an event too; their values are checked by ``audit verify`` against the events.
- ``customers`` (BEFORE UPDATE): ``resolved_tickets`` moves by one at a time at most.
- ``agents`` (BEFORE UPDATE): a floor login never changes an agent's name or role (the login's group is
  the role the server goes by; ``floor set-role`` changes both at once).
- Privileges: no floor login may DELETE or TRUNCATE anything, nor touch the schema; an agent may write
  only events, tickets and customers; supervisors and managers also recovery cases, evaluations,
  policies, checklists, queues and agents (within the guard above); the auditor only reads.

Who is exempt: a superuser, the schema's owner (the store's administrator, who runs ``init``, ``copy``,
``rebuild`` and ``floor``), and a login in none of the four groups (a member of ``csconsole_console``: a
shared service login trusted as a workstation is; give it to no person). A login in a floor group is
always checked, whatever else it is a member of. Groups are told by ``pg_has_role(..., 'USAGE')``: a
member that inherits the group's rights (PostgreSQL 16 gives a role's creator an ADMIN grant that does
not inherit, so the administrator is never mistaken for a floor login).

An event's ``at`` must be now, by the server's clock, within ``CLOCK_SKEW_S`` (a desk cannot backdate a
reply to meet a target). What the guards do not check is an event's ``hash``: ``audit verify`` recomputes
the chain and names the first event that does not match, and its actor is the login that wrote it.
"""

from __future__ import annotations

from csconsole.domain.rules import REVERTIBLE_KINDS
from csconsole.domain.words import REGISTRY_KINDS, EventKind
from csconsole.store.postgres.connection import SCHEMA, Connection

AGENT_GROUP = "csconsole_agent"
SUPERVISOR_GROUP = "csconsole_supervisor"
MANAGER_GROUP = "csconsole_manager"
AUDITOR_GROUP = "csconsole_auditor"
# The csconsole role (or "auditor": no agent) → its group; the order is the order the server tries them in.
FLOOR_GROUPS: dict[str, str] = {
    "manager": MANAGER_GROUP, "supervisor": SUPERVISOR_GROUP, "agent": AGENT_GROUP, "auditor": AUDITOR_GROUP,
}
# What each group may write (every group reads every table of the store).
_AGENT_WRITES = {"events": "INSERT", "tickets": "INSERT, UPDATE", "customers": "INSERT, UPDATE"}
_SUPERVISOR_WRITES = {
    **_AGENT_WRITES, "recovery_cases": "INSERT, UPDATE", "evaluations": "INSERT, UPDATE",
    "policies": "INSERT, UPDATE", "checklists": "INSERT, UPDATE", "queues": "INSERT, UPDATE",
    "agents": "UPDATE",
}
WRITES: dict[str, dict[str, str]] = {
    AGENT_GROUP: _AGENT_WRITES, SUPERVISOR_GROUP: _SUPERVISOR_WRITES, MANAGER_GROUP: _SUPERVISOR_WRITES,
    AUDITOR_GROUP: {},
}

# Names are schema-qualified and the path fixed (pg_temp last): a login's own temporary table named
# "tickets" cannot stand in for the store's.
_PATH = "SET search_path = pg_catalog, pg_temp"
CLOCK_SKEW_S = 600  # how far a desk's clock may be from the server's: an event's time is when it happened


def _texts(kinds: object) -> str:
    return ", ".join(f"'{kind}'" for kind in sorted(str(k) for k in kinds))  # type: ignore[attr-defined]


_RECORD_KINDS = _texts(REGISTRY_KINDS)
_TICKET_KINDS = _texts(set(EventKind) - REGISTRY_KINDS)
_REVERTIBLE = _texts(REVERTIBLE_KINDS)
_REFUSE = "USING ERRCODE = 'insufficient_privilege'"

FLOOR_ROLE_FUNCTION = f"""CREATE OR REPLACE FUNCTION {SCHEMA}.floor_role() RETURNS text
LANGUAGE sql STABLE {_PATH} AS $$
    SELECT CASE
        WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN NULL
        WHEN (SELECT n.nspowner FROM pg_namespace n WHERE n.nspname = '{SCHEMA}')
             = (SELECT oid FROM pg_roles WHERE rolname = session_user) THEN NULL
        {' '.join(f"WHEN pg_has_role(session_user, '{group}', 'USAGE') THEN '{role}'"
                  for role, group in FLOOR_GROUPS.items())}
        ELSE NULL
    END
$$"""

_EVENT_GUARD = f"""CREATE OR REPLACE FUNCTION {SCHEMA}.floor_guard_event() RETURNS trigger
LANGUAGE plpgsql {_PATH} AS $$
DECLARE
    role text := {SCHEMA}.floor_role();
    me record;
    t record;
    d jsonb;
    supervises boolean;
    login text := session_user;
BEGIN
    IF role IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT id, name, active INTO me FROM {SCHEMA}.agents WHERE name = login;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the login % is no agent of this store: only an agent''s own login writes to it', login
            {_REFUSE};
    END IF;
    IF me.active = 0 THEN
        RAISE EXCEPTION '% is not an active agent', login {_REFUSE};
    END IF;
    supervises := role IN ('supervisor', 'manager');
    d := NEW.data::jsonb;
    IF (CASE WHEN NEW.at ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}Z$'
            THEN abs(extract(epoch FROM (NEW.at::timestamptz - clock_timestamp()))) > {CLOCK_SKEW_S}
            ELSE true END) THEN  -- parenthesised: PL/pgSQL's IF reads up to the first THEN
        RAISE EXCEPTION 'an event of % is recorded at the time it happens (% is not now by the server''s '
            'clock; set this computer''s clock)', login, NEW.at {_REFUSE};
    END IF;
    IF NEW.actor_id IS DISTINCT FROM me.id AND NOT (NEW.actor_id IS NULL AND (
            NEW.ticket_id IS NULL OR NEW.kind IN ('contact', 'created')
            OR (NEW.kind = 'status' AND d ->> 'status' = 'open'))) THEN
        RAISE EXCEPTION 'the login % acts as % alone: an event cannot name another actor', login, login {_REFUSE};
    END IF;
    IF NEW.ticket_id IS NULL AND NEW.kind NOT IN ({_RECORD_KINDS}) THEN
        RAISE EXCEPTION 'an event about no ticket is one of the floor''s records, not a %', NEW.kind {_REFUSE};
    END IF;
    IF NEW.ticket_id IS NOT NULL AND NEW.kind NOT IN ({_TICKET_KINDS}) THEN
        RAISE EXCEPTION 'a % is no event of a ticket', NEW.kind {_REFUSE};
    END IF;
    IF NEW.ticket_id IS NULL THEN
        IF NEW.kind IN ('customer_added', 'customer_changed') THEN
            RETURN NEW;
        END IF;
        IF NEW.kind = 'agent_added' OR (NEW.kind = 'agent_changed' AND (d ? 'name' OR d ? 'role')) THEN
            RAISE EXCEPTION 'people and their roles are the store''s administrator''s on this server '
                '(csconsole floor add-agent / set-role); % cannot change them', login {_REFUSE};
        END IF;
        IF NOT supervises THEN
            RAISE EXCEPTION '% is an agent: the floor''s records (queues, policies, checklists, PINs) are a '
                'supervisor''s or manager''s to change', login {_REFUSE};
        END IF;
        RETURN NEW;
    END IF;
    SELECT owner_id, queue_id, status, last_seq INTO t FROM {SCHEMA}.tickets WHERE id = NEW.ticket_id;
    IF NOT FOUND THEN
        RETURN NEW;  -- the reference refuses it
    END IF;
    IF NEW.kind IN ('reassign', 'recovery_step', 'evaluation', 'zendesk_synced', 'ref_recorded')
            AND NOT supervises THEN
        RAISE EXCEPTION '% is an agent; only a supervisor or manager may % (ticket %)', login,
            CASE NEW.kind WHEN 'reassign' THEN 'reassign' WHEN 'evaluation' THEN 'evaluate'
                 WHEN 'recovery_step' THEN 'record a recovery step' ELSE 'record an import''s bookkeeping' END,
            NEW.ticket_id {_REFUSE};
    END IF;
    IF NEW.kind IN ('take', 'transfer', 'reassign') AND t.status = 'closed' THEN
        RAISE EXCEPTION 'ticket % is closed and cannot be taken, transferred or reassigned', NEW.ticket_id
            {_REFUSE};
    END IF;
    IF NEW.kind = 'take' AND t.owner_id IS NOT NULL AND t.owner_id <> me.id THEN
        RAISE EXCEPTION 'ticket % already has an owner, the customer''s single point of contact; a supervisor '
            'reassigns it', NEW.ticket_id {_REFUSE};
    END IF;
    IF NEW.kind = 'take' AND ((d ->> 'owner')::bigint IS DISTINCT FROM me.id
            OR (d ->> 'queue')::bigint IS DISTINCT FROM t.queue_id) THEN
        RAISE EXCEPTION 'a take makes % the owner of ticket % where it waits; a move is a transfer', login,
            NEW.ticket_id {_REFUSE};
    END IF;
    IF NEW.kind = 'transfer' AND NOT supervises AND t.owner_id IS NOT NULL AND t.owner_id <> me.id THEN
        RAISE EXCEPTION 'ticket % is a colleague''s: its owner transfers it, or a supervisor reassigns it',
            NEW.ticket_id {_REFUSE};
    END IF;
    IF NEW.kind = 'status' AND d ->> 'status' IN ('resolved', 'closed') AND NOT supervises
            AND t.owner_id IS DISTINCT FROM me.id THEN
        RAISE EXCEPTION '% does not own ticket %; only its owner or a supervisor may %', login, NEW.ticket_id,
            CASE d ->> 'status' WHEN 'closed' THEN 'close it' ELSE 'resolve it' END {_REFUSE};
    END IF;
    IF NEW.kind = 'revert' AND EXISTS (
            SELECT 1 FROM {SCHEMA}.events e
            WHERE e.seq IN (SELECT (s #>> '{{}}')::bigint FROM jsonb_array_elements(d -> 'reverts') AS s)
              AND (e.ticket_id IS DISTINCT FROM NEW.ticket_id OR e.kind NOT IN ({_REVERTIBLE})
                   OR (NOT supervises AND e.actor_id IS DISTINCT FROM me.id))) THEN
        RAISE EXCEPTION '% may undo only their own moves and status changes of ticket %', login, NEW.ticket_id
            {_REFUSE};
    END IF;
    IF NEW.kind = 'revert' AND NOT supervises AND EXISTS (
            SELECT 1 FROM {SCHEMA}.events e
            WHERE e.ticket_id = NEW.ticket_id AND e.actor_id IS DISTINCT FROM me.id
              AND e.seq > (SELECT min((s #>> '{{}}')::bigint) FROM jsonb_array_elements(d -> 'reverts') AS s)) THEN
        RAISE EXCEPTION 'ticket % changed since, by someone else: % cannot undo it', NEW.ticket_id, login {_REFUSE};
    END IF;
    IF NEW.kind = 'created' AND t.last_seq <> 0 THEN
        RAISE EXCEPTION 'ticket % was created already', NEW.ticket_id {_REFUSE};
    END IF;
    RETURN NEW;
END
$$"""

_TICKET_GUARD = f"""CREATE OR REPLACE FUNCTION {SCHEMA}.floor_guard_ticket() RETURNS trigger
LANGUAGE plpgsql {_PATH} AS $$
DECLARE
    role text := {SCHEMA}.floor_role();
    e record;
    me bigint;
    login text := session_user;
BEGIN
    IF role IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT id INTO me FROM {SCHEMA}.agents WHERE name = login;
    IF TG_OP = 'INSERT' THEN
        IF NEW.owner_id IS NOT NULL OR NEW.status <> 'new' OR NEW.last_seq <> 0 OR NEW.bounces <> 0
                OR NEW.pingpongs <> 0 OR NEW.path <> '[]' OR NEW.closed_by IS NOT NULL THEN
            RAISE EXCEPTION 'a new ticket starts unowned, new and without history' {_REFUSE};
        END IF;
        RETURN NEW;
    END IF;
    IF ROW(NEW.id, NEW.ref, NEW.customer_id, NEW.subject, NEW.channel, NEW.created_at)
            IS DISTINCT FROM ROW(OLD.id, OLD.ref, OLD.customer_id, OLD.subject, OLD.channel, OLD.created_at) THEN
        RAISE EXCEPTION 'ticket %: its reference, customer, subject, channel and creation time never change',
            OLD.id {_REFUSE};
    END IF;
    IF NEW.last_seq = OLD.last_seq THEN
        IF ROW(NEW.priority, NEW.status, NEW.queue_id, NEW.owner_id, NEW.first_response_at, NEW.resolved_at,
               NEW.closed_at, NEW.closed_by, NEW.bounces, NEW.pingpongs, NEW.contacts, NEW.path)
           IS DISTINCT FROM ROW(OLD.priority, OLD.status, OLD.queue_id, OLD.owner_id, OLD.first_response_at,
               OLD.resolved_at, OLD.closed_at, OLD.closed_by, OLD.bounces, OLD.pingpongs, OLD.contacts, OLD.path)
        THEN
            RAISE EXCEPTION 'ticket % changes only with an event of it (% wrote its row alone)', OLD.id, login
                {_REFUSE};
        END IF;
        RETURN NEW;
    END IF;
    SELECT kind, ticket_id, data::jsonb AS d INTO e FROM {SCHEMA}.events WHERE seq = NEW.last_seq;
    IF NOT FOUND OR e.ticket_id IS DISTINCT FROM NEW.id OR NEW.last_seq < OLD.last_seq THEN
        RAISE EXCEPTION 'ticket % changes only with an event of it, appended first (last_seq %)', OLD.id,
            NEW.last_seq {_REFUSE};
    END IF;
    IF e.kind = 'revert' THEN
        -- An undo refolds the ticket from its events (which ones and whose was checked as it was appended):
        -- for an agent, the ticket stays theirs, the previous owner's or nobody's, and it ends resolved or
        -- closed only in the owner's hands.
        IF role = 'agent' AND (NEW.owner_id IS NOT NULL AND NEW.owner_id IS DISTINCT FROM OLD.owner_id
                AND NEW.owner_id <> me) THEN
            RAISE EXCEPTION 'ticket %: an undo by % gives it to nobody else', OLD.id, login {_REFUSE};
        END IF;
        IF role = 'agent' AND NEW.status IN ('resolved', 'closed') AND NEW.status IS DISTINCT FROM OLD.status
                AND NEW.owner_id IS DISTINCT FROM me THEN
            RAISE EXCEPTION 'ticket %: only its owner or a supervisor may resolve or close it', OLD.id {_REFUSE};
        END IF;
        RETURN NEW;
    END IF;
    IF ROW(NEW.queue_id, NEW.owner_id) IS DISTINCT FROM ROW(OLD.queue_id, OLD.owner_id) AND NOT (
            e.kind IN ('take', 'transfer', 'reassign') AND NEW.queue_id = (e.d ->> 'queue')::bigint
            AND NEW.owner_id IS NOT DISTINCT FROM (e.d ->> 'owner')::bigint) THEN
        RAISE EXCEPTION 'ticket %: its holder moves only as a take, transfer or reassign says (not a %)',
            OLD.id, e.kind {_REFUSE};
    END IF;
    IF ROW(NEW.status, NEW.resolved_at, NEW.closed_at, NEW.closed_by)
            IS DISTINCT FROM ROW(OLD.status, OLD.resolved_at, OLD.closed_at, OLD.closed_by) AND NOT (
            (e.kind = 'status' AND NEW.status = e.d ->> 'status')
            OR (e.kind IN ('take', 'transfer', 'reassign') AND OLD.status = 'new' AND NEW.status = 'open'
                AND ROW(NEW.resolved_at, NEW.closed_at, NEW.closed_by)
                    IS NOT DISTINCT FROM ROW(OLD.resolved_at, OLD.closed_at, OLD.closed_by))) THEN
        RAISE EXCEPTION 'ticket %: its status changes only as a status event says (not a %)', OLD.id, e.kind
            {_REFUSE};
    END IF;
    -- Again on the row as it is now: a writer that skipped the chain's lock may have raced another to it
    -- (the row's lock orders them; the second sees the first's row here).
    IF (e.kind = 'take' OR (e.kind = 'transfer' AND role = 'agent')) AND OLD.owner_id IS NOT NULL
            AND OLD.owner_id IS DISTINCT FROM me THEN
        RAISE EXCEPTION 'ticket % is someone else''s now: % cannot % it', OLD.id, login, e.kind {_REFUSE};
    END IF;
    IF role = 'agent' AND NEW.status IN ('resolved', 'closed') AND NEW.status IS DISTINCT FROM OLD.status
            AND OLD.owner_id IS DISTINCT FROM me THEN
        RAISE EXCEPTION 'ticket %: only its owner or a supervisor may resolve or close it', OLD.id {_REFUSE};
    END IF;
    IF NEW.priority IS DISTINCT FROM OLD.priority AND e.kind <> 'escalate' THEN
        RAISE EXCEPTION 'ticket %: its priority changes only with an escalation (not a %)', OLD.id, e.kind
            {_REFUSE};
    END IF;
    RETURN NEW;
END
$$"""

_CUSTOMER_GUARD = f"""CREATE OR REPLACE FUNCTION {SCHEMA}.floor_guard_customer() RETURNS trigger
LANGUAGE plpgsql {_PATH} AS $$
BEGIN
    IF {SCHEMA}.floor_role() IS NOT NULL AND (NEW.id <> OLD.id
            OR abs(NEW.resolved_tickets - OLD.resolved_tickets) > 1 OR NEW.resolved_tickets < 0) THEN
        RAISE EXCEPTION 'customer %: resolved tickets are counted one at a time, as tickets are resolved', OLD.id
            {_REFUSE};
    END IF;
    RETURN NEW;
END
$$"""

_AGENT_GUARD = f"""CREATE OR REPLACE FUNCTION {SCHEMA}.floor_guard_agent() RETURNS trigger
LANGUAGE plpgsql {_PATH} AS $$
BEGIN
    IF {SCHEMA}.floor_role() IS NOT NULL
            AND ROW(NEW.id, NEW.name, NEW.role) IS DISTINCT FROM ROW(OLD.id, OLD.name, OLD.role) THEN
        RAISE EXCEPTION 'people and their roles are the store''s administrator''s on this server '
            '(csconsole floor set-role); % cannot change them', session_user {_REFUSE};
    END IF;
    RETURN NEW;
END
$$"""

# (trigger, table, when, function)
FLOOR_TRIGGERS: tuple[tuple[str, str, str, str], ...] = (
    ("floor_guard_events", "events", "BEFORE INSERT", "floor_guard_event"),
    ("floor_guard_tickets", "tickets", "BEFORE INSERT OR UPDATE", "floor_guard_ticket"),
    ("floor_guard_customers", "customers", "BEFORE UPDATE", "floor_guard_customer"),
    ("floor_guard_agents", "agents", "BEFORE UPDATE", "floor_guard_agent"),
)
GUARD_FUNCTIONS = (FLOOR_ROLE_FUNCTION, _EVENT_GUARD, _TICKET_GUARD, _CUSTOMER_GUARD, _AGENT_GUARD)


def expected_triggers() -> dict[tuple[str, str], str]:
    """The guards as ``schema_objects`` reads them, for ``audit verify`` (a guard dropped is named)."""
    return {("trigger", name): "enabled" for name, *_ in FLOOR_TRIGGERS}


def install(conn: Connection) -> None:
    """Inside the migration's transaction, as the schema's owner: the groups, their rights and the guards."""
    for group in FLOOR_GROUPS.values():
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (group,)).fetchone() is None:
            conn.execute(f"CREATE ROLE {group} NOLOGIN")
    for statement in GUARD_FUNCTIONS:
        conn.raw.execute(statement.encode())  # as written: its ? and % are PL/pgSQL's, not placeholders
    for name, table, when, function in FLOOR_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name} ON {SCHEMA}.{table}")
        conn.execute(f"CREATE TRIGGER {name} {when} ON {SCHEMA}.{table} "
                     f"FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.{function}()")
    tables = [row[0] for row in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY tablename", (SCHEMA,))]
    for group, writes in WRITES.items():
        conn.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {group}")
        conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {group}")
        conn.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {SCHEMA} FROM {group}")
        for table in tables:
            rights = ", ".join(("SELECT", writes[table])) if table in writes else "SELECT"
            conn.execute(f"GRANT {rights} ON {SCHEMA}.{table} TO {group}")
        if writes:
            conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {group}")
