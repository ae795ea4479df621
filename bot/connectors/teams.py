"""Microsoft Teams, through the Bot Framework, for a single-tenant bot.

Rasa's own `botframework` channel asks for its token from the multi-tenant authority (which new
bots cannot register with) and turns a card's button into text it never reads back. Here:

- `POST /webhooks/teams/webhook` takes activities whose token `teams_auth` accepts (401/403
  otherwise, with nothing processed) and answers 202 at once; the conversation runs in the
  background, its replies posted to the Bot Connector as the actions produce them.
- A typed message (its `<at>…</at>` mentions removed) and an `Action.Submit` click (whose
  `value.payload` is the button's payload) both become the user's message.
- Replies go to the reply-to-activity API with a token from the client credentials grant on our
  own tenant, cached until shortly before it expires; 429 and 5xx are retried with backoff,
  honouring `Retry-After`. Buttons become an Adaptive Card with one `Action.Submit` each; a
  custom payload is posted only when it is already a Teams message (`attachments`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.http import DeliveryError, post_with_retries
from connectors.teams_auth import DEFAULT_OPENID_METADATA_URL, AuthError, BotFrameworkAuth

__all__ = ["TeamsInput", "TeamsOutput"]

log = logging.getLogger(__name__)

DEFAULT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
SCOPE = "https://api.botframework.com/.default"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
TOKEN_MARGIN = 300  # seconds before its expiry that a token is renewed
_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)


class BotConnector:
    """The Bot Connector's REST API as this bot uses it: a token, and replies to activities."""

    def __init__(self, app_id: str, app_password: str, token_url: str) -> None:
        self.app_id = app_id
        self.app_password = app_password
        self.token_url = token_url
        self._token: tuple[str, float] | None = None  # (token, monotonic expiry)
        self._token_lock = asyncio.Lock()

    async def reply(
        self, session: aiohttp.ClientSession, activity: dict[str, Any], message: dict[str, Any]
    ) -> None:
        """Post `message` as a reply to the incoming `activity`."""
        url = "{}/v3/conversations/{}/activities/{}".format(
            activity["serviceUrl"].rstrip("/"),
            quote(activity["conversation"]["id"], safe=""),
            quote(activity["id"], safe=""),
        )
        body = {
            "type": "message",
            "from": activity.get("recipient"),
            "recipient": activity.get("from"),
            "conversation": activity["conversation"],
            "replyToId": activity["id"],
            **message,
        }
        token = await self._bearer(session)
        status, text = await post_with_retries(
            session, url, "Teams", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if status >= 400:
            raise DeliveryError(f"reply refused ({status}): {text[:300]}")

    async def _bearer(self, session: aiohttp.ClientSession) -> str:
        async with self._token_lock:
            if self._token is None or time.monotonic() >= self._token[1]:
                status, text = await post_with_retries(
                    session,
                    self.token_url,
                    "Teams",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": self.app_id,
                        "client_secret": self.app_password,
                        "scope": SCOPE,
                    },
                )
                try:
                    if status != 200:
                        raise ValueError(text[:300])
                    grant = json.loads(text)
                    lifetime = float(grant["expires_in"])
                    expiry = time.monotonic() + max(lifetime - TOKEN_MARGIN, lifetime / 2)
                    self._token = (str(grant["access_token"]), expiry)
                except (ValueError, KeyError, TypeError) as exc:
                    raise DeliveryError(
                        f"no token from {self.token_url} ({status}): {exc}"
                    ) from exc
            return self._token[0]


def _button_card(text: str, buttons: list[dict[str, Any]]) -> dict[str, Any]:
    """A question with its buttons: each click sends back its payload in `value.payload`."""
    return {
        "contentType": ADAPTIVE_CARD,
        "content": {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.5",
            "body": [{"type": "TextBlock", "text": text, "wrap": True}],
            "actions": [
                {
                    "type": "Action.Submit",
                    "title": button["title"],
                    "data": {"payload": button["payload"]},
                }
                for button in buttons
            ],
        },
    }


class TeamsOutput(OutputChannel):
    """Replies to one incoming activity."""

    def __init__(
        self, connector: BotConnector, session: aiohttp.ClientSession, activity: dict[str, Any]
    ) -> None:
        self.connector = connector
        self.session = session
        self.activity = activity

    @classmethod
    def name(cls) -> str:
        return "teams"

    async def _send(self, message: dict[str, Any]) -> None:
        try:
            await self.connector.reply(self.session, self.activity, message)
        except DeliveryError as exc:
            # One lost reply must not lose the turn: Rasa would not save the conversation.
            log.error("Teams: a reply to %s was not delivered: %s", self.activity["id"], exc)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send({"text": text, "textFormat": "markdown"})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send({"attachments": [_button_card(text, buttons)]})

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        attachments = json_message.get("attachments")
        if not isinstance(attachments, list) or not attachments:
            # Not a Teams message (the raw diagnosis payload, say): never shown as JSON.
            log.warning("Teams: dropped a custom message that is not a Teams message")
            return
        message: dict[str, Any] = {"attachments": attachments}
        if json_message.get("text"):
            message["text"] = json_message["text"]
        await self._send(message)


def _user_text(activity: dict[str, Any]) -> str:
    """What the user said: a card button's payload, or the typed text without @mentions."""
    value = activity.get("value")
    if isinstance(value, dict) and isinstance(value.get("payload"), str):
        return str(value["payload"]).strip()
    text = activity.get("text")
    return _MENTION.sub("", text).strip() if isinstance(text, str) else ""


def _addressed(activity: dict[str, Any]) -> bool:
    """Whether the activity says enough to be answered: its id, sender and conversation."""
    user, conversation = activity.get("from"), activity.get("conversation")
    return (
        isinstance(activity.get("id"), str)
        and isinstance(user, dict)
        and isinstance(user.get("id"), str)
        and isinstance(conversation, dict)
        and isinstance(conversation.get("id"), str)
    )


def _sender(activity: dict[str, Any]) -> str:
    user = activity["from"]
    return f"{activity['conversation']['id']}:{user.get('aadObjectId') or user['id']}"


class TeamsInput(InputChannel):
    """Rasa's `teams` channel (credentials: app_id, app_password, tenant_id, and optionally
    openid_metadata_url and token_url)."""

    @classmethod
    def name(cls) -> str:
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        if not all(credentials.get(k) for k in ("app_id", "app_password", "tenant_id")):
            cls.raise_missing_credentials_exception()
        return cls(
            app_id=str(credentials["app_id"]),
            app_password=str(credentials["app_password"]),
            tenant_id=str(credentials["tenant_id"]),
            openid_metadata_url=credentials.get("openid_metadata_url")
            or DEFAULT_OPENID_METADATA_URL,
            token_url=credentials.get("token_url") or DEFAULT_TOKEN_URL,
        )

    def __init__(
        self,
        app_id: str,
        app_password: str,
        tenant_id: str,
        openid_metadata_url: str = DEFAULT_OPENID_METADATA_URL,
        token_url: str = DEFAULT_TOKEN_URL,
    ) -> None:
        self.auth = BotFrameworkAuth(app_id, openid_metadata_url)
        self.connector = BotConnector(
            app_id, app_password, token_url.replace("{tenant}", quote(tenant_id, safe=""))
        )
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # held so they are not collected mid-run

    def session(self) -> aiohttp.ClientSession:
        # Created on first use, inside the server's event loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _handle(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], activity: dict[str, Any]
    ) -> None:
        try:
            await on_new_message(
                UserMessage(
                    text=_user_text(activity),
                    output_channel=TeamsOutput(self.connector, self.session(), activity),
                    sender_id=_sender(activity),
                    input_channel=self.name(),
                    message_id=activity["id"],
                )
            )
        except Exception:
            log.exception("Teams: activity %s failed", activity.get("id"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        teams = Blueprint("teams_webhook", __name__)

        @teams.listener("after_server_stop")
        async def close(*_: Any) -> None:
            if self._session is not None:
                await self._session.close()

        @teams.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @teams.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                activity = json.loads(request.body or b"null")
            except ValueError:
                activity = None
            try:
                await self.auth.claims(
                    self.session(), request.headers.get("Authorization", ""), activity
                )
            except AuthError as exc:
                log.warning("Teams: request refused: %s", exc)
                return response.json({"error": str(exc)}, status=exc.status)
            if activity.get("type") != "message":
                return response.empty(status=202)  # conversationUpdate, typing...: not for us
            if not _addressed(activity):
                return response.json({"error": "a message needs id, from and conversation"}, 400)
            if not _user_text(activity):
                return response.empty(status=202)
            task = asyncio.create_task(self._handle(on_new_message, activity))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return response.empty(status=202)

        return teams
