"""One diagnosis, rendered per channel: the same report (the `lbdoctor diagnose --json` object)
becomes terminal text, the widget's HTML card, Slack Block Kit or a Teams Adaptive Card.

`diagnosis_messages(channel, report, lang)` gives what the bot sends on a channel, as the
keyword arguments of a dispatcher's `utter_message`; the channel is Rasa's input channel name."""

from __future__ import annotations

from typing import Any

from frontends.render import slack, teams
from frontends.render.html import diagnosis_html
from frontends.wording import diagnosis_messages as chat_paragraphs

__all__ = ["diagnosis_html", "diagnosis_messages"]


def diagnosis_messages(channel: str, report: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    payload = {**report, "type": "diagnosis"}
    if channel == "slack":
        return [{"json_message": slack.diagnosis_message(report, lang)}]
    if channel == "teams":
        return [{"json_message": teams.diagnosis_message(report, lang)}]
    if channel == "socketio":
        # The widget shows the card; the contract payload travels with it for integrations.
        return [{"json_message": {**payload, "html": diagnosis_html(report, lang)}}]
    # REST, the terminal chat and any other channel: text paragraphs (channels split them)
    # and the contract payload.
    return [{"text": "\n\n".join(chat_paragraphs(report, lang))}, {"json_message": payload}]
