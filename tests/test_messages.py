"""One message catalog per language: the same messages, with the same fields to fill in."""

from __future__ import annotations

import string
from importlib import resources

import yaml

from frontends import wording

FOLDER = resources.files("knowledge") / "messages"


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_message_with_the_same_fields() -> None:
    catalogs = {
        lang: yaml.safe_load((FOLDER / f"{lang}.yaml").read_text(encoding="utf-8"))
        for lang in wording.LANGS
    }
    english = catalogs["en"]
    for lang, messages in catalogs.items():
        assert messages.keys() == english.keys(), lang
        for key, text in messages.items():
            assert isinstance(text, str) and text.strip(), (lang, key)
            assert fields(text) == fields(english[key]), (lang, key)


def test_say_fills_in_the_language_asked() -> None:
    english = wording.say("too_long", "en", size=9000, limit=4000)
    portuguese = wording.say("too_long", "pt", size=9000, limit=4000)
    assert "9000" in english and "4000" in portuguese and english != portuguese
