"""Recovery fixtures: the shared floor plus a ticket and a policy register."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from csconsole.services import recovery, tickets
from tests.conftest import Floor


@dataclass
class RecoveryFloor:
    floor: Floor
    ticket: int
    refunds: int  # policy id
    discounts: int


def new_ticket(floor: Floor, customer: str = "Bob Stone", at: str = "2026-03-01T09:00:00Z") -> int:
    ticket = tickets.create_ticket(floor.store, actor_id=None, customer=customer, subject="Charged twice",
                                   channel="phone", priority="normal", queue_id=floor.billing, at=at).ticket_ids[0]
    tickets.take(floor.store, ticket, actor_id=floor.ana.id, at=at.replace("09:00", "09:05"))
    return ticket


@pytest.fixture
def rf(floor: Floor) -> RecoveryFloor:
    refunds = recovery.add_policy(floor.store, "Refunds over $50 need approval", owner="Finance").id
    discounts = recovery.add_policy(floor.store, "New-customer-only discounts", owner="Marketing").id
    return RecoveryFloor(floor, new_ticket(floor), refunds, discounts)
