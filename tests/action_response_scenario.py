"""Run by tests/test_action_response.py with .venv-rasa's Python, in bot/: for each action-server
response, whether Rasa's own validation (`jsonschema.validate` against Rasa's spec) accepts it and
whether bot/action_response.py does. Prints one JSON object: case name -> [rasa's, ours]."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import jsonschema
from action_response import response_validator
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AgentUttered,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    FollowupAction,
    LegacyForm,
    LegacyFormValidation,
    LoopInterrupted,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    StoryExported,
    UserUtteranceReverted,
    UserUttered,
)

# Every event type of Rasa's schema (23), as Rasa writes it.
EVENTS = [
    UserUttered("oi", {"name": "greet", "confidence": 0.9}, [{"entity": "x", "value": "y"}]),
    ActionExecuted("action_listen"),
    SlotSet("network_model", "vpc"),
    SlotSet("facts", {"proxy_mode": "ipvs"}),
    EntitiesAdded([{"entity": "x", "value": "y"}]),
    BotUttered("texto", {"buttons": [{"title": "VPC", "payload": "/inform"}]}),
    SessionStarted(),
    Restarted(),
    ActiveLoop("diagnosis_form"),
    ActiveLoop(None),
    LoopInterrupted(True),
    FollowupAction("action_diagnose"),
    AllSlotsReset(),
    ReminderScheduled("remind", datetime(2026, 1, 1), name="r"),
    ReminderCancelled(name="r"),
    ActionReverted(),
    UserUtteranceReverted(),
    ConversationPaused(),
    ConversationResumed(),
    StoryExported(),
    AgentUttered("x"),
    ActionExecutionRejected("diagnosis_form"),
    LegacyForm("diagnosis_form"),
    LegacyFormValidation(False),
    DefinePrevUserUtteredFeaturization(use_text_for_featurization=True),
]
RESPONSE = {"text": "Understood: VPC", "buttons": [{"title": "Yes", "payload": "/affirm"}]}


def cases() -> dict[str, Any]:
    valid = {
        f"valid {event.type_name} {index}": {"events": [event.as_dict()], "responses": []}
        for index, event in enumerate(EVENTS)
    }
    valid["valid all events and a response"] = {
        "events": [event.as_dict() for event in EVENTS],
        "responses": [RESPONSE, {"json_message": {"text": "x", "blocks": []}}],
    }
    valid["valid empty"] = {}
    slot = SlotSet("a", 1).as_dict()
    invalid = {
        "invalid unknown event type": {"events": [{"event": "teleport"}]},
        "invalid slot without a name": {"events": [{"event": "slot", "value": 1}]},
        "invalid slot name not a string": {"events": [{**slot, "name": 3}]},
        "invalid timestamp a string": {"events": [{**slot, "timestamp": "now"}]},
        "invalid event name not a string": {"events": [{"event": 7}]},
        "invalid event without a type": {"events": [{"name": "a", "value": 1}]},
        "invalid event not an object": {"events": ["slot"]},
        "invalid events not a list": {"events": {"event": "slot"}},
        "invalid a good event then a bad one": {"events": [slot, {"event": "slot"}]},
        "invalid metadata a list": {"events": [{**slot, "metadata": []}]},
        "invalid user text a number": {"events": [{"event": "user", "text": 5}]},
        "invalid responses not a list": {"responses": {"text": "x"}},
        "invalid response not an object": {"events": [], "responses": ["x"]},
        "invalid not an object": ["events"],
    }
    return {**valid, **invalid}


def rasa_accepts(response: Any) -> bool:
    try:
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError:
        return False
    return True


if __name__ == "__main__":
    seen = {
        name: [rasa_accepts(response), response_validator().best_error(response) is None]
        for name, response in cases().items()
    }
    print(json.dumps(seen))
