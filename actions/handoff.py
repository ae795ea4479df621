"""Handing a case to a person: the bundle built from the conversation, stored, then delivered.

The bundle is what a support engineer needs not to ask again: the facts and how each was
obtained, the verdict and fixes offered, the transcript, the pasted Service and error. The
outbox redacts it before it is written (knowledge/outbox.py)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.runtime import (
    SERVICE_SLOT,
    AppAction,
    ChatAction,
    known_facts,
    language,
    pasted_service,
    skipped_questions,
)
from frontends.wording import say
from knowledge.app import App
from knowledge.delivery import Deliverer
from knowledge.errors import LBDoctorError
from knowledge.handoff import Bundle, Fact, Line
from knowledge.intake.error_message import classify_error
from knowledge.intake.service import looks_like_service

__all__ = ["ActionHandOff", "HandOffAction", "hand_off", "start_delivery"]

log = logging.getLogger(__name__)

_DELIVERERS: dict[int, Deliverer] = {}
_STARTING = threading.Lock()


def start_delivery(app: App) -> Deliverer:
    """The app's one delivery loop, started once: it sends at once what a restart left pending."""
    with _STARTING:
        deliverer = _DELIVERERS.get(id(app))
        if deliverer is None:
            deliverer = Deliverer.from_settings(app.settings, app.store).start()
            _DELIVERERS[id(app)] = deliverer
        return deliverer


def _source(text: str) -> str:
    if text.startswith("/"):
        return "button"
    if looks_like_service(text) or classify_error(text).kind != "other":
        return "paste"
    return "words"


def _facts(tracker: Tracker, known: dict[str, str], app: App) -> list[Fact]:
    """Each known fact with the kind of message that last set it; facts the engine added
    from others (implications) are inferred."""
    said: dict[str, str] = {}
    source = "words"
    for event in tracker.events:
        if event.get("event") == "user":
            source = _source(event.get("text") or "")
        elif event.get("event") == "slot" and event.get("name") in known:
            said[event["name"]] = source
    complete = app.doctor.engine.normalize(known)
    return [
        Fact(name, value, said.get(name, "inferred") if name in known else "inferred")
        for name, value in complete.items()
    ]


def _transcript(events: Iterable[dict[str, Any]]) -> list[Line]:
    lines = []
    for event in events:
        who = {"user": "user", "bot": "bot"}.get(event.get("event") or "")
        text = event.get("text")
        if who and isinstance(text, str) and text:
            moment = datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc)
            lines.append(Line(who, text, moment))
    return lines


def _error_text(tracker: Tracker) -> str | None:
    """The user's last message that quotes an error, as they pasted it."""
    for event in reversed(tracker.events):
        text = event.get("text") if event.get("event") == "user" else None
        if isinstance(text, str) and classify_error(text).kind != "other":
            return text
    return None


def hand_off(
    app: App,
    deliverer: Callable[[], Deliverer],
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    lang: str,
) -> list[EventType]:
    """Store the case for support, have it delivered, and tell the user its number."""
    facts = known_facts(tracker, app)
    skipped = skipped_questions(tracker, app)
    finding = app.doctor.engine.diagnose(facts, skipped)
    # Placeholders suffice: support gets the fix ids and titles, and the Service beside them.
    report = app.doctor.report(facts, lang, skipped=skipped) if finding.verdict else None
    service = pasted_service(tracker)
    bundle = Bundle.create(
        reason=reason,
        language=lang,
        channel=tracker.get_latest_input_channel() or "rasa",
        facts=_facts(tracker, facts, app),
        report=report,
        transcript=_transcript(tracker.events),
        service=tracker.get_slot(SERVICE_SLOT) if service is not None else None,
        error=_error_text(tracker),
    )
    try:
        record = deliverer().submit(bundle)
    except LBDoctorError as exc:
        # Not stored: the user must not believe someone has it.
        log.error("handoff not stored: %s", exc)
        dispatcher.utter_message(text=say("handoff_failed", lang))
        return []
    dispatcher.utter_message(text=say("handoff_started", lang, case=record.case))
    # Its diagnosis, if any, is support's now: no later "did it work?" about it.
    return [SlotSet("case_id", None)]


class HandOffAction(AppAction):
    """An action that may hand the case over (a mixin beside ChatAction or a form's
    validation); tests pass their own Deliverer."""

    def __init__(self, app: App | None = None, deliverer: Deliverer | None = None) -> None:
        super().__init__(app)
        self._deliverer = deliverer

    def deliverer(self) -> Deliverer:
        return self._deliverer if self._deliverer is not None else start_delivery(self.app)

    def hand_off(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, lang: str
    ) -> list[EventType]:
        return hand_off(self.app, self.deliverer, dispatcher, tracker, reason, lang)


class ActionHandOff(HandOffAction, ChatAction):
    """ "Talk to a human", at any moment: the questions stop."""

    def name(self) -> str:
        return "action_hand_off"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        lang = language(tracker, self.app)
        events = self.hand_off(dispatcher, tracker, "asked-for-human", lang)
        return [*events, SlotSet(REQUESTED_SLOT, None), ActiveLoop(None)]
