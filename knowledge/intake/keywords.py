"""Facts from free text: the playbook's option synonyms, in Portuguese and English."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from knowledge.playbook import Playbook

__all__ = ["extract_facts", "fold", "spot"]


def fold(text: str) -> str:
    """Lower-case, accents removed, runs of blanks made one: 'Nó  Túnel' -> 'no tunel'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # ASCII has no combining marks: most messages skip the character-by-character filter.
    stripped = (
        decomposed
        if decomposed.isascii()
        else "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )
    return re.sub(r"\s+", " ", stripped).strip()


@cache
def _patterns(
    playbook: Playbook, asked: str | None
) -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, fact, value): the asked fact's phrases first, then every fact's synonyms, each
    group longest first; a synonym shared by two facts is dropped."""
    entries = []
    if asked is not None:
        # Answering that very question, a bare value ("Local", "other node") or a button's label
        # counts, and it wins over another fact's synonym in the same words.
        fact = playbook.fact(asked)
        own = {
            fold(phrase): option.value
            for option in fact.options
            for phrase in (
                *option.synonyms,
                option.value,
                option.value.replace("-", " "),
                option.label.en,
                option.label.pt,
            )
        }
        entries += _compiled((phrase, asked, value) for phrase, value in own.items())
    owners: dict[str, set[tuple[str, str]]] = {}
    for fact in playbook.facts:
        for option in fact.options:
            # Only synonyms: a bare value such as "Cluster" or "Local" is too common a word.
            for phrase in option.synonyms:
                owners.setdefault(fold(phrase), set()).add((fact.name, option.value))
    entries += _compiled(
        (phrase, *next(iter(targets))) for phrase, targets in owners.items() if len(targets) == 1
    )
    return tuple(entries)


def _compiled(
    phrases: Iterable[tuple[str, str, str]],
) -> list[tuple[re.Pattern[str], str, str]]:
    kept = sorted((p for p in phrases if len(p[0]) >= 2), key=lambda p: -len(p[0]))
    # No lookbehind in the pattern: one at its start turns off the regex engine's fast search
    # for the literal phrase (25 times slower over a long message); spot() checks it instead.
    return [
        (re.compile(rf"{re.escape(phrase)}(?![\w-])"), fact, value) for phrase, fact, value in kept
    ]


def _word_starts(text: str, index: int) -> bool:
    r"""What `(?<![\w-])` says at `index`: no word character or hyphen just before it."""
    if index == 0:
        return True
    before = text[index - 1]
    return not (before.isalnum() or before in "_-")


def spot(
    text: str, playbook: Playbook, asked: str | None = None
) -> list[tuple[str, str, int, int]]:
    """(fact, value, start, end) of every option phrase in the folded text, longest first;
    a phrase inside one already read is not read again."""
    folded = fold(text)
    found: list[tuple[str, str, int, int]] = []
    # The characters already read, one flag each: checking a match against them costs its own
    # length, not the number of phrases found before it (which made a long message quadratic).
    taken = bytearray(len(folded))
    for pattern, fact, value in _patterns(playbook, asked):
        match = pattern.search(folded)
        while match is not None:
            start, end = match.span()
            if not _word_starts(folded, start):
                # Inside a word: the phrase may still start just after (as finditer would try).
                match = pattern.search(folded, start + 1)
                continue
            if taken.find(1, start, end) == -1:  # else part of a phrase already read
                taken[start:end] = b"\x01" * (end - start)
                found.append((fact, value, start, end))
            match = pattern.search(folded, end)
    return found


def extract_facts(text: str, playbook: Playbook, asked: str | None = None) -> dict[str, str]:
    """Every fact whose options the text names unambiguously.

    With `asked`, the text is read as the answer to that question first. A fact named with two
    different values (e.g. "not tunnel, VPC") is left out rather than guessed.
    """
    found: dict[str, set[str]] = {}
    for fact, value, _, _ in spot(text, playbook, asked):
        found.setdefault(fact, set()).add(value)
    return {fact: values.pop() for fact, values in found.items() if len(values) == 1}
