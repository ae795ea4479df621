"""The diagnosis as a Microsoft Teams message: one Adaptive Card (1.5).

The recommended fix is in the card's body; every other fix opens from an `Action.ShowCard`
button, the card's equivalent of tabs. Manifests are `CodeBlock`s (Teams shows them
highlighted, with its own Copy button), falling back to monospace text where a host does not
know the element."""

from __future__ import annotations

from typing import Any

from frontends.render.prose import blocks
from frontends.wording import say

__all__ = ["ADAPTIVE_CARD", "diagnosis_message"]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
_COLOURS = {"fails": "Attention", "works": "Good", "unsupported": "Warning"}


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _code(code: str, language: str = "PlainText") -> dict[str, Any]:
    return {
        "type": "CodeBlock",
        "codeSnippet": code,
        "language": language,
        # For hosts without CodeBlock: a TextRun, which no host reads as Markdown (a TextBlock
        # would turn YAML comments into headings and list items into bullets).
        "fallback": {
            "type": "RichTextBlock",
            "inlines": [{"type": "TextRun", "text": code, "fontType": "Monospace"}],
        },
    }


def _explanation(text: str) -> list[dict[str, Any]]:
    elements = []
    for block in blocks(text):
        for item in block.items:
            elements.append(_text(("- " if block.bullets else "") + item.text))
            elements += [_code(command, "Bash") for command in item.commands]
    return elements


def _fix(fix: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    key = "fix_recommended" if fix["recommended"] else "fix_other"
    return [
        _text(say(key, lang, title=fix["title"]), weight="Bolder", size="Medium"),
        *(_text(f"{say('caveat', lang)}: {caveat}", isSubtle=True) for caveat in fix["caveats"]),
        _text(f"{say('manifest', lang)} ({fix['id']}.yaml)", weight="Bolder"),
        _code(fix["manifest"], "Yaml"),
        _text(f"{say('check_with', lang)}:"),
        _code(fix["command"], "Bash"),
    ]


def diagnosis_message(report: dict[str, Any], lang: str) -> dict[str, Any]:
    headline = say("headline_" + report["verdict"], lang)
    recommended = [fix for fix in report["fixes"] if fix["recommended"]]
    others = [fix for fix in report["fixes"] if not fix["recommended"]]
    body: list[dict[str, Any]] = [
        _text(say("card_title", lang), size="Small", isSubtle=True),
        _text(
            headline,
            size="Large",
            weight="Bolder",
            color=_COLOURS.get(report["verdict"], "Default"),
        ),
        *_explanation(report["explanation"]),
    ]
    for fix in recommended:
        body.append({"type": "Container", "separator": True, "items": _fix(fix, lang)})
    links = [
        f"- [{s['title']}]({s['url']}) ({s['section']})"
        for s in report["sources"]
        if s["url"].startswith(("https://", "http://"))
    ]
    if links:
        body += [
            _text(say("sources", lang), weight="Bolder", separator=True),
            _text("\n".join(links), size="Small"),
        ]
    card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "msteams": {"width": "Full"},
        "body": body,
        "actions": [
            {
                "type": "Action.ShowCard",
                "title": fix["title"],
                "card": {"type": "AdaptiveCard", "version": "1.5", "body": _fix(fix, lang)},
            }
            for fix in others
        ],
    }
    return {
        "text": f"{say('card_title', lang)}: {headline}",
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}],
    }
