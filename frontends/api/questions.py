"""A question as the API and the help page show it: prompt, options with their labels, and how
to find the answer, in one language."""

from __future__ import annotations

from typing import Any

from knowledge.playbook import Playbook

__all__ = ["question_view"]


def question_view(playbook: Playbook, name: str, lang: str) -> dict[str, Any]:
    fact = playbook.fact(name)
    check = fact.how_to_check
    return {
        "fact": fact.name,
        "prompt": fact.prompt.get(lang),
        "options": [{"value": o.value, "label": o.label.get(lang)} for o in fact.options],
        "how_to_check": None
        if check is None
        else {
            "text": check.text.get(lang),
            "command": check.command,
            "source": playbook.sources[check.source].to_dict(),
        },
    }
