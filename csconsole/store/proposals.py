"""Tickets that need a recovery case and have none, by the floor's triggers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from csconsole.domain.recovery import RecoveryTriggers
from csconsole.store.fragments import OPEN_SQL, loyal_params, loyal_sql

if TYPE_CHECKING:
    from csconsole.store.store import Store


@dataclass(frozen=True)
class Proposal:
    """A ticket that needs a recovery case and has no open one."""

    ticket_id: int
    ref: str
    subject: str
    customer: str
    loyal: bool
    bounces: int
    contacts: int
    sla_breached: bool
    reasons: tuple[str, ...]


def proposals(
    store: Store, *, now: str, triggers: RecoveryTriggers = RecoveryTriggers(), limit: int = 200,
) -> list[Proposal]:
    """Tickets bounced >= N times, with >= M contacts, or (when on) a breached SLA on a loyal customer.

    Each arm is answered by its partial index (ix_tickets_bounced, ix_tickets_callbacks for thresholds of
    3 and above, ix_tickets_sla for a running clock past due); tickets that already have a case are left out.
    """
    loyal, loyal_values = loyal_sql("c"), loyal_params(now)
    bounced = "bounces >= ?" + (" AND bounces >= 3" if triggers.min_bounces >= 3 else "")
    called = "contacts >= ?" + (" AND contacts >= 3" if triggers.min_contacts >= 3 else "")
    params: list[object] = [triggers.min_bounces, triggers.min_contacts]
    loyal_arms = ""
    if triggers.loyal_breach:
        loyal_arms = f"""
            UNION SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id
                  WHERE t.sla_due_at IS NOT NULL AND t.sla_due_at <= ? AND {loyal}
            UNION SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id
                  WHERE t.sla_breaches > 0 AND t.status IN {OPEN_SQL} AND {loyal}"""
        params += [now, *loyal_values, *loyal_values]
    sql = f"""
        WITH candidates(id) AS (
            SELECT id FROM tickets WHERE {bounced}
            UNION SELECT id FROM tickets WHERE {called}{loyal_arms}
        )
        SELECT t.id, t.ref, t.subject, c.name, {loyal},
               t.bounces, t.contacts, CASE WHEN t.sla_breaches > 0 OR t.sla_due_at <= ? THEN 1 ELSE 0 END
        FROM candidates k JOIN tickets t ON t.id = k.id JOIN customers c ON c.id = t.customer_id
        WHERE NOT EXISTS (SELECT 1 FROM recovery_cases r WHERE r.ticket_id = t.id)
        ORDER BY t.id DESC LIMIT ?
    """
    params += [*loyal_values, now, limit]
    out = []
    for tid, ref, subject, customer, is_loyal, bounces, contacts, breached in store._conn.execute(sql, params):
        reasons = []
        if bounces >= triggers.min_bounces:
            reasons.append(f"bounced {bounces} time{'' if bounces == 1 else 's'}")
        if contacts >= triggers.min_contacts:
            reasons.append(f"{contacts} contact{'' if contacts == 1 else 's'}")
        if breached and is_loyal and triggers.loyal_breach:
            reasons.append("SLA breached on a loyal customer")
        out.append(Proposal(int(tid), str(ref), str(subject), str(customer), bool(is_loyal), int(bounces),
                            int(contacts), bool(breached), tuple(reasons)))
    return out
