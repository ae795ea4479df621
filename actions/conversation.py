"""The conversation around the form: language, starting over, not understanding, feedback."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.handoff import HandOffAction
from actions.runtime import ChatAction, language, too_long
from frontends.wording import say
from knowledge.errors import StoreError
from knowledge.store import add_feedback

__all__ = [
    "ActionDetectLanguage",
    "ActionFeedback",
    "ActionNotUnderstood",
    "ActionStartOver",
]

log = logging.getLogger(__name__)


class ActionDetectLanguage(ChatAction):
    """Before a reply from the domain (greet, help, ...): the reply is in the user's language."""

    def name(self) -> str:
        return "action_detect_language"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        oversize = too_long(tracker)
        if oversize is not None:
            # Whatever the model made of it ("x x x…" reads as thanks), it was not read: say so.
            size, limit = oversize
            dispatcher.utter_message(
                text=say("too_long", language(tracker, self.app), size=size, limit=limit)
            )
        return []


class ActionStartOver(ChatAction):
    def name(self) -> str:
        return "action_start_over"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        lang = language(tracker, self.app)
        dispatcher.utter_message(text=say("started_over", lang))
        # Facts go; the language the user speaks stays.
        return [
            ActiveLoop(None),
            AllSlotsReset(),
            SlotSet("language", lang),
            SlotSet("language_chosen", bool(tracker.get_slot("language_chosen"))),
        ]


class ActionNotUnderstood(ChatAction):
    """The fallback: say what was expected instead of guessing; the form then asks again."""

    def name(self) -> str:
        return "action_not_understood"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        lang = language(tracker, self.app)
        text = (tracker.latest_message or {}).get("text") or ""
        asked = tracker.get_slot(REQUESTED_SLOT) if tracker.active_loop_name else None
        oversize = too_long(tracker)
        if oversize is not None:
            size, limit = oversize
            dispatcher.utter_message(text=say("too_long", lang, size=size, limit=limit))
        elif not text.strip():
            dispatcher.utter_message(text=say("empty_message", lang))
        elif asked:
            fact = self.app.doctor.playbook.fact(asked)
            example = fact.options[0].label.get(lang) if fact.options else "v1.25"
            dispatcher.utter_message(
                text=say(
                    "not_understood_answer", lang, question=fact.prompt.get(lang), example=example
                )
            )
        else:
            dispatcher.utter_message(text=say("not_understood", lang))
        # Whatever was not understood, an open question is asked again rather than dropped.
        return [FollowupAction(tracker.active_loop_name)] if tracker.active_loop_name else []


class ActionFeedback(HandOffAction):
    """Yes/no after a diagnosis: recorded with the case; a "no" hands the case to support."""

    def name(self) -> str:
        return "action_feedback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        lang = language(tracker, self.app)
        case_id = tracker.get_slot("case_id")
        helpful = (tracker.latest_message or {}).get("intent", {}).get("name") == "affirm"
        if not case_id:
            dispatcher.utter_message(text=say("feedback_no_case", lang))
            return []
        try:
            with self.app.store.session() as session:
                add_feedback(session, case_id, helpful)
        except StoreError as exc:
            log.error("feedback for case %s not recorded: %s", case_id, exc)
        if not helpful:
            dispatcher.utter_message(text=say("feedback_sorry", lang))
            return self.hand_off(dispatcher, tracker, "not-solved", lang)
        dispatcher.utter_message(text=say("feedback_thanks", lang))
        # One answer per case: a later "yes" is not counted twice.
        return [SlotSet("case_id", None)]
