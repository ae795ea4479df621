"""Facts from free text: the playbook's option synonyms, in Portuguese and English."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from knowledge.playbook import Fact, Playbook

__all__ = ["extract_facts", "fold"]


def fold(text: str) -> str:
    """Lower-case, accents removed, runs of blanks made one: 'Nó  Túnel' -> 'no tunel'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip()


@cache
def _patterns(playbook: Playbook, only: str | None) -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, fact, value), longest phrase first; phrases shared by two facts are dropped."""
    owners: dict[str, set[tuple[str, str]]] = {}
    facts: Iterable[Fact] = playbook.facts if only is None else [playbook.fact(only)]
    for fact in facts:
        for option in fact.options:
            # Only synonyms: a bare value such as "Cluster" or "Local" is too common a word,
            # unless the text answers that very question.
            phrases = list(option.synonyms)
            if only is not None:
                phrases += [option.value, option.label.en, option.label.pt]
            for phrase in phrases:
                owners.setdefault(fold(phrase), set()).add((fact.name, option.value))
    entries = []
    for phrase, targets in owners.items():
        if len(targets) != 1 or len(phrase) < 2:
            continue
        ((fact_name, value),) = targets
        pattern = re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])")
        entries.append((pattern, fact_name, value))
    entries.sort(key=lambda entry: -len(entry[0].pattern))
    return tuple(entries)


def extract_facts(text: str, playbook: Playbook, only: str | None = None) -> dict[str, str]:
    """Every fact whose options the text names unambiguously.

    With `only`, the text is read as the answer to that one question. A fact named with two
    different values (e.g. "not tunnel, VPC") is left out rather than guessed.
    """
    folded = fold(text)
    found: dict[str, set[str]] = {}
    taken: list[tuple[int, int]] = []
    for pattern, fact, value in _patterns(playbook, only):
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue  # part of a longer phrase already read
            taken.append((start, end))
            found.setdefault(fact, set()).add(value)
    return {fact: values.pop() for fact, values in found.items() if len(values) == 1}
