"""A local stand-in for Microsoft's side of a Teams bot, over real HTTP: the Bot Framework's
OpenID metadata and signing keys (JWKS), the Microsoft identity platform's token endpoint, and
the Bot Connector's conversations API. It records what the bot asked for and sent.

Shapes follow Microsoft's documentation: the metadata at
`/v1/.well-known/openidconfiguration` names the `jwks_uri`; keys carry `kid` and the channels
that endorse them; the token endpoint takes the client credentials grant as a form; a reply is
`POST {serviceUrl}/v3/conversations/{id}/activities/{activityId}` and answers a
`ResourceResponse` (`{"id": ...}`)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
ENDORSEMENTS = ["msteams", "skype", "webchat", "emulator"]


class SigningKey:
    """An RSA key pair standing for one of the Bot Framework's signing keys."""

    def __init__(self, kid: str, endorsements: list[str] | None = None) -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.endorsements = ENDORSEMENTS if endorsements is None else endorsements

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {
            **public,
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "endorsements": self.endorsements,
        }

    def sign(self, claims: dict[str, Any], kid: str | None = None) -> str:
        headers = {"typ": "JWT", "kid": kid or self.kid, "x5t": kid or self.kid}
        return jwt.encode(claims, self.private, algorithm="RS256", headers=headers)


def connector_claims(app_id: str, service_url: str, **changes: Any) -> dict[str, Any]:
    """The claims of a token the Bot Connector sends with an activity (`serviceurl` is how the
    real tokens spell it)."""
    now = int(time.time())
    return {
        "serviceurl": service_url,
        "nbf": now - 5,
        "exp": now + 3600,
        "iss": ISSUER,
        "aud": app_id,
        **changes,
    }


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 200
    at: float = field(default_factory=time.monotonic)

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    """One activity the bot posted to a conversation."""

    conversation: str
    reply_to: str
    authorization: str
    activity: dict[str, Any]
    id: str


class FakeBotFramework:
    def __init__(self, keys: list[SigningKey]) -> None:
        self.keys = list(keys)
        self.access_token = f"fake-bot-token-{uuid.uuid4().hex}"
        self.calls: list[Call] = []
        self.replies: list[Reply] = []
        self.jwks_fetches = 0
        self._failures: list[tuple[int, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    def token_url(self) -> str:
        return f"{self.url}/{{tenant}}/oauth2/v2.0/token"

    def service_url(self) -> str:
        """Where Teams says its conversations are, as in the activities' `serviceUrl`."""
        return f"{self.url}/amer/"

    def publish(self, key: SigningKey) -> None:
        with self._lock:
            self.keys.append(key)

    def fail_next_reply(self, status: int, headers: dict[str, str]) -> None:
        """The next reply is answered `status` (with `headers`), once."""
        with self._lock:
            self._failures.append((status, headers))

    def token_requests(self) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.path.endswith("/oauth2/v2.0/token")]

    def conversation_calls(self, conversation: str) -> list[Call]:
        marker = "/v3/conversations/"
        with self._lock:
            return [
                c
                for c in self.calls
                if marker in c.path
                and unquote(c.path.split(marker, 1)[1].split("/", 1)[0]) == conversation
            ]

    def replies_in(self, conversation: str) -> list[Reply]:
        with self._lock:
            return [r for r in self.replies if r.conversation == conversation]

    @contextmanager
    def running(self) -> Iterator[FakeBotFramework]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()

    # --- the endpoints ------------------------------------------------------------------------

    def answer(self, call: Call) -> tuple[int, dict[str, str], Any]:
        path = call.path.split("?", 1)[0]
        if call.method == "GET" and path == "/v1/.well-known/openidconfiguration":
            return 200, {}, self._metadata()
        if call.method == "GET" and path == "/v1/.well-known/keys":
            self.jwks_fetches += 1
            return 200, {}, {"keys": [key.jwk() for key in self.keys]}
        if call.method == "POST" and path.endswith("/oauth2/v2.0/token"):
            return self._token(call)
        if call.method == "POST" and "/v3/conversations/" in path:
            return self._reply(call, path)
        return 404, {}, {"error": {"code": "NotFound", "message": path}}

    def _metadata(self) -> dict[str, Any]:
        return {
            "issuer": ISSUER,
            "authorization_endpoint": "https://invalid.botframework.com",
            "jwks_uri": f"{self.url}/v1/.well-known/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def _token(self, call: Call) -> tuple[int, dict[str, str], Any]:
        form = call.form()
        if form.get("grant_type") != "client_credentials" or not form.get("client_secret"):
            return 400, {}, {"error": "invalid_request"}
        return (
            200,
            {},
            {
                "token_type": "Bearer",
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": self.access_token,
            },
        )

    def _reply(self, call: Call, path: str) -> tuple[int, dict[str, str], Any]:
        if call.headers.get("authorization") != f"Bearer {self.access_token}":
            return 401, {}, {"message": "Authorization has been denied for this request."}
        if self._failures:
            status, headers = self._failures.pop(0)
            return status, headers, {"error": {"code": "Throttled", "message": "slow down"}}
        # .../v3/conversations/{conversation}/activities/{activity}
        parts = path.split("/v3/conversations/", 1)[1].split("/")
        if len(parts) != 3 or parts[1] != "activities":
            return 404, {}, {"error": {"code": "NotFound", "message": path}}
        reply = Reply(
            conversation=unquote(parts[0]),
            reply_to=unquote(parts[2]),
            authorization=call.headers["authorization"],
            activity=call.json(),
            id=f"1:{uuid.uuid4().hex}",
        )
        self.replies.append(reply)
        return 200, {}, {"id": reply.id}

    def record(self, call: Call) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            status, headers, body = self.answer(call)
            call.status = status
            self.calls.append(call)
        return status, headers, body


def _handler(fake: FakeBotFramework) -> type[BaseHTTPRequestHandler]:
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
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the calls are recorded; stderr stays quiet

    return Handler
