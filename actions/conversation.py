"""The conversation around the form: language, starting over, not understanding, feedback."""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.diagnose import DIAGNOSED_SLOT, feedback_buttons
from actions.form import CONFIRM_SLOT, MISUNDERSTOOD_SLOT
from actions.handoff import HandOffAction
from actions.progress import ATTEMPT_SLOT, attempt
from actions.runtime import SERVICE_SLOT, AppAction, ChatAction, language, too_long
from frontends.wording import say
from knowledge.dead_end import Misunderstood
from knowledge.errors import StoreError
from knowledge.intake.language import foreign
from knowledge.store import add_feedback

__all__ = [
    "FEEDBACK_ASKED_SLOT",
    "ActionDetectLanguage",
    "ActionFeedback",
    "ActionNotUnderstood",
    "ActionSessionStart",
    "ActionStartOver",
]

log = logging.getLogger(__name__)

# The diagnosis (case id) last asked about again when the user came back: asked once.
FEEDBACK_ASKED_SLOT = "feedback_asked"


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
        # Facts go; the language the user speaks stays; the report counts a new attempt.
        return [
            ActiveLoop(None),
            AllSlotsReset(),
            SlotSet("language", lang),
            SlotSet("language_chosen", bool(tracker.get_slot("language_chosen"))),
            SlotSet(ATTEMPT_SLOT, attempt(tracker) + 1),
        ]


# Not carried into a new session: no question is open in it (Rasa ends the form with the old
# one), past misunderstandings are forgiven, and what the user pasted (the Service, the error
# text, the last diagnosis's inputs) stays in the session it was pasted in, so that purging old
# sessions (knowledge/retention.py) removes it; the facts read from it are carried.
_NOT_CARRIED = frozenset(
    {
        REQUESTED_SLOT,
        CONFIRM_SLOT,
        MISUNDERSTOOD_SLOT,
        SERVICE_SLOT,
        "error_message",
        DIAGNOSED_SLOT,
    }
)


class ActionSessionStart(AppAction):
    """A new Rasa session in the same conversation: the user came back after
    `session_expiration_time` (bot/domain/conversation.yml), or their client started one
    (`/session_start`). The slots are carried over (a case can take a day of coming back), and
    a diagnosis left without a yes/no is asked about first, once per diagnosis; whatever the
    user then says is answered as usual (a yes or no goes to action_feedback)."""

    def name(self) -> str:
        return "action_session_start"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [
            SlotSet(name, value)
            for name, value in tracker.slots.items()
            if value is not None and name not in _NOT_CARRIED
        ]
        case_id = tracker.get_slot("case_id")
        if case_id and tracker.get_slot(FEEDBACK_ASKED_SLOT) != case_id:
            chosen = tracker.get_slot("language")
            lang = chosen if chosen in ("en", "pt") else self.app.settings.language
            dispatcher.utter_message(
                text=say("feedback_again", lang), buttons=feedback_buttons(lang)
            )
            events.append(SlotSet(FEEDBACK_ASKED_SLOT, case_id))
        return [*events, ActionExecuted("action_listen")]


class ActionNotUnderstood(HandOffAction, ChatAction):
    """The fallback: say what was expected instead of guessing; the form then asks again. The
    same question not understood NOT_UNDERSTOOD_LIMIT times in a row is handed to support."""

    def name(self) -> str:
        return "action_not_understood"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        lang = language(tracker, self.app)
        text = (tracker.latest_message or {}).get("text") or ""
        asked = tracker.get_slot(REQUESTED_SLOT) if tracker.active_loop_name else None
        if asked not in self.app.doctor.playbook.fact_names:
            asked = None  # a stale or forged slot
        oversize = too_long(tracker)
        if oversize is not None:
            size, limit = oversize
            dispatcher.utter_message(text=say("too_long", lang, size=size, limit=limit))
        elif not text.strip():
            dispatcher.utter_message(text=say("empty_message", lang))
        elif foreign(text):
            dispatcher.utter_message(text=say("other_language", lang))
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
        events: list[EventType] = []
        if asked:
            failed = Misunderstood.again(tracker.get_slot(MISUNDERSTOOD_SLOT), asked)
            events.append(SlotSet(MISUNDERSTOOD_SLOT, failed.to_slot()))
            if failed.dead_end:
                question = self.app.doctor.playbook.fact(asked).prompt.get(lang)
                dispatcher.utter_message(
                    text=say("dead_end_not-understood", lang, question=question)
                )
                # The form stays: the user may still answer, or start over.
                events += self.hand_off(dispatcher, tracker, "dead-end", lang)
        # Whatever was not understood, an open question is asked again rather than dropped.
        if tracker.active_loop_name:
            events.append(FollowupAction(tracker.active_loop_name))
        return events


class ActionFeedback(HandOffAction, ChatAction):
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
