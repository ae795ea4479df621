"""`lbdoctor chat`: talk to the assistant from a terminal over Rasa's REST channel."""

from __future__ import annotations

import re
import uuid
from typing import Any, TextIO

import httpx

from frontends.ask import menu_number
from knowledge.errors import ChatError

__all__ = ["ChatSession", "RestChat"]

REST_WEBHOOK = "/webhooks/rest/webhook"
_PASTE_START = re.compile(r"^\s*(apiVersion:|kind:|\{|---)")
_HELLO = {"en": "hi", "pt": "oi"}
_PROMPTS = {
    "en": "(number = button; paste YAML ending with an empty line; Ctrl-D quits)",
    "pt": "(número = botão; cole o YAML e termine com uma linha vazia; Ctrl-D sai)",
}
_CARD = {"en": "Manifest for", "pt": "Manifesto de"}


class RestChat:
    """One conversation (a sender id) with the REST channel; `transport` lets tests inject one."""

    def __init__(
        self,
        url: str,
        sender: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.sender = sender or f"terminal-{uuid.uuid4().hex[:12]}"
        self._client = httpx.Client(base_url=self.url, transport=transport, timeout=timeout)

    def send(self, message: str) -> list[dict[str, Any]]:
        try:
            response = self._client.post(
                REST_WEBHOOK, json={"sender": self.sender, "message": message}
            )
            response.raise_for_status()
            answer = response.json()
        except httpx.HTTPError as exc:
            raise ChatError(f"the assistant at {self.url} did not answer: {exc}") from exc
        except ValueError as exc:
            raise ChatError(f"the assistant at {self.url} answered with invalid JSON") from exc
        if not isinstance(answer, list):
            raise ChatError(f"the assistant at {self.url} answered with {type(answer).__name__}")
        return [message for message in answer if isinstance(message, dict)]

    def close(self) -> None:
        self._client.close()


class ChatSession:
    """The terminal side: messages printed, buttons numbered, a number sends that button."""

    def __init__(self, chat: RestChat, lang: str, stdin: TextIO, out: TextIO) -> None:
        self.chat = chat
        self.lang = lang
        self.stdin = stdin
        self.out = out
        self.buttons: list[dict[str, str]] = []

    def run(self) -> int:
        self.out.write(f"{_PROMPTS[self.lang]}\n")
        self.show(self.chat.send(_HELLO[self.lang]))
        while True:
            message = self.read()
            if message is None:
                self.out.write("\n")
                return 0
            picked = menu_number(message.strip(), len(self.buttons))
            if picked is not None:
                message = self.buttons[picked - 1]["payload"]
            self.show(self.chat.send(message))

    def read(self) -> str | None:
        self.out.write("> ")
        self.out.flush()
        line = self.stdin.readline()
        if line == "":
            return None
        if not _PASTE_START.match(line):
            return line.rstrip("\n")
        # A pasted manifest spans lines: read until an empty line.
        lines = [line.rstrip("\n")]
        while (more := self.stdin.readline()).strip():
            lines.append(more.rstrip("\n"))
        return "\n".join(lines)

    def show(self, messages: list[dict[str, Any]]) -> None:
        self.buttons = []
        for number, message in enumerate(messages):
            if isinstance(message.get("text"), str):
                # Paragraphs arrive as messages of their own: keep them apart on screen.
                self.out.write(("\n" if number else "") + f"{message['text']}\n")
            for button in message.get("buttons") or []:
                self.buttons.append(button)
                self.out.write(f"  {len(self.buttons)}. {button.get('title', '')}\n")
            custom = message.get("custom")
            if isinstance(custom, dict) and custom.get("type") == "diagnosis":
                self.show_card(custom)

    def show_card(self, card: dict[str, Any]) -> None:
        """The chat messages carry the recommended manifest; the card has the others."""
        for fix in card.get("fixes", []):
            if not fix.get("recommended"):
                self.out.write(f"\n{_CARD[self.lang]} {fix['id']}:\n{fix['manifest']}")
