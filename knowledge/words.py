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
def catalog() -> dict[str, Text]:
    folder = HOME / "messages"
    by_lang = {
        # libyaml when present: every `lbdoctor diagnose` reads the catalog.
        lang: yaml.load(
            (folder / f"{lang}.yaml").read_text(encoding="utf-8"),
            Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
        )
        for lang in LANGS
    }
    return {key: Text(**{lang: by_lang[lang][key] for lang in LANGS}) for key in by_lang["en"]}


def say(key: str, lang: str, **values: Any) -> str:
    return catalog()[key].get(lang).format(**values)
