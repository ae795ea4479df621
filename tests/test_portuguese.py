"""A Portuguese diagnosis is Portuguese throughout: explanations, notes, fix titles, manifest
comments, the chat's phrases and the playbook's own texts. Commands, code and the cited
documents' titles and headings stay as they are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from frontends import wording
from knowledge.diagnosis import Doctor
from knowledge.playbook import Playbook, Text

# Words of English prose that are not Portuguese words (no "a", "e", "o", "no", "do", "for").
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "with",
        "your",
        "this",
        "that",
        "from",
        "not",
        "only",
        "which",
        "when",
        "where",
        "will",
        "of",
        "to",
        "in",
        "it",
        "you",
        "be",
        "are",
        "is",
        "on",
        "has",
        "have",
        "by",
        "an",
        "at",
        "or",
        "its",
        "than",
        "into",
        "one",
    ]
)
_CODE = re.compile(r"`[^`]*`|\bkubectl [^,;:()]*|\$ .*")


def english_sentences(text: str) -> list[str]:
    """Sentences with two or more English words besides commands and code."""
    found = []
    for sentence in re.split(r"(?<=[.:;!?])\s+|\n", text):
        words = set(re.findall(r"[a-z']+", _CODE.sub(" ", sentence).lower()))
        if len(words & _ENGLISH) >= 2:
            found.append(sentence.strip())
    return found


def told(report: dict[str, Any]) -> Iterator[str]:
    yield report["explanation"]
    for fix in report["fixes"]:
        yield fix["title"]
        yield from fix["caveats"]
        yield from (line for line in fix["manifest"].splitlines() if line.startswith("#"))


# Facts read from a paste or said in passing bring their own notes and verdicts.
CONTEXTS = [
    {},
    {"pass_through": "enabled"},
    {"ip_mode": "Proxy", "cluster_version": "v1.29"},
    {"needs_source_ip": "yes", "cluster_version": "v1.15"},
]


def test_the_detector_finds_english(doctor: Doctor) -> None:
    facts = next(doctor.engine.iter_cells())
    assert any(english_sentences(text) for text in told(doctor.report(facts, "en")))
    assert not english_sentences("O kube-proxy trata o endereço no nó; se for usada a passagem.")


@pytest.mark.parametrize("context", CONTEXTS, ids=["plain", "pass-through", "ip-mode", "notes"])
def test_every_portuguese_diagnosis_is_portuguese(doctor: Doctor, context: dict[str, str]) -> None:
    english: set[str] = set()
    for cell in doctor.engine.iter_cells():
        report = doctor.report({**cell, **context}, "pt")
        for text in told(report):
            english.update(english_sentences(text))
    assert not english, sorted(english)[:10]


def test_the_chat_and_the_playbook_speak_portuguese(playbook: Playbook) -> None:
    texts: list[Text] = list(wording.catalog().values())
    for fact in playbook.facts:
        texts.append(fact.prompt)
        texts += [option.label for option in fact.options]
        if fact.how_to_check is not None:
            texts.append(fact.how_to_check.text)
    english = {s for text in texts for s in english_sentences(text.get("pt"))}
    assert not english, sorted(english)[:10]
