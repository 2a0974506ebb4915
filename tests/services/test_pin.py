"""The optional console PIN: Argon2id with OWASP parameters, only a hash kept, supervisors only."""

from __future__ import annotations

import pytest

from csconsole.domain.errors import BadInput, RuleViolation
from csconsole.services import open_store, pin
from tests.conftest import Floor
from tests.sql import connection


@pytest.fixture
def pins(floor: Floor) -> Floor:
    """The floor (its store has the agent_pins table of migration 0003)."""
    return floor


def test_a_pin_is_kept_only_as_an_argon2id_hash_with_owasp_parameters(pins: Floor) -> None:
    pin.set_pin(pins.store, pins.sue.id, "482913")
    stored = connection(pins.store).execute("SELECT hash FROM agent_pins WHERE agent_id = ?",
                                     (pins.sue.id,)).fetchone()[0]
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and "482913" not in stored
    assert pin.verify_pin(pins.store, pins.sue.id, "482913")
    assert not pin.verify_pin(pins.store, pins.sue.id, "482914")
    assert pin.has_pin(pins.store, pins.sue.id) and not pin.has_pin(pins.store, pins.max.id)
    assert pin.verify_pin(pins.store, pins.max.id, "")  # no PIN set: nothing to ask


def test_only_supervisors_and_managers_have_a_pin(pins: Floor) -> None:
    with pytest.raises(RuleViolation, match="only supervisors and managers"):
        pin.set_pin(pins.store, pins.ana.id, "482913")


@pytest.mark.parametrize("weak", ["12a4", "123", "1234567890123", "1111", "1234", "9876", "7890"])
def test_malformed_or_obvious_pins_are_refused(pins: Floor, weak: str) -> None:
    with pytest.raises(BadInput):
        pin.set_pin(pins.store, pins.sue.id, weak)


def test_changing_or_clearing_needs_the_current_pin_or_a_manager(pins: Floor) -> None:
    pin.set_pin(pins.store, pins.sue.id, "482913")
    with pytest.raises(RuleViolation, match="not changed"):
        pin.set_pin(pins.store, pins.sue.id, "550917", current="000000")
    pin.set_pin(pins.store, pins.sue.id, "550917", current="482913")
    assert pin.verify_pin(pins.store, pins.sue.id, "550917")
    with pytest.raises(RuleViolation, match="only a manager"):
        pin.clear_pin(pins.store, pins.sue.id, by=pins.ana.id)
    pin.clear_pin(pins.store, pins.sue.id, by=pins.max.id)  # Sue forgot hers; Max clears it
    assert not pin.has_pin(pins.store, pins.sue.id)


def test_checking_a_pin_on_a_read_only_store_writes_nothing(pins: Floor) -> None:
    pin.set_pin(pins.store, pins.sue.id, "482913")
    pins.store.close()

    def state() -> tuple[object, ...]:
        rows = pins.site.sql("SELECT agent_id, hash, set_at FROM agent_pins ORDER BY agent_id")
        return (rows, b"" if pins.site.on_postgres else pins.path.read_bytes())

    before = state()
    with open_store(pins.location, read_only=True) as store:
        assert pin.verify_pin(store, pins.sue.id, "482913")
    assert state() == before


def test_a_new_supervisor_is_vouched_for_once_the_floor_has_a_guard(pins: Floor) -> None:
    """Anyone may add themselves while no supervisor has a PIN; after that, only with a guard's PIN."""
    from csconsole.services import queries

    first = pin.join_as_supervisor(pins.store, "Nia Obi")  # nobody guards the floor yet
    assert first.role.may_supervise
    pin.set_pin(pins.store, pins.sue.id, "482913")
    before = len(queries.agents(pins.store))
    with pytest.raises(RuleViolation, match="vouched for by a supervisor or manager with a console PIN: ask Sue"):
        pin.join_as_supervisor(pins.store, "Passer By")
    with pytest.raises(RuleViolation, match="not Sue's PIN"):
        pin.join_as_supervisor(pins.store, "Passer By", sponsor_id=pins.sue.id, sponsor_pin="000000")
    with pytest.raises(RuleViolation, match="ask Sue"):  # a supervisor without a PIN cannot vouch
        pin.join_as_supervisor(pins.store, "Passer By", sponsor_id=pins.max.id, sponsor_pin="")
    assert len(queries.agents(pins.store)) == before  # nobody was added
    new = pin.join_as_supervisor(pins.store, "Omar Haddad", sponsor_id=pins.sue.id, sponsor_pin="482913")
    assert new.role.value == "supervisor"
    added = [e for e in connection(pins.store).execute(
        "SELECT actor_id, data FROM events WHERE kind = 'agent_added' ORDER BY seq").fetchall()]
    assert added[-1][0] == pins.sue.id and "Omar Haddad" in added[-1][1]  # the event names who vouched
