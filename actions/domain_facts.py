"""The playbook's facts as Rasa data: slots, entities and the form's slots (domain), and typed
answers for the `inform` intent (NLU).

`bot/domain/facts.yml` and `bot/data/answers.yml` are generated from the playbook so that a new
fact or option is a YAML change in the playbook only: `python -m actions.domain_facts` rewrites
them, a test checks them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from knowledge.playbook import Playbook, load_playbook

__all__ = ["ANSWERS_TARGET", "FORM", "answers_nlu", "domain_facts", "render", "render_answers"]

FORM = "diagnosis_form"
HEADER = "# Generated from the playbook by `python -m actions.domain_facts`: do not edit by hand.\n"
BOT = Path(__file__).resolve().parent.parent / "bot"
TARGET = BOT / "domain" / "facts.yml"
ANSWERS_TARGET = BOT / "data" / "answers.yml"
# Typed answers per option and language taught to the intent classifier: enough for it to
# know an answer when it sees one (the answer models read the value, from all of them).
ANSWERS_PER_OPTION = 5


def domain_facts(playbook: Playbook) -> dict[str, Any]:
    names = [fact.name for fact in playbook.facts]
    return {
        "version": "3.1",
        "entities": list(names),
        "slots": {
            name: {
                "type": "text",
                "influence_conversation": False,
                # Filled by the form alone (buttons arrive as entities of the message, words
                # and pastes through the intake parsers), so every value is validated.
                "mappings": [{"type": "custom"}],
            }
            for name in names
        },
        "forms": {FORM: {"required_slots": list(names)}},
    }


def render(playbook: Playbook) -> str:
    body = yaml.safe_dump(domain_facts(playbook), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def answers_nlu(playbook: Playbook) -> list[str]:
    """The first typed examples of every option of every question, in both languages."""
    texts = [
        text
        for fact in playbook.facts
        if fact.ask
        for option in fact.options
        for lang in ("en", "pt")
        for text in option.examples.get(lang, ())[:ANSWERS_PER_OPTION]
    ]
    return list(dict.fromkeys(texts))


def render_answers(playbook: Playbook) -> str:
    examples = "".join(f"    - {text}\n" for text in answers_nlu(playbook))
    return HEADER + f'version: "3.1"\nnlu:\n- intent: inform\n  examples: |\n{examples}'


def main() -> None:
    playbook = load_playbook()
    TARGET.write_text(render(playbook), encoding="utf-8")
    ANSWERS_TARGET.write_text(render_answers(playbook), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET} and {ANSWERS_TARGET}\n")


if __name__ == "__main__":
    main()
