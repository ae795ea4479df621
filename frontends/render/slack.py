"""The diagnosis as a Slack message: Block Kit for the card, files for what a block cannot hold.

The connector posts `blocks` with `text` as the notification fallback, then uploads each of
`snippets` into the same thread."""

from __future__ import annotations

from typing import Any

from frontends.render.prose import blocks
from frontends.wording import say

__all__ = ["SECTION_LIMIT", "diagnosis_message"]

# Slack refuses a section whose text is longer (Block Kit reference, "Section block").
SECTION_LIMIT = 3000
_HEADER_LIMIT = 150
_CONTEXT_ELEMENTS = 10


def _escape(text: str) -> str:
    # The three characters Slack's mrkdwn reads as markup ("Formatting text for app surfaces").
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str) -> str:
    # Three backticks inside would close the block early: a zero-width joiner breaks them.
    return "```" + _escape(text).replace("```", "``\u200d`") + "```"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _sections(parts: list[str]) -> list[dict[str, Any]]:
    """Parts joined into as few sections as fit, none over the limit (parts are cut to it)."""
    sections: list[str] = []
    for part in parts:
        part = part[:SECTION_LIMIT]
        if sections and len(sections[-1]) + 2 + len(part) <= SECTION_LIMIT:
            sections[-1] += "\n\n" + part
        else:
            sections.append(part)
    return [_section(text) for text in sections]


def _explanation(text: str) -> list[str]:
    parts = []
    for block in blocks(text):
        lines = []
        for item in block.items:
            lines.append(("• " if block.bullets else "") + _escape(item.text))
            lines += [_code(command) for command in item.commands]
        parts.append("\n".join(lines))
    return parts


def _fix_parts(fix: dict[str, Any], lang: str, snippets: list[dict[str, str]]) -> list[str]:
    key = "fix_recommended" if fix["recommended"] else "fix_other"
    parts = [f"*{_escape(say(key, lang, title=fix['title']))}*"]
    parts += [f"_{_escape(say('caveat', lang))}:_ {_escape(c)}" for c in fix["caveats"]]
    if fix["recommended"]:
        manifest = _code(fix["manifest"])
        if len(manifest) <= SECTION_LIMIT:
            parts.append(manifest)
        else:
            filename = f"{fix['id']}.yaml"
            snippets.append(
                {"title": fix["title"], "filename": filename, "content": fix["manifest"]}
            )
            parts.append(_escape(say("manifest_attached", lang, filename=filename)))
    parts.append(f"{_escape(say('check_with', lang))}:\n{_code(fix['command'])}")
    return parts


def diagnosis_message(report: dict[str, Any], lang: str) -> dict[str, Any]:
    headline = say("headline_" + report["verdict"], lang)
    snippets: list[dict[str, str]] = []
    message: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": headline[:_HEADER_LIMIT]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": say("card_title", lang)}]},
        *_sections(_explanation(report["explanation"])),
    ]
    for fix in report["fixes"]:
        message += [{"type": "divider"}, *_sections(_fix_parts(fix, lang, snippets))]
    links = [
        f"<{s['url']}|{_escape(s['title'])}> ({_escape(s['section'])})"
        for s in report["sources"]
        if s["url"].startswith(("https://", "http://")) and "|" not in s["url"]
    ]
    if links:
        message.append({"type": "divider"})
        message += [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": link}]}
            for link in links[:_CONTEXT_ELEMENTS]
        ]
    fallback = f"{say('card_title', lang)}: {headline}"
    return {"text": fallback, "blocks": message, "snippets": snippets}
