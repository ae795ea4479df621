"""Every sentence LB Doctor says around the playbook's own texts, one catalog per language
(knowledge/messages/LANG.yaml): the diagnosis builder here, the chat, the terminal and the
channel cards in `frontends`. Values are inserted with `str.format`, so text a user typed is
never read as a template."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from knowledge import HOME
from knowledge.playbook import Text

__all__ = ["LANGS", "catalog", "say"]

LANGS = ("en", "pt")


@cache
def _messages(lang: str) -> dict[str, str]:
    # libyaml when present: every `lbdoctor diagnose` reads the catalog of its language.
    loaded: dict[str, str] = yaml.load(
        (HOME / "messages" / f"{lang}.yaml").read_text(encoding="utf-8"),
        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
    )
    return loaded


@cache
def catalog() -> dict[str, Text]:
    return {key: Text(**{lang: _messages(lang)[key] for lang in LANGS}) for key in _messages("en")}


def say(key: str, lang: str, **values: Any) -> str:
    # One language's file: a command line speaks one (as Text.get, anything else is English).
    return _messages("pt" if lang == "pt" else "en")[key].format(**values)
