"""The store's migrations on real SQLite and real PostgreSQL: from an empty database, from the
schema `create_all` made before migrations, again and again, down one revision and back."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine

from knowledge.errors import StoreError
from knowledge.migrations import HEAD, LOCK_KEY, alembic_config, migrate, revision
from knowledge.store import Store, list_cases, metadata, open_engine

WHEN = datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc)
# Sessions of this database waiting for a lock (a transaction's has no database: join).
WAITING = text(
    "SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid)"
    " WHERE NOT granted AND datname = current_database()"
)


def old_schema() -> MetaData:
    """The models at commit 588051c, the last one whose store used `create_all`."""
    old = MetaData()
    Table(
        "playbook_versions",
        old,
        Column("id", Integer, primary_key=True),
        Column("playbook_id", String(100), nullable=False, index=True),
        Column("number", Integer, nullable=False),
        Column("digest", String(80), nullable=False),
        Column("content", Text, nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("playbook_id", "number"),
        UniqueConstraint("playbook_id", "digest"),
    )
    Table(
        "diagnosis_cases",
        old,
        Column("id", String(36), primary_key=True),
        Column("playbook_id", String(100), nullable=False),
        Column("playbook_version", String(80), nullable=False),
        Column("facts", JSON, nullable=False),
        Column("verdict", String(20), nullable=False, index=True),
        Column("fixes", JSON, nullable=False),
        Column("language", String(5), nullable=False),
        Column("channel", String(40), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    )
    Table(
        "feedback",
        old,
        Column("id", Integer, primary_key=True),
        Column(
            "case_id",
            String(36),
            ForeignKey("diagnosis_cases.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("helpful", Boolean, nullable=False),
        Column("comment", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    when = DateTime(timezone=True)
    Table(
        "handoffs",
        old,
        Column("case_number", String(32), primary_key=True),
        Column("created_at", when, nullable=False, index=True),
        Column("reason", String(20), nullable=False, index=True),
        Column("language", String(5), nullable=False),
        Column("channel", String(40), nullable=False),
        Column("bundle", JSON, nullable=False),
        Column("status", String(10), nullable=False, index=True),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", when, nullable=False, index=True),
        Column("last_attempt_at", when),
        Column("last_error", Text),
        Column("delivered_at", when),
        Column("resolved_at", when),
        Column("resolution_note", Text),
    )
    return old


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    opened = open_engine(database_url)
    yield opened
    opened.dispose()


def differences(engine: Engine, models: MetaData) -> list[object]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), models))


def at(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return revision(connection)


def seed_old_rows(engine: Engine, old: MetaData) -> None:
    tables = old.tables
    with engine.begin() as connection:
        connection.execute(
            insert(tables["playbook_versions"]),
            {
                "playbook_id": "p",
                "number": 1,
                "digest": "sha256:1",
                "content": "id: p",
                "published_at": WHEN,
            },
        )
        connection.execute(
            insert(tables["diagnosis_cases"]),
            {
                "id": "case-1",
                "playbook_id": "p",
                "playbook_version": "sha256:1",
                "facts": {"service_type": "nodeport"},
                "verdict": "fails",
                "fixes": ["use-cluster-ip"],
                "language": "pt",
                "channel": "rest",
                "created_at": WHEN,
            },
        )
        connection.execute(
            insert(tables["feedback"]),
            {"case_id": "case-1", "helpful": False, "comment": "no", "created_at": WHEN},
        )
        connection.execute(
            insert(tables["handoffs"]),
            {
                "case_number": "LBD-1",
                "created_at": WHEN,
                "reason": "not-solved",
                "language": "pt",
                "channel": "rest",
                "bundle": {"case": "LBD-1"},
                "status": "delivered",
                "attempts": 1,
                "next_attempt_at": WHEN,
            },
        )


def test_head_is_the_newest_script() -> None:
    with open_engine("sqlite://").connect() as connection:
        scripts = ScriptDirectory.from_config(alembic_config(connection))
    assert scripts.get_heads() == [HEAD]


def test_an_empty_database_is_migrated_to_the_models(database_url: str, engine: Engine) -> None:
    Store.open(database_url).close()
    assert at(engine) == HEAD
    assert differences(engine, metadata()) == []


def test_revision_0001_is_the_schema_before_migrations(engine: Engine) -> None:
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "0001")
        connection.commit()
    assert differences(engine, old_schema()) == []


def test_a_database_create_all_made_is_stamped_and_upgraded(
    database_url: str, engine: Engine
) -> None:
    old = old_schema()
    old.create_all(engine)
    seed_old_rows(engine, old)

    store = Store.open(database_url)
    with store.session() as session:
        (case,) = list_cases(session)
    store.close()
    assert (case.id, case.facts) == ("case-1", {"service_type": "nodeport"})
    assert at(engine) == HEAD
    assert differences(engine, metadata()) == []
    with engine.connect() as connection:
        counted = {
            table: connection.scalar(select(func.count()).select_from(text(table)))
            for table in ("playbook_versions", "feedback", "handoffs", "conversation_progress")
        }
    assert counted == {
        "playbook_versions": 1,
        "feedback": 1,
        "handoffs": 1,
        "conversation_progress": 0,
    }


def test_opening_again_changes_nothing(database_url: str, engine: Engine) -> None:
    Store.open(database_url).close()
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), "head")
        connection.commit()
    Store.open(database_url).close()
    migrate(engine)
    assert at(engine) == HEAD
    assert differences(engine, metadata()) == []


def test_revision_0002_goes_down_and_up_keeping_rows(database_url: str, engine: Engine) -> None:
    old = old_schema()
    old.create_all(engine)
    seed_old_rows(engine, old)
    Store.open(database_url).close()

    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), "0001")
        connection.commit()
    assert at(engine) == "0001"
    assert differences(engine, old) == []
    assert "conversation_progress" not in inspect(engine).get_table_names()

    Store.open(database_url).close()
    assert at(engine) == HEAD
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM handoffs")) == 1


def test_a_schema_newer_than_this_version_is_a_clear_error(
    database_url: str, engine: Engine
) -> None:
    Store.open(database_url).close()
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"cannot migrate the store's schema \(at 9999\)"):
        Store.open(database_url)


def test_two_processes_opening_a_new_database_at_once_both_start(
    database_url: str, engine: Engine
) -> None:
    """The action server and the API start together: one migrates, the other waits for it."""
    opening = "import sys; from knowledge.store import Store; Store.open(sys.argv[1]).close()"
    openers = [
        subprocess.Popen([sys.executable, "-c", opening, database_url], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [(opener.communicate()[1], opener.returncode) for opener in openers]
    assert results == [(b"", 0), (b"", 0)]
    assert at(engine) == HEAD


@pytest.mark.postgres
def test_a_second_migrator_waits_for_the_first_on_postgresql(postgres_url: str) -> None:
    """Deterministic: this test holds the migration lock and migrates while another opener
    waits on it; without the lock that opener would create the same tables too, and fail."""
    engine = open_engine(postgres_url)
    reflected = MetaData()
    reflected.reflect(engine)
    reflected.drop_all(engine)
    failures: list[BaseException] = []

    def open_store() -> None:
        try:
            Store.open(postgres_url).close()
        except BaseException as exc:
            failures.append(exc)

    opener = threading.Thread(target=open_store)
    with engine.connect() as holder, engine.connect() as watcher:
        holder.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        command.upgrade(alembic_config(holder), "head")
        opener.start()
        # Until the opener waits, on the lock (or, without it, on the tables being created).
        while not watcher.scalar(WAITING):
            watcher.rollback()
        holder.commit()
    opener.join()
    engine.dispose()
    assert failures == []
