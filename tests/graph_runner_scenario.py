"""Run by tests/test_bot_rasa.py with .venv-rasa's Python, in bot/: the trained model's NLU
readings and next-action predictions with Rasa's dask runner and with bot/graph_runner.py, on
the same messages and conversations. Prints one JSON object."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import graph_runner
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

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
    for runner in ("dask", "ours"):
        DaskGraphRunner.run = DASK_RUN if runner == "dask" else graph_runner.run  # type: ignore[method-assign]
        readings = []
        tracker = DialogueStateTracker("scenario", processor.domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        predictions = []
        for text in MESSAGES:
            parsed = await processor.parse_message(UserMessage(text))
            readings.append([parsed["intent"], parsed["intent_ranking"]])
            tracker.update(UserUttered(text, parsed["intent"], parse_data=parsed))
            prediction = processor._predict_next_with_tracker(tracker)
            action = processor.domain.action_names_or_texts[prediction.max_confidence_index]
            predictions.append([action, prediction.policy_name, prediction.probabilities])
            tracker.update(ActionExecuted(action))
            tracker.update(ActionExecuted("action_listen"))
        seen[runner] = {"readings": readings, "predictions": predictions}
    return seen


DASK_RUN = DaskGraphRunner.run

if __name__ == "__main__":
    print(json.dumps(asyncio.run(observe(sys.argv[1]))))
