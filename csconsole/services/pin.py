"""An optional console PIN per supervisor or manager, for shared workstations.

A guardrail, not encryption: it keeps a passer-by at an unlocked shared workstation from acting as a
supervisor. The store itself stays a plain database that anyone with access to the disk can read.
Only an Argon2id hash of the PIN is kept (argon2-cffi, OWASP's parameters: 19 MiB, 2 passes, 1 lane),
in the ``agent_pins`` table (migration 0003); the chain records only its commitment
(``domain.registry_events.pin_commitment``), so a replaced or deleted hash shows in ``audit verify``.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import TYPE_CHECKING

from csconsole.domain.errors import BadInput, RuleViolation
from csconsole.domain.rules import Agent
from csconsole.domain.words import Role
from csconsole.store import directory, pins, registry
from csconsole.store.ledger import Ledger
from csconsole.store.retry import unit_of_work
from csconsole.store.store import Store

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@cache
def hasher() -> PasswordHasher:
    """OWASP Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1 (about 30 ms a check here); argon2
    is loaded when a PIN is first checked or set, not at every start."""
    from argon2 import PasswordHasher, Type

    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)


MIN_DIGITS, MAX_DIGITS = 4, 12


def check_pin_text(pin: str) -> str:
    """4 to 12 digits, and not one a passer-by guesses first (1111, 1234, 4321)."""
    text = pin.strip()
    if not text.isdigit() or not text.isascii():
        raise BadInput("a PIN is digits only")
    if not MIN_DIGITS <= len(text) <= MAX_DIGITS:
        raise BadInput(f"a PIN has {MIN_DIGITS} to {MAX_DIGITS} digits")
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(text)}
    if len(steps) == 1 and steps <= {0, 1, 9}:
        raise BadInput("that PIN is the first one anyone would try; choose another")
    return text


def _supervisor(store: Store, agent_id: int) -> Agent:
    agent = directory.agent(store, agent_id)
    if not agent.role.may_supervise:
        raise RuleViolation(
            f"{agent.name} is an {agent.role.value}; only supervisors and managers have a console PIN"
        )
    return agent


def _stored(store: Store, agent_id: int) -> str | None:
    return pins.stored_hash(store, agent_id)


def has_pin(store: Store, agent_id: int) -> bool:
    return _stored(store, agent_id) is not None


def _matches(stored: str, pin: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return hasher().verify(stored, pin)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verify_pin(store: Store, agent_id: int, pin: str) -> bool:
    """Does ``pin`` open the console for this agent? An agent without a PIN needs none (True)."""
    stored = _stored(store, agent_id)
    if stored is None:
        return True
    if not _matches(stored, pin.strip()):
        return False
    if hasher().check_needs_rehash(stored) and not store.read_only:
        _save(store, agent_id, hasher().hash(pin.strip()))  # parameters raised since: upgrade quietly
    return True


def set_pin(store: Store, agent_id: int, pin: str, *, current: str | None = None) -> None:
    """Set or change a supervisor's PIN; changing one needs the current PIN."""
    agent = _supervisor(store, agent_id)
    text = check_pin_text(pin)
    stored = _stored(store, agent_id)
    if stored is not None and not _matches(stored, (current or "").strip()):
        raise RuleViolation(f"the current PIN of {agent.name} is not that; the PIN was not changed")
    _save(store, agent_id, hasher().hash(text))


@unit_of_work
def clear_pin(store: Store, agent_id: int, *, current: str | None = None, by: int | None = None) -> None:
    """Remove a PIN: with the current PIN, or by a manager (for a supervisor who forgot theirs)."""
    agent = directory.agent(store, agent_id)
    stored = _stored(store, agent_id)
    if stored is None:
        return
    if by is not None and by != agent_id:
        manager = directory.agent(store, by)
        if manager.role is not Role.MANAGER:
            raise RuleViolation(f"only a manager may clear the PIN of {agent.name}")
    elif not _matches(stored, (current or "").strip()):
        raise RuleViolation(f"the current PIN of {agent.name} is not that; the PIN was kept")
    with store.atomic():
        registry.clear_pin(Ledger(store), agent_id, actor=by)


@unit_of_work
def _save(store: Store, agent_id: int, digest: str) -> None:
    with store.atomic():
        registry.set_pin(Ledger(store), agent_id, digest)



def guards(store: Store) -> list[Agent]:
    """The active supervisors and managers who have a console PIN: who may vouch for a new supervisor."""
    with_pin = set(pins.agents_with_pins(store))
    return [a for a in directory.agents(store) if a.id in with_pin and a.active and a.role.may_supervise]


@unit_of_work
def join_as_supervisor(store: Store, name: str, *, sponsor_id: int | None = None, sponsor_pin: str = "") -> Agent:
    """Someone new adds themselves at the console as a supervisor. The first on a floor may; after that,
    once a supervisor or manager has a console PIN, one of them vouches with it (the event records who).
    A floor where no supervisor has a PIN has no guard a passer-by could not already pass."""
    from csconsole.services import people

    with store.atomic():
        vouching = guards(store)
        if vouching:
            sponsor = next((a for a in vouching if a.id == sponsor_id), None)
            if sponsor is None:
                raise RuleViolation("a new supervisor is vouched for by a supervisor or manager with a console PIN: "
                                    f"ask {_one_of(vouching)}")
            if not verify_pin(store, sponsor.id, sponsor_pin):
                raise RuleViolation(f"that is not {sponsor.name}'s PIN; nobody was added")
        return people.add_agent(store, name, Role.SUPERVISOR.value, actor_id=sponsor_id if vouching else None)


def _one_of(agents: list[Agent]) -> str:
    names = [a.name for a in agents[:3]]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
