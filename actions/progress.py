"""Where the conversation got to (knowledge/progress.py), for the weekly report's drop-offs.

Called from the actions' worker threads (AppAction.run), like every other store write. A store
that is down costs the report a row, never the user their answer: it is logged and the chat
goes on."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker

from knowledge.app import App
from knowledge.errors import StoreError
from knowledge.progress import note_question, note_verdict

__all__ = ["ATTEMPT_SLOT", "attempt", "conversation_key", "question_asked", "verdict_given"]

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


def question_asked(app: App, tracker: Tracker, lang: str, question: str) -> None:
    key, channel = conversation_key(tracker), _channel(tracker)
    if app.opened_store is None or tracker.sender_id == WARM_UP_SENDER:
        return  # not worth a connection time-out per question; nor a conversation
    try:
        with app.opened_store.session() as session:
            note_question(session, key, channel=channel, language=lang, question=question)
    except StoreError as exc:
        log.error("progress (question %s) not recorded: %s", question, exc)


def verdict_given(app: App, tracker: Tracker, lang: str, verdict: str, case_id: str | None) -> None:
    key, channel = conversation_key(tracker), _channel(tracker)
    if app.opened_store is None or tracker.sender_id == WARM_UP_SENDER:
        return
    try:
        with app.opened_store.session() as session:
            note_verdict(
                session, key, channel=channel, language=lang, verdict=verdict, case_id=case_id
            )
    except StoreError as exc:
        log.error("progress (verdict %s) not recorded: %s", verdict, exc)
