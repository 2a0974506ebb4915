"""Fixtures the import tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from csconsole.services import Store, open_store


@pytest.fixture
def store(store_location: str) -> Iterator[Store]:
    """A new store on the test's engine, closed after the test."""
    opened = open_store(store_location, create=True)
    yield opened
    opened.close()
