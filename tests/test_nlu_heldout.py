"""NLU on held-out phrasings (bot/tests/nlu_heldout.yml, never trained on): the served model's
intent accuracy, and the facts the intake parsers read from the same messages."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import yaml

from knowledge.intake.message import read_message
from knowledge.playbook import Playbook

from .bot_helpers import BOT, BotServers

HELDOUT = BOT / "tests" / "nlu_heldout.yml"
MIN_INTENT_ACCURACY = 0.95
MIN_FACT_F1 = 0.9
# [text](entity) in Rasa's training data format.
_ANNOTATION = re.compile(r"\[([^\]]+)\]\(([a-z_]+)\)")


def examples() -> list[tuple[str, str, dict[str, str]]]:
    """(text, intent, {fact: annotated words}) for every held-out example."""
    found = []
    for block in yaml.safe_load(HELDOUT.read_text())["nlu"]:
        raw = block["examples"]
        texts = (
            [line[2:] for line in raw.splitlines() if line.startswith("- ")]
            if isinstance(raw, str)
            else [item["text"].rstrip("\n") for item in raw]
        )
        for text in texts:
            facts = {entity: words for words, entity in _ANNOTATION.findall(text)}
            found.append((_ANNOTATION.sub(r"\1", text), block["intent"], facts))
    return found


def intent_of(servers: BotServers, text: str) -> str:
    response = httpx.post(
        f"{servers.url}/model/parse", params={"token": servers.token}, json={"text": text}
    )
    response.raise_for_status()
    parsed: dict[str, Any] = response.json()
    return str(parsed["intent"]["name"])


def test_held_out_intent_accuracy(bot_servers: BotServers) -> None:
    cases = examples()
    wrong = [
        (text, intent, got)
        for text, intent, _ in cases
        if (got := intent_of(bot_servers, text)) != intent
    ]
    accuracy = 1 - len(wrong) / len(cases)
    print(f"held-out intent accuracy {accuracy:.3f} over {len(cases)} examples")
    assert accuracy >= MIN_INTENT_ACCURACY, wrong


def fact_scores(playbook: Playbook) -> dict[str, float]:
    """Entity precision, recall and F1 of what fills the slots: the intake parsers' reading of
    each held-out message against its annotated facts."""
    true_positive = false_positive = false_negative = 0
    for text, intent, annotated in examples():
        if intent == "paste_manifest":
            continue  # a pasted Service's facts come from its fields, tested in test_intake
        # An answer is read as the answer to the question it answers: its first fact's.
        asked = next(iter(annotated), None) if intent == "inform" else None
        read = {
            k: v
            for k, v in read_message(text, playbook, asked).facts.items()
            if k != "error_message"
        }
        expected = {}
        for fact, words in annotated.items():
            value = read_message(words, playbook, asked=fact).facts.get(fact)
            assert value is not None, f"annotation {words!r} names no {fact}"
            expected[fact] = value
        true_positive += len(expected.items() & read.items())
        false_positive += len(read.items() - expected.items())
        false_negative += len(expected.items() - read.items())
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }


def test_held_out_facts_read_by_the_intake_parsers(playbook: Playbook) -> None:
    scores = fact_scores(playbook)
    print(f"held-out fact scores {scores}")
    assert scores["f1"] >= MIN_FACT_F1


@pytest.mark.parametrize("path", sorted((BOT / "data").glob("*.yml")))
def test_held_out_examples_are_not_in_the_training_data(path: Any) -> None:
    training = path.read_text().casefold()
    assert not [text for text, _, _ in examples() if len(text) > 12 and text.casefold() in training]
