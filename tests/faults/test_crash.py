"""Crash: a writer process is SIGKILLed at random moments; nothing it acknowledged is ever lost.

The CI loop is short (20 kills); ``benchmarks/faults.py`` runs 100 and prints the figures.
"""

from __future__ import annotations

import random

import pytest

from tests.faults.harness import check_store, crash_once, make_store
from tests.sites import Site

RUNS = 20


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_action(site: Site) -> None:
    """On a server too: a desk killed mid-transaction leaves a rolled-back transaction, never a half."""
    store = make_store(site.location)
    rng = random.Random(20261125)
    acknowledged = 0
    for run in range(RUNS):
        outcome = crash_once(store, f"run{run}", rng)
        assert "Traceback" not in outcome.stderr
        assert outcome.refusals == []
        assert check_store(store, outcome.acks) == [], f"after kill {run}"
        acknowledged += len(outcome.acks)
    assert acknowledged > RUNS  # the writer really did work between kills
