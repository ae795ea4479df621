"""`lbdoctor chat`: the REST protocol spoken, buttons as numbers, pastes over several lines."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import httpx
import pytest

from actions.domain_facts import render, render_answers
from frontends.chat import ChatSession, RestChat
from knowledge.errors import ChatError
from knowledge.playbook import Playbook

from .bot_helpers import BOT

QUESTION = {
    "recipient_id": "me",
    "text": "Which kube-proxy forwarding mode does the cluster use?",
    "buttons": [
        {"title": "IPVS", "payload": '/inform{"proxy_mode":"ipvs"}'},
        {"title": "iptables", "payload": '/inform{"proxy_mode":"iptables"}'},
    ],
}
CARD = {
    "recipient_id": "me",
    "custom": {
        "type": "diagnosis",
        "fixes": [
            {"id": "use-cluster-ip", "recommended": True, "manifest": "kind: Service\n"},
            {
                "id": "set-external-traffic-policy-cluster",
                "recommended": False,
                "manifest": "a: b\n",
            },
        ],
    },
}


class FakeRasa:
    """Answers like Rasa's REST channel and keeps what it was sent."""

    def __init__(self, answers: list[list[dict[str, Any]]]) -> None:
        self.answers = answers
        self.received: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "POST" and request.url.path == "/webhooks/rest/webhook"
        self.received.append(json.loads(request.content))
        return httpx.Response(200, json=self.answers.pop(0) if self.answers else [])


def session(fake: FakeRasa, typed: str, lang: str = "en") -> tuple[ChatSession, io.StringIO]:
    chat = RestChat("http://rasa.test", "me", transport=httpx.MockTransport(fake))
    out = io.StringIO()
    return ChatSession(chat, lang, io.StringIO(typed), out), out


@pytest.mark.parametrize(("lang", "hello"), [("en", "hi"), ("pt", "oi")])
def test_a_number_sends_that_buttons_payload(lang: str, hello: str) -> None:
    fake = FakeRasa([[QUESTION], [CARD]])
    chat, out = session(fake, "2\n", lang)
    assert chat.run() == 0
    assert [m["message"] for m in fake.received] == [hello, '/inform{"proxy_mode":"iptables"}']
    assert {m["sender"] for m in fake.received} == {"me"}
    assert "  1. IPVS\n  2. iptables\n" in out.getvalue()


def test_numbers_without_buttons_and_words_are_sent_as_typed() -> None:
    fake = FakeRasa([[{"text": "hello"}]])
    chat, _ = session(fake, "7\nfrom another node\n")
    chat.run()
    assert [m["message"] for m in fake.received] == ["hi", "7", "from another node"]


@pytest.mark.parametrize("typed", ["²", "0002", "99999999999999999999"])
def test_digits_that_are_not_a_menu_number_are_sent_as_typed(typed: str) -> None:
    # "²".isdigit() is true and int("²") fails: only a short decimal number picks a button.
    fake = FakeRasa([[QUESTION], []])
    chat, _ = session(fake, f"{typed}\n")
    assert chat.run() == 0
    assert [m["message"] for m in fake.received] == ["hi", typed]


def test_a_pasted_manifest_is_one_message_until_the_empty_line() -> None:
    fake = FakeRasa([[]])
    chat, _ = session(fake, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n\nvpc\n")
    chat.run()
    assert [m["message"] for m in fake.received] == [
        "hi",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web",
        "vpc",
    ]


def test_the_card_shows_the_manifests_not_in_the_messages() -> None:
    chat, out = session(FakeRasa([[CARD]]), "")
    chat.run()
    assert "Manifest for set-external-traffic-policy-cluster:\na: b\n" in out.getvalue()
    assert "use-cluster-ip:" not in out.getvalue()


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (httpx.Response(500, text="boom"), "did not answer: Server error '500"),
        (httpx.Response(200, text="<html>"), "answered with invalid JSON"),
        (httpx.Response(200, json={"a": 1}), "answered with dict"),
    ],
)
def test_a_broken_server_is_a_chat_error(response: httpx.Response, problem: str) -> None:
    chat = RestChat("http://rasa.test", transport=httpx.MockTransport(lambda request: response))
    with pytest.raises(ChatError, match=problem):
        chat.send("hi")


def test_an_unreachable_server_is_a_chat_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    with pytest.raises(
        ChatError, match=re.escape("http://rasa.test did not answer: Connection refused")
    ):
        RestChat("http://rasa.test", transport=httpx.MockTransport(refuse)).send("hi")


def test_the_bots_fact_domain_is_generated_from_the_playbook(playbook: Playbook) -> None:
    # A new fact or option is a playbook change: regenerate with `python -m actions.domain_facts`.
    assert (BOT / "domain" / "facts.yml").read_text() == render(playbook)
    assert (BOT / "data" / "answers.yml").read_text() == render_answers(playbook)
