"""NLU on held-out phrasings (bot/tests/nlu_heldout.yml, never trained on): the served model's
intent accuracy, and the facts the intake parsers read from the same messages."""

from __future__ import annotations

import re
from typing import Any

import httpx
import yaml

from knowledge.understanding import AnswerReader, read_message

from .answer_metrics import normalise, training_texts
from .bot_helpers import BOT, BotServers

HELDOUT = BOT / "tests" / "nlu_heldout.yml"
MIN_INTENT_ACCURACY = 0.95
MIN_FACT_F1 = 0.9
# [text]{"entity": "fact", "value": "gold"} in Rasa's training data format; the value by hand.
_ANNOTATION = re.compile(r'\[([^\]]+)\]\{"entity": "([a-z_]+)", "value": "([^"]+)"\}')


def examples() -> list[tuple[str, str, dict[str, str]]]:
    """(text, intent, {fact: gold value}) for every held-out example."""
    found = []
    for block in yaml.safe_load(HELDOUT.read_text())["nlu"]:
        raw = block["examples"]
        texts = (
            [line[2:] for line in raw.splitlines() if line.startswith("- ")]
            if isinstance(raw, str)
            else [item["text"].rstrip("\n") for item in raw]
        )
        for text in texts:
            facts = {entity: value for _, entity, value in _ANNOTATION.findall(text)}
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
    assert accuracy >= MIN_INTENT_ACCURACY, "\n".join(map(repr, wrong))


def fact_scores(reader: AnswerReader) -> dict[str, float]:
    """Precision, recall and F1 of what fills the slots (the message reader) against the
    values written by hand in each held-out message's annotations."""
    true_positive = false_positive = false_negative = 0
    for text, intent, expected in examples():
        if intent == "paste_manifest":
            continue  # a pasted Service's facts come from its fields, tested in test_intake
        # An answer is read as the answer to the question it answers: its first fact's.
        asked = next(iter(expected), None) if intent == "inform" else None
        read = {
            k: v for k, v in read_message(text, reader, asked).facts.items() if k != "error_message"
        }
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


def test_held_out_facts_read_by_the_message_reader(reader: AnswerReader) -> None:
    scores = fact_scores(reader)
    print(f"held-out fact scores {scores}")
    assert scores["f1"] >= MIN_FACT_F1


def test_held_out_examples_are_not_in_the_training_data(reader: AnswerReader) -> None:
    """Compared after normalising (case, accents, punctuation, spaces), short texts included."""
    training = training_texts(reader.playbook)
    assert not [text for text, _, _ in examples() if normalise(text) in training]
