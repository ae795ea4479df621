"""Slack end to end: real-shaped, signed Events API and interactivity payloads posted to the
running Rasa server's `/webhooks/slack/webhook`; the Slack Web API is played by
tests/fake_slack.py, which records what the bot posts and uploads."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import yaml

from frontends.wording import say

from .bot_helpers import BotServers, chat_cli_report
from .fake_slack import APP_ID, BOT_ID, BOT_USER, Call, FakeSlack, Posted

BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0HUAWEI01"
FACTS = (
    "service_type", "external_traffic_policy", "access_type", "client_location",
    "nodeport_target", "network_model", "proxy_mode", "cluster_version", "needs_source_ip",
)  # fmt: skip
# A documented failure: NodePort with node-level affinity, from the pod's node to another node.
NODEPORT_FAILS = {
    "service_type": "nodeport",
    "external_traffic_policy": "Local",
    "access_type": "public",
    "client_location": "same-node",
    "nodeport_target": "other-node",
    "network_model": "tunnel",
    "proxy_mode": "ipvs",
}


def _service_with_many_ports() -> str:
    """A NodePort Service (Local policy) with enough ports that the recommended fix's manifest
    no longer fits in a Slack block, so it comes as a file."""
    lines = [
        "apiVersion: v1", "kind: Service", "metadata:", "  name: shop-frontend",
        "  namespace: shop", "spec:", "  type: NodePort", "  externalTrafficPolicy: Local",
        "  selector:", "    app: shop-frontend", "  ports:",
    ]  # fmt: skip
    for n in range(40):
        lines += [
            f"  - name: metrics-{n:02d}", f"    port: {9000 + n}", f"    targetPort: {9000 + n}",
            f"    nodePort: {30100 + n}", "    protocol: TCP",
        ]  # fmt: skip
    return "\n".join(lines) + "\n"


SERVICE = _service_with_many_ports()
# Answers typed in the user's own words (as Slack delivers them); the others are clicks.
TYPED = {
    "en": {
        "service_type": "the svc opens a high port on each worker. type NodePort in the yaml",
        "network_model": "container tunnel network",
        "proxy_mode": "kube-proxy runs in ipvs mode",
    },
    "pt": {
        # Pasted in a code block, the way Slack sends it: it also answers the traffic policy.
        "service_type": f"é este serviço:\n```{SERVICE}```",
        "network_model": "rede de túnel",
        "proxy_mode": "modo ipvs",
    },
}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(BOT_TOKEN).running() as running:
        yield running


@pytest.fixture(scope="module")
def servers(fake: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    started = BotServers(
        tmp_path_factory.mktemp("slack"),
        extra_env={
            "LBDOCTOR_SLACK_BOT_TOKEN": BOT_TOKEN,
            "LBDOCTOR_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "LBDOCTOR_SLACK_API_URL": fake.api_url,
        },
    ).start()
    yield started
    started.stop()


def signed(
    body: bytes, timestamp: int | None = None, secret: str = SIGNING_SECRET
) -> dict[str, str]:
    """Slack's request signature (v0): HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest.hexdigest()}


_CLOCK = itertools.count(int(time.time() * 1_000_000))  # Slack's ts: seconds.microseconds


def new_ts() -> str:
    now = next(_CLOCK)
    return f"{now // 1_000_000}.{now % 1_000_000:06d}"


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


class SlackUser:
    """One person writing to the bot in a channel or a direct message, as Slack delivers it."""

    def __init__(self, servers: BotServers, fake: FakeSlack, direct: bool) -> None:
        self.servers = servers
        self.fake = fake
        self.direct = direct
        self.user = new_id("U")
        self.channel = new_id("D" if direct else "C")
        self.client = httpx.Client(base_url=servers.url, timeout=60)

    def sender(self, thread_ts: str, author: str | None = None) -> str:
        """The conversation of this user (or `author`) in this thread, as the connector names
        it."""
        return f"{TEAM}:{self.channel}:{thread_ts}:{author or self.user}"

    def message(
        self, text: str, thread_ts: str | None = None, kind: str = "message", **fields: Any
    ) -> dict[str, Any]:
        ts = new_ts()
        event: dict[str, Any] = {
            "type": kind,
            "user": self.user,
            "text": text,
            "ts": ts,
            "client_msg_id": str(uuid.uuid4()),
            "team": TEAM,
            "blocks": [
                {
                    "type": "rich_text",
                    "block_id": "Bh1y",
                    "elements": [
                        {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                    ],
                }
            ],
            "channel": self.channel,
            "event_ts": ts,
        }
        if kind == "message":
            event["channel_type"] = "im" if self.direct else "channel"
        if thread_ts:
            event["thread_ts"] = thread_ts
            event["parent_user_id"] = self.user
        return {**event, **fields}

    def envelope(self, event: dict[str, Any]) -> dict[str, Any]:
        """An Events API callback around `event`, as Slack sends it."""
        return {
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "team_id": TEAM,
            "context_team_id": TEAM,
            "context_enterprise_id": None,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": new_id("Ev"),
            "event_time": int(float(event.get("ts") or time.time())),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM,
                    "user_id": BOT_USER,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + uuid.uuid4().hex,
        }

    def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return self.client.post("/webhooks/slack/webhook", content=body, headers=headers)

    def post_json(self, data: dict[str, Any], **headers: str) -> httpx.Response:
        body = json.dumps(data).encode()
        return self.post(body, {"Content-Type": "application/json", **signed(body), **headers})

    def say(self, text: str, thread_ts: str | None = None, mention: bool = False) -> str:
        """Write a message (mentioning the bot: both events Slack sends for it) and wait until
        the bot has answered; the message's id, channel:ts."""
        text = f"<@{BOT_USER}> {text}" if mention else text
        event = self.message(text, thread_ts)
        events = [event]
        if mention:
            twin = {k: v for k, v in event.items() if k != "channel_type"}
            events.append({**twin, "type": "app_mention"})
        for each in events:
            assert self.post_json(self.envelope(each)).status_code == 200
        message_id = f"{self.channel}:{event['ts']}"
        self.wait_turn(self.sender(thread_ts or event["ts"]), message_id)
        return message_id

    def click(self, thread_ts: str, value: str) -> str:
        """Press the button with this value on the bot's last message with buttons in the
        thread, as Slack reports a click (`block_actions`)."""
        asking = last_with_buttons(self.fake.thread(self.channel, thread_ts))
        assert asking is not None, "no buttons in the thread"
        [button] = [b for b in asking.buttons() if b["value"] == value] or [None]
        assert button is not None, f"no button {value} in {asking.buttons()}"
        action_ts = new_ts()
        payload = {
            "type": "block_actions",
            "user": {"id": self.user, "username": "megan", "name": "megan", "team_id": TEAM},
            "api_app_id": APP_ID,
            "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
            "container": {
                "type": "message",
                "message_ts": asking.ts,
                "channel_id": self.channel,
                "is_ephemeral": False,
                "thread_ts": thread_ts,
            },
            "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}",
            "team": {"id": TEAM, "domain": "huaweicloud-support"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {
                "id": self.channel,
                "name": "directmessage" if self.direct else "k8s-support",
            },
            "message": asking.message,
            "state": {"values": {}},
            "response_url": f"https://hooks.slack.com/actions/{TEAM}/1/{uuid.uuid4().hex}",
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": button["block_id"],
                    "text": button["text"],
                    "value": button["value"],
                    "type": "button",
                    "action_ts": action_ts,
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded", **signed(body)}
        assert self.post(body, form).status_code == 200
        message_id = f"{self.channel}:{action_ts}"
        self.wait_turn(self.sender(thread_ts), message_id)
        return message_id

    def tracker(self, thread_ts: str, author: str | None = None) -> dict[str, Any]:
        answer = self.client.get(
            f"/conversations/{self.sender(thread_ts, author)}/tracker",
            params={"token": self.servers.token},
        )
        assert answer.status_code == 200, answer.text
        tracker: dict[str, Any] = answer.json()
        return tracker

    def wait_turn(self, sender: str, message_id: str, timeout: float = 240) -> None:
        """Until Rasa has saved the turn of this message: the bot has sent all its replies
        (they are sent before the tracker is saved) and listens again."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.client.get(
                f"/conversations/{sender}/tracker", params={"token": self.servers.token}
            )
            events = answer.json()["events"] if answer.status_code == 200 else []
            users = [i for i, e in enumerate(events) if e.get("message_id") == message_id]
            if users and events[-1].get("name") == "action_listen" and users[-1] < len(events) - 1:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer to {message_id}:\n{self.servers.logs()}")
            time.sleep(0.2)

    def user_messages(self, thread_ts: str, author: str | None = None) -> list[str]:
        events = self.tracker(thread_ts, author)["events"]
        return [e["message_id"] for e in events if e["event"] == "user"]

    def close(self) -> None:
        self.client.close()


def last_with_buttons(posted: list[Posted]) -> Posted | None:
    asking = [p for p in posted if p.buttons()]
    return asking[-1] if asking else None


def asked_fact(posted: Posted) -> str | None:
    for button in posted.buttons():
        if button["value"].startswith("/inform"):
            return str(next(iter(json.loads(button["value"][len("/inform") :]))))
    return None


def block_texts(message: dict[str, Any]) -> list[str]:
    """The text of every section, header and context element of a message."""
    found = []
    for block in message.get("blocks", []):
        if "text" in block:
            found.append(block["text"]["text"])
        found += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return found


def mrkdwn(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture
def new_user(servers: BotServers, fake: FakeSlack) -> Iterator[Callable[..., SlackUser]]:
    """Someone new, in a channel of their own or a direct message with the bot."""
    people: list[SlackUser] = []

    def make(direct: bool = True) -> SlackUser:
        people.append(SlackUser(servers, fake, direct))
        return people[-1]

    yield make
    for person in people:
        person.close()


# --- who may post ----------------------------------------------------------------------------


def test_a_signed_url_verification_is_answered_with_its_challenge(
    new_user: Callable[..., SlackUser],
) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    check = {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": challenge,
        "type": "url_verification",
    }
    answer = new_user().post_json(check)
    assert answer.status_code == 200
    assert answer.json() == {"challenge": challenge}


def test_an_unsigned_url_verification_is_refused(new_user: Callable[..., SlackUser]) -> None:
    challenge = "unsigned-challenge-must-not-come-back"
    body = json.dumps({"token": "x", "challenge": challenge, "type": "url_verification"})
    answer = new_user().post(body.encode(), {"Content-Type": "application/json"})
    assert answer.status_code == 401
    assert challenge not in answer.text


def _stale(body: bytes) -> dict[str, str]:
    return signed(body, int(time.time()) - 6 * 60)


REFUSED: dict[str, Callable[[bytes], dict[str, str]]] = {
    "no signature": lambda body: {},
    "signed with another secret": lambda body: signed(body, secret="not-our-signing-secret"),
    "signed six minutes ago": _stale,
    "signed six minutes in the future": lambda body: signed(body, int(time.time()) + 6 * 60),
    "signature of another body": lambda body: signed(body + b" "),
    "signature without its version": lambda body: {
        **signed(body),
        "X-Slack-Signature": signed(body)["X-Slack-Signature"].removeprefix("v0="),
    },
    "timestamp not a number": lambda body: {**signed(body), "X-Slack-Request-Timestamp": "soon"},
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_request_without_a_valid_signature_is_refused_unprocessed(
    new_user: Callable[..., SlackUser], fake: FakeSlack, case: str
) -> None:
    user = new_user()
    refused = user.message("my curl to the ELB IP fails from inside the cluster")
    body = json.dumps(user.envelope(refused)).encode()
    answer = user.post(body, {"Content-Type": "application/json", **REFUSED[case](body)})
    assert answer.status_code == 401, answer.text
    assert fake.in_channel(user.channel) == []
    # The next valid message, in the same conversation, is the only one the bot ever saw.
    probe = user.say("hi", thread_ts=refused["ts"])
    assert user.user_messages(refused["ts"]) == [probe]


def test_a_stale_url_verification_is_refused(new_user: Callable[..., SlackUser]) -> None:
    body = json.dumps({"token": "x", "challenge": "old", "type": "url_verification"}).encode()
    answer = new_user().post(body, {"Content-Type": "application/json", **_stale(body)})
    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"type": "event_callback", '),
        ("application/json", b'["event_callback"]'),
        ("application/x-www-form-urlencoded", b"action=clicked"),
        ("application/x-www-form-urlencoded", b"payload=%7Bnot+json"),
    ],
    ids=["broken JSON", "not an object", "a form without payload", "a payload not JSON"],
)
def test_a_signed_but_unreadable_request_is_a_bad_request(
    new_user: Callable[..., SlackUser], content_type: str, body: bytes
) -> None:
    answer = new_user().post(body, {"Content-Type": content_type, **signed(body)})
    assert answer.status_code == 400
    assert answer.json()["error"]


# --- each message once -----------------------------------------------------------------------


def test_a_retried_event_is_acknowledged_and_not_processed_again(
    new_user: Callable[..., SlackUser],
) -> None:
    user = new_user()
    first = user.message("my curl to the ELB IP fails from inside the cluster")
    envelope = user.envelope(first)
    assert user.post_json(envelope).status_code == 200
    # Slack's retry: the same event, signed anew, saying which attempt it is.
    retry = user.post_json(
        envelope, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retry.status_code == 200
    message_id = f"{user.channel}:{first['ts']}"
    user.wait_turn(user.sender(first["ts"]), message_id)
    probe = user.say("hi", thread_ts=first["ts"])
    assert user.user_messages(first["ts"]) == [message_id, probe]


def test_a_mention_in_a_channel_is_processed_once(
    new_user: Callable[..., SlackUser], fake: FakeSlack
) -> None:
    user = new_user(direct=False)
    # `message` then `app_mention` for the opening; the other order for the reply in the thread.
    opening = user.say("my curl to the ELB IP fails from inside the cluster", mention=True)
    thread = opening.split(":", 1)[1]
    reply = user.message(f"<@{BOT_USER}> hi", thread_ts=thread)
    twin = {k: v for k, v in reply.items() if k != "channel_type"}
    for event in ({**twin, "type": "app_mention"}, reply):
        assert user.post_json(user.envelope(event)).status_code == 200
    reply_id = f"{user.channel}:{reply['ts']}"
    user.wait_turn(user.sender(thread), reply_id)
    assert user.user_messages(thread) == [opening, reply_id]
    assert {p.thread_ts for p in fake.in_channel(user.channel)} == {thread}


IGNORED: dict[str, Callable[[SlackUser], dict[str, Any]]] = {
    # Our own reply, echoed back in a direct message.
    "the bot's own message": lambda user: user.message(
        "Which kind of Service is it?", bot_id=BOT_ID, app_id=APP_ID, user=BOT_USER
    ),
    "another bot's message": lambda user: user.message(
        "build #42 passed", subtype="bot_message", bot_id="B0CIBOT", username="ci"
    ),
    "an edited message": lambda user: {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": user.channel,
        "channel_type": "im",
        "ts": new_ts(),
        "event_ts": new_ts(),
        "message": {"type": "message", "user": user.user, "text": "my curl fails", "ts": new_ts()},
        "previous_message": {"type": "message", "user": user.user, "text": "my curl"},
    },
    "a mention of the bot and nothing else": lambda user: user.message(f"<@{BOT_USER}>  "),
}


@pytest.mark.parametrize("case", list(IGNORED))
def test_messages_not_for_the_bot_are_acknowledged_and_ignored(
    new_user: Callable[..., SlackUser], fake: FakeSlack, case: str
) -> None:
    user = new_user()
    ignored = IGNORED[case](user)
    assert user.post_json(user.envelope(ignored)).status_code == 200
    # The author's next message in that thread is the only one the bot ever saw there.
    thread = ignored["ts"]
    probe = user.say("hi", thread_ts=thread)
    assert user.user_messages(thread) == [probe]
    if ignored.get("user", user.user) != user.user:  # the bot's echo: its own conversation
        assert user.user_messages(thread, author=ignored["user"]) == []
    assert {p.thread_ts for p in fake.in_channel(user.channel)} == {thread}


def test_a_channel_message_without_a_mention_is_not_answered(
    new_user: Callable[..., SlackUser], fake: FakeSlack
) -> None:
    user = new_user(direct=False)
    chatter = user.message("anyone around for lunch?")
    assert user.post_json(user.envelope(chatter)).status_code == 200
    # Then the same person asks the bot in that message's thread: only that is answered.
    probe = user.say("hi", thread_ts=chatter["ts"], mention=True)
    assert user.user_messages(chatter["ts"]) == [probe]
    assert fake.in_channel(user.channel)


# --- delivery --------------------------------------------------------------------------------


def _post_calls(fake: FakeSlack, channel: str) -> list[Call]:
    return [c for c in fake.calls_of("chat.postMessage") if c.args().get("channel") == channel]


def test_a_rate_limited_reply_is_retried_after_retry_after(
    new_user: Callable[..., SlackUser], fake: FakeSlack
) -> None:
    user = new_user()
    fake.fail_next(
        "chat.postMessage", 429, {"Retry-After": "2"}, {"ok": False, "error": "ratelimited"}
    )
    probe = user.say("hi")
    calls = _post_calls(fake, user.channel)
    assert [c.status for c in calls[:2]] == [429, 200]
    assert calls[0].args() == calls[1].args()
    # Honoured: the bot's own backoff would have tried again after half a second.
    assert calls[1].at - calls[0].at >= 2.0
    assert calls[1].headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert fake.in_channel(user.channel)[0].thread_ts == probe.split(":", 1)[1]


def test_a_failing_api_is_retried_with_backoff(
    new_user: Callable[..., SlackUser], fake: FakeSlack
) -> None:
    user = new_user()
    fake.fail_next("chat.postMessage", 503, {}, {"ok": False, "error": "service_unavailable"})
    user.say("hi")
    calls = _post_calls(fake, user.channel)
    assert [c.status for c in calls[:2]] == [503, 200]
    assert calls[0].args() == calls[1].args()
    assert calls[1].at - calls[0].at >= 0.5


# --- a conversation to a diagnosis -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "direct", "opening"),
    [
        ("en", False, "my curl to the ELB IP fails from inside the cluster"),
        ("pt", True, "não consigo acessar o IP do ELB de dentro do cluster"),
    ],
    ids=["en in a channel", "pt in a direct message"],
)
def test_a_conversation_by_clicks_and_words_reaches_the_clis_diagnosis(
    new_user: Callable[..., SlackUser],
    fake: FakeSlack,
    tmp_path: Path,
    lang: str,
    direct: bool,
    opening: str,
) -> None:
    user = new_user(direct)
    thread = user.say(opening, mention=not direct).split(":", 1)[1]
    clicked, typed = [], []
    while (asking := last_with_buttons(fake.thread(user.channel, thread))) and (
        fact := asked_fact(asking)
    ):
        assert fact not in clicked + typed, f"{fact} asked twice"
        if fact in TYPED[lang]:
            typed.append(fact)
            user.say(TYPED[lang][fact], thread_ts=thread)
        else:
            clicked.append(fact)
            user.click(thread, f'/inform{{"{fact}":"{NODEPORT_FAILS[fact]}"}}')
        latest = last_with_buttons(fake.thread(user.channel, thread))
        assert latest is not None and asked_fact(latest) != fact, f"{fact} not understood"
    assert clicked and typed, (clicked, typed)

    # Every reply went to the user's thread; the raw diagnosis payload was never posted.
    posted = fake.in_channel(user.channel)
    assert {p.thread_ts for p in posted} == {thread}
    assert not any('"playbook"' in c.body.decode() for c in _post_calls(fake, user.channel))

    # The diagnosis: Block Kit with the CLI's verdict and recommended fix for the same facts.
    tracker = user.tracker(thread)
    slots = tracker["slots"]
    facts = {k: slots[k] for k in (*FACTS, "error_message") if slots.get(k)}
    assert {k: facts[k] for k in clicked + typed} == {k: NODEPORT_FAILS[k] for k in clicked + typed}
    pasted = SERVICE if slots.get("service_manifest") else None
    assert (pasted is not None) == (lang == "pt")
    report = chat_cli_report(lang, facts, tmp_path, pasted)
    assert report["verdict"] == "fails"
    headline = say("headline_" + report["verdict"], lang)
    [diagnosis] = [p.message for p in posted if headline in block_texts(p.message)]
    assert diagnosis["blocks"][0] == {
        "block_id": diagnosis["blocks"][0]["block_id"],
        "type": "header",
        "text": {"type": "plain_text", "text": headline},
    }
    shown = "\n".join(block_texts(diagnosis))
    recommended = [fix for fix in report["fixes"] if fix["recommended"]]
    named = [
        fix["id"]
        for fix in report["fixes"]
        if f"*{mrkdwn(say('fix_recommended', lang, title=fix['title']))}*" in shown
    ]
    assert named == [fix["id"] for fix in recommended]
    [fix] = recommended
    shared = [f for f in fake.shared if f.channel == user.channel]
    if pasted is None:
        # Short enough: in a code block of the message itself.
        assert f"```{mrkdwn(fix['manifest'])}```" in shown
        assert shared == []
    else:
        # Too long for a block: a file in the same thread, uploaded the current way.
        [file] = shared
        assert (file.filename, file.thread_ts) == (f"{fix['id']}.yaml", thread)
        # The same manifest as the CLI's. (Compared as data: the bot keeps the pasted Service
        # with its keys sorted, actions/form.py, so a port's keys come in another order.)
        assert yaml.safe_load(file.content) == yaml.safe_load(fix["manifest"])
        assert mrkdwn(say("manifest_attached", lang, filename=file.filename)) in shown
    # Then "did it work?", with yes and no buttons.
    last = posted[-1]
    assert [b["value"] for b in last.buttons()] == ["/affirm", "/deny"]
