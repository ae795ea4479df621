"""The store: published playbooks (versioned), diagnosis cases and feedback, on SQLAlchemy 2.

Query functions take a Session and return plain dataclasses; the caller owns the transaction.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, overload

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from knowledge.errors import StoreError
from knowledge.playbook import Playbook, parse_playbook
from knowledge.settings import redacted_url

__all__ = [
    "CaseRecord",
    "FeedbackRecord",
    "PublishedPlaybook",
    "Store",
    "add_feedback",
    "as_utc",
    "database_errors",
    "feedback_for",
    "latest_playbook",
    "list_cases",
    "list_playbooks",
    "metadata",
    "open_engine",
    "publish_playbook",
    "record_case",
    "record_waiting_cases",
    "utc_now",
]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: datetime | None) -> datetime | None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """A time read back from the store, with its zone: SQLite hands back naive datetimes for
    what was written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class PlaybookVersionRow(Base):
    __tablename__ = "playbook_versions"
    __table_args__ = (
        UniqueConstraint("playbook_id", "number"),
        UniqueConstraint("playbook_id", "digest"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    playbook_id: Mapped[str] = mapped_column(String(100), index=True)
    number: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(80))
    content: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class CaseRow(Base):
    __tablename__ = "diagnosis_cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    playbook_id: Mapped[str] = mapped_column(String(100))
    playbook_version: Mapped[str] = mapped_column(String(80))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    verdict: Mapped[str] = mapped_column(String(20), index=True)
    fixes: Mapped[list[str]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(5))
    channel: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, index=True
    )


class FeedbackRow(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(
        ForeignKey("diagnosis_cases.id", ondelete="CASCADE"), index=True
    )
    helpful: Mapped[bool] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


@dataclass(frozen=True)
class PublishedPlaybook:
    playbook_id: str
    number: int
    digest: str
    published_at: datetime
    content: str

    def load(self) -> Playbook:
        return parse_playbook(self.content, f"{self.playbook_id} v{self.number} (store)")


@dataclass(frozen=True)
class CaseRecord:
    id: str
    playbook_id: str
    playbook_version: str
    facts: dict[str, Any]
    verdict: str
    fixes: list[str]
    language: str
    channel: str
    created_at: datetime


@dataclass(frozen=True)
class FeedbackRecord:
    case_id: str
    helpful: bool
    comment: str
    created_at: datetime


def _published(row: PlaybookVersionRow) -> PublishedPlaybook:
    return PublishedPlaybook(row.playbook_id, row.number, row.digest, row.published_at, row.content)


def _case(row: CaseRow) -> CaseRecord:
    return CaseRecord(
        row.id,
        row.playbook_id,
        row.playbook_version,
        dict(row.facts),
        row.verdict,
        list(row.fixes),
        row.language,
        row.channel,
        row.created_at,
    )


# --- queries ---------------------------------------------------------------------------------


def publish_playbook(session: Session, playbook: Playbook) -> tuple[PublishedPlaybook, bool]:
    """Publish a playbook; a text not published before gets the next version number.

    Returns the version and whether it is new; publishing a text already published changes nothing.
    """
    existing = session.scalars(
        select(PlaybookVersionRow).where(
            PlaybookVersionRow.playbook_id == playbook.id,
            PlaybookVersionRow.digest == playbook.digest,
        )
    ).first()
    if existing is not None:
        return _published(existing), False
    last = session.scalar(
        select(func.max(PlaybookVersionRow.number)).where(
            PlaybookVersionRow.playbook_id == playbook.id
        )
    )
    row = PlaybookVersionRow(
        playbook_id=playbook.id,
        number=(last or 0) + 1,
        digest=playbook.digest,
        content=playbook.text,
    )
    session.add(row)
    session.flush()
    return _published(row), True


def latest_playbook(session: Session, playbook_id: str) -> PublishedPlaybook | None:
    row = session.scalars(
        select(PlaybookVersionRow)
        .where(PlaybookVersionRow.playbook_id == playbook_id)
        .order_by(PlaybookVersionRow.number.desc())
        .limit(1)
    ).first()
    return _published(row) if row is not None else None


def list_playbooks(session: Session) -> list[PublishedPlaybook]:
    rows = session.scalars(
        select(PlaybookVersionRow).order_by(
            PlaybookVersionRow.playbook_id, PlaybookVersionRow.number
        )
    )
    return [_published(row) for row in rows]


def record_case(
    session: Session,
    *,
    playbook_id: str,
    playbook_version: str,
    facts: dict[str, Any],
    verdict: str,
    fixes: list[str],
    language: str,
    channel: str,
    case_id: str | None = None,
    created_at: datetime | None = None,
) -> CaseRecord:
    row = CaseRow(
        id=case_id or str(uuid.uuid4()),
        playbook_id=playbook_id,
        playbook_version=playbook_version,
        facts=facts,
        verdict=verdict,
        fixes=fixes,
        language=language,
        channel=channel,
        created_at=created_at or utc_now(),
    )
    session.add(row)
    session.flush()
    return _case(row)


def record_waiting_cases(session: Session, cases: list[dict[str, Any]]) -> int:
    """Record cases the command line left in its journal (knowledge.journal); one already
    recorded (a taker that stopped before deleting the journal) is not recorded twice."""
    ids = [case["id"] for case in cases]
    known = set(session.scalars(select(CaseRow.id).where(CaseRow.id.in_(ids)))) if ids else set()
    for case in cases:
        if case["id"] in known:
            continue
        known.add(case["id"])
        record_case(
            session,
            playbook_id=case["playbook_id"],
            playbook_version=case["playbook_version"],
            facts=case["facts"],
            verdict=case["verdict"],
            fixes=case["fixes"],
            language=case["language"],
            channel=case["channel"],
            case_id=case["id"],
            created_at=case["created_at"],
        )
    return len(cases)


def list_cases(session: Session, limit: int = 50) -> list[CaseRecord]:
    rows = session.scalars(select(CaseRow).order_by(CaseRow.created_at.desc()).limit(limit))
    return [_case(row) for row in rows]


def add_feedback(
    session: Session, case_id: str, helpful: bool, comment: str = ""
) -> FeedbackRecord:
    if session.get(CaseRow, case_id) is None:
        raise StoreError(f"no diagnosis case {case_id!r}")
    row = FeedbackRow(
        case_id=case_id, helpful=helpful, comment=comment[:2000], created_at=utc_now()
    )
    session.add(row)
    session.flush()
    return FeedbackRecord(row.case_id, row.helpful, row.comment, row.created_at)


def feedback_for(session: Session, case_id: str) -> list[FeedbackRecord]:
    rows = session.scalars(
        select(FeedbackRow).where(FeedbackRow.case_id == case_id).order_by(FeedbackRow.id)
    )
    return [FeedbackRecord(row.case_id, row.helpful, row.comment, row.created_at) for row in rows]


# --- connection ------------------------------------------------------------------------------


def metadata() -> MetaData:
    """Every table of the store; their models live in three modules."""
    import knowledge.outbox
    import knowledge.progress  # noqa: F401

    return Base.metadata


def open_engine(
    url: str, setting: str = "LBDOCTOR_DATABASE_URL", name: str = "the store"
) -> Engine:
    """An engine for the database at `url` (the value of `setting`; messages call it `name`):
    PostgreSQL through psycopg 3, a SQLite file's folder made. Connects to nothing yet."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # a port that is not a number: ValueError
        raise StoreError(
            f"{setting} is not a database URL: {redacted_url(url)}"
        ) from None  # SQLAlchemy's message quotes the URL whole
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        try:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot open {name} at {redacted_url(url)}: {exc}") from exc
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() in ("", "psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        # An unreachable host fails in seconds instead of the system's two minutes.
        if "connect_timeout" not in parsed.query:
            options["connect_args"] = {"connect_timeout": 10}
    with database_errors(url, name):
        engine = create_engine(parsed, pool_pre_ping=True, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _write_ahead_log)
    return engine


# Tries of the switch to WAL, 50 ms apart: SQLite's own busy timeout is 5 s.
_WAL_ATTEMPTS = 100


def _write_ahead_log(connection: Any, _record: Any) -> None:
    """SQLite in write-ahead-log mode, `synchronous=NORMAL`: a commit (one per question asked,
    for the report) does not wait for two disk flushes, and readers never block the writer.
    A crash of the process loses nothing committed; a power cut can lose the last commits,
    never the file's integrity (SQLite's documentation)."""
    cursor = connection.cursor()
    # Two processes opening a new database at once: the switch to WAL needs the file to
    # itself, and SQLite answers "database is locked" at once, without its busy timeout.
    for attempt in range(_WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == _WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def database_errors(url: str, name: str) -> Iterator[None]:
    """SQLAlchemy's errors while opening a database as a StoreError without the password."""
    try:
        yield
    except SQLAlchemyError as exc:
        reason = str(exc).splitlines()[0]
        password = make_url(url).password
        if password:
            reason = reason.replace(str(password), "***")
        raise StoreError(
            f"cannot open {name} at {redacted_url(url)}: {exc.__class__.__name__}: {reason}"
        ) from None  # the chained exception would carry the driver's own message


class Store:
    """An engine and a session factory for one database URL; the schema is migrated on open."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Store:
        """The store at `url`, its schema migrated to the newest revision."""
        engine = open_engine(url)
        from knowledge.migrations import migrate

        try:
            with database_errors(url, "the store"):
                migrate(engine)
        except StoreError:
            engine.dispose()
            raise
        return cls(engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on error."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except SQLAlchemyError as exc:
                session.rollback()
                raise StoreError(
                    f"store error: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
                ) from exc
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
