"""Run by tests/test_bot_rasa.py with .venv-rasa's Python, in bot/: the trained model's NLU
readings (of every NLU example, training and held-out, and of a few messages) and next-action
predictions with Rasa as it ships, then with bot/server.py's changes installed (among them
bot/graph_runner.py and bot/diet_inference.py), on the same messages and conversations. Prints
one JSON object."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import diet_inference
import server
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.loading import load_data

# Openings, typed answers in both languages, chit-chat and noise.
MESSAGES = [
    "meu curl pro IP do balanceador dá connection refused",
    "curl: (7) Failed to connect to 192.168.10.36 port 80: Connection refused",
    "é ipvs",
    "a pod on another node",
    "não sei onde vejo isso",
    "actually it's VPC",
    "obrigado!",
    "👍",
    "asdf qwerty",
]


async def observe(model: str) -> dict[str, Any]:
    agent = Agent.load(model)
    processor = agent.processor
    assert processor is not None
    seen: dict[str, Any] = {}
    for runner in ("rasa", "ours"):
        if runner == "ours":
            server.install()
        readings = []
        for text in EXAMPLES:
            parsed = await processor.parse_message(UserMessage(text))
            readings.append([parsed["intent"], parsed["intent_ranking"]])
        tracker = DialogueStateTracker("scenario", processor.domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        predictions = []
        for text in MESSAGES:
            parsed = await processor.parse_message(UserMessage(text))
            tracker.update(UserUttered(text, parsed["intent"], parse_data=parsed))
            prediction = processor._predict_next_with_tracker(tracker)
            action = processor.domain.action_names_or_texts[prediction.max_confidence_index]
            predictions.append([action, prediction.policy_name, prediction.probabilities])
            tracker.update(ActionExecuted(action))
            tracker.update(ActionExecuted("action_listen"))
        seen[runner] = {"readings": readings, "predictions": predictions}
    seen["calls_through_rasas_method"] = len(SLOW_CALLS)
    seen["calls_computed_with_numpy"] = len(CALLS) - len(SLOW_CALLS)
    return seen


# Every NLU example, training and held-out, with the messages of the conversation.
EXAMPLES = [
    example.get("text")
    for path in ("data/nlu.yml", "data/answers.yml", "tests/nlu_heldout.yml")
    for example in load_data(path).intent_examples
] + MESSAGES


def _counting(function: Any, calls: list[None]) -> Any:
    def counted(*args: Any) -> Any:
        calls.append(None)
        return function(*args)

    return counted


# Messages bot/diet_inference.py hands to Rasa's own method: none (Rasa as it ships calls that
# method directly, not through this name).
SLOW_CALLS: list[None] = []
diet_inference._rasa_predict = _counting(diet_inference._rasa_predict, SLOW_CALLS)
# Every message bot/diet_inference.py is given (server.install() installs this name).
CALLS: list[None] = []
diet_inference.predict = _counting(diet_inference.predict, CALLS)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(observe(sys.argv[1]))))
