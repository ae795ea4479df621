"""A stored (redacted) handoff bundle as the body of a webhook request, one form per
`LBDOCTOR_HANDOFF_FORMAT`: `json` the bundle itself; `slack` an incoming-webhook message (`text`
as the notification fallback, Block Kit `blocks` for the summary); `teams` an incoming-webhook
message carrying one Adaptive Card. Summaries are in the case's language and end with the
command that shows the whole case."""

from __future__ import annotations

from typing import Any

from knowledge.words import catalog, say

__all__ = ["webhook_body"]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# Block Kit limits ("Section block", "Header block"): longer texts are refused, so they are cut.
_SECTION, _FIELD, _HEADER = 3000, 2000, 150
_LAST_LINES, _LINE = 6, 300


def webhook_body(bundle: dict[str, Any], fmt: str) -> dict[str, Any]:
    if fmt == "slack":
        return _slack(bundle)
    if fmt == "teams":
        return _teams(bundle)
    return bundle


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _verdict(bundle: dict[str, Any]) -> str:
    lang, verdict = bundle["language"], bundle["verdict"]
    if verdict is None:
        return say("handoff_no_verdict", lang)
    return say(f"phrase_{verdict}", lang) if f"phrase_{verdict}" in catalog() else verdict


def _header(bundle: dict[str, Any]) -> list[tuple[str, str]]:
    lang = bundle["language"]
    return [
        (say("handoff_reason", lang), say(f"handoff_reason_{bundle['reason']}", lang)),
        (say("handoff_verdict", lang), _verdict(bundle)),
        (say("handoff_language", lang), lang),
        (say("handoff_channel", lang), bundle["channel"]),
        (say("handoff_opened", lang), bundle["created"]),
    ]


def _facts(bundle: dict[str, Any]) -> list[tuple[str, str]]:
    lang = bundle["language"]
    return [
        (fact["name"], f"{fact['value']} ({say('handoff_source_' + fact['source'], lang)})")
        for fact in bundle["facts"]
    ]


def _last_lines(bundle: dict[str, Any]) -> list[tuple[str, str]]:
    lang = bundle["language"]
    return [
        (say(f"handoff_who_{line['who']}", lang), _cut(line["text"], _LINE))
        for line in bundle["transcript"][-_LAST_LINES:]
    ]


def _command(bundle: dict[str, Any]) -> str:
    return f"lbdoctor cases show {bundle['case']}"


# --- Slack -------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    # The three characters Slack's mrkdwn reads as markup ("Formatting text for app surfaces").
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(text: str, room: int) -> str:
    # A zero-width joiner keeps three backticks inside from closing the block early.
    return "```" + _cut(_escape(text).replace("```", "``\u200d`"), room - 6) + "```"


def _section(title: str, body: str) -> dict[str, Any]:
    text = f"*{_escape(title)}*\n"
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text + body, _SECTION)}}


def _slack(bundle: dict[str, Any]) -> dict[str, Any]:
    lang, case, header = bundle["language"], bundle["case"], _header(bundle)
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": _cut(say("handoff_title", lang, case=case), _HEADER),
            },
        },
        # Reason and verdict read first; the rest as fields (Slack shows them in two columns).
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "\n".join(f"*{_escape(k)}:* {_escape(v)}" for k, v in header[:2]),
            },
            "fields": [
                {"type": "mrkdwn", "text": _cut(f"*{_escape(k)}*\n{_escape(v)}", _FIELD)}
                for k, v in header[2:]
            ],
        },
    ]
    if bundle["facts"]:
        lines = [f"• `{_escape(name)}`: {_escape(value)}" for name, value in _facts(bundle)]
        blocks.append(_section(say("handoff_facts", lang), "\n".join(lines)))
    if bundle["fixes"]:
        lines = [f"• {_escape(fix['title'])} (`{fix['id']}`)" for fix in bundle["fixes"]]
        blocks.append(_section(say("handoff_fixes", lang), "\n".join(lines)))
    for key in ("error", "service"):
        if bundle[key]:
            blocks.append(_section(say(f"handoff_{key}", lang), _code(bundle[key], _SECTION - 100)))
    if bundle["transcript"]:
        lines = [f"*{_escape(who)}:* {_escape(text)}" for who, text in _last_lines(bundle)]
        blocks.append(_section(say("handoff_transcript", lang), "\n".join(lines)))
    whole = say("handoff_whole_case", lang, command=f"`{_command(bundle)}`")
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": whole}]})
    reason = say(f"handoff_reason_{bundle['reason']}", lang)
    text = say("handoff_fallback", lang, case=case, reason=reason, verdict=_verdict(bundle))
    return {"text": text, "blocks": blocks}


# --- Microsoft Teams ---------------------------------------------------------------------------


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _fact_set(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in pairs]}


def _teams(bundle: dict[str, Any]) -> dict[str, Any]:
    lang = bundle["language"]
    body: list[dict[str, Any]] = [
        _text(say("handoff_title", lang, case=bundle["case"]), size="Large", weight="Bolder"),
        _fact_set(_header(bundle)),
    ]
    if bundle["facts"]:
        body += [_text(say("handoff_facts", lang), weight="Bolder"), _fact_set(_facts(bundle))]
    if bundle["fixes"]:
        body.append(_text(say("handoff_fixes", lang), weight="Bolder"))
        body += [_text(f"- {fix['title']} ({fix['id']})") for fix in bundle["fixes"]]
    for key in ("error", "service"):
        if bundle[key]:
            body.append(_text(say(f"handoff_{key}", lang), weight="Bolder"))
            body.append(_text(bundle[key], fontType="Monospace"))
    if bundle["transcript"]:
        body.append(_text(say("handoff_transcript", lang), weight="Bolder"))
        body.append(_fact_set(_last_lines(bundle)))
    body.append(_text(say("handoff_whole_case", lang, command=_command(bundle)), isSubtle=True))
    card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        # Every element here is older than 1.4, and a lower version renders on more hosts.
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}],
    }
