"""Slack, through the Events API and interactivity, answering with the Web API.

Rasa's own `slack` channel answers in the request (Slack gives up after 3 s and retries), reads
a click's payload only from legacy attachments and posts any custom JSON as it comes. Here:

- `POST /webhooks/slack/webhook` takes Events API callbacks (JSON) and interactivity payloads
  (a form with `payload=<json>`). Each must carry a valid `X-Slack-Signature` made within five
  minutes of ours; anything else gets 401 (400 if signed but unreadable) and is not processed.
- It answers 200 at once and runs the conversation in the background. An event is handled
  once: Slack's retries repeat its `event_id`, and a channel message that mentions the bot
  comes twice (`message` and `app_mention`) with the same channel and `ts`. Both are
  remembered (the most recent ones, per process).
- Who is answered: every message in a direct message; in a channel, a message that mentions
  the bot, and then the replies of that person in that thread (mention or not); a click on
  one of our buttons. Bots and edits (`bot_id`, a `subtype`) are ignored.
- Replies go to the thread of the user's message with `chat.postMessage`; 429 and 5xx are
  retried with backoff honouring `Retry-After`, and Slack's `"ok": false` is an error. Buttons
  become Block Kit buttons whose `value` is the payload; a custom message is posted only when
  it is a Slack message (`blocks`), its `snippets` uploaded as files in the same thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors.http import DeliveryError, post_with_retries

if TYPE_CHECKING:
    from rasa.core.agent import Agent

__all__ = ["SlackInput", "SlackOutput", "WebAPI"]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
MAX_AGE = 300  # seconds a signed request stays valid, either way (Slack's own advice)
REMEMBERED = 10_000  # event ids and messages remembered against duplicates
# Block Kit limits (reference: "Section block", "Button element", "Actions block").
SECTION_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
ACTIONS_LIMIT = 25
# Message subtypes that are still a person writing; the others are edits, joins, bots...
_USER_SUBTYPES = (None, "thread_broadcast")
# Slack's markup in what users type: <@U123>, <#C123|general>, <https://x|label>, <!here>.
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def signature_problem(
    secret: str, timestamp: str, signature: str, body: bytes, now: float
) -> str | None:
    """Why a request is not from Slack, or None if it is: `v0=` + hex HMAC-SHA256 of
    `v0:{timestamp}:{body}` with the signing secret, made within MAX_AGE seconds."""
    try:
        made = int(timestamp)
    except ValueError:
        return "no valid X-Slack-Request-Timestamp"
    if abs(now - made) > MAX_AGE:
        return f"timestamp {made} is more than {MAX_AGE} s away"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return "bad X-Slack-Signature"
    return None


class Recent:
    """The last `size` keys seen: enough to recognise a retry or a twin event."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self._keys: OrderedDict[str, None] = OrderedDict()

    def seen(self, key: str) -> bool:
        """Whether `key` was seen before; it is remembered from now on."""
        if key in self._keys:
            return True
        self._keys[key] = None
        if len(self._keys) > self.size:
            self._keys.popitem(last=False)
        return False


def _escape(text: str) -> str:
    # The three characters mrkdwn reads as markup ("Formatting text for app surfaces").
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str) -> str:
    """What a user typed, without Slack's markup: mentions dropped, links and channels by their
    label, code block fences as line breaks (Slack sends "```apiVersion: v1…```"), and the
    escaped characters back: a pasted manifest or error must reach the bot as written."""

    def replace(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "!")):
            return ""
        if target.startswith("#"):
            return f"#{label}" if label else ""
        return label or target

    text = _MARKUP.sub(replace, text).replace("```", "\n")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


class WebAPI:
    """The Slack Web API methods this bot uses, with the bot token."""

    def __init__(self, token: str, api_url: str = DEFAULT_API_URL) -> None:
        self.token = token
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"

    async def call(
        self, session: aiohttp.ClientSession, method: str, **kwargs: Any
    ) -> dict[str, Any]:
        """One method (`json=` or `data=` for a form); its answer, which must say `ok`."""
        headers = {"Authorization": f"Bearer {self.token}"}
        status, text = await post_with_retries(
            session, self.api_url + method, "Slack", headers=headers, **kwargs
        )
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or answer.get("ok") is not True:
            error = answer.get("error") if isinstance(answer, dict) else text[:200]
            raise DeliveryError(f"{method} refused ({status}): {error}")
        return answer

    async def upload(
        self,
        session: aiohttp.ClientSession,
        channel: str,
        thread_ts: str,
        snippet: dict[str, str],
    ) -> None:
        """A file shared in a thread, the current way: ask for an upload URL, send the bytes
        there, then complete the upload into the channel and thread."""
        content = snippet["content"].encode()
        ticket = await self.call(
            session,
            "files.getUploadURLExternal",
            data={"filename": snippet["filename"], "length": str(len(content))},
        )
        # The upload URL is signed for this file; the bot token does not go to it.
        status, text = await post_with_retries(session, ticket["upload_url"], "Slack", data=content)
        if status != 200:
            raise DeliveryError(f"upload of {snippet['filename']} refused ({status}): {text}")
        await self.call(
            session,
            "files.completeUploadExternal",
            data={
                "files": json.dumps([{"id": ticket["file_id"], "title": snippet["title"]}]),
                "channel_id": channel,
                "thread_ts": thread_ts,
            },
        )


def _sections(text: str) -> list[dict[str, Any]]:
    """Text as mrkdwn sections, cut to the section limit."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text[i : i + SECTION_LIMIT]}}
        for i in range(0, len(text), SECTION_LIMIT)
    ]


def _button_blocks(text: str, buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A question and its buttons; a click sends back the button's `value`, its payload."""
    elements = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": str(b["title"])[:BUTTON_TEXT_LIMIT]},
            "value": str(b["payload"]),
            "action_id": f"answer-{n}",  # unique in the message, as Slack requires
        }
        for n, b in enumerate(buttons)
    ]
    actions = [
        {"type": "actions", "elements": elements[i : i + ACTIONS_LIMIT]}
        for i in range(0, len(elements), ACTIONS_LIMIT)
    ]
    return [*_sections(_escape(text)), *actions]


class SlackOutput(OutputChannel):
    """Replies into one thread of one channel."""

    def __init__(
        self, api: WebAPI, session: aiohttp.ClientSession, channel: str, thread_ts: str
    ) -> None:
        self.api = api
        self.session = session
        self.channel = channel
        self.thread_ts = thread_ts

    @classmethod
    def name(cls) -> str:
        return "slack"

    async def _post(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        message: dict[str, Any] = {
            "channel": self.channel,
            "thread_ts": self.thread_ts,
            "text": text,
            # The sources are links: previews of them would bury the answer.
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if blocks:
            message["blocks"] = blocks
        try:
            await self.api.call(self.session, "chat.postMessage", json=message)
        except DeliveryError as exc:
            # One lost reply must not lose the turn: Rasa would not save the conversation.
            log.error("Slack: a reply in %s %s was lost: %s", self.channel, self.thread_ts, exc)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._post(_escape(text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._post(_escape(text), _button_blocks(text, buttons))

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        blocks = json_message.get("blocks")
        if not isinstance(blocks, list) or not blocks:
            # Not a Slack message (the raw diagnosis payload, say): never shown as JSON.
            log.warning("Slack: dropped a custom message that is not a Slack message")
            return
        await self._post(str(json_message.get("text") or ""), blocks)
        for snippet in json_message.get("snippets") or []:
            try:
                await self.api.upload(self.session, self.channel, self.thread_ts, snippet)
            except (DeliveryError, KeyError, TypeError, AttributeError) as exc:
                log.error("Slack: a snippet in %s was not shared: %s", self.channel, exc)


@dataclass(frozen=True)
class Turn:
    """One thing a user said or clicked, and where. The conversation (Rasa's sender id) is
    `{team}:{channel}:{thread_ts}:{user}`: Slack users talk in threads, and a new top-level
    message is a new case; one person's, so that two people in a support thread do not answer
    each other's questions; the channel and team because a thread's ts is unique only in its
    channel, so a direct message and a channel thread never share a conversation."""

    team: str
    channel: str
    thread_ts: str
    user: str
    text: str
    message_id: str

    @property
    def sender(self) -> str:
        return f"{self.team}:{self.channel}:{self.thread_ts}:{self.user}"

    def metadata(self) -> dict[str, Any]:
        where = {"team": self.team, "channel": self.channel, "thread_ts": self.thread_ts}
        return {"slack": {**where, "user": self.user}}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _bot_users(body: dict[str, Any]) -> set[str]:
    """The bot's own user ids, from the event's authorizations."""
    grants = body.get("authorizations")
    grants = grants if isinstance(grants, list) else []
    return {_str(_obj(g).get("user_id")) for g in grants if _obj(g).get("is_bot")} - {""}


def event_turn(body: dict[str, Any]) -> tuple[Turn, bool] | None:
    """The turn in an `event_callback`, and whether it needs an open conversation to be
    answered (a reply in a channel thread, without a mention); None if it is not for us."""
    event = _obj(body.get("event"))
    if event.get("bot_id"):
        return None
    kind, user, channel, ts = (_str(event.get(k)) for k in ("type", "user", "channel", "ts"))
    if kind not in ("message", "app_mention") or not (user and channel and ts):
        return None
    if kind == "message" and event.get("subtype") not in _USER_SUBTYPES:
        return None
    raw = _str(event.get("text"))
    text = _plain(raw)
    if not text:
        return None
    thread_ts = _str(event.get("thread_ts")) or ts
    team = _str(event.get("team")) or _str(body.get("team_id"))
    turn = Turn(team, channel, thread_ts, user, text, message_id=f"{channel}:{ts}")
    mentioned = kind == "app_mention" or any(
        f"<@{u}>" in raw or f"<@{u}|" in raw for u in _bot_users(body)
    )
    if event.get("channel_type") == "im" or mentioned:
        return turn, False
    if thread_ts != ts:
        return turn, True
    return None  # a channel message that is not for the bot


def click_turn(payload: dict[str, Any]) -> Turn | None:
    """The turn in a `block_actions` payload: the clicked button's value, said in the thread of
    the message that holds the button."""
    actions = payload.get("actions")
    action = _obj(actions[0]) if isinstance(actions, list) and actions else {}
    message, container = _obj(payload.get("message")), _obj(payload.get("container"))
    user = _obj(payload.get("user"))
    value = _str(action.get("value")).strip()
    channel = _str(_obj(payload.get("channel")).get("id")) or _str(container.get("channel_id"))
    thread_ts = (
        _str(container.get("thread_ts"))
        or _str(message.get("thread_ts"))
        or _str(message.get("ts"))
    )
    team = _str(_obj(payload.get("team")).get("id")) or _str(user.get("team_id"))
    if not (value and channel and thread_ts and _str(user.get("id"))):
        return None
    clicked = _str(action.get("action_ts")) or _str(payload.get("trigger_id"))
    return Turn(team, channel, thread_ts, user["id"], value, f"{channel}:{clicked}")


class BadRequest(Exception):
    """A signed request whose body cannot be read."""


def _read(content_type: str, body: bytes) -> dict[str, Any]:
    """The request's JSON: the body itself, or the `payload` field of an interactivity form."""
    try:
        if content_type.startswith("application/x-www-form-urlencoded"):
            [text] = parse_qs(body.decode(), strict_parsing=True)["payload"]
        else:
            text = body.decode()
        data = json.loads(text)
    except (ValueError, KeyError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadRequest(f"unreadable body: {exc}") from exc
    if not isinstance(data, dict):
        raise BadRequest("the body is not a JSON object")
    return data


class SlackInput(InputChannel):
    """Rasa's `slack` channel (credentials: bot_token, signing_secret, and optionally api_url)."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        if not (credentials.get("bot_token") and credentials.get("signing_secret")):
            cls.raise_missing_credentials_exception()
        return cls(
            bot_token=str(credentials["bot_token"]),
            signing_secret=str(credentials["signing_secret"]),
            api_url=str(credentials.get("api_url") or DEFAULT_API_URL),
        )

    def __init__(self, bot_token: str, signing_secret: str, api_url: str = DEFAULT_API_URL):
        self.api = WebAPI(bot_token, api_url)
        self.signing_secret = signing_secret
        self.recent = Recent()
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # held so they are not collected mid-run

    def session(self) -> aiohttp.ClientSession:
        # Created on first use, inside the server's event loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        turn: Turn,
        agent: Agent | None,
        needs_conversation: bool,
    ) -> None:
        try:
            if needs_conversation and not (
                agent is not None and await agent.tracker_store.exists(turn.sender)
            ):
                return  # someone else's thread, or one the bot was never asked into
            output = SlackOutput(self.api, self.session(), turn.channel, turn.thread_ts)
            await on_new_message(
                UserMessage(
                    text=turn.text,
                    output_channel=output,
                    sender_id=turn.sender,
                    input_channel=self.name(),
                    message_id=turn.message_id,
                    metadata=turn.metadata(),
                )
            )
        except Exception:
            log.exception("Slack: message %s failed", turn.message_id)

    def _start(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack = Blueprint("slack_webhook", __name__)

        @slack.listener("after_server_stop")
        async def close(*_: Any) -> None:
            if self._session is not None:
                await self._session.close()

        @slack.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            body = request.body or b""
            problem = signature_problem(
                self.signing_secret,
                request.headers.get("X-Slack-Request-Timestamp", ""),
                request.headers.get("X-Slack-Signature", ""),
                body,
                time.time(),
            )
            if problem is not None:
                log.warning("Slack: request refused: %s", problem)
                return response.json({"error": problem}, status=401)
            try:
                data = _read(request.headers.get("Content-Type", ""), body)
            except BadRequest as exc:
                return response.json({"error": str(exc)}, status=400)
            kind = data.get("type")
            if kind == "url_verification":
                return response.json({"challenge": data.get("challenge")})
            agent = getattr(request.app.ctx, "agent", None)
            if kind == "event_callback":
                event_id = _str(data.get("event_id"))
                found = event_turn(data)
                if event_id and self.recent.seen("event:" + event_id):
                    log.info("Slack: event %s again (a retry); already handled", event_id)
                elif found is not None and not self.recent.seen(found[0].message_id):
                    self._start(self._handle(on_new_message, found[0], agent, found[1]))
            elif kind == "block_actions":
                turn = click_turn(data)
                if turn is not None:
                    self._start(self._handle(on_new_message, turn, agent, False))
            return response.empty(status=200)

        return slack
