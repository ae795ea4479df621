"""Handoffs from a conversation, end to end: the Rasa and action servers as `make run` starts
them, over REST, with the support team's incoming webhook played by a local HTTP server. Every
reason in both languages, feedback asked again when the user comes back, and the progress the
weekly report reads from the store."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from knowledge.progress import ConversationProgress, conversation_id, conversations
from knowledge.store import Store, feedback_for

from .bot_helpers import BotServers, Conversation
from .test_bot_e2e import DEDICATED_FAILS, NODEPORT_FAILS, answer_by_buttons, click_until
from .test_handoff import Webhook

CASE = re.compile(r"\bLBD-\d{8}-[0-9A-Z]{5}\b")
ADDRESS = "192.168.10.36"
ERROR = f"curl: (7) Failed to connect to {ADDRESS} port 31900: Connection refused"
# How the user is told the case number, in each language (knowledge/messages: handoff_started).
TOLD = {"en": "to our support team as case", "pt": "à equipe de suporte com o número"}


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


@pytest.fixture(scope="module")
def store(servers: BotServers) -> Iterator[Store]:
    """The knowledge store the servers write to."""
    opened = Store.open(servers.env["LBDOCTOR_DATABASE_URL"])
    yield opened
    opened.close()


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


# --- every reason, both languages: the user told the case number, the bundle delivered once ------


def handed_over(
    talk: Conversation, webhook: Webhook, reason: str, lang: str, *, said_address: bool = True
) -> dict[str, Any]:
    """The user was told the case number in their language, and support got the bundle, once,
    for this reason and language, with the address the user typed redacted."""
    case = case_number(talk.texts())
    assert any(TOLD[lang] in text and case in text for text in talk.texts()), talk.texts()
    bundle = delivered(webhook, case)
    assert (bundle["reason"], bundle["language"], bundle["channel"]) == (reason, lang, "rest")
    assert ADDRESS not in repr(bundle)
    assert ("[ipv4-1]" in repr(bundle["transcript"])) == said_address
    return bundle


def test_a_no_in_portuguese_after_the_diagnosis_hands_the_case_over(
    talk: Conversation, webhook: Webhook
) -> None:
    talk.say(f"o curl ao IP do ELB {ADDRESS} falha de dentro do cluster")
    answer_by_buttons(talk, NODEPORT_FAILS)
    assert talk.card() is not None
    talk.say("não, não resolveu")
    assert handed_over(talk, webhook, "not-solved", "pt")["verdict"] == "fails"


@pytest.mark.parametrize(
    ("opening", "lang", "why"),
    [
        (
            f"o IP do ELB {ADDRESS} não responde de dentro do cluster",
            "pt",
            "O FAQ que eu sigo não tem resposta",
        ),
        (f"my ELB address {ADDRESS} fails from inside the cluster", "en", "The FAQ I follow"),
    ],
)
def test_a_case_the_faq_says_nothing_about_is_handed_over(
    talk: Conversation, webhook: Webhook, opening: str, lang: str, why: str
) -> None:
    talk.say(opening)
    click_until(talk, "client_location", DEDICATED_FAILS)
    talk.click("client_location", "outside-cluster")
    answer_by_buttons(talk, DEDICATED_FAILS)
    assert (talk.card() or {}).get("verdict") == "out-of-scope"
    assert any(text.startswith(why) for text in talk.texts()), talk.texts()
    bundle = handed_over(talk, webhook, "dead-end", lang)
    assert bundle["verdict"] == "out-of-scope"
    # Handed over instead of "did it work?".
    assert not [b for m in talk.last for b in m.get("buttons", [])]


def test_skipping_the_question_that_decides_is_handed_over(
    talk: Conversation, webhook: Webhook
) -> None:
    talk.say(f"my dedicated ELB's private address {ADDRESS} refuses connections from the node")
    click_until(talk, "network_model", DEDICATED_FAILS)
    talk.say("/skip")
    assert (talk.card() or {}).get("verdict") == "depends"
    assert any(
        t.startswith("The answer depends on the questions you skipped") for t in talk.texts()
    )
    assert handed_over(talk, webhook, "dead-end", "en")["verdict"] == "depends"


@pytest.mark.parametrize(
    ("opening", "nonsense", "lang", "why"),
    [
        (
            f"o nodeport {ADDRESS} falha de outro nó",
            "asdf qwer",
            "pt",
            "Não consegui entender a sua resposta",
        ),
        (f"my nodeport {ADDRESS} fails", "zork plugh xyzzy", "en", "I couldn't understand"),
    ],
)
def test_the_same_question_not_understood_three_times_is_handed_over(
    talk: Conversation, webhook: Webhook, opening: str, nonsense: str, lang: str, why: str
) -> None:
    talk.say(opening)
    question = talk.asked()
    assert question is not None
    for _ in range(2):
        talk.say(nonsense)
        assert talk.asked() == question and CASE.search(" ".join(talk.texts())) is None
    talk.say(nonsense)
    assert any(text.startswith(why) for text in talk.texts()), talk.texts()
    assert handed_over(talk, webhook, "dead-end", lang)["verdict"] is None
    # The conversation goes on: the question is asked again, and an answer is taken.
    assert talk.asked() == question
    talk.click(question, NODEPORT_FAILS[question])
    assert talk.asked() not in (None, question)


# --- coming back later: "did it work?" asked again --------------------------------------------------


def tracker_url(servers: BotServers, sender: str) -> str:
    return f"{servers.url}/conversations/{sender}/tracker"


def case_id(servers: BotServers, sender: str) -> str:
    slots = httpx.get(tracker_url(servers, sender), params={"token": servers.token}).json()["slots"]
    return str(slots["case_id"])


def come_back_later(servers: BotServers, sender: str) -> None:
    """Two days pass: the conversation's events are moved back in time in Rasa's tracker store
    (SQLite, in the servers' state folder), so the next message finds the session expired
    (session_expiration_time is a day). Rasa reads the events from the store on every turn."""
    shift = 2 * 24 * 3600
    with closing(sqlite3.connect(servers.state / "conversations.db")) as db, db:
        changed = db.execute(
            "UPDATE events SET timestamp = timestamp - ?, "
            "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - ?) "
            "WHERE sender_id = ?",
            (shift, shift, sender),
        ).rowcount
    assert changed > 0


def diagnosed(talk: Conversation, opening: str) -> None:
    talk.say(opening)
    answer_by_buttons(talk, NODEPORT_FAILS)
    assert (talk.card() or {}).get("verdict") == "fails"


def feedback_asked(talk: Conversation, asked: str) -> bool:
    return any(
        m.get("text", "").startswith(asked)
        and [b["payload"] for b in m["buttons"]] == ["/affirm", "/deny"]
        for m in talk.last
        if m.get("buttons")
    )


def test_coming_back_the_next_day_a_yes_records_the_case_as_solved(
    servers: BotServers, store: Store, talk: Conversation
) -> None:
    diagnosed(talk, "my curl to the ELB IP fails from inside the cluster")
    case = case_id(servers, talk.sender)
    come_back_later(servers, talk.sender)
    talk.say("hello again")
    # First "did it work?", then the answer to what the user said (a greeting).
    assert feedback_asked(talk, "Welcome back! Last time I suggested a fix")
    assert talk.texts()[-1].startswith("Hi! I'm LB Doctor")
    talk.say("/affirm")
    with store.session() as session:
        assert [f.helpful for f in feedback_for(session, case)] == [True]
    # Asked once per diagnosis: another new session asks nothing.
    talk.say("/session_start")
    assert talk.last == []


def test_coming_back_in_portuguese_a_no_hands_the_case_over(
    talk: Conversation, webhook: Webhook
) -> None:
    diagnosed(talk, f"o curl ao IP do ELB {ADDRESS} falha de dentro do cluster")
    # The widget and other clients start a new session this way when the user reopens them.
    talk.say("/session_start")
    assert feedback_asked(talk, "Que bom ver você de novo!")
    talk.say("não funcionou")
    # The transcript holds this session only: Rasa's tracker store hands the actions no more.
    bundle = handed_over(talk, webhook, "not-solved", "pt", said_address=False)
    assert bundle["verdict"] == "fails"


# --- progress for the weekly report ---------------------------------------------------------------


def progress(
    servers: BotServers,
    store: Store,
    sender: str,
    attempt: int,
    written: Callable[[ConversationProgress], bool],
) -> ConversationProgress | None:
    """The conversation's row once `written` says the turns so far have reached it: the action
    server writes progress after the reply (actions/progress.py). None if it never does."""
    events = httpx.get(
        tracker_url(servers, sender), params={"token": servers.token, "include_events": "ALL"}
    ).json()["events"]
    started = [e["timestamp"] for e in events if e["event"] == "session_started"][-1]
    key = conversation_id(f"{sender}#{started}#{attempt}")
    deadline = time.monotonic() + 10
    while True:
        with store.session() as session:
            row = {row.id: row for row in conversations(session)}.get(key)
        if (row is not None and written(row)) or time.monotonic() > deadline:
            return row
        time.sleep(0.05)


def test_progress_records_the_questions_asked_and_the_verdict_per_attempt(
    servers: BotServers, store: Store, talk: Conversation
) -> None:
    talk.say("my dedicated ELB's private address refuses connections from the node")
    first = talk.asked()
    row = progress(servers, store, talk.sender, 0, lambda row: True)
    assert row is not None
    assert (row.last_question, row.questions_asked, row.verdict) == (first, 1, None)
    assert (row.channel, row.language) == ("rest", "en")
    asked = answer_by_buttons(talk, DEDICATED_FAILS)
    row = progress(servers, store, talk.sender, 0, lambda row: row.verdict is not None)
    assert row is not None
    assert (row.last_question, row.questions_asked) == (asked[-1], len(asked))
    assert row.verdict == "fails" and row.case_id == case_id(servers, talk.sender)
    # Starting over is a new attempt: a row of its own; the first stays as it was.
    talk.say("start over")
    talk.say("my ELB fails from inside the cluster")
    again = progress(servers, store, talk.sender, 1, lambda row: True)
    assert again is not None and again.last_question == talk.asked()
    row = progress(servers, store, talk.sender, 0, lambda row: True)
    assert row is not None and row.verdict == "fails"
