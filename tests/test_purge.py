"""Retention on real SQLite and real PostgreSQL: `lbdoctor purge --older-than AGE` and
LBDOCTOR_RETENTION_DAYS remove what identifies people from before the age, in the knowledge
store and in Rasa's tracker store, and leave every figure of `lbdoctor report` as it was."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, func, select

from actions.runtime import open_app
from frontends.cli import main
from frontends.text import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_OK
from knowledge.handoff import Bundle, Line
from knowledge.outbox import enqueue, get_handoff, mark_delivered, resolve
from knowledge.progress import note_question, note_verdict
from knowledge.report import build_report
from knowledge.retention import Purged, purge
from knowledge.settings import Settings, SettingsError
from knowledge.store import CaseRow, FeedbackRow, Store, open_engine, record_case

from .api_helpers import ApiServer

NOW = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
MONTH = timedelta(days=30)
NODEPORT = {"service_type": "nodeport", "client_location": "same-node"}
PASTE = "curl: (7) Failed to connect to 10.1.2.3 port 80: Connection refused"

# Rasa 3.6's SQLTrackerStore.SQLEvent, column for column.
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
# Each conversation's events, as days before now.
TRACKER = {
    "left-long-ago": [45, 44.9, 44.8, 40],
    "came-back-today": [45, 44.9, 0.1],  # last event new: kept whole
    "today": [0.2, 0.1],
}
# Per case: days before now, facts, and the feedback given (helpful, comment).
CASES: dict[str, tuple[float, dict[str, str], list[tuple[bool, str]]]] = {
    "old-paste": (40, {**NODEPORT, "error_message": PASTE}, [(False, "mail me: ana@corp.example")]),
    "old-answers": (35, NODEPORT, [(True, "")]),
    "new-paste": (1, {**NODEPORT, "error_message": PASTE}, [(False, "still broken")]),
}
# Per handoff: days before now, delivered or left pending.
HANDOFFS = {"old-delivered": (40, True), "old-pending": (31, False), "new": (2, True)}
# Per conversation: days before now of its question and its verdict, if any.
PROGRESS = {"k-old": (40, "fails"), "k-old-left": (38, None), "k-new": (1, "fails")}


def ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)


@pytest.fixture
def tracker_url(database_url: str, tmp_path: Path) -> str:
    """Rasa's conversations: a SQLite file beside the store, or the same PostgreSQL database."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'conversations.db'}"
    return database_url


def seed_tracker(url: str, now: datetime) -> None:
    engine = open_engine(url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        for sender, days in TRACKER.items():
            for when in days:
                text = f"I am ana@corp.example and {sender}"
                connection.execute(
                    EVENTS.insert(),
                    {
                        "sender_id": sender,
                        "type_name": "user",
                        "timestamp": ago(now, when).timestamp(),
                        "intent_name": "inform",
                        "data": json.dumps({"event": "user", "text": text}),
                    },
                )
    engine.dispose()


def tracker_events(url: str) -> dict[str, int]:
    engine = open_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(EVENTS.c.sender_id, func.count()).group_by(EVENTS.c.sender_id)
        )
        counted = {sender: count for sender, count in rows}
    engine.dispose()
    return counted


def seed_store(store: Store, now: datetime) -> dict[str, str]:
    """The seeded rows; returns the case number of each handoff."""
    numbers = {}
    with store.session() as session:
        for case_id, (days, facts, feedback) in CASES.items():
            record_case(
                session,
                playbook_id="elb-in-cluster-access",
                playbook_version="sha256:1",
                facts=facts,
                verdict="fails",
                fixes=["use-cluster-ip"],
                language="pt",
                channel="rest",
                case_id=case_id,
                created_at=ago(now, days),
            )
            for helpful, comment in feedback:
                session.add(
                    FeedbackRow(
                        case_id=case_id,
                        helpful=helpful,
                        comment=comment,
                        created_at=ago(now, days - 0.01),
                    )
                )
        for name, (days, delivered) in HANDOFFS.items():
            created = ago(now, days)
            bundle = Bundle.create(
                reason="not-solved",
                language="pt",
                channel="rest",
                transcript=[Line("user", f"{name}: meu IP é 10.1.2.3", created)],
                error=PASTE,
                now=created,
            )
            numbers[name] = enqueue(session, bundle).case
            if delivered:
                mark_delivered(session, numbers[name])
            resolve(session, numbers[name], "called Ana back")
        for key, (days, verdict) in PROGRESS.items():
            asked = ago(now, days)
            note_question(
                session, key, channel="rest", language="pt", question="client_location", now=asked
            )
            if verdict is not None:
                note_verdict(
                    session,
                    key,
                    channel="rest",
                    language="pt",
                    verdict=verdict,
                    case_id=None,
                    now=asked,
                )
        session.flush()
    return numbers


def report(store: Store, now: datetime) -> dict[str, Any]:
    with store.session() as session:
        return build_report(
            session, now - timedelta(days=60), now + timedelta(days=1), now=now
        ).to_json()


def stub(store: Store, number: str) -> dict[str, Any]:
    with store.session() as session:
        handoff = get_handoff(session, number)
    assert handoff is not None
    return {
        "case": number,
        "created": handoff.created_at.isoformat(),
        "reason": "not-solved",
        "language": "pt",
        "channel": "rest",
        "purged": True,
    }


def test_a_purge_keeps_the_counts_and_removes_what_identifies_people(
    store: Store, tracker_url: str
) -> None:
    numbers = seed_store(store, NOW)
    seed_tracker(tracker_url, NOW)
    figures = report(store, NOW)
    with store.session() as session:
        new_bundle = get_handoff(session, numbers["new"])
    assert new_bundle is not None

    purged = purge(store, tracker_url, MONTH, now=NOW)

    assert purged == Purged(bundles=2, comments=1, case_texts=1, conversations=1, events=4)
    assert report(store, NOW) == figures
    with store.session() as session:
        handoffs = {name: get_handoff(session, number) for name, number in numbers.items()}
        facts = {row.id: row.facts for row in session.scalars(select(CaseRow))}
        feedback = {
            row.case_id: (row.helpful, row.comment) for row in session.scalars(select(FeedbackRow))
        }
    for name in ("old-delivered", "old-pending"):
        handoff = handoffs[name]
        assert handoff is not None
        assert handoff.bundle == stub(store, numbers[name])
        assert handoff.resolution_note is None
    old_pending = handoffs["old-pending"]
    assert old_pending is not None and old_pending.status == "failed"  # a stub is not sent
    assert handoffs["new"] == new_bundle
    assert facts == {
        "old-paste": NODEPORT,
        "old-answers": NODEPORT,
        "new-paste": CASES["new-paste"][1],
    }
    assert feedback == {
        "old-paste": (False, ""),
        "old-answers": (True, ""),
        "new-paste": (False, "still broken"),
    }
    assert tracker_events(tracker_url) == {"came-back-today": 3, "today": 2}


def test_a_conversation_still_going_on_loses_its_old_sessions(
    store: Store, tracker_url: str
) -> None:
    # A user who came back today: their session of 45 days ago goes, today's session stays.
    engine = open_engine(tracker_url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        for kind, days in [
            ("session_started", 45),
            ("user", 44.9),
            ("session_started", 1),
            ("user", 0.9),
        ]:
            connection.execute(
                EVENTS.insert(),
                {
                    "sender_id": "regular",
                    "type_name": kind,
                    "timestamp": ago(NOW, days).timestamp(),
                },
            )
        # No session start at all: one long session, kept while it goes on.
        for days in (45, 0.5):
            connection.execute(
                EVENTS.insert(),
                {
                    "sender_id": "one-session",
                    "type_name": "user",
                    "timestamp": ago(NOW, days).timestamp(),
                },
            )
    engine.dispose()
    purged = purge(store, tracker_url, MONTH, now=NOW)
    assert (purged.conversations, purged.session_events) == (0, 2)
    assert tracker_events(tracker_url) == {"regular": 2, "one-session": 2}


def test_purging_again_removes_nothing_more(store: Store, tracker_url: str) -> None:
    numbers = seed_store(store, NOW)
    seed_tracker(tracker_url, NOW)
    purge(store, tracker_url, MONTH, now=NOW)
    stubbed = stub(store, numbers["old-delivered"])

    assert purge(store, tracker_url, MONTH, now=NOW) == Purged(0, 0, 0, 0, 0)
    assert stub(store, numbers["old-delivered"]) == stubbed


def test_a_shorter_age_reaches_newer_rows(store: Store, tracker_url: str) -> None:
    seed_store(store, NOW)
    seed_tracker(tracker_url, NOW)
    purged = purge(store, tracker_url, timedelta(hours=1), now=NOW)
    assert purged == Purged(bundles=3, comments=2, case_texts=2, conversations=3, events=9)
    assert tracker_events(tracker_url) == {}


def test_a_tracker_store_not_created_yet_is_no_error(store: Store, tmp_path: Path) -> None:
    seed_store(store, NOW)
    missing = tmp_path / "state" / "conversations.db"
    purged = purge(store, f"sqlite:///{missing}", MONTH, now=NOW)
    assert (purged.conversations, purged.events, purged.bundles) == (0, 0, 2)
    assert not missing.parent.exists()


def test_a_tracker_database_without_conversations_is_no_error(
    store: Store, tracker_url: str
) -> None:
    if tracker_url.startswith("sqlite"):
        Path(tracker_url.removeprefix("sqlite:///")).touch()  # PostgreSQL: the store's database
    assert purge(store, tracker_url, MONTH, now=NOW).conversations == 0


# --- lbdoctor purge ------------------------------------------------------------------------


@pytest.fixture
def environment(
    monkeypatch: pytest.MonkeyPatch, database_url: str, tracker_url: str
) -> Iterator[None]:
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", database_url)
    monkeypatch.setenv("LBDOCTOR_TRACKER_URL", tracker_url)
    monkeypatch.delenv("LBDOCTOR_RETENTION_DAYS", raising=False)
    yield


def test_the_command_says_what_it_removed(
    store: Store, tracker_url: str, environment: None
) -> None:
    now = datetime.now(timezone.utc)
    seed_store(store, now)
    seed_tracker(tracker_url, now)
    out = io.StringIO()
    assert main(["purge", "--older-than", "30d"], stdout=out) == EXIT_OK
    assert out.getvalue() == (
        "Purged what is older than 30d:\n"
        "  handoff bundles replaced by a stub  2\n"
        "  feedback comments emptied           1\n"
        "  pasted errors removed from cases    1\n"
        "  conversations deleted (tracker)     1 (4 events)\n"
        "  earlier sessions' events deleted    0\n"
    )
    assert tracker_events(tracker_url) == {"came-back-today": 3, "today": 2}


@pytest.mark.parametrize(
    "age", ["30", "0d", "-5d", "1.5h", "30days", "1w", "30 d", "d", "", "99999999999999d"]
)
def test_a_bad_age_gets_one_clear_line(
    age: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = tmp_path / "lbdoctor.db"
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", f"sqlite:///{database}")
    # With `=`: argparse reads a lone "-5d" as an option.
    assert main(["purge", f"--older-than={age}"], stdout=io.StringIO()) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"lbdoctor: --older-than {age!r} is ")
    assert err.count("\n") == 1
    assert not database.exists()  # nothing opened


@pytest.mark.parametrize(
    ("variable", "says"),
    [
        ("LBDOCTOR_DATABASE_URL", "lbdoctor: LBDOCTOR_DATABASE_URL is not a database URL: nope\n"),
        ("LBDOCTOR_TRACKER_URL", "lbdoctor: LBDOCTOR_TRACKER_URL is not a database URL: nope\n"),
        (
            "LBDOCTOR_RETENTION_DAYS",
            "lbdoctor: LBDOCTOR_RETENTION_DAYS is 'nope'; expected a positive whole number of days\n",
        ),
    ],
)
def test_a_bad_setting_gets_one_clear_line(
    variable: str,
    says: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", f"sqlite:///{tmp_path / 'lbdoctor.db'}")
    monkeypatch.setenv("LBDOCTOR_TRACKER_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    (tmp_path / "conversations.db").touch()
    monkeypatch.setenv(variable, "nope")
    assert main(["purge", "--older-than", "30d"], stdout=io.StringIO()) == EXIT_ERROR
    assert capsys.readouterr().err == says


# --- LBDOCTOR_RETENTION_DAYS ----------------------------------------------------------------


@pytest.mark.parametrize(("value", "days"), [("", None), ("30", 30), (" 7 ", 7), ("365", 365)])
def test_the_retention_setting_is_a_number_of_days(value: str, days: int | None) -> None:
    settings = Settings.from_env({"LBDOCTOR_RETENTION_DAYS": value})
    assert settings.retention_days == days


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "30d", "thirty", "٣"])
def test_a_bad_retention_setting_names_the_variable(value: str) -> None:
    with pytest.raises(SettingsError, match=r"^LBDOCTOR_RETENTION_DAYS is .*positive whole number"):
        Settings.from_env({"LBDOCTOR_RETENTION_DAYS": value})


def test_the_tracker_store_is_where_rasa_keeps_it(tmp_path: Path) -> None:
    state = {"LBDOCTOR_STATE_DIR": str(tmp_path)}
    assert Settings.from_env(state).tracker_url == f"sqlite:///{tmp_path / 'conversations.db'}"
    given = {**state, "LBDOCTOR_TRACKER_URL": "postgresql://rasa@db/rasa"}
    assert Settings.from_env(given).tracker_url == "postgresql://rasa@db/rasa"


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def start_settings(database_url: str, tracker_url: str, cache: Path, days: int | None) -> Settings:
    return Settings(
        database_url=database_url, tracker_url=tracker_url, retention_days=days, cache_dir=cache
    )


def old_rows_left(store: Store, tracker_url: str) -> tuple[int, int]:
    """Comments and tracker conversations older than a month still there."""
    with store.session() as session:
        comments = session.scalar(
            select(func.count()).where(
                FeedbackRow.comment != "", FeedbackRow.case_id != "new-paste"
            )
        )
    return int(comments or 0), len(set(tracker_events(tracker_url)) & {"left-long-ago"})


def test_the_action_server_applies_the_retention_when_it_starts(
    store: Store, tracker_url: str, database_url: str, cache_dir: Path
) -> None:
    now = datetime.now(timezone.utc)
    seed_store(store, now)
    seed_tracker(tracker_url, now)
    open_app(start_settings(database_url, tracker_url, cache_dir, None)).close()
    assert old_rows_left(store, tracker_url) == (1, 1)

    open_app(start_settings(database_url, tracker_url, cache_dir, 30)).close()
    assert old_rows_left(store, tracker_url) == (0, 0)


def test_the_knowledge_api_applies_the_retention_when_it_starts(
    store: Store, tracker_url: str, database_url: str, tmp_path: Path
) -> None:
    now = datetime.now(timezone.utc)
    seed_store(store, now)
    seed_tracker(tracker_url, now)
    assert old_rows_left(store, tracker_url) == (1, 1)
    settings = {
        "LBDOCTOR_DATABASE_URL": database_url,
        "LBDOCTOR_TRACKER_URL": tracker_url,
        "LBDOCTOR_RETENTION_DAYS": "30",
    }
    ApiServer(tmp_path, settings).start().stop()  # started: ready, so the purge is done
    assert old_rows_left(store, tracker_url) == (0, 0)


def test_a_purge_that_fails_on_start_is_logged_and_the_server_starts(
    store: Store, database_url: str, cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="knowledge.retention"):
        app = open_app(start_settings(database_url, "nope", cache_dir, 30))
    app.close()
    assert [record.getMessage() for record in caplog.records] == [
        "retention: nothing purged: LBDOCTOR_TRACKER_URL is not a database URL: nope"
    ]
