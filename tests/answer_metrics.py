"""Scoring the answer reader against typed answers whose gold values were written by hand (the
held-out set, tests/data/answers_heldout.yaml, and the development sets, the written answers in
knowledge/understanding/written/), shared by the held-out test and `make bench`."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from knowledge.playbook import Playbook
from knowledge.understanding import AnswerReader
from knowledge.understanding.phrasings import phrasings
from knowledge.understanding.written import written_answers, written_sets

DATA = Path(__file__).parent / "data"
BOT_DATA = Path(__file__).parent.parent / "bot" / "data"


def normalise(text: str) -> str:
    """Case, accents, punctuation and spaces folded away: how overlap is judged."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def training_texts(playbook: Playbook) -> set[str]:
    """Every text a model is trained on or the reader was tuned on: the answer models'
    phrasings, every written answer (pastes with a value among them) and the bot's NLU data."""
    texts = {
        normalise(text)
        for fact in playbook.facts
        if fact.ask and fact.options
        for text, _ in phrasings(playbook, fact.name)
    }
    texts |= {normalise(a.text) for name in written_sets() for a in written_answers(name)}
    for path in BOT_DATA.glob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            raw = block.get("examples", "")
            for line in raw.splitlines() if isinstance(raw, str) else []:
                if line.startswith("- "):
                    plain = re.sub(r"\[([^\]]*)\](\([^)]*\)|\{[^}]*\})", r"\1", line[2:])
                    texts.add(normalise(plain))
    return texts


def development_sets() -> list[str]:
    """The development sets (retired held-out sets), in the order they were made: the written
    answers the models also learn from, so reading them right is no measure of generalising."""
    return list(written_sets())


def answers(name: str) -> list[dict[str, Any]]:
    if name in written_sets():
        return [asdict(answer) for answer in written_answers(name)]
    data: list[dict[str, Any]] = yaml.safe_load((DATA / name).read_text())["answers"]
    return data


def outcome(reader: AnswerReader, answer: dict[str, Any]) -> str:
    """right: the gold value taken, or, for a text that answers nothing (gold null), no value
    taken (asked again, or asked to pick among the options it named: a question back either
    way); confirm: an answer the user must confirm with a click, the gold option offered;
    confirm-without-gold: the same, the gold option not offered; wrong: another value taken,
    or a value taken from a non-answer; missed: an answer not understood at all."""
    read = reader.read_answer(answer["text"], answer["asked"])
    gold = answer["gold"]
    if read.value is not None:
        return "right" if read.value == gold else "wrong"
    if gold is None:
        return "right"
    if read.candidates:
        return "confirm" if gold in read.candidates else "confirm-without-gold"
    return "missed"


def scores(reader: AnswerReader, data: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall, per language and per fact: accuracy, wrong-value rate, how often a non-answer
    was taken as an answer; and every wrong reading."""
    groups: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
    wrong: list[dict[str, Any]] = []
    for answer in data:
        result = outcome(reader, answer)
        for key in ("all", f"lang:{answer['lang']}", f"fact:{answer['asked']}"):
            groups[key].append((answer, result))
        if result == "wrong":
            read = reader.read_answer(answer["text"], answer["asked"])
            wrong.append({**answer, "read": read.value})
    table: dict[str, Any] = {}
    for key, rows in sorted(groups.items()):
        count = len(rows)
        non_answers = [result for answer, result in rows if answer["gold"] is None]
        table[key] = {
            "answers": count,
            "accuracy": round(sum(r == "right" for _, r in rows) / count, 4),
            "confirmed": round(sum(r.startswith("confirm") for _, r in rows) / count, 4),
            "wrong_values": round(sum(r == "wrong" for _, r in rows) / count, 4),
            "non_answers_taken": round(sum(r == "wrong" for r in non_answers) / len(non_answers), 4)
            if non_answers
            else None,
        }
    return {"scores": table, "wrong": wrong}
