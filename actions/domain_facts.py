"""The playbook's facts as Rasa domain data: slots, entities and the form's slots.

`bot/domain/facts.yml` is generated from the playbook so that a new fact or option is a YAML
change in the playbook only: `python -m actions.domain_facts` rewrites it, a test checks it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from knowledge.playbook import Playbook, load_playbook

__all__ = ["FORM", "domain_facts", "render"]

FORM = "diagnosis_form"
HEADER = "# Generated from the playbook by `python -m actions.domain_facts`: do not edit by hand.\n"
TARGET = Path(__file__).resolve().parent.parent / "bot" / "domain" / "facts.yml"


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


def main() -> None:
    TARGET.write_text(render(load_playbook()), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")


if __name__ == "__main__":
    main()
