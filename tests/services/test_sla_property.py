"""The rebuild property through the store, with schedules in force: whatever mix of ticket work and policy
edits the services take, the clocks the store kept one event (and one edit) at a time are exactly what
``rebuild`` lays from the events alone (SQLite: the engines share this code; tests/services/test_sla.py
runs the same checks on both)."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csconsole.domain import clock
from csconsole.domain.sla_policy import DEFAULT_POLICY, SlaPolicy
from csconsole.services import audit, open_store, people, sla, tickets

POLICIES: list[SlaPolicy | None] = [
    DEFAULT_POLICY.amended(hours="mon-fri 09:00-17:00", timezone="Europe/Berlin", holidays="DE-BY"),
    DEFAULT_POLICY.amended(hours="mon-fri 08:00-12:00,13:00-18:00; sat 10:00-14:00", timezone="America/New_York",
                           holidays="US-NY", targets=["urgent:first=5,resolution=90"]),
    DEFAULT_POLICY.amended(hours="mon-sun 22:00-02:00", timezone="Asia/Tokyo", closed="2026-03-04"),
    DEFAULT_POLICY.amended(targets=["normal:first=20,next=25,resolution=200"]),
    None,  # a queue back under the store-wide policy
]
WORK = ("take", "reply", "contact", "pending", "open", "resolved", "escalate", "transfer", "policy")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(WORK), st.integers(0, 2), st.integers(0, len(POLICIES) - 1),
                                st.integers(1, 600)), min_size=4, max_size=30))
def test_the_clocks_kept_live_are_the_clocks_rebuild_lays(tmp_path: Path, steps: list[tuple[str, int, int, int]]) -> None:
    path = tmp_path / f"{abs(hash(tuple(steps)))}.db"
    with open_store(str(path), create=True) as store:
        queues = [people.add_queue(store, name).id for name in ("Billing", "Tech")]
        ana = people.add_agent(store, "Ana", "agent", queues[0]).id
        sue = people.add_agent(store, "Sue", "supervisor").id
        moment = clock.from_text("2026-03-02T08:00:00Z").timestamp()
        ids = []
        for n, priority in zip(range(3), itertools.cycle(("urgent", "normal", "low")), strict=False):
            ids.append(tickets.create_ticket(store, actor_id=None, customer=f"C{n}", subject="s", channel="chat",
                                             priority=priority, queue_id=queues[n % 2],
                                             at=clock.from_epoch(int(moment))).ticket_ids[0])
        for work, which, policy, minutes in steps:
            moment += minutes * 60
            at, tid = clock.from_epoch(int(moment)), ids[which]
            try:
                if work == "policy":
                    sla.set_policy(store, queues[which % 2] if which else None,
                                   POLICIES[policy] if which or POLICIES[policy] is not None else DEFAULT_POLICY)
                elif work == "take":
                    tickets.take(store, tid, actor_id=ana, at=at)
                elif work == "reply":
                    tickets.reply(store, tid, actor_id=sue, note="r", at=at)
                elif work == "contact":
                    tickets.contact(store, tid, note="again", at=at)
                elif work == "escalate":
                    tickets.escalate(store, tid, actor_id=sue, priority="high", note="x", at=at)
                elif work == "transfer":
                    tickets.transfer(store, tid, actor_id=sue, queue_id=queues[policy % 2], owner_id=None,
                                     note="over to you", at=at)
                else:
                    tickets.set_status(store, tid, actor_id=sue, status=work, note="", at=at)
            except Exception as refused:  # a rule said no (closing twice, taking what is taken...): nothing written
                assert type(refused).__module__.startswith("csconsole.domain"), refused
        assert audit.rebuild(store).corrected == 0
