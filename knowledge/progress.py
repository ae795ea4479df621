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

from sqlalchemy import DateTime, Integer, String, bindparam, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import TextClause

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


# One statement per write, the same in SQLite and PostgreSQL: the row inserted, or updated when
# the conversation has one (a turn's write costs a fraction of an ORM read and write). Written
# as text, so it is not compiled again at every turn.
_COLUMNS = "id, channel, language, started_at, updated_at, last_question, questions_asked, verdict, case_id"
_INSERT = f"""
    INSERT INTO conversation_progress ({_COLUMNS})
    VALUES (:id, :channel, :language, :now, :now, :question, :asked, :verdict, :case_id)
    ON CONFLICT (id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at
"""


def _upsert(updates: str) -> TextClause:
    return text(f"{_INSERT}, {updates}").bindparams(bindparam("now", type_=DateTime(timezone=True)))


_QUESTION = _upsert(
    """
    questions_asked = CASE
        WHEN coalesce(conversation_progress.last_question, '') <> excluded.last_question
        THEN conversation_progress.questions_asked + 1
        ELSE conversation_progress.questions_asked END,
    last_question = excluded.last_question
    """
)
_VERDICT = _upsert("verdict = excluded.verdict, case_id = excluded.case_id")


def _write(
    session: Session,
    statement: TextClause,
    key: str,
    channel: str,
    language: str,
    now: datetime | None,
    **values: object,
) -> None:
    """One upsert of the conversation's row; columns not in `values` are written empty."""
    row = {"question": None, "asked": 0, "verdict": None, "case_id": None} | values
    session.execute(
        statement,
        {"id": conversation_id(key), "channel": channel, "language": language,
         "now": now or utc_now(), **row},
    )  # fmt: skip


def note_question(
    session: Session,
    key: str,
    *,
    channel: str,
    language: str,
    question: str,
    now: datetime | None = None,
) -> None:
    """The bot asked `question` (a fact name); asking the same one again is not counted twice.
    The language follows the user's, who may switch mid-conversation."""
    _write(session, _QUESTION, key, channel, language, now, question=question, asked=1)


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
    _write(session, _VERDICT, key, channel, language, now, verdict=verdict, case_id=case_id)


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
