"""Retention: after an age, what could identify a person is deleted; what `lbdoctor report`
counts stays (`lbdoctor purge --older-than AGE`, or LBDOCTOR_RETENTION_DAYS on every start).

In the knowledge store, for what was created before the cut-off:
- a handoff's bundle (transcript, pasted Service and error, facts) becomes a stub: case, time,
  reason, language, channel and `purged: true`, and a person's resolution note goes; one still
  pending is marked failed, as a stub is not worth delivering;
- a feedback comment is emptied (whether the fix helped stays);
- a case's free-text facts (the pasted error message) go; the answers stay.
Conversation progress is anonymous by design and stays.

In Rasa's tracker store (table `events`), a conversation whose last event is older than the
cut-off is deleted whole, so one still going on keeps every event.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, Float, MetaData, String, Table, delete, func, inspect, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from knowledge.errors import StoreError
from knowledge.outbox import FAILED, PENDING, HandoffRow
from knowledge.store import CaseRow, FeedbackRow, Store, as_utc, database_errors, open_engine

if TYPE_CHECKING:
    from knowledge.app import App

__all__ = ["FREE_TEXT_FACTS", "Purged", "parse_age", "purge", "purge_on_start"]

log = logging.getLogger(__name__)

# Facts holding the user's own text rather than an answer to a question.
FREE_TEXT_FACTS = frozenset({"error_message"})
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
_LONGEST = timedelta(days=36500)
# Rasa's SQLTrackerStore table, with the two columns a purge reads.
_EVENTS = Table(
    "events",
    MetaData(),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
)
# Rasa reads a conversation from its latest session start on: what comes before is history.
_SESSION_STARTED = "session_started"
_BATCH = 500  # senders per DELETE: bound parameters have a limit


@dataclass(frozen=True)
class Purged:
    """What one purge removed."""

    bundles: int  # handoff bundles replaced by a stub
    comments: int  # feedback comments emptied
    case_texts: int  # cases whose pasted error message was removed
    conversations: int  # conversations deleted from the tracker store
    events: int  # their events
    # Events of earlier sessions of conversations still going on (a Slack or Teams user who
    # keeps coming back is one conversation for ever).
    session_events: int = 0


def parse_age(text: str) -> timedelta:
    """`30d`, `12h` or `90m` as a timedelta; ValueError, saying what is expected, otherwise."""
    match = re.fullmatch(r"([0-9]+)([dhm])", text.strip())
    if match is None or int(match[1]) == 0:
        raise ValueError(
            f"{text!r} is not an age: expected a positive whole number and a unit, "
            "such as 30d (days), 12h (hours) or 90m (minutes)"
        )
    # Compared before building the timedelta, which overflows on absurd numbers.
    if int(match[1]) > _LONGEST // timedelta(**{_UNITS[match[2]]: 1}):
        raise ValueError(f"{text!r} is longer than anything kept: at most {_LONGEST.days}d")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def purge(
    store: Store, tracker_url: str | None, older_than: timedelta, now: datetime | None = None
) -> Purged:
    """Delete what identifies people from before `now - older_than` (tracker_url None: the
    knowledge store only)."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - older_than
    with store.session() as session:
        bundles = _stub_bundles(session, cutoff, now)
        comments = _empty_comments(session, cutoff)
        case_texts = _drop_free_text(session, cutoff)
    conversations, events, session_events = (
        _purge_tracker(tracker_url, cutoff) if tracker_url else (0, 0, 0)
    )
    return Purged(bundles, comments, case_texts, conversations, events, session_events)


def purge_on_start(app: App) -> Purged | None:
    """LBDOCTOR_RETENTION_DAYS applied as a server starts. A failure is logged, not raised:
    the server must start all the same, and the next start tries again."""
    days = app.settings.retention_days
    if days is None:
        return None
    try:
        purged = purge(app.store, app.settings.tracker_url, timedelta(days=days))
    except StoreError as exc:
        log.error("retention: nothing purged: %s", exc)
        return None
    log.info("retention: purged what is older than %d days: %s", days, asdict(purged))
    return purged


def _stub_bundles(session: Session, cutoff: datetime, now: datetime) -> int:
    rows = session.scalars(
        select(HandoffRow).where(HandoffRow.created_at < cutoff, HandoffRow.purged_at.is_(None))
    ).all()
    for row in rows:
        created = as_utc(row.created_at)
        row.bundle = {
            "case": row.case_number,
            "created": created.isoformat(),
            "reason": row.reason,
            "language": row.language,
            "channel": row.channel,
            "purged": True,
        }
        row.resolution_note = None
        row.purged_at = now
        if row.status == PENDING:
            row.status, row.last_error = FAILED, "purged before it was delivered"
    session.flush()
    return len(rows)


def _empty_comments(session: Session, cutoff: datetime) -> int:
    emptied = session.execute(
        update(FeedbackRow)
        .where(FeedbackRow.created_at < cutoff, FeedbackRow.comment != "")
        .values(comment="")
        .execution_options(synchronize_session=False)
    )
    return int(emptied.rowcount)  # type: ignore[attr-defined]


def _drop_free_text(session: Session, cutoff: datetime) -> int:
    # Filtered here, not in SQL: JSON key tests differ between SQLite and PostgreSQL.
    changed = 0
    for row in session.scalars(select(CaseRow).where(CaseRow.created_at < cutoff)):
        if FREE_TEXT_FACTS & row.facts.keys():
            row.facts = {k: v for k, v in row.facts.items() if k not in FREE_TEXT_FACTS}
            changed += 1
    session.flush()
    return changed


def _purge_tracker(url: str, cutoff: datetime) -> tuple[int, int, int]:
    """Conversations and their events deleted whole, and events of earlier sessions deleted
    from conversations still going on; a tracker store not created yet holds none."""
    if url.startswith("postgres://"):  # Rasa's spelling too; SQLAlchemy 2 wants postgresql
        url = "postgresql://" + url.removeprefix("postgres://")
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        parsed = None  # open_engine says what is wrong
    if (
        parsed is not None
        and parsed.get_backend_name() == "sqlite"
        and not Path(parsed.database or ":memory:").is_file()
    ):
        return 0, 0, 0
    engine = open_engine(url, "LBDOCTOR_TRACKER_URL", "the tracker store")
    try:
        with database_errors(url, "the tracker store"), engine.begin() as connection:
            if not inspect(connection).has_table("events"):
                return 0, 0, 0
            senders = connection.scalars(
                select(_EVENTS.c.sender_id)
                .group_by(_EVENTS.c.sender_id)
                .having(func.max(_EVENTS.c.timestamp) < cutoff.timestamp())
            ).all()
            events = 0
            for start in range(0, len(senders), _BATCH):
                batch = senders[start : start + _BATCH]
                deleted = connection.execute(delete(_EVENTS).where(_EVENTS.c.sender_id.in_(batch)))
                events += deleted.rowcount
            later = _EVENTS.alias("later")
            session_start = (
                select(func.max(later.c.timestamp))
                .where(
                    later.c.sender_id == _EVENTS.c.sender_id,
                    later.c.type_name == _SESSION_STARTED,
                )
                .scalar_subquery()
            )
            # Before the latest session start (NULL: none, nothing deleted) and old enough.
            earlier = connection.execute(
                delete(_EVENTS).where(
                    _EVENTS.c.timestamp < cutoff.timestamp(), _EVENTS.c.timestamp < session_start
                )
            )
            return len(senders), events, int(earlier.rowcount)
    finally:
        engine.dispose()
