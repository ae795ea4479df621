"""Typed answers written by hand, each with its gold value by hand: how people answer.

Every file in understanding/written/ is a set of replies to the bot's questions: the question
asked, the reply's language and kind, the option it means (null: not an answer) and the text.
They are held-out sets once measured (tests/data/answers_heldout.yaml, then retired here): the
answer models learn from them how users answer, beyond the phrasings made from the playbook.

A reply with a paste and a value does not train the models: its names, addresses and columns
would be learnt as words of that value, and the reader takes a paste's evidence (prompts,
listings) itself. A paste that answers nothing trains (its tool output's NODE column names no
option); a reply in words that answers nothing, only if it names none of the question's
options: "LoadBalancer" (dedicated or shared?) or "staging is ipvs, prod is iptables" must stay
close to the options they name, so that the bot offers those to pick from instead of asking
again. A reply to a question, or with a value, that the playbook lacks is skipped (another
playbook's answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable

import yaml

from knowledge.intake.keywords import fold
from knowledge.playbook import Fact

__all__ = [
    "WrittenAnswer",
    "familiar_words",
    "option_words",
    "training_answers",
    "written_answers",
    "written_sets",
]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WORD = re.compile(r"[a-z0-9]+")
# Words of the options' labels that name none of them.
_PLAIN = frozenset(
    """
    the that with from where runs running type service client address add com sem que onde esta
    executa meu tipo servico cliente endereco
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


@dataclass(frozen=True)
class WrittenAnswer:
    asked: str
    lang: str
    kind: str
    gold: str | None
    text: str


def _folder() -> Traversable:
    return resources.files("knowledge") / "understanding" / "written"


def _number(name: str) -> int:
    digits = "".join(ch for ch in name if ch.isdigit())
    return int(digits) if digits else 1


def written_sets() -> tuple[str, ...]:
    """The files' names, in the order the sets were written."""
    names = [item.name for item in _folder().iterdir() if item.name.endswith(".yaml")]
    return tuple(sorted(names, key=_number))


@cache
def written_answers(name: str) -> tuple[WrittenAnswer, ...]:
    data = yaml.load((_folder() / name).read_text(encoding="utf-8"), Loader=_LOADER)
    return tuple(
        WrittenAnswer(
            str(item["asked"]), str(item["lang"]), str(item["kind"]), item["gold"], item["text"]
        )
        for item in data["answers"]
    )


def option_words(fact: Fact) -> frozenset[str]:
    """The folded words that name some of the fact's options but not all: its values, labels and
    synonyms, less the words every option has ("network" of every network model)."""
    per_option = [
        {
            word
            for phrase in (option.value, option.label.en, option.label.pt, *option.synonyms)
            for word in _WORD.findall(fold(phrase.replace("-", " ")))
            if len(word) >= 3 and word not in _PLAIN
        }
        for option in fact.options
    ]
    return frozenset(set.union(*per_option) - set.intersection(*per_option))


def training_answers(
    fact: Fact, sets: tuple[str, ...] | None = None
) -> list[tuple[str, str | None]]:
    """(text, value or None) of every written reply to `fact` that trains its model, from the
    sets named (None: every set)."""
    values = set(fact.values)
    named = option_words(fact)

    def trains(answer: WrittenAnswer) -> bool:
        pasted = "\n" in answer.text
        if answer.gold is None:
            return pasted or named.isdisjoint(_WORD.findall(fold(answer.text)))
        return answer.gold in values and not pasted

    return [
        (answer.text, answer.gold)
        for name in (written_sets() if sets is None else sets)
        for answer in written_answers(name)
        if answer.asked == fact.name and trains(answer)
    ]


@cache
def familiar_words() -> frozenset[str]:
    """The folded words of every written reply in English or Portuguese (or both): words our
    users write. (Not the replies in a third language: they teach which words are not. The
    first sets mark them by kind, in the language of the conversation.)"""
    return frozenset(
        word
        for name in written_sets()
        for answer in written_answers(name)
        if answer.lang != "other" and answer.kind != "third-language"
        for word in _WORD.findall(fold(answer.text))
    )
