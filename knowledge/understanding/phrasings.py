"""Training phrasings for the answer model, generated from the playbook's options.

Each option brings its label (both languages), its value, its synonyms and the typed examples
written for it in the playbook; carrier phrases ("it's …", "acho que é …"), corrections ("not
X, Y", "não é X, é Y") and denials of the other option of a pair turn them into many ways to
answer. What is not an answer to a question comes from the other questions' options and from
`non_answers.yaml` (chit-chat, questions back, "I don't know"). Replies people wrote, with
the value each means, come last (understanding/written.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import cache
from importlib import resources

import yaml

from knowledge.playbook import Fact, Option, Playbook
from knowledge.understanding.written import training_answers

__all__ = ["NONE", "answered_alike", "non_answers", "phrasings"]

# The class of a text that answers none of the question's options.
NONE = "-"

_CARRIERS = {
    "en": (
        "{}", "it's {}", "it is {}", "we use {}", "i think {}", "i think it's {}",
        "pretty sure it's {}", "{} i guess", "yes {}", "{} for sure", "looks like {}",
        "should be {}", "{} afaik", "it's the {} one", "ours is {}", "we have {}",
    ),
    "pt": (
        "{}", "é {}", "acho que é {}", "usamos {}", "{} mesmo", "tá {}", "o nosso é {}",
        "sim {}", "deve ser {}", "{} eu acho", "creio que {}", "é o {}", "a gente usa {}",
        "temos {}", "é {} sim", "pelo que vi é {}",
    ),
}  # fmt: skip
_CORRECTIONS = {
    "en": ("not {other}, {this}", "it's not {other}, it's {this}", "{other}? no, {this}",
           "no, i meant {this}", "actually {this}", "sorry, {this}", "{other}, no wait, {this}",
           "i thought {other} but it's {this}"),
    "pt": ("não é {other}, é {this}", "não, {this}", "na verdade é {this}", "quis dizer {this}",
           "foi mal, é {this}", "achei que era {other} mas é {this}", "{other}? não, {this}",
           "ou melhor, {this}"),
}  # fmt: skip
# "Not X, the other one": the counterpart of X (the other option of a two-option question, or
# the option named as X's opposite in the playbook).
_DENIALS = {
    "en": ("not {other}", "not {other}, the other one", "it isn't {other}",
           "not {other}, another one", "no, not {other}"),
    "pt": ("não é {other}", "não é {other}, é o outro", "não {other}, outro",
           "nem é {other}", "não, não é {other}"),
}  # fmt: skip


def _phrases(option: Option, lang: str) -> list[str]:
    written = list(option.examples.get(lang, ()))
    if lang == "en":
        named = [option.label.en, option.value, option.value.replace("-", " ")]
        # Synonyms are not tagged by language; each is used once, with English carriers.
        return [*named, *option.synonyms, *written]
    return [option.label.pt, *written]


def _counterpart(fact: Fact, option: Option) -> Option | None:
    if option.opposite:
        return fact.option(option.opposite)
    if len(fact.options) == 2:
        return next(other for other in fact.options if other is not option)
    return None


def _typos(phrase: str) -> list[str]:
    """A short phrase as it is often mistyped: two letters swapped, one dropped, one doubled."""
    letters = phrase.replace(" ", "")
    if len(phrase) > 14 or len(letters) < 4:
        return []
    middle = len(phrase) // 2
    return [
        phrase[: middle - 1] + phrase[middle] + phrase[middle - 1] + phrase[middle + 1 :],
        phrase[:middle] + phrase[middle + 1 :],
        phrase[: middle + 1] + phrase[middle:],
        phrase[:-2] + phrase[-1] + phrase[-2],
    ]


def _carried(phrases: list[str], lang: str, spread: int) -> Iterator[str]:
    """Each phrase bare and in `spread` carriers, the carriers taken in turn across phrases."""
    carriers = itertools.cycle(_CARRIERS[lang][1:])
    for phrase in phrases:
        yield phrase
        for _ in range(spread):
            yield next(carriers).format(phrase)


@cache
def phrasings(
    playbook: Playbook, fact_name: str, written: tuple[str, ...] | None = None
) -> tuple[tuple[str, str], ...]:
    """(text, option value or NONE) for the question `fact_name`; `written`: the sets of written
    answers learnt from (None: all of them)."""
    fact = playbook.fact(fact_name)
    examples: list[tuple[str, str]] = []
    for lang in ("en", "pt"):
        for option in fact.options:
            phrases = _phrases(option, lang)
            examples += [(text, option.value) for text in _carried(phrases, lang, 3)]
            examples += [(typo, option.value) for p in phrases for typo in _typos(p)]
            others = [o for o in fact.options if o is not option]
            short = sorted(phrases, key=len)[:6]
            for index, (template, other) in enumerate(
                itertools.product(_CORRECTIONS[lang], others)
            ):
                this = short[index % len(short)]
                said = sorted(_phrases(other, lang), key=len)[index % 3]
                examples.append((template.format(other=said, this=this), option.value))
            counterpart = _counterpart(fact, option)
            if counterpart is not None:
                for template, said in itertools.product(
                    _DENIALS[lang], sorted(_phrases(option, lang), key=len)[:4]
                ):
                    examples.append((template.format(other=said), counterpart.value))
    # Words of other questions answer this one with nothing, unless the two are answered alike.
    for neighbour in playbook.facts:
        if (
            not neighbour.ask
            or not neighbour.options
            or answered_alike(playbook, fact_name, neighbour.name)
        ):
            continue
        for lang in ("en", "pt"):
            for option in neighbour.options:
                examples += [(text, NONE) for text in _carried(_phrases(option, lang), lang, 1)]
    examples += [(text, NONE) for text in non_answers()]
    examples += [(text, gold or NONE) for text, gold in training_answers(fact, written)]
    return tuple(examples)


def answered_alike(playbook: Playbook, first: str, second: str) -> bool:
    """The same question, or two whose options share a value (another node / the IP of another
    node): people answer them in the same words."""
    values = set(playbook.fact(first).values)
    return first == second or bool(values & set(playbook.fact(second).values))


@cache
def non_answers() -> tuple[str, ...]:
    """Messages that answer no question, in both languages (understanding/non_answers.yaml)."""
    text = (resources.files("knowledge") / "understanding" / "non_answers.yaml").read_text(
        encoding="utf-8"
    )
    data = yaml.safe_load(text)
    return tuple(str(item) for lang in ("en", "pt") for item in data[lang])
