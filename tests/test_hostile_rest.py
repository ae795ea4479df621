"""Hostile input over REST, against the real Rasa and action servers as `make run` starts them:
a clear answer for each, never a 5xx nor a traceback in any log, the conversation goes on, and
one heavy message does not hold up another user's turn."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from knowledge.intake.service import MAX_PASTE_BYTES

from .bot_helpers import BotServers, Conversation
from .conftest import DATA

BASE = (DATA / "svc-dedicated-local.yaml").read_text()
# Longer messages are not given to NLU (bot/server.py): a clear answer instead, at once.
MESSAGE_LIMIT = 64 * 1024
DEEP_JSON = "[" * 30_000 + "]" * 30_000  # within MESSAGE_LIMIT, deep enough to refuse


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    started = BotServers(tmp_path_factory.mktemp("hostile")).start()
    yield started
    started.stop()


def logs(servers: BotServers) -> str:
    return "".join(
        log.read_text(errors="replace") for log in (servers.state / "logs").glob("*.log")
    )


@pytest.fixture
def chat(servers: BotServers, request: pytest.FixtureRequest) -> Iterator[Conversation]:
    conversation = Conversation(servers.url, f"hostile-{request.node.name}")
    yield conversation
    conversation.close()
    # Whatever the message, no server wrote a traceback or failed a request.
    written = logs(servers)
    assert "Traceback" not in written, written[-3000:]
    assert not re.search(r"\b5\d\d\b.*(Internal Server Error|Server Error)", written)


def said(chat: Conversation) -> str:
    return "\n".join(chat.texts())


PASTES = {
    "load-balancer-a-string": (
        BASE.replace("  loadBalancer:\n    ingress:\n    - ip: 192.168.10.36", "  loadBalancer: x"),
        "Understood: LoadBalancer Service with a dedicated load balancer",
    ),
    "ingress-a-number": (
        BASE.replace("    ingress:\n    - ip: 192.168.10.36", "    ingress: 5"),
        "Understood: LoadBalancer Service with a dedicated load balancer",
    ),
    "typed-date-in-spec": (
        BASE.replace("  type: LoadBalancer", "  type: LoadBalancer\n  created: 2024-01-01"),
        "Understood: LoadBalancer Service with a dedicated load balancer",
    ),
    "binary-in-spec": (
        BASE.replace("  type: LoadBalancer", "  type: LoadBalancer\n  blob: !!binary aGk="),
        "the YAML tag !!binary",
    ),
    "set-in-spec": (
        BASE.replace("  type: LoadBalancer", "  type: LoadBalancer\n  s: !!set {a}"),
        "the YAML tag !!set",
    ),
    "number-key-in-spec": (
        BASE.replace("  type: LoadBalancer", "  type: LoadBalancer\n  5: five"),
        "a key 5",
    ),
    "deep-elb-autocreate": (
        re.sub(r"elb.autocreate: '.*'", f"elb.autocreate: '{DEEP_JSON}'", BASE),
        "nested too deeply",
    ),
    "annotations-a-list": (
        BASE.replace("  annotations:\n", "  annotations: [a]\n  x:\n"),
        "metadata.annotations is not a map",
    ),
    "alias-bomb": (
        BASE.replace(
            "  type: LoadBalancer", '  type: LoadBalancer\n  a: &a ["lol"]\n  b: [*a, *a, *a]'
        ),
        "a YAML alias",
    ),
    "merge-key": (
        BASE.replace("  type: LoadBalancer", "  type: LoadBalancer\n  <<: {type: NodePort}"),
        "merge key",
    ),
    "broken-json": (
        '{"apiVersion": "v1", "kind": "Service", "spec": {',
        "the pasted JSON is broken",
    ),
}


@pytest.mark.parametrize(("paste", "answer"), PASTES.values(), ids=PASTES.keys())
def test_a_hostile_paste_gets_a_clear_answer_and_the_next_answer_is_taken(
    chat: Conversation, paste: str, answer: str
) -> None:
    chat.say("my elb address fails from inside the cluster")
    chat.say("here is the service:\n" + paste)
    assert answer in said(chat)
    asked = chat.asked()
    assert asked is not None  # a question is open
    # Nothing lost: the next answer is taken and the walk moves on.
    value = "same-node" if asked == "client_location" else None
    if value is None:
        chat.click("service_type", "nodeport")
        assert chat.asked() not in (None, "service_type")
    else:
        chat.click(asked, value)
        assert chat.asked() != asked


def test_a_hostile_paste_is_answered_in_portuguese(chat: Conversation) -> None:
    chat.say("o endereço do meu elb não funciona de dentro do cluster")
    chat.say("segue o serviço:\n" + PASTES["set-in-spec"][0])
    assert "Não consegui ler o Serviço colado" in said(chat)
    assert "tag de YAML !!set" in said(chat)


MESSAGES = {
    "empty": ("", "Your message was empty"),
    "control-characters": ("\x00\x01\x07\x1b[31m\x7f\x08", None),
    "right-to-left-and-emoji": ("\u202e\u200f שלום مرحبا 🔥🙂 👍🏽", None),
    "jinja-expression": ("{{7*7}} {{ config.items() }}", None),
    "jinja-statement": ("{% for x in range(10**9) %}{% endfor %}", None),
    "malformed-yaml": ("apiVersion: v1\nkind: Service\nmetadata: {name: [\n", "broken"),
    "at-the-limit": (("my elb fails, " * 5000)[:MESSAGE_LIMIT], None),
    "100-kb": (("my elb fails, " * 8000)[: 100 * 1024], f"I read up to {MESSAGE_LIMIT}"),
    "over-the-limit": ("x " * (MAX_PASTE_BYTES // 2 + 10), f"I read up to {MESSAGE_LIMIT}"),
    "5-mb": ("x " * (5 * 1024 * 1024 // 2), f"I read up to {MESSAGE_LIMIT}"),
}


@pytest.mark.parametrize(("text", "answer"), MESSAGES.values(), ids=MESSAGES.keys())
def test_an_odd_message_gets_an_answer_and_the_conversation_goes_on(
    chat: Conversation, text: str, answer: str | None
) -> None:
    chat.say("my elb address fails from inside the cluster")
    chat.say(text)
    assert chat.texts(), "no answer"
    assert "49" not in said(chat)
    if answer is not None:
        assert answer in said(chat)
    if len(text) > MESSAGE_LIMIT:
        assert "kubectl get svc" in said(chat)  # what to paste instead
    # The question is still open, and its answer is taken.
    chat.say('/inform{"service_type":"nodeport"}')
    assert chat.asked() not in (None, "service_type")


@pytest.mark.parametrize(
    ("opening", "answer"),
    [
        ("my elb fails from a pod, ", "Your message is too long (5242880 characters"),
        ("meu elb falha dentro do cluster, ", "Sua mensagem é longa demais (5242880 caracteres"),
    ],
    ids=["en", "pt"],
)
def test_a_5_mb_message_is_not_read_and_answered_in_the_users_language(
    servers: BotServers, chat: Conversation, opening: str, answer: str
) -> None:
    chat.sender = f"hostile-5-mb-{opening[:2]}"  # a plain id for the tracker's URL
    chat.say((opening * (5 * 1024 * 1024 // len(opening) + 1))[: 5 * 1024 * 1024])
    assert answer in said(chat)
    # NLU never saw it: Rasa logged an excerpt, not five megabytes.
    tracker = httpx.get(
        f"{servers.url}/conversations/{chat.sender}/tracker", params={"token": servers.token}
    ).json()
    latest = tracker["latest_message"]
    assert latest["message_too_long"] == {"size": 5 * 1024 * 1024, "limit": MESSAGE_LIMIT}
    assert len(latest["text"]) <= 1000
    # And the conversation starts as any other.
    chat.say(opening)
    assert chat.asked() == "service_type"


def test_a_body_larger_than_the_server_takes_breaks_nothing(
    servers: BotServers, chat: Conversation
) -> None:
    # Sanic's REQUEST_MAX_SIZE (100 MB): refused before anything reads it.
    body = b'{"sender": "huge", "message": "' + b"x" * 100_000_001 + b'"}'
    try:
        refused = httpx.post(f"{servers.url}/webhooks/rest/webhook", content=body, timeout=120)
        assert refused.status_code == 413
    except httpx.TransportError:
        pass  # the server may close the connection before the client has sent it all
    chat.say("hi")
    assert "Hi! I'm LB Doctor" in said(chat)


FORGED = {
    "template-value": ('/inform{"proxy_mode":"{{7*7}}"}', '"{{7*7}}" is not a valid answer'),
    "unknown-fact": ('/inform{"banana":"yes"}', None),
    "list-value": ('/inform{"client_location":["a","b"]}', "Valid answers"),
    "number-value": ('/inform{"network_model": 5}', "Valid answers"),
    "broken-json": ('/inform{"service_type": ', None),
    "slot-not-a-fact": ('/inform{"requested_slot":"banana","service_manifest":"{}"}', None),
}


@pytest.mark.parametrize(("text", "answer"), FORGED.values(), ids=FORGED.keys())
def test_a_forged_payload_gets_a_clear_answer_and_the_question_again(
    chat: Conversation, text: str, answer: str | None
) -> None:
    chat.say("my elb address fails from inside the cluster")
    chat.say(text)
    assert chat.texts()
    if answer is not None:
        assert answer in said(chat)
    assert chat.asked() == "service_type"
    chat.click("service_type", "nodeport")
    assert chat.asked() not in (None, "service_type")


def heavy_paste() -> str:
    notes = "".join(f"    example.com/note-{i}: v{i}\n" for i in range(7000))
    paste = BASE.replace(
        "    kubernetes.io/elb.lb-algorithm: ROUND_ROBIN\n",
        "    kubernetes.io/elb.lb-algorithm: ROUND_ROBIN\n" + notes,
    )
    assert MESSAGE_LIMIT < len(paste) < MAX_PASTE_BYTES
    return "here is the service:\n" + paste


def heavy_call(text: str) -> dict[str, Any]:
    """The form reading `text`, as Rasa calls the action server. Sent straight to it: Rasa cuts
    a message this long before NLU, but the action server reads up to MAX_PASTE_BYTES (several
    seconds of work) and another user's turn must not wait for that."""
    message = {"text": text, "intent": {"name": "paste_manifest"}, "entities": []}
    tracker = {
        "sender_id": "hostile-heavy", "slots": {"requested_slot": None},
        "latest_message": message, "events": [{"event": "user", "text": text, "parse_data": message}],
        "active_loop": {"name": "diagnosis_form"}, "latest_action_name": "action_listen",
    }  # fmt: skip
    return {"next_action": "validate_diagnosis_form", "tracker": tracker, "domain": {}}


def test_a_heavy_message_does_not_hold_up_another_users_turn(servers: BotServers) -> None:
    other = Conversation(servers.url, "hostile-other")
    actions_log = servers.state / "logs" / "actions.log"
    started = actions_log.read_text().count("reading a long message")
    finished: list[str] = []
    replies: list[str] = []

    def send_heavy() -> None:
        response = httpx.post(
            f"http://127.0.0.1:{servers.action_port}/webhook", json=heavy_call(heavy_paste()),
            timeout=300,
        )  # fmt: skip
        replies.extend(r.get("text") or "" for r in response.json()["responses"])
        finished.append("heavy")

    sender = threading.Thread(target=send_heavy)
    sender.start()
    # Once the action server has begun reading it (its log says so), another user says hi.
    deadline = time.monotonic() + 300
    while actions_log.read_text().count("reading a long message") == started:
        assert time.monotonic() < deadline and sender.is_alive(), "the heavy message was not read"
        time.sleep(0.05)
    other.say("hi")
    finished.append("hi")
    sender.join(timeout=300)
    assert finished == ["hi", "heavy"]
    assert "Hi! I'm LB Doctor" in "\n".join(other.texts())
    assert "Understood: LoadBalancer" in "\n".join(replies)
    other.close()


def test_no_server_logged_a_traceback(servers: BotServers) -> None:
    written = logs(servers)
    assert "Traceback" not in written and " ERROR " not in written, written[-3000:]
    assert Path(servers.state / "logs").is_dir()
