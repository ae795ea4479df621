"""Rasa's socket.io channel for the web widget, with what Rasa 3.6 gets wrong on our lock fixed.

- python-socketio 5.18.1's `enter_room` is a coroutine; Rasa calls it without `await`, so with
  `session_persistence` the client never joins its session's room and never gets a reply.
  Here the join is awaited.
- Rasa emits custom json as `emit(event, **json_message)`: a payload's keys become keyword
  arguments (`type`, `html`...), which `emit` refuses. Here it goes out as `{"custom": payload}`,
  as rasa-webchat and our widget read it, and only when it names its `type` (the diagnosis);
  another channel's shape is logged and dropped.
- Text is sent whole (the widget renders its paragraphs), so a fenced code block with a blank
  line in it is not cut in two.
- Only the widget's origins (credential `cors_origins`, written by scripts/serve.py) may connect
  from a browser: Rasa's `--cors` covers HTTP long-polling, not a WebSocket opened directly.
- A message that is not `{message: str, session_id: str}` is refused with a reason (in the
  event's acknowledgement) instead of an exception in the server.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

__all__ = ["SocketIOInput", "WidgetOutput"]

log = logging.getLogger(__name__)

# A session id becomes the conversation's sender id: keep it to what the widget generates.
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
# engine.io's own limit on one packet, stated: a longer one closes the connection. Below it a
# long message reaches the bot, which answers it in the user's language (bot/server.py's
# MESSAGE_LIMIT) as on every other channel.
MAX_PACKET = 1024 * 1024


class WidgetOutput(SocketIOOutput):
    """Replies to the session's room, custom json wrapped in `custom`."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text.strip()})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        replies = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons
        ]
        await self._send_message(recipient_id, {"text": text.strip(), "quick_replies": replies})

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        # The widget's payloads say what they are (`"type": "diagnosis"`); anything else is
        # another channel's shape that the widget would not show.
        if not isinstance(json_message.get("type"), str):
            log.warning("custom json without a type not sent to the widget: %.200s", json_message)
            return
        await self._send_message(recipient_id, {"custom": json_message})


def _problem(data: Any, persistent: bool) -> str | None:
    """Why a `user_uttered` event cannot be taken, or None."""
    if not isinstance(data, dict):
        return "expected an object {message, session_id}"
    if not isinstance(data.get("message"), str):
        return "message must be a string"
    if persistent and not _SESSION_ID.fullmatch(str(data.get("session_id") or "")):
        return "session_id missing or invalid: send session_request first"
    return None


class SocketIOInput(RasaSocketIOInput):
    """`socketio` at `/socket.io`, as Rasa's, with the fixes above."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        if credentials.get("jwt_key"):
            raise ValueError("connectors.socketio.SocketIOInput does not support jwt_key")
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", False),
            credentials.get("socketio_path", "/socket.io"),
            cors_origins=list(credentials.get("cors_origins") or []),
        )

    def __init__(self, *args: Any, cors_origins: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cors_origins = cors_origins or []

    def get_output_channel(self) -> OutputChannel | None:
        return WidgetOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # CORS headers come from Rasa's --cors (sanic-cors); engine.io must not add its own.
        sio = AsyncServer(
            async_mode="sanic", cors_allowed_origins=[], max_http_buffer_size=MAX_PACKET
        )
        self.sio = sio
        bp = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        namespace = self.namespace

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            # No Origin: not a browser (a browser always sends one on a cross-origin socket).
            if origin and origin not in self.cors_origins:
                log.warning("socket.io connection from origin %s refused", origin)
                return False
            return True

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id = asked if _SESSION_ID.fullmatch(str(asked or "")) else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any) -> dict[str, str] | None:
            problem = _problem(data, self.session_persistence)
            if problem:
                log.info("socket.io message refused: %s", problem)
                return {"error": problem}  # the acknowledgement, if the client asked for one
            sender = data["session_id"] if self.session_persistence else sid
            metadata = data.get(self.metadata_key)
            output = WidgetOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(
                    data["message"],
                    output,
                    sender,
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else None,
                )
            )
            return None

        return bp
