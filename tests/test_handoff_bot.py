"""Handoffs from a conversation, end to end: the Rasa and action servers as `make run` starts
them, over REST, with the support team's incoming webhook played by a local HTTP server."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .bot_helpers import BotServers, Conversation
from .test_bot_e2e import NODEPORT_FAILS, answer_by_buttons
from .test_handoff import Webhook

CASE = re.compile(r"\bLBD-\d{8}-[0-9A-Z]{5}\b")
ERROR = "curl: (7) Failed to connect to 192.168.10.36 port 31900: Connection refused"


@pytest.fixture(scope="module")
def webhook() -> Iterator[Webhook]:
    with Webhook().running() as hook:
        yield hook


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, webhook: Webhook) -> Iterator[BotServers]:
    state: Path = tmp_path_factory.mktemp("handoff-bot")
    bot = BotServers(state, {"LBDOCTOR_HANDOFF_URL": webhook.url}).start()
    yield bot
    bot.stop()


@pytest.fixture
def talk(servers: BotServers) -> Iterator[Conversation]:
    conversation = Conversation(servers.url, f"handoff-{uuid.uuid4().hex[:8]}")
    yield conversation
    conversation.close()


def delivered(webhook: Webhook, case: str) -> dict[str, object]:
    """The bundle the webhook received for this case (delivery runs beside the reply)."""
    for _ in range(100):
        found = [r.body for r in webhook.requests if r.body.get("case") == case]
        if found:
            assert len(found) == 1, "delivered more than once"
            return found[0]
        webhook.received.wait(0.2)
        webhook.received.clear()
    raise AssertionError(f"{case} not delivered; got {[r.body for r in webhook.requests]}")


def case_number(texts: list[str]) -> str:
    found = [m.group(0) for text in texts if (m := CASE.search(text))]
    assert found, texts
    return found[-1]


@pytest.mark.parametrize(
    ("opening", "ask", "told"),
    [
        (f"my nodeport fails from another node: {ERROR}", "I want to talk to a human", "case"),
        (f"o nodeport falha de outro nó: {ERROR}", "quero falar com uma pessoa do suporte", "caso"),
    ],
)
def test_asking_for_a_person_mid_questions_hands_the_case_over(
    talk: Conversation, webhook: Webhook, opening: str, ask: str, told: str
) -> None:
    talk.say(opening)
    assert talk.asked() is not None
    talk.say(ask)
    # The questions stop: no question is asked again after the handoff.
    assert talk.asked() is None, talk.last
    case = case_number(talk.texts())
    assert told in " ".join(talk.texts()), talk.texts()
    bundle = delivered(webhook, case)
    assert bundle["type"] == "lbdoctor.handoff" and bundle["reason"] == "asked-for-human"
    assert bundle["verdict"] is None and bundle["channel"] == "rest"
    facts = {f["name"]: f for f in bundle["facts"]}  # type: ignore[attr-defined]
    assert facts["service_type"]["value"] == "nodeport"
    # The address in the error is redacted everywhere, the same placeholder each time.
    text = repr(bundle)
    assert "192.168.10.36" not in text and "[ipv4-1]" in str(bundle["error"])
    assert [line["who"] for line in bundle["transcript"]][:2] == ["user", "bot"]  # type: ignore[index]


def test_a_no_after_the_diagnosis_hands_over_the_verdict_and_fixes(
    talk: Conversation, webhook: Webhook
) -> None:
    talk.say("my curl to the ELB IP fails from inside the cluster")
    answer_by_buttons(talk, NODEPORT_FAILS)
    card = talk.card()
    assert card is not None
    talk.say("/deny")
    case = case_number(talk.texts())
    bundle = delivered(webhook, case)
    assert bundle["reason"] == "not-solved"
    assert bundle["verdict"] == card["verdict"]
    assert [f["id"] for f in bundle["fixes"]] == [f["id"] for f in card["fixes"]]  # type: ignore[attr-defined]
    sources = {f["name"]: f["source"] for f in bundle["facts"]}  # type: ignore[attr-defined]
    assert sources["service_type"] == "button"
    assert all("Idempotency-Key" in r.headers for r in webhook.requests)
