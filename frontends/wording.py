"""What the chat says around the engine's answers, in Brazilian Portuguese and English, from
the one catalog per language (`knowledge.words`).

The bot and the terminal walk share these words: the diagnosis is the same object everywhere
(diagnosis.py), and this module turns it into chat messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from knowledge.intake.evidence import address_kind
from knowledge.playbook import Playbook
from knowledge.words import LANGS, catalog, say

__all__ = [
    "LANGS",
    "catalog",
    "diagnosis_messages",
    "fact_value_label",
    "say",
    "source_lines",
    "understood_words",
    "verdict_words",
]


def fact_value_label(playbook: Playbook, fact: str, value: str, lang: str) -> str:
    """An option's label ("Rede da VPC (vpc-router)"), or the value itself for free text."""
    known = playbook.fact(fact)
    for option in known.options:
        if option.value == value:
            return option.label.get(lang)
    return value


def understood_words(
    playbook: Playbook, facts: dict[str, str], address: str | None, lang: str
) -> str:
    """ "Understood: …" with each fact's label; an address that decided public or private is
    named, so the user sees why."""
    shown = []
    for name, value in facts.items():
        label = fact_value_label(playbook, name, value, lang)
        if name == "access_type" and address is not None and address_kind(address) == value:
            label = say("address_is", lang, label=label, address=address, kind=say(value, lang))
        shown.append(label)
    return say("understood", lang, facts="; ".join(shown))


def verdict_words(verdicts: Iterable[str], lang: str) -> str:
    return say("or", lang).join(say(verdict, lang) for verdict in sorted(verdicts))


def source_lines(sources: Iterable[dict[str, str]]) -> str:
    return "\n".join(f"- {s['title']} ({s['section']}): {s['url']}" for s in sources)


def _code_block(text: str, info: str) -> str:
    """A fenced block whose fence is longer than any run of backticks in the text (CommonMark):
    nothing inside can close it. Manifests carry none (knowledge.manifests escapes them)."""
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", text))])
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{info}\n{body}{fence}"


def _bullets(items: Iterable[str]) -> str:
    return "".join(f"\n- {item}" for item in items)


def diagnosis_messages(report: dict[str, Any], lang: str) -> list[str]:
    """The diagnosis as chat messages: verdict and explanation, fixes, sources."""
    messages = [f"{say('verdict_' + report['verdict'], lang)}\n\n{report['explanation']}"]
    for fix in report["fixes"]:
        caveats = _bullets(fix["caveats"])
        if fix["recommended"]:
            messages.append(
                f"{say('fix_recommended', lang, title=fix['title'])}{caveats}\n\n"
                f"{_code_block(fix['manifest'], 'yaml')}\n{say('check_with', lang)}: "
                f"`{fix['command']}`"
            )
        else:
            messages.append(
                f"{say('fix_other', lang, title=fix['title'])} {say('manifest_in_card', lang)}"
                f"{caveats}\n\n{say('command', lang)}: `{fix['command']}`"
            )
    if report["sources"]:
        messages.append(f"{say('sources', lang)}:\n{source_lines(report['sources'])}")
    return messages
