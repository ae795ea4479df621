"""Reading chat messages: the language they are in, and every fact one message reveals."""

from __future__ import annotations

import pytest

from knowledge.intake.language import detect_language, named_language
from knowledge.intake.message import MAX_ERROR_LINE, read_message
from knowledge.playbook import Playbook

from .conftest import DATA


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("meu curl pro IP do ELB dá connection refused de dentro do pod", "pt"),
        ("não consigo acessar o serviço", "pt"),
        ("oi", "pt"),
        ("obrigado!", "pt"),
        ("my curl to the ELB IP fails from inside the pod", "en"),
        ("hello", "en"),
        ("thanks!", "en"),
        # Too little to tell: an answer, a paste, a number.
        ("vpc", None),
        ("ipvs", None),
        ("Local", None),
        ("3", None),
        ("🔥🔥", None),
        ("apiVersion: v1\nkind: Service", None),
        ("$ kubectl get svc web -o yaml\napiVersion: v1\nkind: Service\nmetadata: {name: o}", None),
        ("curl: (7) Failed to connect to 10.0.0.5 port 80 after 0 ms: Connection refused", None),
        ("o erro é curl: (7) Failed to connect to 10.0.0.5 port 80: Connection refused", "pt"),
    ],
)
def test_detect_language(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("answer in English", "en"),
        ("responda em inglês", "en"),
        ("responda em português", "pt"),
        ("in Portuguese please", "pt"),
        ("switch language", None),
        ("english or portuguese?", None),
    ],
)
def test_named_language(text: str, lang: str | None) -> None:
    assert named_language(text) == lang


@pytest.mark.parametrize(
    ("text", "asked", "facts"),
    [
        (
            "meu curl pro IP do ELB dá connection refused, rede vpc, modo ipvs",
            None,
            {
                "network_model": "vpc",
                "proxy_mode": "ipvs",
                "error_message": "meu curl pro IP do ELB dá connection refused, rede vpc, modo ipvs",
            },
        ),
        ("other node", "client_location", {"client_location": "other-node"}),
        ("other node", "nodeport_target", {"nodeport_target": "other-node"}),
        ("Local", "external_traffic_policy", {"external_traffic_policy": "Local"}),
        ("Local", "client_location", {}),
        (
            "pod logs:\nGET / 200\ncurl: (7) Failed to connect to 10.0.0.5 port 80: Connection refused\nbye",
            None,
            {
                "error_message": "curl: (7) Failed to connect to 10.0.0.5 port 80: Connection refused"
            },
        ),
    ],
)
def test_read_message_facts(
    playbook: Playbook, text: str, asked: str | None, facts: dict[str, str]
) -> None:
    reading = read_message(text, playbook, asked)
    assert reading.facts == facts
    assert reading.service is None and reading.problem is None


def test_a_pasted_service_is_read_without_its_words(playbook: Playbook) -> None:
    # "internal" and "vpc" inside a manifest say nothing about the user's case.
    text = (DATA / "svc-dedicated-local.yaml").read_text() + "\n# vpc internal\n"
    reading = read_message(text, playbook)
    assert reading.service is not None and reading.service.name == "nginx"
    assert reading.facts == reading.service.facts


def test_a_broken_paste_gives_the_problem(playbook: Playbook) -> None:
    reading = read_message("apiVersion: v1\nkind: Service\nmetadata: [", playbook)
    assert reading.service is None
    assert reading.problem is not None and reading.problem.startswith("the pasted YAML is broken")


def test_the_error_fact_is_one_bounded_line(playbook: Playbook) -> None:
    line = "curl: (7) Connection refused " + "x" * 2000
    assert read_message(line, playbook).facts["error_message"] == line[:MAX_ERROR_LINE]
