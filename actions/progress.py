"""Where the conversation got to (knowledge/progress.py), for the weekly report's drop-offs.

Written after the reply, by one writer thread in the order the turns asked: the row is the
weekly report's, not the user's, so no turn waits for it (a store write costs a turn about half
a millisecond). A store that is down costs the report a row, never the user their answer: it is
logged and the chat goes on. Rows still queued when the server stops are written first (the
executor finishes its queue at exit)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from knowledge.app import App
from knowledge.errors import StoreError
from knowledge.progress import note_question, note_verdict

__all__ = [
    "ATTEMPT_SLOT", "attempt", "conversation_key", "question_asked", "settle", "verdict_given",
]  # fmt: skip

log = logging.getLogger(__name__)

# How many times the user started over in this conversation: each attempt is its own row.
ATTEMPT_SLOT = "attempt"
# scripts/serve.py's warm-up calls at start: not a conversation.
WARM_UP_SENDER = "lbdoctor-warm-up"


def attempt(tracker: Tracker) -> int:
    value = tracker.get_slot(ATTEMPT_SLOT)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def conversation_key(tracker: Tracker) -> str:
    """The sender, when this session started (its `session_started` event, which Rasa's SQL
    tracker store hands the actions with the session) and the attempt; knowledge/progress.py
    stores only a digest of it. The session's start time (down to the microsecond, kept only in the tracker
    store) is what stops a digest being matched against guessed sender ids once the
    conversation is purged (knowledge/retention.py)."""
    started = next(
        (
            e.get("timestamp", "")
            for e in reversed(tracker.events)
            if e.get("event") == "session_started"
        ),
        "",
    )
    return f"{tracker.sender_id}#{started}#{attempt(tracker)}"


def _channel(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rasa"


_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="progress")


def settle() -> None:
    """Wait until the progress rows asked for so far are written."""
    _WRITER.submit(lambda: None).result()


def question_asked(app: App, tracker: Tracker, lang: str, question: str) -> None:
    def write(session: Session, key: str, channel: str) -> None:
        note_question(session, key, channel=channel, language=lang, question=question)

    _later(app, tracker, write, f"question {question}")


def verdict_given(app: App, tracker: Tracker, lang: str, verdict: str, case_id: str | None) -> None:
    def write(session: Session, key: str, channel: str) -> None:
        note_verdict(session, key, channel=channel, language=lang, verdict=verdict, case_id=case_id)

    _later(app, tracker, write, f"verdict {verdict}")


def _later(
    app: App, tracker: Tracker, write: Callable[[Session, str, str], None], what: str
) -> None:
    store = app.opened_store
    if store is None or tracker.sender_id == WARM_UP_SENDER:
        return  # not worth a connection time-out per question; nor a conversation
    # Read from the tracker now: the writer runs after the turn.
    key, channel = conversation_key(tracker), _channel(tracker)

    def run() -> None:
        try:
            with store.session() as session:
                write(session, key, channel)
        except StoreError as exc:
            log.error("progress (%s) not recorded: %s", what, exc)
        except Exception:  # nobody waits on the writer: what it cannot write is logged here
            log.exception("progress (%s) not recorded", what)

    _WRITER.submit(run)
