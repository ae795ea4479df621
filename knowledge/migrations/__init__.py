"""The store's schema history, as Alembic revisions applied by `Store.open`.

    0001  the schema `create_all` made before migrations: playbooks, cases, feedback, handoffs
    0002  conversation progress (what `lbdoctor report` counts) and `handoffs.purged_at`

A database `create_all` made (tables, no `alembic_version`) is stamped at 0001, then upgraded.
No alembic.ini: the configuration is built here and env.py runs on the connection given to it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from knowledge.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["HEAD", "LOCK_KEY", "alembic_config", "migrate", "revision"]

# The newest revision; tests check it is the scripts' head. Compared without loading Alembic,
# so opening a store that is up to date (every start) costs two small queries.
HEAD = "0002"
# Any fixed number: processes migrating one PostgreSQL database take turns on it.
LOCK_KEY = 0x1BD0C70E
_IN_PROCESS = threading.Lock()
_VERSIONS = "alembic_version"
# Tables only the schema before migrations could have made without a version table.
_LEGACY_TABLES = frozenset({"playbook_versions", "diagnosis_cases", "feedback", "handoffs"})


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration for this package, running on `connection`."""
    from alembic.config import Config

    config = Config()
    # ConfigParser would read a % in the path as interpolation.
    config.set_main_option("script_location", str(Path(__file__).parent).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def revision(connection: Connection) -> str | None:
    """The revision the database is at; None when it has no version table."""
    if not inspect(connection).has_table(_VERSIONS):
        return None
    found: str | None = connection.scalar(text(f"SELECT version_num FROM {_VERSIONS}"))
    return found


def migrate(engine: Engine) -> None:
    """Bring the database to HEAD, in one transaction, one process at a time."""
    with engine.connect() as connection:
        if revision(connection) == HEAD:
            return
    from alembic import command
    from alembic.util import CommandError

    # Alembic keeps the running migration in module state: one thread at a time.
    with _IN_PROCESS, engine.connect() as connection:
        _lock(connection)
        # Read again under the lock: another process may have migrated meanwhile.
        current = revision(connection)
        if current == HEAD:
            return
        config = alembic_config(connection)
        try:
            if current is None and _LEGACY_TABLES & set(inspect(connection).get_table_names()):
                command.stamp(config, "0001")
            command.upgrade(config, "head")
        except CommandError as exc:  # a revision this version does not have: a newer one's
            raise StoreError(f"cannot migrate the store's schema (at {current}): {exc}") from None
        connection.commit()


def _lock(connection: Connection) -> None:
    """Start the transaction holding a lock that a second migrating process waits for."""
    if connection.dialect.name == "postgresql":
        # Released by the transaction's end.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # The write lock now, not at the first write: the other process waits (busy timeout)
        # instead of both creating the tables. SQLite runs the DDL inside this transaction.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
