"""Rasa's SQL tracker store, with recent conversations kept in memory between turns.

At every turn Rasa's SQL store reads every event of the session, replays them into a new
tracker, and counts them again before saving the new ones: about a third of a turn's server
time. This store keeps the tracker it has just saved and hands it back at the next turn when
the database still holds exactly what was saved: the same number of events since the session
started, the same last event id and latest event time (one indexed query). Anything else reads the database as
before: another Rasa server answered in between, a purge deleted the conversation, a new
session started, or a turn failed before it was saved (its tracker then holds events the
database has not, so its length no longer matches).
Only a tracker that holds exactly the database's current session is kept.

A SQLite database is put in write-ahead-log mode with `synchronous=NORMAL`: a commit no longer
waits for two disk flushes. A crash of the process loses nothing committed; a power cut can
lose the last turns, never the file's integrity (SQLite's documentation). PostgreSQL is left
as configured.

Installed by bot/server.py in place of Rasa's `SQLTrackerStore` (`type: SQL` in every
endpoints file).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import SingletonThreadPool

__all__ = ["CachedSQLTrackerStore"]

# Conversations kept: a few MB at most (a tracker is tens of events), the least recent dropped.
KEEP = 1000


# The database's view of a conversation's session: its number of events, the last event's id
# and the latest event time.
Stamp = tuple[int, int | None, float | None]


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    stamp: Stamp


def _wal(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Rasa's own session filter (`SQLTrackerStore._event_query`: the events since the latest
# `session_started`, or all of them before the first), as one constant statement: building the
# ORM query costs more than running it.
_STAMP = sa.text(
    """
    SELECT count(id), max(id), max(timestamp) FROM events
    WHERE sender_id = :sender AND (
        timestamp >= (SELECT max(timestamp) FROM events
                      WHERE sender_id = :sender AND type_name = 'session_started')
        OR NOT EXISTS (SELECT 1 FROM events
                       WHERE sender_id = :sender AND type_name = 'session_started'))
    """
)


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        if self.engine.dialect.name == "sqlite":
            # One connection per thread, kept (Rasa's SQLAlchemy 1.4 opens a new one for every
            # read and write of a SQLite file), in write-ahead-log mode.
            self.engine = sa.create_engine(self.engine.url, poolclass=SingletonThreadPool)
            sa.event.listen(self.engine, "connect", _wal)
            self.sessionmaker = sessionmaker(bind=self.engine)

    def _stamp(self, session: Session, sender_id: str) -> Stamp:
        count, last, latest = session.execute(_STAMP, {"sender": sender_id}).one()
        return int(count), last, latest

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._kept.get(sender_id)
        if kept is not None and len(kept.tracker.events) == kept.stamp[0]:
            with self.session_scope() as session:
                if self._stamp(session, sender_id) == kept.stamp:
                    self._kept.move_to_end(sender_id)
                    return kept.tracker
        self._kept.pop(sender_id, None)
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `save` (the events the database lacks, in one transaction), then kept."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            stored = self._stamp(session, tracker.sender_id)[0]
            rows = [
                _row(tracker.sender_id, event) for event in islice(tracker.events, stored, None)
            ]
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            stamp = self._stamp(session, tracker.sender_id)
            session.commit()
        self._kept.pop(tracker.sender_id, None)
        # Kept when it holds exactly the session the database holds (not when a new session
        # started in this turn: Rasa reads only the new one back).
        if stamp[0] == len(tracker.events):
            self._kept[tracker.sender_id] = _Kept(tracker, stamp)
            while len(self._kept) > KEEP:
                self._kept.popitem(last=False)


def _row(sender_id: str, event: Event) -> dict[str, Any]:
    """An event as Rasa's `save` stores it."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
