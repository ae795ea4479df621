"""Where each chat conversation got to: the question last asked and the verdict, if any.

Anonymous by design (it is what `lbdoctor report` counts and what a purge keeps): the row is
keyed by a digest of the conversation's key (the caller's sender id plus an attempt counter),
never the sender id itself, and holds no user text.

Query functions take a Session and return plain dataclasses; the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import DateTime, Integer, String, Table, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.store import Base, as_utc, utc_now

__all__ = [
    "ConversationProgress",
    "ConversationRow",
    "conversation_id",
    "conversations",
    "note_question",
    "note_verdict",
]


class ConversationRow(Base):
    __tablename__ = "conversation_progress"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # The fact last asked (a playbook fact name); None before the first question.
    last_question: Mapped[str | None] = mapped_column(String(100))
    questions_asked: Mapped[int] = mapped_column(Integer, default=0)
    # None until a diagnosis; then its verdict ("fails", "works", "depends", ...).
    verdict: Mapped[str | None] = mapped_column(String(20), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36))


@dataclass(frozen=True)
class ConversationProgress:
    id: str
    channel: str
    language: str
    started_at: datetime
    updated_at: datetime
    last_question: str | None
    questions_asked: int
    verdict: str | None
    case_id: str | None


def conversation_id(key: str) -> str:
    """The stored id for a conversation key: a digest, so no sender id is kept."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _upsert(session: Session, key: str, values: dict[str, Any], changes: dict[str, Any]) -> None:
    """One statement: the conversation's row inserted with `values`, or updated with `changes`
    (a turn's write costs a fraction of an ORM read and write; both stores support it)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = cast(Table, ConversationRow.__table__)
    statement = insert(table).values(id=conversation_id(key), **values)
    excluded = statement.excluded
    updates = {
        name: (change(table.c, excluded) if callable(change) else change)
        for name, change in changes.items()
    }
    session.execute(statement.on_conflict_do_update(index_elements=[table.c.id], set_=updates))


def _new(channel: str, language: str, now: datetime) -> dict[str, Any]:
    return {
        "channel": channel,
        "language": language,
        "started_at": now,
        "updated_at": now,
        "last_question": None,
        "questions_asked": 0,
        "verdict": None,
        "case_id": None,
    }


def note_question(
    session: Session,
    key: str,
    *,
    channel: str,
    language: str,
    question: str,
    now: datetime | None = None,
) -> None:
    """The bot asked `question` (a fact name); asking the same one again is not counted twice."""
    now = now or utc_now()
    _upsert(
        session,
        key,
        _new(channel, language, now) | {"last_question": question, "questions_asked": 1},
        {
            # The user may switch language mid-conversation.
            "language": language,
            "updated_at": now,
            "questions_asked": lambda row, new: case(
                (
                    func.coalesce(row.last_question, "") != new.last_question,
                    row.questions_asked + 1,
                ),
                else_=row.questions_asked,
            ),
            "last_question": question,
        },
    )


def note_verdict(
    session: Session,
    key: str,
    *,
    channel: str,
    language: str,
    verdict: str,
    case_id: str | None,
    now: datetime | None = None,
) -> None:
    """The conversation reached a diagnosis."""
    now = now or utc_now()
    _upsert(
        session,
        key,
        _new(channel, language, now) | {"verdict": verdict, "case_id": case_id},
        {"language": language, "updated_at": now, "verdict": verdict, "case_id": case_id},
    )


def conversations(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> list[ConversationProgress]:
    """Conversations started in [since, until), oldest first."""
    query = select(ConversationRow).order_by(ConversationRow.started_at)
    if since is not None:
        query = query.where(ConversationRow.started_at >= since)
    if until is not None:
        query = query.where(ConversationRow.started_at < until)
    return [
        ConversationProgress(
            row.id,
            row.channel,
            row.language,
            as_utc(row.started_at),
            as_utc(row.updated_at),
            row.last_question,
            row.questions_asked,
            row.verdict,
            row.case_id,
        )
        for row in session.scalars(query)
    ]
