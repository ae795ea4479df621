"""Rasa's SQL tracker store, with recent conversations kept in memory between turns.

At every turn Rasa's SQL store reads every event of the session, replays them into a new
tracker, and counts them again before saving the new ones: about a third of a turn's server
time. This store keeps the tracker it has just saved and hands it back at the next turn when
the database still holds exactly what was saved: the same number of events since the session
started, the same last event id and latest event time (one indexed query). Anything else reads
the database as before: another Rasa server answered in between (or during the turn), a purge
deleted the conversation, a new session started, a new model's domain, or a turn failed before
it was saved (its tracker then holds events the database has not, so its length no longer
matches). Only a tracker that holds exactly the database's current session is kept.

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
from itertools import islice
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import SingletonThreadPool

__all__ = ["CachedSQLTrackerStore"]

# Conversations kept, the least recent dropped. A tracker is its session's events: tens of KB
# usually, more with pastes (a message is read up to 64 KB and Rasa keeps its text twice).
KEEP = 500


# The database's view of a conversation's session: its number of events, the last event's id
# and the latest event time.
Stamp = tuple[int, int | None, float | None]


def _put(cache: OrderedDict[str, Any], key: str, value: Any) -> None:
    """`value` in the bounded cache, as its most recent entry."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > KEEP:
        cache.popitem(last=False)


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
    SELECT count(id), max(id), max(timestamp) FROM events, (
        SELECT max(timestamp) AS session_start FROM events
        WHERE sender_id = :sender AND type_name = 'session_started') AS latest
    WHERE sender_id = :sender AND (session_start IS NULL OR timestamp >= session_start)
    """
)


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._kept: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        # The database's stamp when each conversation was last read or saved here: a save keeps
        # its tracker only if nothing was written since the read (another server without a
        # shared lock store), and a kept tracker is the one saved with this stamp.
        self._read: OrderedDict[str, Stamp] = OrderedDict()
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # One connection per thread, kept (Rasa's SQLAlchemy 1.4 opens a new one for every
            # read and write of a SQLite file), in write-ahead-log mode (knowledge/store.py
            # does the same for the knowledge store, in the other virtualenv). One per thread
            # is safe: Rasa uses the store from its event loop, and no session spans an await.
            self.engine = sa.create_engine(self.engine.url, poolclass=SingletonThreadPool)
            sa.event.listen(self.engine, "connect", _wal)
            self.sessionmaker = sessionmaker(bind=self.engine)

    @property  # type: ignore[override]
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        """A new model's domain (`PUT /model`): kept trackers hold the old slots, so none is
        kept."""
        self._domain = domain or Domain.empty()
        self._kept.clear()

    def _stamp(self, session: Session, sender_id: str) -> Stamp:
        count, last, latest = session.execute(_STAMP, {"sender": sender_id}).one()
        return int(count), last, latest

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._kept.pop(sender_id, None)
        saved = self._read.get(sender_id)
        with self.session_scope() as session:
            stamp = self._stamp(session, sender_id)
        _put(self._read, sender_id, stamp)
        if kept is not None and stamp == saved and len(kept.events) == stamp[0]:
            return kept
        if stamp[0] == 0:
            return None  # no event in the session filter Rasa's read uses: Rasa reads None too
        # Read after the stamp: a write in between makes the next save keep nothing.
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `save` (the events the database lacks, in one transaction), then kept."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            before = self._stamp(session, tracker.sender_id)
            rows = [
                _row(tracker.sender_id, event) for event in islice(tracker.events, before[0], None)
            ]
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            stamp = self._stamp(session, tracker.sender_id)
            session.commit()
        sender = tracker.sender_id
        self._kept.pop(sender, None)
        if before != self._read.get(sender):
            # Another server wrote since this one read: nothing kept, the next turn reads.
            self._read.pop(sender, None)
            return
        _put(self._read, sender, stamp)  # a turn may save twice
        kept = self._session(tracker, stamp[0])
        if kept is not None:
            _put(self._kept, sender, kept)

    def _session(self, tracker: DialogueStateTracker, stored: int) -> DialogueStateTracker | None:
        """The tracker Rasa would read back: the events of the latest session the database
        holds. A session started in this turn leaves older events in the tracker (and, for a
        new conversation, the `action_session_start` before its `session_started`): those
        are left out, as Rasa's read leaves them out."""
        if stored == len(tracker.events):
            return tracker
        events = list(tracker.events)
        starts = [i for i, event in enumerate(events) if isinstance(event, SessionStarted)]
        if not starts or len(events) - starts[-1] != stored:
            return None
        # The same events replayed (as Rasa's read replays the rows), without their round
        # trip through dicts: this turn's own tracker is done with them.
        return DialogueStateTracker.from_events(
            tracker.sender_id, events[starts[-1] :], self.domain.slots
        )


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
