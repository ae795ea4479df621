from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.diagnosis import Doctor
from knowledge.engine import Engine
from knowledge.playbook import Playbook, load_playbook
from knowledge.store import Store
from knowledge.understanding import AnswerReader

from .bot_helpers import BotServers

DATA = Path(__file__).parent / "data"
SERVICE_TYPES = [
    "nodeport",
    "loadbalancer-dedicated",
    "loadbalancer-shared",
    "dnat-gateway",
    "nginx-ingress-dedicated",
    "clusterip",
]


@pytest.fixture(scope="session")
def playbook() -> Playbook:
    return load_playbook()


@pytest.fixture(scope="session")
def engine(playbook: Playbook) -> Engine:
    return Engine(playbook)


@pytest.fixture(scope="session")
def reader(playbook: Playbook) -> AnswerReader:
    """The answer models, trained once for the session."""
    trained = AnswerReader(playbook)
    trained.warm()
    return trained


@pytest.fixture(scope="session")
def doctor(playbook: Playbook) -> Doctor:
    return Doctor.create(playbook)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("LBDOCTOR_TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "LBDOCTOR_TEST_POSTGRES_URL is not set: run the tests with `make test`, which starts PostgreSQL"
        )
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on both backends we support."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lbdoctor.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    from sqlalchemy import MetaData

    from knowledge.store import open_engine

    # Every table, the migrations' version table and any a test made too, not only the models'.
    engine = open_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    tables.drop_all(engine)
    engine.dispose()
    yield url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def bot_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    """One pair of servers (actions + Rasa, SQLite tracker) for the whole session."""
    state = tmp_path_factory.mktemp("bot")
    # Rasa times each turn's parts (bot/turn_timings.py), as `make bench` has it do.
    servers = BotServers(state, {"LBDOCTOR_TURN_TIMINGS": str(state / "turn-timings.jsonl")})
    servers.start()
    yield servers
    servers.stop()
