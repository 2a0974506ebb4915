"""Property: whatever supervisors try (steps in or out of order, refusals included), the recovery rows
kept by the services equal what rebuild folds from the events alone, refusals write nothing, and the
audit chain verifies."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from csconsole.domain.errors import DomainError
from csconsole.services import audit, open_store, people, recovery, tickets
from tests.sites import Site
from tests.sql import connection

STEPS = ["acknowledge", "widen", "agree", "resolve", "evaluate", "hear", "empathize", "apologize", "diagnose",
         "listen", "respond", "notify"]
FIELDS = {"promise": "refund", "promised_by": "2026-03-02", "fix": "refunded", "outcome": "recovered",
          "goodwill_kind": "voucher", "goodwill_amount": 10, "follow_up": "2026-03-09", "root_cause": "policy",
          "policy": "P", "change": "raise the limit"}

action = st.one_of(
    # "next": the right next step of the ticket's case (or the first of a new one), so walks get far
    st.tuples(st.just("next"), st.integers(0, 1), st.just(""), st.sampled_from([None, "HEARD", "LEARN"]),
              st.just(True)),
    st.tuples(st.just("next"), st.integers(0, 1), st.just(""), st.just(None), st.just(True)),
    st.tuples(st.just("step"), st.integers(0, 1), st.sampled_from(STEPS), st.sampled_from([None, "HEARD", "LEARN"]),
              st.booleans()),
    st.tuples(st.just("evaluate"), st.integers(0, 1), st.integers(0, 6), st.integers(0, 6), st.booleans()),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(action, min_size=10, max_size=30))
def test_recovery_rows_equal_rebuild_and_refusals_write_nothing(new_site: Callable[[], Site], actions: list[tuple]) -> None:
    with open_store(new_site().location, create=True) as store:
        queue = people.add_queue(store, "Q").id
        agent = people.add_agent(store, "A", "agent", queue).id
        sue = people.add_agent(store, "S", "supervisor").id
        recovery.add_policy(store, "P")
        ids = []
        for n in range(2):
            ids.append(tickets.create_ticket(store, actor_id=None, customer=f"C{n}", subject="s", channel="chat",
                                             priority="normal", queue_id=queue,
                                             at="2026-03-01T08:00:00Z").ticket_ids[0])
            tickets.take(store, ids[-1], actor_id=agent, at="2026-03-01T08:05:00Z")
        for minute, (kind, ticket, a, b, flag) in enumerate(actions, 1):
            at = f"2026-03-01T{9 + minute // 60:02d}:{minute % 60:02d}:00Z"
            before = connection(store).execute("SELECT count(*) FROM events").fetchone()[0]
            if kind == "next":
                case = recovery.current_case(store, ids[ticket])
                first = {"HEARD": "hear", "LEARN": "listen"}.get(b or "", "acknowledge")
                kind, a = "step", (case.next_step.key if case and case.next_step else first)
                b = None if case else b
            try:
                if kind == "step":
                    recovery.complete_step(store, ids[ticket], actor_id=sue, step=a, note="n" if flag else "",
                                           fields=FIELDS, checklist=b, at=at)
                else:
                    recovery.evaluate(store, ids[ticket], actor_id=sue, associate_score=a,
                                      policy="P" if flag else None, policy_score=b if flag else None, at=at)
            except DomainError:
                assert connection(store).execute("SELECT count(*) FROM events").fetchone()[0] == before
        kept = (connection(store).execute("SELECT * FROM recovery_cases ORDER BY id").fetchall(),
                connection(store).execute("SELECT * FROM evaluations ORDER BY id").fetchall())
        assert audit.rebuild(store).corrected == 0
        assert (connection(store).execute("SELECT * FROM recovery_cases ORDER BY id").fetchall(),
                connection(store).execute("SELECT * FROM evaluations ORDER BY id").fetchall()) == kept
        assert audit.verify(store).ok
        rows = recovery.cases(store)
        for row in rows:  # a case is complete exactly when every step is done
            assert (row.completed_at is not None) == (row.steps_done == row.steps_total)
        event(f"complete cases: {sum(r.completed_at is not None for r in rows) > 0}")
