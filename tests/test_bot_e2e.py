"""End to end: both servers started as `make run` starts them, full conversations over REST."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import psycopg
import pytest
import yaml

from knowledge.playbook import Playbook

from .bot_helpers import ROOT, BotServers, Conversation, cli_report
from .conftest import DATA

# A documented failure: NodePort with node-level affinity, from the pod's node to another node's IP.
NODEPORT_FAILS = {
    "service_type": "nodeport",
    "external_traffic_policy": "Local",
    "access_type": "public",
    "client_location": "same-node",
    "nodeport_target": "other-node",
    "network_model": "tunnel",
    "proxy_mode": "ipvs",
}
DEDICATED_FAILS = {
    "service_type": "loadbalancer-dedicated",
    "external_traffic_policy": "Local",
    "access_type": "private",
    "client_location": "same-node",
    "network_model": "vpc",
    "proxy_mode": "ipvs",
}
# How a Portuguese-speaking user answers each question in their own words.
PT_WORDS = {
    ("service_type", "loadbalancer-dedicated"): "é um LoadBalancer com ELB dedicado",
    ("service_type", "nodeport"): "é nodeport",
    ("external_traffic_policy", "Local"): "afinidade no nível do nó",
    ("access_type", "private"): "usa o IP privado",
    ("client_location", "same-node"): "do próprio nó onde o pod roda, mesmo nó",
    ("client_location", "other-node"): "de outro nó",
    ("access_type", "public"): "IP público",
    ("nodeport_target", "other-node"): "o IP de outro nó",
    ("network_model", "vpc"): "rede da VPC",
    ("network_model", "tunnel"): "rede de túnel",
    ("proxy_mode", "ipvs"): "modo ipvs",
    ("proxy_mode", "iptables"): "usamos iptables",
}


@pytest.fixture
def talk(bot_servers: BotServers) -> Iterator[Conversation]:
    conversation = Conversation(bot_servers.url, f"e2e-{uuid.uuid4().hex[:8]}")
    yield conversation
    conversation.close()


def answer_by_buttons(talk: Conversation, scenario: dict[str, str]) -> list[str]:
    asked = []
    while (fact := talk.asked()) is not None:
        assert fact not in asked, f"{fact} asked twice"
        asked.append(fact)
        talk.click(fact, scenario[fact])
    return asked


@pytest.mark.parametrize(
    ("lang", "hello", "problem", "verdict_line"),
    [
        (
            "en",
            "hi",
            "my curl to the ELB IP fails from inside the cluster",
            "Diagnosis: this access fails",
        ),
        (
            "pt",
            "oi",
            "não consigo acessar o IP do ELB de dentro do cluster",
            "Diagnóstico: esse acesso falha",
        ),
    ],
)
def test_button_path_gives_the_clis_diagnosis(
    talk: Conversation, tmp_path: Path, lang: str, hello: str, problem: str, verdict_line: str
) -> None:
    talk.say(hello)
    assert "LB Doctor" in talk.texts()[0]
    talk.say(problem)
    asked = answer_by_buttons(talk, NODEPORT_FAILS)
    assert asked[0] == "service_type" and len(asked) <= 6
    card = talk.card()
    assert card is not None and card.pop("type") == "diagnosis"
    assert card == cli_report(lang, card["facts"], tmp_path)
    assert talk.texts()[0].startswith(verdict_line)
    assert any("```yaml\n" in text for text in talk.texts())
    talk.say("why?" if lang == "en" else "por quê?")
    # The REST channel sends each paragraph as a message of its own.
    why = "\n\n".join(talk.texts())
    assert why.startswith("Why: " if lang == "en" else "Por quê: ")
    assert all(source["url"] in why for source in card["sources"])


def test_free_text_path_in_portuguese(talk: Conversation, tmp_path: Path) -> None:
    talk.say("meu curl pro IP do ELB dá connection refused de dentro do nó")
    while (fact := talk.asked()) is not None:
        talk.say(PT_WORDS[(fact, DEDICATED_FAILS[fact])])
        assert talk.asked() != fact, f"{PT_WORDS[(fact, DEDICATED_FAILS[fact])]!r} not understood"
    card = talk.card()
    assert card is not None and card["verdict"] == "fails"
    assert card["facts"]["error_message"].endswith("connection refused de dentro do nó")
    card.pop("type")
    error = card["facts"]["error_message"]
    facts = {k: v for k, v in card["facts"].items() if k != "error_message"}
    assert card == cli_report("pt", facts, tmp_path, "--error", error)
    assert any(text.startswith("Diagnóstico: esse acesso falha") for text in talk.texts())


def test_a_pasted_service_skips_its_questions(talk: Conversation, tmp_path: Path) -> None:
    service = DATA / "svc-dedicated-local.yaml"
    talk.say("$ kubectl get svc nginx -n shop -o yaml\n" + service.read_text())
    assert talk.texts()[0].startswith(
        "Understood: LoadBalancer Service with a dedicated load balancer"
    )
    asked = answer_by_buttons(talk, DEDICATED_FAILS)
    assert not {"service_type", "external_traffic_policy", "access_type"} & set(asked)
    card = talk.card()
    assert card is not None and card.pop("type") == "diagnosis"
    answered = {k: card["facts"][k] for k in asked}
    assert card == cli_report("en", answered, tmp_path, "--service-file", str(service))
    # A process on the node gets the ClusterIP of the pasted Service, not a cluster DNS name.
    assert "ClusterIP 10.247.12.34 (port 900)" in card["fixes"][0]["title"]


def test_language_switches_both_ways(talk: Conversation, playbook: Playbook) -> None:
    talk.say("the ELB address does not answer from inside the pod")
    assert talk.texts() == [playbook.fact("service_type").prompt.en]
    talk.say("responda em português")
    assert talk.texts() == [
        "Certo, vou responder em português.",
        playbook.fact("service_type").prompt.pt,
    ]
    assert talk.last[-1]["buttons"][0]["title"] == "Serviço NodePort"
    # Chosen explicitly, the language no longer follows the words.
    talk.say("my service is nodeport")
    assert talk.texts()[-1] == playbook.fact(talk.asked() or "").prompt.pt
    talk.say("answer in English")
    assert talk.texts()[0] == "Sure, I'll answer in English."


def test_the_first_messages_language_stays_through_the_buttons(
    talk: Conversation, playbook: Playbook
) -> None:
    talk.say("o balanceador não responde de dentro do pod")
    assert talk.texts() == [playbook.fact("service_type").prompt.pt]
    talk.click("service_type", "nodeport")
    assert talk.texts() == [playbook.fact(talk.asked() or "").prompt.pt]


def test_why_during_the_questions_and_start_over(talk: Conversation) -> None:
    talk.say("pods can't reach my service through the load balancer address")
    talk.say("why do you ask?")
    assert talk.texts()[0].startswith('I ask "What kind of Service does the client try to reach?"')
    assert talk.asked() == "service_type"
    talk.click("service_type", "nodeport")
    assert talk.asked() != "service_type"
    talk.say("start over")
    assert talk.texts()[0].startswith("Done, I've forgotten everything")
    talk.say("the elb ip fails from a pod")
    assert talk.asked() == "service_type"


BAD_INPUTS = [
    ("", "Your message was empty."),
    ("a" * 100_000, "Your message is too long (100000 characters"),
    ("\x00\x01\x1b[31mhello\x07", None),
    ("🔥🔥🔥 💥", "I couldn't find an answer"),
    # Typed answers that do not answer: two values, another language, a long ramble.
    ("shared or dedicated, no idea which", "I'm not sure which you mean"),
    # Another language: out of scope or not understood, depending on the model; what matters
    # is that the question stays open.
    ("ich weiß es leider nicht genau, vielleicht morgen", None),
    ("so basically what happens is that " * 7000, None),
    ('/inform{"service_type":"banana"}', '"banana" is not a valid answer for service_type.'),
    ('/inform{"service_type":', "I couldn't find an answer"),
    (
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: "{{ 7*7 }}"\nspec:\n  type: NodePort\n',
        "I couldn't read the pasted Service: metadata.name is '{{ 7*7 }}'",
    ),
    (
        "apiVersion: v1\nkind: Service\nmetadata: &m\n  name: web\nspec: *m\n",
        "I couldn't read the pasted Service",
    ),
]


def test_bad_input_is_answered_and_the_conversation_goes_on(
    talk: Conversation, bot_servers: BotServers
) -> None:
    talk.say("my elb fails from a pod")
    for text, said in BAD_INPUTS:
        talk.say(text)
        assert talk.texts(), f"no answer to {text[:40]!r}"
        if said is not None:
            assert any(t.startswith(said) for t in talk.texts()), (text[:40], talk.texts())
        # The open question is still there.
        assert talk.asked() == "service_type", (text[:40], talk.texts())
    talk.click("service_type", "loadbalancer-dedicated")
    assert talk.asked() not in (None, "service_type")
    logs = bot_servers.logs()
    assert "Traceback" not in logs and " ERROR " not in logs


def test_yaml_that_tries_to_add_keys_stays_a_value(talk: Conversation) -> None:
    service = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n"
        '  annotations:\n    note: "x\\nspec:\\n  hostNetwork: true"\n'
        "spec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n"
        "  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n"
    )
    talk.say(service)
    answer_by_buttons(talk, {**DEDICATED_FAILS, "service_type": "loadbalancer-shared"})
    card = talk.card()
    assert card is not None
    for fix in card["fixes"]:
        manifest = yaml.safe_load(fix["manifest"])
        assert set(manifest) == {"apiVersion", "kind", "metadata", "spec"}
        assert "hostNetwork" not in manifest["spec"]
        if fix["id"] != "use-cluster-ip":
            assert manifest["metadata"]["annotations"]["note"] == "x\nspec:\n  hostNetwork: true"


def test_lbdoctor_chat_in_a_terminal(bot_servers: BotServers) -> None:
    done = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "lbdoctor"),
            "chat",
            "--url",
            bot_servers.url,
            "--lang",
            "pt",
        ],
        input="o ELB dedicado não responde, IP privado, afinidade local, do mesmo nó do pod, rede vpc\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "Olá! Sou o LB Doctor" in done.stdout
    assert "Diagnóstico: esse acesso falha" in done.stdout
    assert "```yaml" in done.stdout
    assert "  1. Sim\n  2. Não\n" in done.stdout


@pytest.mark.parametrize("tracker_store", ["sqlite", "postgresql"])
def test_a_conversation_survives_a_restart_of_both_servers(
    tmp_path: Path, tracker_store: str, request: pytest.FixtureRequest
) -> None:
    env = {}
    if tracker_store == "postgresql":
        url = request.getfixturevalue("postgres_url")
        env["LBDOCTOR_TRACKER_URL"] = url.replace("postgresql+psycopg://", "postgresql://")
    servers = BotServers(tmp_path, env).start()
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    try:
        talk = Conversation(servers.url, sender)
        talk.say("o ELB não responde de dentro do cluster")
        talk.click("service_type", "nodeport")
        asked = talk.asked()
        assert asked is not None
        talk.close()
        servers.stop()
        servers.start()
        talk = Conversation(servers.url, sender)
        talk.say(PT_WORDS[(asked, NODEPORT_FAILS[asked])])
        # The earlier answers are remembered: nothing is asked again.
        assert "service_type" not in [asked, *answer_by_buttons(talk, NODEPORT_FAILS)][1:]
        card = talk.card()
        assert card is not None
        assert (
            card["facts"]["service_type"] == "nodeport"
            and card["facts"][asked] == NODEPORT_FAILS[asked]
        )
        assert talk.texts()[0].startswith("Diagnóstico:")
        talk.close()
    finally:
        servers.stop()
    assert stored_events(tracker_store, sender, tmp_path, request) > 10


def stored_events(
    tracker_store: str, sender: str, state: Path, request: pytest.FixtureRequest
) -> int:
    """How many events of this conversation the tracker store holds (Rasa's `events` table)."""
    query = "SELECT count(*) FROM events WHERE sender_id = ?"
    if tracker_store == "sqlite":
        with closing(sqlite3.connect(state / "conversations.db")) as db:
            return int(db.execute(query, (sender,)).fetchone()[0])
    url = request.getfixturevalue("postgres_url").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as db:
        row = db.execute(query.replace("?", "%s"), (sender,)).fetchone()
        assert row is not None
        return int(row[0])


def test_each_turn_s_server_time_is_split_into_its_parts(
    bot_servers: BotServers, talk: Conversation
) -> None:
    timings = Path(bot_servers.env["LBDOCTOR_TURN_TIMINGS"])
    before = len(timings.read_text().splitlines()) if timings.exists() else 0
    talk.say("my curl to the ELB IP fails from inside the cluster")
    talk.click("service_type", "nodeport")
    turns = [json.loads(line) for line in timings.read_text().splitlines()[before:]]
    assert len(turns) == 2
    for turn in turns:
        parts = turn["nlu_ms"] + turn["action_server_ms"] + turn["tracker_store_ms"]
        assert turn["nlu_ms"] > 0 and turn["tracker_store_ms"] > 0
        assert turn["rasa_other_ms"] == pytest.approx(turn["total_ms"] - parts, abs=0.01)
    # The form asks its questions through the action server.
    assert all(turn["action_server_ms"] > 0 for turn in turns)


def test_the_http_api_needs_the_token(bot_servers: BotServers) -> None:
    assert httpx.get(f"{bot_servers.url}/status").status_code == 401
    assert httpx.get(f"{bot_servers.url}/status", params={"token": "wrong"}).status_code == 401
    status = httpx.get(f"{bot_servers.url}/status", params={"token": bot_servers.token})
    assert status.status_code == 200 and status.json()["model_file"].endswith("lbdoctor.tar.gz")


def test_the_socketio_channel_answers_a_handshake(bot_servers: BotServers) -> None:
    # Engine.IO's polling handshake: an "open" packet (type 0) carrying the session id.
    response = httpx.get(
        f"{bot_servers.url}/socket.io/", params={"EIO": "4", "transport": "polling"}
    )
    assert response.status_code == 200
    assert response.text.startswith("0") and '"sid"' in response.text


# --- understanding people --------------------------------------------------------------------------


def click_until(talk: Conversation, wanted: str, scenario: dict[str, str]) -> None:
    """Answer by buttons until the bot asks `wanted`."""
    while (fact := talk.asked()) != wanted:
        assert fact is not None, talk.texts()
        talk.click(fact, scenario[fact])


def answer_in_words(talk: Conversation, words: dict[str, str]) -> list[str]:
    """Answer every question with the words given for it; each must be understood at once."""
    asked = []
    while (fact := talk.asked()) is not None:
        assert fact not in asked, f"{fact} asked twice: {talk.texts()}"
        asked.append(fact)
        talk.say(words[fact])
    return asked


def test_an_address_in_the_error_answers_public_or_private(
    talk: Conversation, tmp_path: Path
) -> None:
    error = "curl: (7) Failed to connect to 192.168.10.36 port 900: Connection refused"
    talk.say(f"meu curl pro IP do balanceador dedicado dá isso: {error}")
    assert talk.texts()[0].startswith("Entendi:") and "192.168.10.36" in talk.texts()[0]
    asked = answer_in_words(
        talk,
        {
            "external_traffic_policy": "afinidade no nível do nó",
            "client_location": "do próprio nó onde o pod roda",
            "network_model": "rede da vpc",
            "proxy_mode": "modo ipvs",
        },
    )
    assert "access_type" not in asked
    card = talk.card()
    assert card is not None and card.pop("type") == "diagnosis"
    facts = {k: v for k, v in card["facts"].items() if k not in ("error_message", "access_type")}
    assert card == cli_report("pt", facts, tmp_path, "--error", card["facts"]["error_message"])


def test_a_portuguese_opening_with_a_pasted_service_is_answered_in_portuguese(
    talk: Conversation, tmp_path: Path
) -> None:
    service = DATA / "svc-dedicated-local.yaml"
    error = "curl: (7) Failed to connect to 192.168.10.36 port 900: Connection refused"
    talk.say(
        f"meu curl pro IP do balanceador dá connection refused: {error}\n{service.read_text()}"
    )
    assert talk.texts()[0].startswith(
        "Entendi: Serviço LoadBalancer com balanceador de carga dedicado"
    )
    asked = answer_in_words(
        talk,
        {
            "client_location": "de um pod em outro nó",
            "network_model": "túnel",
            "proxy_mode": "usamos iptables",
        },
    )
    assert not {"service_type", "access_type", "external_traffic_policy"} & set(asked)
    card = talk.card()
    assert card is not None and card.pop("type") == "diagnosis"
    assert any(text.startswith("Diagnóstico:") for text in talk.texts())
    answered = {k: card["facts"][k] for k in asked}
    said = card["facts"]["error_message"]
    assert said.endswith(error)  # the line that names the failure
    assert card == cli_report(
        "pt", answered, tmp_path, "--service-file", str(service), "--error", said
    )


def test_how_do_i_check_and_skip_reach_a_verdict_per_answer(
    talk: Conversation, tmp_path: Path
) -> None:
    talk.say("my dedicated ELB's private address refuses connections from the pod's node")
    click_until(talk, "network_model", DEDICATED_FAILS)
    offered = [b["payload"] for m in talk.last for b in m.get("buttons", [])]
    assert "/how_to_check" in offered and "/skip" in offered
    talk.say("/how_to_check")
    assert any("spec.containerNetwork.mode" in text for text in talk.texts())
    assert talk.asked() == "network_model"  # asked again after the help
    talk.say("/skip")
    card = talk.card()
    assert card is not None and card.pop("type") == "diagnosis"
    assert card["verdict"] == "depends"
    assert card == cli_report("en", dict(card["facts"]), tmp_path, "--skip", "network_model")


def test_an_unclear_answer_is_confirmed_not_guessed(talk: Conversation) -> None:
    talk.say("the nodeport doesn't answer")
    click_until(talk, "network_model", NODEPORT_FAILS)
    talk.say("vpc or tunnel, not sure")
    assert talk.asked() == "network_model"
    offered = [b["payload"] for m in talk.last for b in m.get("buttons", [])]
    assert offered == ['/inform{"network_model":"tunnel"}', '/inform{"network_model":"vpc"}']
    talk.click("network_model", "tunnel")
    assert talk.asked() != "network_model"


def test_an_earlier_answer_is_corrected_in_words(talk: Conversation) -> None:
    talk.say("my nodeport fails from another node")
    click_until(talk, "proxy_mode", NODEPORT_FAILS)
    talk.say("ipvs. oh and actually the network is VPC, not tunnel")
    assert talk.texts()[0] == "Understood: VPC network (vpc-router); IPVS."
    answer_by_buttons(talk, NODEPORT_FAILS)
    card = talk.card()
    assert card is not None
    assert card["facts"]["network_model"] == "vpc" and card["facts"]["proxy_mode"] == "ipvs"


def test_nlu_reads_the_words_around_a_paste_and_keeps_the_whole_message(
    bot_servers: BotServers,
) -> None:
    """NLU reads both ends of a long message (bot/server.py): the words after a pasted Service
    decide its intent, and the parse keeps the whole text for the actions."""
    text = (DATA / "svc-dedicated-local.yaml").read_text() + "\nI want to talk to a human"
    parsed = httpx.post(
        f"{bot_servers.url}/model/parse",
        params={"token": bot_servers.token},
        json={"text": text},
    ).json()
    assert parsed["intent"]["name"] == "human"
    assert parsed["text"] == text
