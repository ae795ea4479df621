"""bot/tracker_cache.py: a conversation kept in memory is handed back only while the database
holds exactly what was saved, on SQLite and PostgreSQL (run in Rasa's virtualenv against Rasa's
own SQL store reading the same database)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from .bot_helpers import rasa_scenario


@pytest.fixture(params=["sqlite", "postgresql"])
def options(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    if request.param == "sqlite":
        return {"dialect": "sqlite", "db": str(tmp_path / "conversations.db")}
    url = make_url(request.getfixturevalue("postgres_url"))
    # Rasa's virtualenv has psycopg2, the tests' psycopg 3: the same server either way.
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS events"))
    engine.dispose()
    return {"dialect": "postgresql", "host": plain}


def test_a_kept_conversation_is_handed_back_only_while_the_database_agrees(
    options: dict[str, Any],
) -> None:
    seen = rasa_scenario("tracker_cache_scenario.py", json.dumps(options))
    assert seen == {
        "unknown_conversation": [None, None, 1],  # None from the one stamp query
        "new_conversation_kept": True,
        "new_conversation_kept_as_rasa_reads_it": True,
        "kept_after_save": True,
        "kept_equals_database": True,
        "saved_rows_read_by_rasa": True,
        "after_other_server_not_kept": True,
        "after_other_server_last": "answered by another server",
        "after_unsaved_turn_not_kept": True,
        "after_unsaved_turn_last": "answered by another server",
        "new_session_equals_database": True,
        # Rasa reads the session from its `session_started` on: that event and the message.
        "new_session_events": 2,
        "written_during_a_turn_not_kept": True,
        "new_domain_not_kept": True,
        "after_times_changed_not_kept": True,
        "after_purge": None,
    }
