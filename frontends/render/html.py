"""The diagnosis as an HTML card: the web widget shows it and the help page includes it.

Rendered by Jinja2 with autoescaping and StrictUndefined from the same report as every other
channel, so nothing the user pasted (a Service's name, an annotation) can become markup."""

from __future__ import annotations

import secrets
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from frontends.render.prose import blocks
from frontends.wording import say

__all__ = ["diagnosis_html", "template"]

_WORDS = ("card_title", "fixes", "recommended", "caveat", "manifest", "copy", "copied")
_MORE_WORDS = ("download", "check_with", "sources")


@cache
def template(name: str) -> Template:
    """An HTML template of frontends/templates: autoescaped, every value defined."""
    env = Environment(
        loader=PackageLoader("frontends", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(name)


def diagnosis_html(report: dict[str, Any], lang: str, prefix: str | None = None) -> str:
    """`prefix` names the card's element ids (a fresh random one by default)."""
    words = {key: say(key, lang) for key in (*_WORDS, *_MORE_WORDS)}
    words["headline"] = say("headline_" + report["verdict"], lang)
    # Only web links become links: a playbook is data, and data may be wrong.
    sources = [s for s in report["sources"] if s["url"].startswith(("https://", "http://"))]
    return template("card.html.j2").render(
        report={**report, "sources": sources},
        lang=lang,
        words=words,
        explanation=blocks(report["explanation"]),
        prefix=prefix or "lbd-" + secrets.token_hex(4),
    )
