"""Handoffs to a person: the case bundle is stored redacted before it leaves (an outbox), then
POSTed to a webhook played here by a local HTTP server, in each format, until it is delivered
once, across a webhook that is down, slow or rate limiting and across a restart; `lbdoctor
cases` lists, shows and resolves them. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import text

from frontends.cli import main
from knowledge.delivery import Backoff, Deliverer
from knowledge.handoff import Bundle, BundleError, Fact, Line, new_case_number
from knowledge.handoff_formats import ADAPTIVE_CARD
from knowledge.outbox import get_handoff
from knowledge.settings import Settings, SettingsError
from knowledge.store import Store

from .fake_slack import block_errors

T0 = datetime(2025, 3, 14, 10, 0, tzinfo=timezone.utc)
# Values a user really pastes, written by hand: none may reach the store or the webhook.
IP, EMAIL, BEARER = "192.168.10.36", "ana.souza@acme-corp.com.br", "abcdefghijklmnop12345"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
DB_PASSWORD, DB_HOST = "s3cr3t-Pa55", "db.corp.example"
SERVICE = f"""apiVersion: v1
kind: Service
metadata:
  name: shop-web
  namespace: shop
  annotations:
    kubernetes.io/elb.class: performance
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  ports:
  - port: 80
    targetPort: 8080
status:
  loadBalancer:
    ingress:
    - ip: {IP}
"""
ERROR = f"curl: (7) Failed to connect to {IP} port 80: Connection refused"
SECRETS = [IP, EMAIL, BEARER, JWT, DB_PASSWORD, DB_HOST]


def bundle(reason: str = "not-solved", lang: str = "en") -> Bundle:
    said = [
        ("user", f"pods in shop can't reach the ELB {IP}, I'm {EMAIL}"),
        ("bot", "Which kind of Service is it?"),
        ("user", "dedicated load balancer"),
        ("user", SERVICE),
        ("user", f"the app logs: Authorization: Bearer {BEARER} token {JWT}"),
        ("user", f"db is postgresql://rasa:{DB_PASSWORD}@{DB_HOST}:5432/rasa"),
        ("bot", "Did this solve your problem?"),
        ("user", "no"),
    ]
    report = {
        "verdict": "fails",
        "fixes": [{"id": "use-cluster-ip", "title": "Use the Service's ClusterIP"}],
    }
    return Bundle.create(
        reason=reason,
        language=lang,
        channel="slack",
        facts=[
            Fact("service_type", "loadbalancer-dedicated", "words"),
            Fact("external_traffic_policy", "Local", "paste"),
            Fact("client_location", "same-node", "button"),
            Fact("error_message", ERROR, "paste"),
        ],
        report=report,
        transcript=[
            Line(who, said_text, T0 + timedelta(seconds=n))
            for n, (who, said_text) in enumerate(said)
        ],
        service=SERVICE,
        error=ERROR,
        now=T0,
    )


# --- the webhook -------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering: longer than the client's time-out = "slow"


@dataclass
class Request:
    headers: dict[str, str]
    body: Any


class Webhook:
    """An incoming webhook over real HTTP. It answers the scripted replies in turn, then 200
    "ok" (what Slack's incoming webhooks answer); with `fmt` set it refuses, as Slack does with
    400 `invalid_blocks`, a body that is not a well-formed message of that format."""

    def __init__(self, fmt: str = "json", port: int = 0) -> None:
        self.fmt = fmt
        self.port = port
        self.replies: list[Reply] = []
        self.requests: list[Request] = []
        self.received = threading.Event()

    def refusal(self, body: Any) -> str | None:
        if self.fmt == "slack":
            if not isinstance(body.get("text"), str) or not body["text"]:
                return "no_text"
            return "invalid_blocks" if block_errors(body.get("blocks")) else None
        if self.fmt == "teams":
            (attachment,) = body["attachments"]
            card = attachment["content"]
            ok = body.get("type") == "message" and attachment["contentType"] == ADAPTIVE_CARD
            return None if ok and card["type"] == "AdaptiveCard" and card["body"] else "bad card"
        return None if body.get("type") == "lbdoctor.handoff" else "not a handoff"

    @contextmanager
    def running(self) -> Iterator[Webhook]:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/T0/B0/secret"


def _handler(hook: Webhook) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            hook.requests.append(Request(dict(self.headers), body))
            reply = hook.replies.pop(0) if hook.replies else Reply()
            refused = hook.refusal(body)
            if refused and reply.status == 200:
                reply = Reply(400, refused)
            time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body.encode())
            except OSError:
                pass  # the client gave up waiting
            hook.received.set()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def free_port() -> int:
    """A port nothing listens on (yet): the webhook "down"."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# Milliseconds, so retries fall due at once; the schedule itself is checked on the record.
FAST = Backoff(base=0.001, cap=0.01)


@pytest.fixture
def deliverers(store: Store) -> Iterator[list[Deliverer]]:
    made: list[Deliverer] = []
    yield made
    for deliverer in made:
        deliverer.stop()


@pytest.fixture
def deliverer_for(store: Store, deliverers: list[Deliverer]) -> Any:
    def make(url: str | None, fmt: str = "json", **options: Any) -> Deliverer:
        deliverer = Deliverer(store, url, fmt, backoff=options.pop("backoff", FAST), **options)
        deliverers.append(deliverer)
        return deliverer

    return make


# --- the bundle --------------------------------------------------------------------------------


def test_case_numbers_are_short_dated_and_random() -> None:
    numbers = {new_case_number(T0) for _ in range(2000)}
    # 32**5 suffixes a day: 2000 draws repeat about 0.06 times on average, never 10 times unless
    # the draw is broken (uniqueness itself is the store's: the next test).
    assert len(numbers) > 1990
    assert all(re.fullmatch(r"LBD-20250314-[0-9A-HJKMNP-TV-Z]{5}", n) for n in numbers)


def test_a_case_number_already_stored_is_drawn_again(store: Store) -> None:
    first = Deliverer(store, None).submit(bundle())
    again = dataclasses.replace(bundle("dead-end"), case=first.case)
    second = Deliverer(store, None).submit(again)
    assert second.case != first.case
    assert re.fullmatch(r"LBD-20250314-[0-9A-HJKMNP-TV-Z]{5}", second.case)
    with store.session() as session:
        stored_first, stored_second = (
            get_handoff(session, first.case),
            get_handoff(session, second.case),
        )
    assert stored_first is not None and stored_first.reason == "not-solved"
    assert stored_second is not None and stored_second.reason == "dead-end"
    assert stored_second.bundle["case"] == second.case


def test_a_bundle_reads_back_from_its_json_and_refuses_unknown_reasons() -> None:
    original = bundle()
    data = original.to_json()
    assert data["type"] == "lbdoctor.handoff" and data["verdict"] == "fails"
    assert Bundle.from_json(json.loads(json.dumps(data))) == original
    with pytest.raises(BundleError, match="reason 'angry'"):
        Bundle.create(reason="angry", language="en", channel="rest")
    with pytest.raises(BundleError, match="source 'guess'"):
        Fact("proxy_mode", "ipvs", "guess")


def test_the_stored_bundle_holds_no_address_email_or_secret(
    store: Store, deliverer_for: Any
) -> None:
    record = deliverer_for(None).submit(bundle())
    with store.engine.connect() as connection:
        raw = connection.execute(text("SELECT bundle FROM handoffs")).scalar_one()
    stored = raw if isinstance(raw, str) else json.dumps(raw)
    assert [secret for secret in SECRETS if secret in stored] == []
    data = record.bundle
    # One redactor for the whole case: the address is the same placeholder everywhere.
    assert "[ipv4-1]" in data["error"] and "[ipv4-1]" in data["service"]
    assert "[ipv4-1]" in data["transcript"][0]["text"]
    assert data["facts"][3] == {"name": "error_message", "value": data["error"], "source": "paste"}
    # What support needs stays: the Service's name and namespace, ports, facts.
    assert "name: shop-web" in data["service"] and "namespace: shop" in data["service"]
    assert "targetPort: 8080" in data["service"]
    assert (record.status, record.attempts) == ("pending", 0)  # no URL: stored only


# --- delivery ----------------------------------------------------------------------------------


def test_a_webhook_down_then_up_gets_the_case_once(deliverer_for: Any) -> None:
    hook = Webhook(port=free_port())
    deliverer = deliverer_for(hook.url)
    record = deliverer.submit(bundle())
    assert (record.status, record.attempts) == ("pending", 1)
    assert record.last_error and "ConnectError" in record.last_error
    with hook.running():
        (delivered,) = deliverer.deliver_due(scheduled=False)
        assert deliverer.deliver_due(scheduled=False) == []
    assert (delivered.status, delivered.attempts) == ("delivered", 2)
    (request,) = hook.requests
    assert request.headers["Idempotency-Key"] == record.case
    assert request.body == record.bundle


def test_a_slow_webhook_times_out_and_is_tried_again(deliverer_for: Any) -> None:
    hook = Webhook()
    hook.replies = [Reply(delay=1.0)]
    with hook.running():
        deliverer = deliverer_for(hook.url, timeout=0.2)
        record = deliverer.submit(bundle())
        assert record.status == "pending" and "timed out" in (record.last_error or "")
        (delivered,) = deliverer.deliver_due(scheduled=False)
    assert delivered.status == "delivered"
    # Both attempts carry the case number: a receiver that saw the first drops the second.
    assert [r.headers["Idempotency-Key"] for r in hook.requests] == [record.case] * 2


def test_a_rate_limited_webhook_is_retried_no_sooner_than_retry_after(
    deliverer_for: Any,
) -> None:
    hook = Webhook()
    hook.replies = [Reply(429, "rate_limited", {"Retry-After": "120"})]
    with hook.running():
        deliverer = deliverer_for(hook.url)
        record = deliverer.submit(bundle())
        assert record.last_attempt_at is not None
        assert record.next_attempt_at - record.last_attempt_at >= timedelta(seconds=120)
        assert deliverer.deliver_due() == []  # not due yet
        assert len(hook.requests) == 1
        (delivered,) = deliverer.deliver_due(scheduled=False)
    assert delivered.status == "delivered" and len(hook.requests) == 2


@pytest.mark.parametrize(
    ("reply", "status", "error"),
    [
        (Reply(503, "upstream down"), "pending", "HTTP 503: upstream down"),
        (Reply(408, ""), "pending", "HTTP 408"),
        (Reply(400, "invalid_payload"), "failed", "HTTP 400: invalid_payload"),
        (Reply(404, "no_service"), "failed", "HTTP 404: no_service"),
    ],
    ids=["server-error-retried", "request-timeout-retried", "bad-request-fails", "gone-fails"],
)
def test_what_a_refusal_means(deliverer_for: Any, reply: Reply, status: str, error: str) -> None:
    hook = Webhook()
    hook.replies = [reply]
    with hook.running():
        deliverer = deliverer_for(hook.url)
        record = deliverer.submit(bundle())
        assert (record.status, record.last_error) == (status, error)
        # Sent again on demand (`lbdoctor cases deliver CASE`), failed ones too.
        (again,) = deliverer.redeliver([record.case])
    assert again.status == "delivered" and again.last_error is None


def test_a_restart_delivers_what_was_pending_and_the_loop_sends_new_cases(
    database_url: str, deliverers: list[Deliverer]
) -> None:
    hook = Webhook(port=free_port())
    first = Store.open(database_url)
    before = Deliverer(first, hook.url, backoff=FAST).submit(bundle())
    first.close()
    assert before.status == "pending"
    with hook.running():
        store = Store.open(database_url)  # the restart: a new store and deliverer
        deliverer = Deliverer(store, hook.url, backoff=FAST, poll=60).start()
        deliverers.append(deliverer)
        assert hook.received.wait(30), "the pending case was not sent on start"
        hook.received.clear()
        # Once it is marked, the loop has nothing due and sleeps for `poll`: only a wake-up
        # from submit() sends the next case in time.
        settled = time.monotonic() + 30
        while deliverer.get(before.case).status != "delivered" and time.monotonic() < settled:
            time.sleep(0.02)
        later = deliverer.submit(bundle("asked-for-human"))
        assert hook.received.wait(30), "submit() did not wake the delivery loop"
        deliverer.stop()
    with store.session() as session:
        states = [get_handoff(session, case) for case in (before.case, later.case)]
    assert [s.status if s else None for s in states] == ["delivered", "delivered"]
    assert [r.headers["Idempotency-Key"] for r in hook.requests] == [before.case, later.case]
    store.close()


# --- formats -----------------------------------------------------------------------------------


def test_slack_gets_a_block_kit_summary_of_the_case(deliverer_for: Any) -> None:
    hook = Webhook("slack")
    with hook.running():
        record = deliverer_for(hook.url, "slack").submit(bundle(lang="pt"))
    assert record.status == "delivered"  # the webhook found the blocks well formed
    (request,) = hook.requests
    body, blocks = request.body, request.body["blocks"]
    assert record.case in body["text"] and "não resolveu" in body["text"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": f"Encaminhamento do LB Doctor {record.case}"},
    }
    texts = json.dumps(blocks, ensure_ascii=False)
    for expected in ("*Motivo:*", "*Veredito:* o acesso falha", "`service_type`", "use-cluster-ip"):
        assert expected in texts
    assert "*Usuário:* no" in blocks[-2]["text"]["text"]  # the transcript's last lines
    assert f"lbdoctor cases show {record.case}" in blocks[-1]["elements"][0]["text"]
    assert [secret for secret in SECRETS if secret in texts] == []


def test_teams_gets_an_adaptive_card(deliverer_for: Any) -> None:
    hook = Webhook("teams")
    with hook.running():
        record = deliverer_for(hook.url, "teams").submit(bundle("dead-end"))
    assert record.status == "delivered"
    (request,) = hook.requests
    (attachment,) = request.body["attachments"]
    card = attachment["content"]
    assert (request.body["type"], attachment["contentType"]) == ("message", ADAPTIVE_CARD)
    assert card["body"][0]["text"] == f"LB Doctor handoff {record.case}"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Reason"] == "the assistant reached a dead end"
    assert facts["Verdict"] == "the access fails"
    assert [secret for secret in SECRETS if secret in json.dumps(card)] == []


# --- settings ----------------------------------------------------------------------------------


def test_handoff_settings_are_checked_when_loaded() -> None:
    settings = Settings.from_env({"LBDOCTOR_HANDOFF_URL": "https://hooks.example/x"})
    assert (settings.handoff_url, settings.handoff_format) == ("https://hooks.example/x", "json")
    with pytest.raises(SettingsError, match="LBDOCTOR_HANDOFF_FORMAT is 'email'; valid values"):
        Settings.from_env({"LBDOCTOR_HANDOFF_FORMAT": "email"})
    with pytest.raises(SettingsError, match="LBDOCTOR_HANDOFF_URL must be") as refused:
        Settings.from_env({"LBDOCTOR_HANDOFF_URL": "hooks.slack.com/services/T0/B0/secret"})
    assert "secret" not in str(refused.value)


# --- lbdoctor cases ----------------------------------------------------------------------------


def stored(database_url: str, case: Bundle) -> Any:
    store = Store.open(database_url)
    deliverer = Deliverer(store, None)
    record = deliverer.submit(case)
    deliverer.stop()
    store.close()
    return record


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), stdout=out), out.getvalue()


def test_cases_list_show_resolve(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", database_url)
    monkeypatch.delenv("LBDOCTOR_HANDOFF_URL", raising=False)
    record = stored(database_url, bundle(lang="pt"))

    code, out = cli("cases", "list", "--json")
    (listed,) = json.loads(out)
    assert code == 0 and listed["case"] == record.case
    assert (listed["status"], listed["reason"], listed["resolved"]) == (
        "pending",
        "not-solved",
        None,
    )

    code, out = cli("cases", "show", record.case, "--json")
    shown = json.loads(out)
    assert code == 0 and shown["bundle"] == record.bundle and IP not in out
    code, out = cli("cases", "show", record.case)
    assert code == 0 and "shop-web" in out and "[ipv4-1]" in out

    code, out = cli("cases", "resolve", record.case, "--note", "security group fixed")
    assert (code, out) == (0, f"resolved: {record.case}\n")
    (listed,) = json.loads(cli("cases", "list", "--json")[1])
    assert listed["resolved"] and listed["resolution_note"] == "security group fixed"

    capsys.readouterr()
    assert cli("cases", "show", "LBD-20000101-00000") == (2, "")
    assert "no handoff case 'LBD-20000101-00000'" in capsys.readouterr().err
    assert cli("cases", "deliver")[0] == 1
    assert "LBDOCTOR_HANDOFF_URL is not set" in capsys.readouterr().err
    monkeypatch.setenv("LBDOCTOR_HANDOFF_FORMAT", "fax")
    assert cli("cases", "list")[0] == 1
    assert "LBDOCTOR_HANDOFF_FORMAT is 'fax'" in capsys.readouterr().err


def test_cases_deliver_sends_pending_ones_now(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = Webhook()
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", database_url)
    record = stored(database_url, bundle())
    with hook.running():
        monkeypatch.setenv("LBDOCTOR_HANDOFF_URL", hook.url)
        code, out = cli("cases", "deliver")
    assert (code, out) == (0, f"{record.case}\tdelivered\n")
    assert [r.headers["Idempotency-Key"] for r in hook.requests] == [record.case]
