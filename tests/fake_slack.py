"""A local stand-in for the Slack Web API, over real HTTP: `chat.postMessage`, the file upload
flow (`files.getUploadURLExternal`, the upload URL, `files.completeUploadExternal`). It records
every call and what was posted and shared, and can be told to answer the next call of a method
with an error (a 429 with `Retry-After`, say).

Shapes follow Slack's method reference: methods live under `/api/`, take the bot token as
`Authorization: Bearer`, answer HTTP 200 with `{"ok": false, "error": ...}` when they refuse
and 429 with `Retry-After` when rate limited; a posted message comes back with its `ts` and as
Slack stores it (`bot_id`, generated `block_id`s); the upload URL takes the file's bytes and
answers `OK - <length>`. Messages with blocks Slack would refuse get `invalid_blocks`."""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_ID = "B0LBDOCTOR"
BOT_USER = "U0LBDOCTOR"
APP_ID = "A0LBDOCTOR"


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 200
    at: float = field(default_factory=time.monotonic)

    def args(self) -> dict[str, Any]:
        """The method's arguments, from a JSON body or a form."""
        if self.headers.get("content-type", "").startswith("application/json"):
            data: dict[str, Any] = json.loads(self.body)
            return data
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Posted:
    """A message the bot posted, as Slack stores it."""

    channel: str
    ts: str
    message: dict[str, Any]

    @property
    def thread_ts(self) -> str | None:
        return self.message.get("thread_ts")

    def buttons(self) -> list[dict[str, Any]]:
        return [
            {**element, "block_id": block["block_id"]}
            for block in self.message.get("blocks", [])
            if block["type"] == "actions"
            for element in block["elements"]
            if element["type"] == "button"
        ]


@dataclass
class Shared:
    """A file the bot uploaded and shared."""

    id: str
    filename: str
    title: str
    content: bytes
    channel: str
    thread_ts: str | None


def block_errors(blocks: Any) -> list[str]:
    """What Slack would refuse in these blocks (the limits of the Block Kit reference)."""
    if not isinstance(blocks, list) or not 0 < len(blocks) <= 50:
        return ["blocks must be a list of 1 to 50 blocks"]
    errors, action_ids = [], []
    for n, block in enumerate(blocks):
        kind = block.get("type")
        text = (block.get("text") or {}).get("text", "")
        if kind == "section" and not 0 < len(text) <= 3000:
            errors.append(f"[{n}] section text must be 1 to 3000 characters")
        elif kind == "header" and not 0 < len(text) <= 150:
            errors.append(f"[{n}] header text must be 1 to 150 characters")
        elif kind == "context" and not 0 < len(block.get("elements", [])) <= 10:
            errors.append(f"[{n}] context holds 1 to 10 elements")
        elif kind == "actions":
            elements = block.get("elements", [])
            if not 0 < len(elements) <= 25:
                errors.append(f"[{n}] actions holds 1 to 25 elements")
            for element in elements:
                label = element.get("text", {})
                if label.get("type") != "plain_text" or not 0 < len(label["text"]) <= 75:
                    errors.append(f"[{n}] button text must be plain_text of 1 to 75 characters")
                if not 0 < len(element.get("value", "")) <= 2000:
                    errors.append(f"[{n}] button value must be 1 to 2000 characters")
                action_ids.append(element.get("action_id"))
        elif kind not in ("section", "header", "context", "divider", "actions"):
            errors.append(f"[{n}] unknown block type {kind!r}")
    if None in action_ids or len(set(action_ids)) != len(action_ids):
        errors.append("action_id missing or not unique")
    return errors


class FakeSlack:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.posted: list[Posted] = []
        self.shared: list[Shared] = []
        self._uploads: dict[str, dict[str, Any]] = {}  # file id -> filename, length, content
        self._failures: dict[str, list[tuple[int, dict[str, str], Any]]] = {}
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def fail_next(self, method: str, status: int, headers: dict[str, str], body: Any) -> None:
        """The next call of `method` (like `chat.postMessage`) is answered so, once."""
        with self._lock:
            self._failures.setdefault(method, []).append((status, headers, body))

    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.path.split("?")[0] == f"/api/{method}"]

    def thread(self, channel: str, thread_ts: str) -> list[Posted]:
        """What the bot posted in this thread, in order."""
        with self._lock:
            return [p for p in self.posted if p.channel == channel and p.thread_ts == thread_ts]

    def in_channel(self, channel: str) -> list[Posted]:
        with self._lock:
            return [p for p in self.posted if p.channel == channel]

    @contextmanager
    def running(self) -> Iterator[FakeSlack]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()

    # --- the endpoints ------------------------------------------------------------------------

    def record(self, call: Call) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            status, headers, body = self._answer(call)
            call.status = status
            self.calls.append(call)
        return status, headers, body

    def _answer(self, call: Call) -> tuple[int, dict[str, str], Any]:
        path = call.path.split("?", 1)[0]
        if call.method != "POST":
            return 405, {}, {"ok": False, "error": "method_not_supported"}
        if path.startswith("/upload/v1/"):
            return self._upload(path.rsplit("/", 1)[1], call.body)
        method = path.removeprefix("/api/")
        if self._failures.get(method):
            return self._failures[method].pop(0)
        if call.headers.get("authorization") != f"Bearer {self.token}":
            error = "not_authed" if "authorization" not in call.headers else "invalid_auth"
            return 200, {}, {"ok": False, "error": error}
        try:
            args = call.args()
        except ValueError:
            return 200, {}, {"ok": False, "error": "invalid_json"}
        handlers = {
            "chat.postMessage": self._post_message,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }
        if method not in handlers:
            return 404, {}, {"ok": False, "error": "unknown_method"}
        return 200, {}, handlers[method](args)

    def _new_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, text, blocks = args.get("channel"), args.get("text"), args.get("blocks")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        if blocks is not None and (errors := block_errors(blocks)):
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        ts = self._new_ts()
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "user": BOT_USER,
            "text": text or "",
            "ts": ts,
        }
        if blocks:
            message["blocks"] = [
                {"block_id": block.get("block_id") or uuid.uuid4().hex[:5], **block}
                for block in blocks
            ]
        if args.get("thread_ts"):
            message["thread_ts"] = str(args["thread_ts"])
        self.posted.append(Posted(channel=str(channel), ts=ts, message=message))
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        filename, length = args.get("filename"), str(args.get("length", ""))
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        self._uploads[file_id] = {"filename": filename, "length": int(length), "content": None}
        return {"ok": True, "upload_url": f"{self.url}/upload/v1/{file_id}", "file_id": file_id}

    def _upload(self, file_id: str, content: bytes) -> tuple[int, dict[str, str], Any]:
        upload = self._uploads.get(file_id)
        if upload is None:
            return 404, {}, "not found"
        if len(content) != upload["length"]:
            return 400, {}, f"length {len(content)} is not the {upload['length']} declared"
        upload["content"] = content
        return 200, {}, f"OK - {len(content)}"

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            files = json.loads(args["files"]) if isinstance(args["files"], str) else args["files"]
        except (KeyError, ValueError):
            return {"ok": False, "error": "invalid_arguments"}
        done = []
        for entry in files:
            upload = self._uploads.get(entry.get("id"))
            if upload is None or upload["content"] is None:
                return {"ok": False, "error": "file_not_found"}
            shared = Shared(
                id=entry["id"],
                filename=upload["filename"],
                title=entry.get("title") or upload["filename"],
                content=upload["content"],
                channel=str(args.get("channel_id", "")),
                thread_ts=args.get("thread_ts"),
            )
            self.shared.append(shared)
            done.append({"id": shared.id, "name": shared.filename, "title": shared.title})
        return {"ok": True, "files": done}


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            call = Call(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length),
            )
            status, headers, body = fake.record(call)
            if isinstance(body, str):
                data, kind = body.encode(), "text/plain; charset=utf-8"
            else:
                data, kind = json.dumps(body).encode(), "application/json; charset=utf-8"
            self.send_response(status)
            for name, value in {"Content-Type": kind, **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the calls are recorded; stderr stays quiet

    return Handler
