"""Building what Rasa hands the actions: a real Tracker and the domain as the server sends it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"


def bot_domain() -> dict[str, Any]:
    """bot/domain/*.yml merged, as Rasa sends the domain to the action server."""
    merged: dict[str, Any] = {"intents": [], "entities": [], "slots": {}, "forms": {}}
    for path in sorted((BOT / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text())
        merged["intents"] += part.get("intents", [])
        merged["entities"] += part.get("entities", [])
        merged["slots"].update(part.get("slots", {}))
        merged["forms"].update(part.get("forms", {}))
    return merged


def payload(fact: str, value: str) -> str:
    return "/inform" + json.dumps({fact: value}, separators=(",", ":"))


def tracker(
    text: str = "",
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    form: bool = False,
    requested: str | None = None,
    channel: str = "rest",
) -> Tracker:
    """A tracker whose latest user message is `text`; `new` are the slots set since it
    (button entities, or what the form already extracted), `slots` those known before."""
    slots = dict(slots or {})
    if requested is not None:
        slots["requested_slot"] = requested
    slots.update(new or {})
    entities = (
        [{"entity": k, "value": v} for k, v in (new or {}).items()] if text.startswith("/") else []
    )
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities}
    events: list[dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": message, "input_channel": channel},
    ]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (new or {}).items()]
    return Tracker(
        sender_id="test-user",
        slots=slots,
        latest_message=message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "diagnosis_form"} if form else {},
        latest_action_name="action_listen",
    )
