"""Run by tests/test_tracker_copy.py with .venv-rasa's Python, in bot/: Rasa's own tracker copy
(a replay of every event) next to bot/tracker_copy.py's, after each event of conversations
that use every kind of event that changes a tracker. Prints one JSON object of observations."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any

from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    FollowupAction,
    LoopInterrupted,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from tracker_copy import copy_tracker, temporary_tracker

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [inform]
slots:
  service_type: {type: text, mappings: [{type: custom}]}
  facts: {type: any, mappings: [{type: custom}]}
  attempt: {type: float, initial_value: 0, mappings: [{type: custom}]}
forms:
  diagnosis_form: {required_slots: [service_type]}
"""
)

FORM = FormAction("diagnosis_form", None)


def said(text: str) -> UserUttered:
    return UserUttered(text, {"name": "inform", "confidence": 0.9}, parse_data={"text": text})


CONVERSATIONS: dict[str, list[Event]] = {
    "a diagnosis": [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        said("my curl to the ELB is refused"),
        ActionExecuted("diagnosis_form"),
        ActiveLoop("diagnosis_form"),
        SlotSet("requested_slot", "service_type"),
        BotUttered("What kind of Service?", {"buttons": [{"title": "NodePort"}]}),
        ActionExecuted("action_listen"),
        said("nodeport"),
        SlotSet("service_type", "nodeport"),
        SlotSet("facts", {"service_type": "nodeport", "list": [1, 2]}),
        ActionExecuted("diagnosis_form"),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        ActionExecuted("action_listen"),
    ],
    "a question open": [
        said("nodeport"),
        ActionExecuted("diagnosis_form"),
        ActiveLoop("diagnosis_form"),
        SlotSet("requested_slot", "service_type"),
        ActionExecuted("action_listen"),
        said("why?"),
    ],
    "interruptions and rejections": [
        said("hi"),
        ActionExecuted("diagnosis_form"),
        ActiveLoop("diagnosis_form"),
        said("why?"),
        LoopInterrupted(True),
        ActionExecutionRejected("diagnosis_form"),
        ActionExecuted("action_explain"),
        FollowupAction("diagnosis_form"),
        LoopInterrupted(False),
        ActionReverted(),
        UserUtteranceReverted(),
        ConversationPaused(),
        ReminderScheduled("remind", datetime.now()),
        ConversationResumed(),
    ],
    "resets": [
        SlotSet("attempt", 1.0),
        said("start over"),
        AllSlotsReset(),
        SlotSet("service_type", "clusterip"),
        Restarted(),
        SlotSet("attempt", 2.0),
        SessionStarted(),
        said("again"),
    ],
}


def state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """Everything a tracker holds, comparable with ==."""
    seen = copy.deepcopy(
        {name: value for name, value in vars(tracker).items() if name not in ("events", "slots")}
    )
    seen["events"] = [event.as_dict() for event in tracker.events]
    seen["slots"] = {name: copy.deepcopy(vars(slot)) for name, slot in tracker.slots.items()}
    # The latest message is one of the events (which one), or a new empty one made at the
    # last reset (which has its own time).
    for name in ("latest_message", "latest_bot_utterance"):
        latest = getattr(tracker, name)
        at = [i for i, event in enumerate(tracker.events) if event is latest]
        seen[name] = at or {**latest.as_dict(), "timestamp": None}
    return seen


def untimed(tracker: DialogueStateTracker) -> dict[str, Any]:
    """The state without the times of events made at the call (the form's own)."""
    seen = state(tracker)
    seen["events"] = [{**event, "timestamp": None} for event in seen["events"]]
    return seen


def shared(copied: DialogueStateTracker, replayed: DialogueStateTracker) -> bool:
    """The same objects where the replay shares them with the original: the events."""
    return all(a is b for a, b in zip(copied.events, replayed.events, strict=True))


def observe() -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for name, events in CONVERSATIONS.items():
        tracker = DialogueStateTracker("ana", DOMAIN.slots)
        # Rasa's processor sets these on the tracker it reads; its copy leaves them out.
        tracker.model_id, tracker.assistant_id, tracker.sender_source = "m1", "lbdoctor", "rest"
        agree, temporary = [], []
        for event in events:
            tracker.update(event, DOMAIN)
            copied, replayed = copy_tracker(tracker), tracker.copy()
            agree.append(state(copied) == state(replayed) and shared(copied, replayed))
            new = [SlotSet("service_type", "nodeport")]
            ours = temporary_tracker(FORM, tracker, new, DOMAIN)
            rasas = FormAction._temporary_tracker(FORM, tracker, new, DOMAIN)
            temporary.append(untimed(ours) == untimed(rasas))
        seen[f"{name}: copies agree after each event"] = all(agree)
        seen[f"{name}: temporary trackers agree after each event"] = all(temporary)
        # A copy changed does not change the tracker (nor the other way round).
        before = state(tracker)
        copied = copy_tracker(tracker)
        copied.update(SlotSet("service_type", "dnat-gateway"))
        copied.update(ActionExecuted("validate_diagnosis_form"))
        copied.update(LoopInterrupted(True))  # changes the active loop in place
        copied.slots["facts"].value = "changed in place"
        seen[f"{name}: the copy is its own"] = state(tracker) == before
    # A tracker whose history is trimmed is copied by Rasa's replay, as Rasa copies it.
    trimmed = DialogueStateTracker("bo", DOMAIN.slots, max_event_history=3)
    for event in CONVERSATIONS["a diagnosis"]:
        trimmed.update(event, DOMAIN)
    seen["trimmed history: copies agree"] = state(copy_tracker(trimmed)) == state(trimmed.copy())
    return seen


if __name__ == "__main__":
    print(json.dumps(observe()))
