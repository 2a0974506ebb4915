"""Shared fixtures: a real store on either engine, with a small floor of queues and agents.

Every test that takes ``site``, ``store_location``, ``new_site`` or ``floor`` runs twice: on an SQLite file
in WAL mode and on the run's own PostgreSQL server (tests/pg_server.py), as a console's login. A test about
SQLite's file itself (WAL, pragmas, quick_check, the file's bytes or permissions) is marked
``sqlite_only`` and runs on SQLite alone. ``store_path`` is a file path for tests that are SQLite's anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from csconsole.domain.rules import Agent
from csconsole.services import Store, open_store, people
from tests.sites import DESK, DESK_PASSWORD, Site, SiteMaker

# the run's own PostgreSQL server (pg_server, pg_url...), and a floor of people's own logins on it
pytest_plugins = ["tests.pg_server", "tests.floor_logins"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    params = [pytest.param("sqlite", id="sqlite")]
    if not sqlite_only:
        params.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgresql))
    metafunc.parametrize("engine", params, indirect=True, scope="session")


@pytest.fixture(scope="session")
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def pg_desk(request: pytest.FixtureRequest) -> str:
    """The console's login on the run's server: a member of the console's role, with a password."""
    from csconsole.store.postgres.migrate import CONSOLE_ROLE

    server = request.getfixturevalue("pg_server")
    request.getfixturevalue("pg_store_template")  # the template's migration creates the console's role
    server.sql(f"CREATE ROLE {DESK} LOGIN PASSWORD '{DESK_PASSWORD}' IN ROLE {CONSOLE_ROLE}")
    return DESK


def site_maker(engine: str, folder: Path, request: pytest.FixtureRequest) -> SiteMaker:
    """A maker of sites of ``engine`` (the server's fixtures are asked for only on PostgreSQL)."""
    if engine == "sqlite":
        return SiteMaker("sqlite", folder)
    request.getfixturevalue("pg_desk")
    return SiteMaker("postgres", folder, request.getfixturevalue("pg_server"),
                     request.getfixturevalue("pg_store_template"))


@pytest.fixture
def sites(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SiteMaker]:
    """Makes new sites for this test: a file path where nothing is yet, or a database holding an empty
    store (a copy of the run's migrated template), opened as the console's login."""
    maker = site_maker(engine, tmp_path, request)
    yield maker
    maker.drop()


@pytest.fixture
def new_site(sites: SiteMaker) -> Callable[[], Site]:
    return sites.new


@pytest.fixture
def pg_site(pg_server: object, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    """For a test about PostgreSQL alone: an empty store on the run's server, as the console's login."""
    maker = site_maker("postgres", tmp_path, request)
    yield maker.new()
    maker.drop()


@pytest.fixture
def site(new_site: Callable[[], Site]) -> Site:
    return new_site()


@pytest.fixture
def store_location(site: Site) -> str:
    return site.location


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "floor.db"


@dataclass
class Floor:
    store: Store
    site: Site
    billing: int
    tech: int
    ana: Agent
    raj: Agent
    li: Agent
    sue: Agent  # supervisor
    max: Agent  # manager

    @property
    def location(self) -> str:
        return self.site.location

    @property
    def path(self) -> Path:
        """The SQLite file (tests marked sqlite_only)."""
        return self.site.path


@pytest.fixture
def floor(site: Site) -> Iterator[Floor]:
    store = open_store(site.location, create=True)
    billing = people.add_queue(store, "Billing").id
    tech = people.add_queue(store, "Tech").id
    floor = Floor(
        store, site, billing, tech,
        ana=people.add_agent(store, "Ana", "agent", billing),
        raj=people.add_agent(store, "Raj", "agent", tech),
        li=people.add_agent(store, "Li", "agent", billing),
        sue=people.add_agent(store, "Sue", "supervisor"),
        max=people.add_agent(store, "Max", "manager"),
    )
    yield floor
    store.close()
