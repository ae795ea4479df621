"""Microsoft Teams end to end: real-shaped Bot Framework activities, with tokens signed by a test
key that a local OpenID metadata and JWKS publish, posted to the running Rasa server; the token
endpoint and the Bot Connector are played by tests/fake_botframework.py, which records what the
bot asks for and posts."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from frontends.wording import say

from .bot_helpers import BotServers, chat_cli_report
from .fake_botframework import FakeBotFramework, Reply, SigningKey, connector_claims

APP_ID = "8d5f3c4e-2b1a-4f6e-9c7d-0a1b2c3d4e5f"
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT_ID = f"28:{APP_ID}"
APP_PASSWORD = "test-client-secret-long-enough-for-sha256"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
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
# Answers typed in the user's own words; every other question is answered by a card's button.
TYPED = {
    "en": {
        "service_type": "the svc opens a high port on each worker. type NodePort in the yaml",
        "network_model": "container tunnel network",
        "proxy_mode": "kube-proxy runs in ipvs mode",
    },
    "pt": {
        "service_type": "é um serviço do tipo NodePort",
        "network_model": "rede de túnel",
        "proxy_mode": "modo ipvs",
    },
}


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey("bf-test-key-1")


# Published from the start, so that no test but the rotation one needs a refresh of the keys.
WEBCHAT_ONLY = SigningKey("bf-test-webchat-only", endorsements=["webchat"])


@pytest.fixture(scope="module")
def fake(key: SigningKey) -> Iterator[FakeBotFramework]:
    with FakeBotFramework([key, WEBCHAT_ONLY]).running() as running:
        yield running


@pytest.fixture(scope="module")
def servers(
    fake: FakeBotFramework, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotServers]:
    started = BotServers(
        tmp_path_factory.mktemp("teams"),
        extra_env={
            "LBDOCTOR_TEAMS_APP_ID": APP_ID,
            "LBDOCTOR_TEAMS_APP_PASSWORD": APP_PASSWORD,
            "LBDOCTOR_TEAMS_TENANT_ID": TENANT_ID,
            "LBDOCTOR_TEAMS_OPENID_METADATA_URL": fake.metadata_url,
            "LBDOCTOR_TEAMS_TOKEN_URL": fake.token_url(),
        },
    ).start()
    yield started
    started.stop()


_ACTIVITY_IDS = itertools.count(int(time.time() * 1000))  # Teams numbers them by the clock


class TeamsUser:
    """One person in a one-to-one chat with the bot, as Teams delivers their messages."""

    def __init__(self, servers: BotServers, fake: FakeBotFramework, key: SigningKey, locale: str):
        self.servers = servers
        self.fake = fake
        self.key = key
        self.locale = locale
        self.conversation = f"a:1{uuid.uuid4().hex}"
        self.aad = str(uuid.uuid4())
        self.client = httpx.Client(base_url=servers.url, timeout=60)

    @property
    def sender(self) -> str:
        return f"{self.conversation}:{self.aad}"

    def activity(self, **fields: Any) -> dict[str, Any]:
        return {
            "type": "message",
            "id": str(next(_ACTIVITY_IDS)),
            "timestamp": datetime.now(timezone.utc).isoformat(),
            "localTimestamp": datetime.now().astimezone().isoformat(),
            "serviceUrl": self.fake.service_url(),
            "channelId": "msteams",
            "from": {"id": f"29:1{self.aad}", "name": "Megan Bowen", "aadObjectId": self.aad},
            "conversation": {
                "conversationType": "personal",
                "tenantId": TENANT_ID,
                "id": self.conversation,
            },
            "recipient": {"id": BOT_ID, "name": "LB Doctor"},
            "textFormat": "plain",
            "locale": self.locale,
            "entities": [{"type": "clientInfo", "locale": self.locale, "platform": "Web"}],
            "channelData": {"tenant": {"id": TENANT_ID}},
            **fields,
        }

    def token(self, **changes: Any) -> str:
        return self.key.sign(connector_claims(APP_ID, self.fake.service_url(), **changes))

    def post(self, activity: dict[str, Any], token: str | None = None) -> httpx.Response:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return self.client.post("/webhooks/teams/webhook", json=activity, headers=headers)

    def send(self, **fields: Any) -> dict[str, Any]:
        """Post a message activity with a valid token and wait until the bot has answered it."""
        activity = self.activity(**fields)
        answer = self.post(activity, self.token())
        assert answer.status_code in (200, 202), answer.text
        self.wait_turn(activity["id"])
        return activity

    def say(self, text: str) -> dict[str, Any]:
        return self.send(text=text)

    def click(self, payload: str) -> dict[str, Any]:
        """Press the card button with this payload, as Teams reports an `Action.Submit`."""
        card = self.last_card()
        assert card is not None
        assert payload in submits(card.activity), f"no button {payload}"
        return self.send(
            replyToId=card.id,
            value={"payload": payload},
            channelData={"tenant": {"id": TENANT_ID}, "source": {"name": "message"}},
        )

    def tracker(self) -> dict[str, Any]:
        answer = self.client.get(
            f"/conversations/{self.sender}/tracker",
            params={"token": self.servers.token},
        )
        assert answer.status_code == 200, answer.text
        tracker: dict[str, Any] = answer.json()
        return tracker

    def wait_turn(self, activity_id: str, timeout: float = 240) -> None:
        """Until Rasa has saved the turn of this activity: the bot has sent all its replies
        (they are sent before the tracker is saved) and listens again."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.tracker()["events"]
            users = [i for i, e in enumerate(events) if e.get("message_id") == activity_id]
            if users and events[-1].get("name") == "action_listen" and users[-1] < len(events) - 1:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"no answer to {activity_id}:\n{self.servers.logs()}")
            time.sleep(0.2)

    def user_messages(self) -> list[str]:
        return [e["message_id"] for e in self.tracker()["events"] if e["event"] == "user"]

    def replies(self) -> list[Reply]:
        return self.fake.replies_in(self.conversation)

    def last_card(self) -> Reply | None:
        cards = [r for r in self.replies() if submits(r.activity)]
        return cards[-1] if cards else None

    def close(self) -> None:
        self.client.close()


def cards(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a["content"] for a in activity.get("attachments", []) if a["contentType"] == ADAPTIVE_CARD
    ]


def submits(activity: dict[str, Any]) -> list[str]:
    """The payloads of the card's `Action.Submit` buttons."""
    return [
        action["data"]["payload"]
        for card in cards(activity)
        for action in card.get("actions", [])
        if action["type"] == "Action.Submit"
    ]


def asked_fact(activity: dict[str, Any]) -> str | None:
    for payload in submits(activity):
        if payload.startswith("/inform"):
            return str(next(iter(json.loads(payload[len("/inform") :]))))
    return None


def texts(element: Any) -> list[str]:
    """Every TextBlock's text in a card or a part of one, ShowCards excluded."""
    if isinstance(element, list):
        return [t for item in element for t in texts(item)]
    if not isinstance(element, dict):
        return []
    found = [element["text"]] if element.get("type") == "TextBlock" else []
    return found + texts(element.get("body", [])) + texts(element.get("items", []))


@pytest.fixture
def new_user(
    servers: BotServers, fake: FakeBotFramework, key: SigningKey
) -> Iterator[Callable[[str], TeamsUser]]:
    """Someone new in a chat with the bot, whose Teams is set to this locale."""
    people: list[TeamsUser] = []

    def make(locale: str) -> TeamsUser:
        people.append(TeamsUser(servers, fake, key, locale))
        return people[-1]

    yield make
    for person in people:
        person.close()


@pytest.fixture
def user(new_user: Callable[[str], TeamsUser]) -> TeamsUser:
    return new_user("en-US")


# --- who may post ----------------------------------------------------------------------------

FORGER = SigningKey("bf-test-key-1")  # the published kid, another private key


def _forged(user: TeamsUser) -> str | None:
    return FORGER.sign(connector_claims(APP_ID, user.fake.service_url()))


def _hs256(user: TeamsUser) -> str | None:
    claims = connector_claims(APP_ID, user.fake.service_url())
    # The app password as an HMAC secret: a bot that took HS256 would trust anyone who has it.
    return jwt.encode(claims, APP_PASSWORD, "HS256", headers={"kid": user.key.kid})


def _unsigned(user: TeamsUser) -> str | None:
    claims = connector_claims(APP_ID, user.fake.service_url())
    return jwt.encode(claims, None, "none", headers={"kid": user.key.kid})


REFUSED: dict[str, Callable[[TeamsUser], str | None]] = {
    "no token": lambda user: None,
    "forged signature (same kid, other key)": _forged,
    "wrong audience": lambda user: user.token(aud="another-bots-app-id"),
    "wrong issuer": lambda user: user.token(iss="https://sts.windows.net/evil/"),
    "expired": lambda user: user.token(exp=int(time.time()) - 360, nbf=1),
    "not yet valid": lambda user: user.token(nbf=int(time.time()) + 3600),
    "serviceUrl of another host": lambda user: user.token(serviceurl="https://evil.example/"),
    "no serviceUrl claim": lambda user: user.token(serviceurl=None),
    "HS256 with a guessed secret": _hs256,
    "unsigned (alg none)": _unsigned,
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_request_without_a_valid_connector_token_is_refused_unprocessed(
    user: TeamsUser, case: str
) -> None:
    refused = user.activity(text="my curl to the ELB IP fails from inside the cluster")
    answer = user.post(refused, REFUSED[case](user))
    assert answer.status_code == 401, answer.text
    # The next valid message of the same conversation is the only one the bot ever saw.
    probe = user.say("hi")
    assert user.user_messages() == [probe["id"]]
    assert {reply.reply_to for reply in user.replies()} == {probe["id"]}


def test_a_token_within_five_minutes_of_skew_is_accepted(user: TeamsUser) -> None:
    now = int(time.time())
    activity = user.activity(text="hi")
    assert user.post(activity, user.token(exp=now - 240, nbf=now + 240)).status_code == 202
    user.wait_turn(activity["id"])
    assert user.user_messages() == [activity["id"]]


def test_a_key_not_endorsed_for_teams_is_forbidden(user: TeamsUser, fake: FakeBotFramework) -> None:
    token = WEBCHAT_ONLY.sign(connector_claims(APP_ID, fake.service_url()))
    assert user.post(user.activity(text="hello"), token).status_code == 403
    probe = user.say("hi")
    assert user.user_messages() == [probe["id"]]


def test_an_unknown_kid_fetches_the_keys_once(user: TeamsUser, fake: FakeBotFramework) -> None:
    user.say("hi")  # the keys are loaded
    rotated = SigningKey("bf-test-key-rotated")
    fake.publish(rotated)
    before = fake.jwks_fetches
    activity = user.activity(text="hello")
    claims = connector_claims(APP_ID, fake.service_url())
    assert user.post(activity, rotated.sign(claims)).status_code == 202
    assert fake.jwks_fetches == before + 1
    user.wait_turn(activity["id"])
    # A flood of made-up kids right after does not reach the JWKS again.
    for n in range(5):
        bogus = rotated.sign(claims, kid=f"made-up-{n}")
        assert user.post(user.activity(text="hello"), bogus).status_code == 401
    assert fake.jwks_fetches == before + 1


@pytest.mark.parametrize(
    "activity",
    [
        {"type": "conversationUpdate", "membersAdded": [{"id": BOT_ID}]},
        {"type": "typing"},
        {"type": "message", "text": "<at>LB Doctor</at>  "},
    ],
    ids=["conversationUpdate", "typing", "an empty mention"],
)
def test_activities_with_nothing_to_answer_are_acknowledged(
    user: TeamsUser, activity: dict[str, Any]
) -> None:
    ignored = user.activity(**activity)
    assert user.post(ignored, user.token()).status_code in (200, 202)
    probe = user.say("hi")
    assert user.user_messages() == [probe["id"]]


def test_a_throttled_reply_is_retried_after_retry_after(
    user: TeamsUser, fake: FakeBotFramework
) -> None:
    fake.fail_next_reply(429, {"Retry-After": "2"})
    probe = user.say("hi")
    calls = fake.conversation_calls(user.conversation)
    assert [c.status for c in calls[:2]] == [429, 200]
    assert calls[0].json() == calls[1].json()
    # Honoured: the bot's own backoff would have tried again after half a second.
    assert calls[1].at - calls[0].at >= 2.0
    assert user.replies()[0].activity == calls[1].json()
    assert user.replies()[0].reply_to == probe["id"]


def test_a_failing_connector_is_retried_with_growing_backoff(
    user: TeamsUser, fake: FakeBotFramework
) -> None:
    fake.fail_next_reply(503, {})
    fake.fail_next_reply(502, {})
    user.say("hi")
    calls = fake.conversation_calls(user.conversation)
    assert [c.status for c in calls[:3]] == [503, 502, 200]
    assert calls[0].json() == calls[2].json() == user.replies()[0].activity
    assert calls[1].at - calls[0].at >= 0.5
    assert calls[2].at - calls[1].at >= 1.0


# --- a conversation to a diagnosis -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "locale", "opening"),
    [
        ("en", "en-US", "<at>LB Doctor</at> my curl to the ELB IP fails from inside the cluster"),
        ("pt", "pt-BR", "não consigo acessar o IP do ELB de dentro do cluster"),
    ],
)
def test_a_conversation_by_clicks_and_words_reaches_the_clis_diagnosis(
    new_user: Callable[[str], TeamsUser],
    fake: FakeBotFramework,
    tmp_path: Path,
    lang: str,
    locale: str,
    opening: str,
) -> None:
    user = new_user(locale)
    sent = [user.say(opening)]
    clicked, typed = [], []
    while (card := user.last_card()) is not None and (fact := asked_fact(card.activity)):
        assert fact not in clicked + typed, f"{fact} asked twice"
        if fact in TYPED[lang]:
            typed.append(fact)
            sent.append(user.say(TYPED[lang][fact]))
        else:
            clicked.append(fact)
            sent.append(user.click(f'/inform{{"{fact}":"{NODEPORT_FAILS[fact]}"}}'))
        assert asked_fact(user.replies()[-1].activity) != fact, f"{fact} not understood"
    assert clicked and typed, (clicked, typed)

    # Each reply answers an activity of this conversation, as the bot, with the bot's token.
    replies = user.replies()
    assert {r.reply_to for r in replies} <= {a["id"] for a in sent}
    assert all(r.authorization == f"Bearer {fake.access_token}" for r in replies)
    assert all(r.activity["from"]["id"] == BOT_ID for r in replies)
    assert all(r.activity["recipient"]["aadObjectId"] == user.aad for r in replies)
    assert all(r.activity["replyToId"] == r.reply_to for r in replies)
    assert all(r.activity["conversation"]["id"] == user.conversation for r in replies)
    # The token was asked for once, by client credentials on our tenant, and reused.
    [grant] = fake.token_requests()
    assert grant.path == f"/{TENANT_ID}/oauth2/v2.0/token"
    assert grant.form() == {
        "grant_type": "client_credentials",
        "client_id": APP_ID,
        "client_secret": APP_PASSWORD,
        "scope": "https://api.botframework.com/.default",
    }

    # The diagnosis: an Adaptive Card with the CLI's verdict and fixes for the same facts.
    assert not any('"playbook"' in json.dumps(r.activity) for r in replies)
    slots = user.tracker()["slots"]
    facts = {k: slots[k] for k in (*FACTS, "error_message") if slots.get(k)}
    assert {k: facts[k] for k in clicked + typed} == {k: NODEPORT_FAILS[k] for k in clicked + typed}
    report = chat_cli_report(lang, facts, tmp_path)
    headline = say("headline_" + report["verdict"], lang)
    [diagnosis] = [c for r in replies for c in cards(r.activity) if headline in texts(c)]
    assert diagnosis["version"] == "1.5"
    body = texts(diagnosis["body"])
    recommended = [fix for fix in report["fixes"] if fix["recommended"]]
    assert recommended and report["verdict"] == "fails"
    shown = [fix["id"] for fix in report["fixes"] if any(f"({fix['id']}.yaml)" in t for t in body)]
    assert shown == [fix["id"] for fix in recommended]
    # Then "did it work?", with yes and no buttons.
    assert submits(replies[-1].activity) == ["/affirm", "/deny"]
