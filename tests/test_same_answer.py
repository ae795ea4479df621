"""The same answer everywhere: for the same facts, the command line, the HTTP API, the help page
and the chat assistant give the same verdict and the same fixes, in the same order."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .bot_helpers import ROOT, BotServers, Conversation
from .help_page import HelpPage

FAILS = {
    "service_type": "loadbalancer-dedicated",
    "external_traffic_policy": "Local",
    "access_type": "private",
    "client_location": "same-node",
    "network_model": "vpc",
    "proxy_mode": "ipvs",
}
# Verdicts written by hand from the FAQ's table and its precondition.
SCENARIOS = {
    "local-same-node-fails": (FAILS, "fails"),
    "cluster-policy-works": ({**FAILS, "external_traffic_policy": "Cluster"}, "works"),
    "outside-is-out-of-scope": ({**FAILS, "client_location": "outside-cluster"}, "out-of-scope"),
    "cloud-native-2-unsupported": ({**FAILS, "network_model": "cloud-native-2"}, "unsupported"),
    # The table's dedicated rows: the pod's node and its other containers fail.
    "container-same-node-tunnel": (
        {**FAILS, "client_location": "container-same-node", "network_model": "tunnel"},
        "fails",
    ),
}


def by_cli(facts: dict[str, str], lang: str) -> tuple[str, list[str]]:
    done = subprocess.run(
        [str(ROOT / ".venv/bin/lbdoctor"), "diagnose", "--json", "--lang", lang]
        + [f"{k}={v}" for k, v in facts.items()],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    return report["verdict"], [fix["id"] for fix in report["fixes"]]


def by_api(api: httpx.Client, facts: dict[str, str], lang: str) -> tuple[str, list[str]]:
    report = api.post("/v1/diagnose", json={"facts": facts, "lang": lang}).json()
    return report["verdict"], [fix["id"] for fix in report["fixes"]]


def by_help_page(api: httpx.Client, facts: dict[str, str], lang: str) -> tuple[str, list[str]]:
    page = HelpPage(api.get(f"/help?lang={lang}").text)
    while page.question is not None:
        page = HelpPage(api.get(page.click(page.question, facts[page.question])).text)
    assert page.verdict is not None
    return page.verdict, page.fix_ids


def by_bot(url: str, facts: dict[str, str], lang: str) -> tuple[str, list[str]]:
    talk = Conversation(url, f"same-{uuid.uuid4().hex[:8]}")
    try:
        talk.say(
            "o IP do ELB não responde de dentro do cluster"
            if lang == "pt"
            else "my ELB address fails from inside the cluster"
        )
        while (fact := talk.asked()) is not None:
            talk.click(fact, facts[fact])
        card: dict[str, Any] | None = talk.card()
        assert card is not None, talk.texts()
        return card["verdict"], [fix["id"] for fix in card["fixes"]]
    finally:
        talk.close()


@pytest.fixture(scope="module")
def api(bot_servers: BotServers) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=bot_servers.api_url, timeout=60) as client:
        yield client


@pytest.mark.parametrize("lang", ["en", "pt"])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_front_end_gives_the_same_verdict_and_fixes(
    bot_servers: BotServers, api: httpx.Client, scenario: str, lang: str
) -> None:
    facts, verdict = SCENARIOS[scenario]
    answers = {
        "cli": by_cli(facts, lang),
        "api": by_api(api, facts, lang),
        "help page": by_help_page(api, facts, lang),
        "bot": by_bot(bot_servers.url, facts, lang),
    }
    assert answers["cli"][0] == verdict
    assert all(answer == answers["cli"] for answer in answers.values()), answers
