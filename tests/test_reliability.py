"""Reliability (issue 9, item 4): the production topology on this machine (scripts/topology.py:
PostgreSQL, Redis, one action server, two Rasa servers, nginx), parts killed and restarted
under a conversation. Nothing the user said is lost, and a turn no part could finish gets a
plain answer in the user's language, never silence or a hang."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from .bot_helpers import ROOT, Conversation, cli_report, payload
from .test_bot_e2e import NODEPORT_FAILS, PT_WORDS

sys.path.insert(0, str(ROOT / "scripts"))
import serve
from topology import Ports, Topology

MESSAGES = {
    lang: yaml.safe_load((ROOT / "knowledge" / "messages" / f"{lang}.yaml").read_text("utf-8"))
    for lang in ("en", "pt")
}
OPENING = {
    "en": "my curl to the ELB IP fails from inside the cluster",
    "pt": "o ELB não responde de dentro do cluster",
}


# --- LBDOCTOR_REDIS_URL (no servers) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "lock_store", "env"),
    [
        ("", None, {}),
        ("redis://cache", {"type": "redis", "url": "cache", "port": 6379, "db": 0, "key_prefix": "lbdoctor"}, {}),
        (
            "redis://:p%40ss@cache:6380/1",
            {"type": "redis", "url": "cache", "port": 6380, "db": 1, "key_prefix": "lbdoctor",
             "password": "${LBDOCTOR_REDIS_PASSWORD}"},
            {"LBDOCTOR_REDIS_PASSWORD": "p@ss"},
        ),
        (
            "rediss://default:pw@cache/2",
            {"type": "redis", "url": "cache", "port": 6379, "db": 2, "key_prefix": "lbdoctor",
             "use_ssl": True, "password": "${LBDOCTOR_REDIS_PASSWORD}"},
            {"LBDOCTOR_REDIS_PASSWORD": "pw"},
        ),
    ],
)  # fmt: skip
def test_the_redis_url_turns_on_the_lock_store_with_the_password_kept_in_the_environment(
    tmp_path: Path, url: str, lock_store: dict[str, object] | None, env: dict[str, str]
) -> None:
    path, lock_env = serve.endpoints_file({"LBDOCTOR_REDIS_URL": url}, tmp_path)
    written = yaml.safe_load(path.read_text())
    assert written.get("lock_store") == lock_store and lock_env == env
    assert "pw" not in path.read_text() and "p@ss" not in path.read_text()
    # The tracker store and the action server are bot/endpoints.yml's.
    bot = yaml.safe_load((ROOT / "bot" / "endpoints.yml").read_text())
    assert {k: v for k, v in written.items() if k != "lock_store"} == bot


@pytest.mark.parametrize(
    "url",
    ["http://cache:6379", "redis://:s3cret-pw@cache:port/0", "redis://:s3cret-pw@cache/zero",
     "redis://admin:s3cret-pw@cache/0", "redis://"],
)  # fmt: skip
def test_a_bad_redis_url_stops_the_launcher_without_its_password(url: str) -> None:
    with pytest.raises(SystemExit, match="LBDOCTOR_REDIS_URL") as refused:
        serve.lock_store({"LBDOCTOR_REDIS_URL": url})
    assert "s3cret-pw" not in str(refused.value)


# --- the topology ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster() -> Iterator[Topology]:
    # In the temporary folder itself, not pytest's (private to us): PostgreSQL, Redis and nginx
    # run as their own users and must reach their folders.
    state = Path(tempfile.mkdtemp(prefix="lbdoctor-reliability-"))
    topology = Topology(state, {**os.environ, "LBDOCTOR_API_TOKEN": "test-token"}, Ports.free())
    topology.start()
    yield topology
    topology.stop()
    shutil.rmtree(state, ignore_errors=True)


def answer(conversation: Conversation, lang: str) -> str:
    """Answer the open question (in words in Portuguese, by button in English); the fact asked."""
    fact = conversation.asked()
    assert fact is not None, conversation.last
    value = NODEPORT_FAILS[fact]
    if lang == "pt" and (fact, value) in PT_WORDS:
        conversation.say(PT_WORDS[(fact, value)])
    else:
        conversation.click(fact, value)
    return fact


def finish(conversation: Conversation, lang: str, tmp_path: Path, urls: list[str]) -> list[str]:
    """Answer every question left, turn by turn on each of `urls` in turn; the diagnosis is the
    CLI's for the same facts. The questions asked."""
    asked: list[str] = []
    while conversation.asked() is not None:
        conversation.switch(urls[len(asked) % len(urls)])
        asked.append(answer(conversation, lang))
        assert asked.count(asked[-1]) == 1, f"{asked[-1]} asked twice"
    card = conversation.card()
    assert card is not None and card.pop("type") == "diagnosis", conversation.last
    assert card["verdict"] == "fails" and card == cli_report(lang, card["facts"], tmp_path)
    return asked


OPENED: list[Conversation] = []


@pytest.fixture(autouse=True)
def _close_conversations() -> Iterator[None]:
    yield
    while OPENED:
        OPENED.pop().close()


def start(cluster: Topology, lang: str, url: str | None = None) -> Conversation:
    """A conversation with its first question answered; the next question is open."""
    conversation = Conversation(url or cluster.url, f"reliability-{uuid.uuid4().hex[:8]}")
    OPENED.append(conversation)
    conversation.say(OPENING[lang])
    answer(conversation, lang)
    assert conversation.asked() is not None
    return conversation


def user_turns(cluster: Topology, sender: str) -> int:
    """The user messages of this conversation in the shared tracker store."""
    query = f"SELECT count(*) FROM events WHERE sender_id = '{sender}' AND type_name = 'user'"
    return int(cluster.psql(query))


def lock_sets(cluster: Topology) -> int:
    """How many SET commands Redis has run: Rasa's lock store saves each ticket with one."""
    for line in cluster.redis_cli("INFO", "commandstats").splitlines():
        if line.startswith("cmdstat_set:"):
            return int(line.split("calls=")[1].split(",")[0])
    return 0


def locks_left(cluster: Topology) -> str:
    return cluster.redis_cli("--scan", "--pattern", "lbdoctor:*")


def test_a_conversation_alternating_between_the_rasa_servers_gets_the_clis_diagnosis(
    cluster: Topology, tmp_path: Path
) -> None:
    sets = lock_sets(cluster)
    conversation = start(cluster, "en", cluster.rasa_urls[1])
    asked = finish(conversation, "en", tmp_path, cluster.rasa_urls)
    assert len(asked) >= 3 and user_turns(cluster, conversation.sender) == len(asked) + 2
    # Every turn took a Redis lock, and gave it back.
    assert lock_sets(cluster) >= sets + len(asked) + 2 and locks_left(cluster) == ""


def test_a_rasa_server_killed_mid_conversation_loses_nothing(
    cluster: Topology, tmp_path: Path
) -> None:
    conversation = start(cluster, "en")
    open_question = conversation.asked()
    cluster.kill("rasa-1")
    try:
        # nginx sends the turn to rasa-2, which has the conversation at the same question.
        assert answer(conversation, "en") == open_question
        assert conversation.asked() not in (None, open_question)
    finally:
        cluster.restart("rasa-1")
    # The restarted server goes on from there too.
    asked = finish(conversation, "en", tmp_path, [cluster.rasa_urls[0], cluster.url])
    assert open_question not in asked and user_turns(cluster, conversation.sender) == len(asked) + 3


def test_the_action_server_down_is_said_in_the_users_language_and_then_served_again(
    cluster: Topology, tmp_path: Path
) -> None:
    conversation = start(cluster, "pt")
    open_question = conversation.asked()
    turns = user_turns(cluster, conversation.sender)
    cluster.kill("actions")
    try:
        for url in cluster.rasa_urls:
            conversation.switch(url)
            conversation.say(PT_WORDS[(open_question, NODEPORT_FAILS[open_question])])
            assert conversation.texts() == [MESSAGES["pt"]["unavailable_actions"]]
        # The turns it could not finish are not kept: the question is still open.
        assert user_turns(cluster, conversation.sender) == turns
    finally:
        cluster.restart("actions")
    conversation.last = opened_again(open_question)
    asked = finish(conversation, "pt", tmp_path, cluster.rasa_urls)
    assert asked[0] == open_question


def opened_again(fact: str | None) -> list[dict[str, object]]:
    """The question's buttons, as the bot offered them before the failed turns."""
    assert fact is not None
    return [{"buttons": [{"payload": payload(fact, NODEPORT_FAILS[fact])}]}]


def test_postgresql_killed_and_restarted_under_traffic_loses_no_turn(
    cluster: Topology, tmp_path: Path
) -> None:
    conversations = [start(cluster, "en", url) for url in cluster.rasa_urls]
    questions = [c.asked() for c in conversations]
    cluster.kill("postgres")
    try:
        for conversation, question in zip(conversations, questions, strict=True):
            conversation.say(payload(question, NODEPORT_FAILS[question]))
            assert conversation.texts() == [MESSAGES["en"]["unavailable_storage"]]
    finally:
        cluster.restart("postgres")
    for conversation, question in zip(conversations, questions, strict=True):
        conversation.last = opened_again(question)
        asked = finish(conversation, "en", tmp_path, [cluster.url])
        assert asked[0] == question
        assert user_turns(cluster, conversation.sender) == len(asked) + 2


def test_redis_restarted_leaves_no_stuck_lock(cluster: Topology, tmp_path: Path) -> None:
    conversation = start(cluster, "en")
    question = conversation.asked()
    cluster.services["redis"].stop()
    try:
        conversation.say(payload(question, NODEPORT_FAILS[question]))
        assert conversation.texts() == [MESSAGES["en"]["unavailable_storage"]]
    finally:
        cluster.restart("redis")
    conversation.last = opened_again(question)
    asked = finish(conversation, "en", tmp_path, cluster.rasa_urls)
    assert asked[0] == question and locks_left(cluster) == ""
    assert user_turns(cluster, conversation.sender) == len(asked) + 2


def test_the_redis_password_is_on_no_command_line_and_in_no_log(cluster: Topology) -> None:
    password = cluster.redis_password
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            assert password not in (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue  # gone meanwhile
    for log in cluster.state.rglob("*.log"):
        assert password not in log.read_text(errors="replace"), log


def test_nginx_carries_the_widgets_socketio_and_its_websocket_upgrade(cluster: Topology) -> None:
    handshake = httpx.get(f"{cluster.url}/socket.io/?EIO=4&transport=polling", timeout=30)
    assert handshake.status_code == 200 and handshake.text.startswith('0{"sid":')
    with socket.create_connection(("127.0.0.1", cluster.ports.proxy), timeout=30) as connection:
        connection.sendall(
            b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            b"Host: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        assert connection.recv(64).startswith(b"HTTP/1.1 101 ")


# --- a playbook published while conversations are open --------------------------------------------

SHIPPED = ROOT / "knowledge" / "playbooks" / "elb-in-cluster-access.yaml"


def publish(cluster: Topology, text: str, folder: Path) -> None:
    """`lbdoctor knowledge publish` against the cluster's knowledge store, then the action
    server restarted, as a deployment does: it loads the latest published playbook at start."""
    path = folder / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "lbdoctor"), "knowledge", "publish", str(path)],
        env={**os.environ, "LBDOCTOR_DATABASE_URL": cluster.database_url},
        check=True,
        capture_output=True,
    )
    cluster.restart("actions")


def test_a_playbook_with_a_renamed_fact_waits_for_a_bot_that_can_ask_it(
    cluster: Topology, tmp_path: Path
) -> None:
    conversation = start(cluster, "en")
    renamed = re.sub(r"\bnodeport_target\b", "nodeport_address", SHIPPED.read_text("utf-8"))
    publish(cluster, renamed, tmp_path)
    # The bot has no slot for `nodeport_address`: it keeps asking the shipped questions, and the
    # open conversation ends as it would have.
    asked = finish(conversation, "en", tmp_path, cluster.rasa_urls)
    assert "nodeport_target" in asked
    assert "not used: the bot has no slot for its facts nodeport_address" in (
        cluster.services["actions"].log.read_text()
    )


def test_a_playbook_with_a_fact_removed_serves_open_conversations(
    cluster: Topology, tmp_path: Path
) -> None:
    conversation = start(cluster, "pt")
    playbook = yaml.safe_load(SHIPPED.read_text("utf-8"))
    playbook["facts"] = [fact for fact in playbook["facts"] if fact["name"] != "error_message"]
    publish(cluster, yaml.safe_dump(playbook, sort_keys=False, allow_unicode=True), tmp_path)
    while conversation.asked() is not None:
        answer(conversation, "pt")
    card = conversation.card()
    assert card is not None, conversation.last
    expected = cli_report("pt", card["facts"], tmp_path)
    # The new version answers, with the shipped one's diagnosis (only an unused fact is gone).
    assert card["playbook_version"] != expected["playbook_version"]
    assert "error_message" not in card["facts"]
    assert [card[k] for k in ("verdict", "fixes")] == [expected[k] for k in ("verdict", "fixes")]
