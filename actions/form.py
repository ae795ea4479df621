"""The diagnosis form: the engine picks each question; every message is read for every fact."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.diagnose import deliver_diagnosis
from actions.handoff import HandOffAction
from actions.progress import question_asked
from actions.runtime import (
    FACT_VALUE_LIMIT,
    SERVICE_SLOT,
    SKIPPED_SLOT,
    known_facts,
    language,
    language_events,
    pasted_service,
    skipped_questions,
    too_long,
)
from frontends.wording import fact_value_label, say, understood_words
from knowledge.errors import FactError
from knowledge.playbook import Playbook
from knowledge.understanding import Reading, read_message

__all__ = [
    "CONFIRM_SLOT",
    "CONTROL_INTENTS",
    "MISUNDERSTOOD_SLOT",
    "ValidateDiagnosisForm",
    "question_message",
]

log = logging.getLogger(__name__)

# Messages longer than this are logged when read (a Service is a few KB).
_LONG_MESSAGE = 16 * 1024

# Set while the bot asks the user to confirm what their words meant, instead of the question.
CONFIRM_SLOT = "confirming"

# How often in a row the open question's answer was not understood (knowledge/dead_end.py).
MISUNDERSTOOD_SLOT = "misunderstood"

# Intents about the conversation itself: their words are not answers ("why is IPVS asked?").
CONTROL_INTENTS = frozenset(
    {
        "explain",
        "start_over",
        "switch_language",
        "goodbye",
        "thank",
        "help",
        "out_of_scope",
        "how_to_check",
        "skip",
    }
)


def _buttons(
    playbook: Playbook, fact_name: str, values: Iterable[str], lang: str
) -> list[dict[str, str]]:
    fact = playbook.fact(fact_name)
    return [
        {
            "title": fact.option(value).label.get(lang),
            "payload": "/inform" + json.dumps({fact.name: value}, separators=(",", ":")),
        }
        for value in values
    ]


def question_message(playbook: Playbook, fact_name: str, lang: str) -> dict[str, Any]:
    """A question with one button per option (the contract's `/inform{...}`), then "How do I
    check?" and "Skip" for a user who does not know the answer."""
    fact = playbook.fact(fact_name)
    helpers = [
        {"title": say("how_to_check_button", lang), "payload": "/how_to_check"},
        {"title": say("skip_button", lang), "payload": "/skip"},
    ]
    return {
        "text": fact.prompt.get(lang),
        "buttons": _buttons(playbook, fact_name, fact.values, lang) + helpers,
    }


def confirm_message(
    playbook: Playbook, fact_name: str, candidates: tuple[str, ...], lang: str
) -> dict[str, Any]:
    """ "Did you mean …?" with the close options as buttons: a guess is never taken silently."""
    options = say("or", lang).join(
        f'"{fact_value_label(playbook, fact_name, value, lang)}"' for value in candidates
    )
    key = "confirm_one" if len(candidates) == 1 else "confirm_which"
    return {
        "text": say(key, lang, options=options, question=playbook.fact(fact_name).prompt.get(lang)),
        "buttons": _buttons(playbook, fact_name, candidates, lang),
    }


def _to_confirm(raw: Any, asked: str, playbook: Playbook) -> tuple[str, ...]:
    """The options to confirm for the open question; nothing for another question's, or for
    a slot that is not what the form wrote (forged)."""
    try:
        unsure = json.loads(raw) if isinstance(raw, str) else None
    except json.JSONDecodeError:
        return ()
    if not isinstance(unsure, dict) or unsure.get("fact") != asked:
        return ()
    values = playbook.fact(asked).values
    return tuple(v for v in unsure.get("candidates") or () if isinstance(v, str) and v in values)


def _before_message(tracker: Tracker, slot: str) -> Any:
    """A slot's value before the latest user message (the message may have changed it)."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=0)
    value = None
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
        elif event.get("event") == "reset_slots":
            value = None
    return value


class ValidateDiagnosisForm(HandOffAction, FormValidationAction):
    def name(self) -> str:
        return "validate_diagnosis_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Just the engine's next question; none once it has a verdict, which ends the form."""
        question = self.app.doctor.engine.next_question(
            known_facts(tracker, self.app), skipped_questions(tracker, self.app)
        )
        return [question.name] if question is not None else []

    def _reading(self, tracker: Tracker) -> Reading:
        message = tracker.latest_message or {}
        raw = message.get("text")
        text = raw if isinstance(raw, str) else ""
        intent = (message.get("intent") or {}).get("name")
        if intent in CONTROL_INTENTS or too_long(tracker) is not None:
            return Reading()
        if text.startswith("/"):
            # A button's payload (`/inform{"fact":"value"}`) arrives as entities of the message.
            facts = self.app.doctor.playbook.fact_names
            return Reading(
                {
                    entity["entity"]: str(entity.get("value"))
                    for entity in message.get("entities") or []
                    if isinstance(entity, dict)
                    and entity.get("entity") in facts
                    and entity.get("value") is not None
                }
            )
        return read_message(text, self.app.reader, self._asked(tracker), pasted_service(tracker))

    def _asked(self, tracker: Tracker) -> str | None:
        """The open question, if it is one of the playbook's (a stale or forged slot is not)."""
        asked = tracker.get_slot(REQUESTED_SLOT)
        return asked if asked in self.app.reader.questions else None

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Every fact the latest message reveals, not only the one asked.

        One reading per message instead of one `extract_<fact>` method each: a pasted Service
        fills several facts at once, and parsing it once per fact would repeat the work.
        """
        lang = language(tracker, self.app)
        asked = self._asked(tracker)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if intent == "skip" and asked:
            # Not known: never asked again; the verdict is given for each of its answers.
            skipped = [*skipped_questions(tracker, self.app), asked]
            label = self.app.doctor.playbook.fact(asked).prompt.get(lang)
            dispatcher.utter_message(text=say("skipped", lang, question=label))
            return [SlotSet(SKIPPED_SLOT, skipped)]
        text = (tracker.latest_message or {}).get("text")
        if isinstance(text, str) and len(text) > _LONG_MESSAGE:
            # For operators (and the test that another user is not held up meanwhile).
            log.info("reading a long message: %d characters", len(text))
        oversize = too_long(tracker)
        if oversize is not None and asked is None:
            # The message that opens the form is not read: say why, with what to paste. (With
            # a question open, the form rejects it and action_not_understood says it.)
            size, limit = oversize
            dispatcher.utter_message(text=say("too_long", lang, size=size, limit=limit))
        reading = self._reading(tracker)
        events: list[EventType] = [SlotSet(name, value) for name, value in reading.facts.items()]
        if reading.service is not None:
            events.append(
                SlotSet(SERVICE_SLOT, json.dumps(reading.service.document(), sort_keys=True))
            )
        elif reading.problem is not None:
            dispatcher.utter_message(
                text=say("paste_problem", lang, problem=reading.problem.get(lang))
            )
            # The earlier Service stays; setting it again tells the form the paste was handled.
            events.append(SlotSet(SERVICE_SLOT, tracker.get_slot(SERVICE_SLOT)))
        if reading.unsure is not None:
            # Asked in next_requested_slot, instead of the question, if it is still the open
            # one once the facts are checked.
            unsure = {"fact": reading.unsure.fact, "candidates": reading.unsure.candidates}
            events.append(SlotSet(CONFIRM_SLOT, json.dumps(unsure)))
        # The answers read from words, a paste or evidence are echoed back, so a wrong reading
        # is seen at once; a button's choice needs no echo. Facts never asked (the error, a
        # Service's pass-through or ipMode) are told by the diagnosis where they matter.
        playbook = self.app.doctor.playbook
        shown = {k: v for k, v in reading.facts.items() if playbook.fact(k).ask}
        typed = not ((tracker.latest_message or {}).get("text") or "").startswith("/")
        if shown and typed:
            dispatcher.utter_message(text=understood_words(playbook, shown, reading.address, lang))
        return events

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """New values checked together with the known ones: a bad or contradicting one is undone."""
        playbook = self.app.doctor.playbook
        engine = self.app.doctor.engine
        lang = language(tracker, self.app)
        candidates = tracker.slots_to_validate()
        new = {
            name: value
            for name, value in candidates.items()
            if name in playbook.fact_names and value is not None
        }
        known = {k: v for k, v in known_facts(tracker, self.app).items() if k not in new}
        before = dict(known)
        events: list[EventType] = []
        for name, raw in new.items():
            value = str(raw).strip()
            shown = value[:FACT_VALUE_LIMIT]
            try:
                engine.normalize({name: value})
            except FactError as exc:
                said = (
                    say("invalid_value", lang, value=shown, fact=name, valid=", ".join(exc.valid))
                    if exc.valid
                    else say("invalid_reason", lang, value=shown, fact=name, problem=exc.get(lang))
                )
                dispatcher.utter_message(text=said)
                events.append(SlotSet(name, None))
                continue
            try:
                engine.normalize({**known, name: value})
            except FactError as exc:
                dispatcher.utter_message(
                    text=say("contradiction", lang, value=shown, fact=name, reason=exc.get(lang))
                )
                events.append(SlotSet(name, _before_message(tracker, name)))
                continue
            known[name] = value
            events.append(SlotSet(name, value))
        if set(known) - set(before) and tracker.get_slot(MISUNDERSTOOD_SLOT) is not None:
            # An answer understood: the count of answers not understood starts again.
            events.append(SlotSet(MISUNDERSTOOD_SLOT, None))
        # Only validated events reach the tracker: the pasted Service must be passed on too.
        if SERVICE_SLOT in candidates:
            events.append(SlotSet(SERVICE_SLOT, candidates[SERVICE_SLOT]))
        for passed in (CONFIRM_SLOT, SKIPPED_SLOT):
            if candidates.get(passed):
                events.append(SlotSet(passed, candidates[passed]))
        # The question is worked out once, here, on the slots as they will be after this turn;
        # next_requested_slot() only asks it.
        tracker.slots.update({event["name"]: event["value"] for event in events})
        required = await self.required_slots([], dispatcher, tracker, domain)
        if not required and tracker.get_slot(CONFIRM_SLOT):
            events.append(SlotSet(CONFIRM_SLOT, None))  # nothing left to confirm
        if events and not required:
            # The answer that completes the facts gets the diagnosis in the same call: a verdict
            # turn costs no more than any other (the form then ends: no question is left).
            facts = known_facts(tracker, self.app)
            skipped = skipped_questions(tracker, self.app)
            events += deliver_diagnosis(
                self.app,
                dispatcher,
                tracker,
                facts,
                lang,
                skipped,
                lambda reason: self.hand_off(dispatcher, tracker, reason, lang),
            )
        asked = SlotSet(REQUESTED_SLOT, required[0] if required else None)
        # Once a question is open, a message without an answer must let Rasa reject the form
        # (rules then handle the message): the language alone is not reported as validated.
        if events or tracker.get_slot(REQUESTED_SLOT) is None:
            return [*language_events(tracker, self.app), *events, asked]
        return [asked]

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """Ask the question get_validation_events() chose, with buttons built from the playbook.

        (Not the SDK's default, which would skip a slot holding a value the engine refused.)
        """
        asked = self._asked(tracker)
        if not asked:
            return None
        lang = language(tracker, self.app)
        playbook = self.app.doctor.playbook
        candidates = _to_confirm(tracker.get_slot(CONFIRM_SLOT), asked, playbook)
        if candidates:
            dispatcher.utter_message(**confirm_message(playbook, asked, candidates, lang))
        else:
            dispatcher.utter_message(**question_message(playbook, asked, lang))
        question_asked(self.app, tracker, lang, asked)
        # The confirmation is asked once: the next message is read afresh. (The question's
        # own SlotSet is already among the validation events.)
        return SlotSet(CONFIRM_SLOT, None) if tracker.get_slot(CONFIRM_SLOT) else None
