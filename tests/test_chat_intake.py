"""Reading chat messages: the language they are in, and every fact one message reveals."""

from __future__ import annotations

import pytest

from knowledge.intake.language import detect_language, named_language
from knowledge.understanding import MAX_ERROR_LINE, AnswerReader, read_message

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
                "access_type": "private",
                "error_message": "curl: (7) Failed to connect to 10.0.0.5 port 80: Connection refused",
            },
        ),
    ],
)
def test_read_message_facts(
    reader: AnswerReader, text: str, asked: str | None, facts: dict[str, str]
) -> None:
    reading = read_message(text, reader, asked)
    assert reading.facts == facts
    assert reading.service is None and reading.problem is None


def test_a_pasted_service_is_read_without_its_words(reader: AnswerReader) -> None:
    # "internal" and "vpc" inside a manifest say nothing about the user's case.
    text = (DATA / "svc-dedicated-local.yaml").read_text() + "\n# vpc internal\n"
    reading = read_message(text, reader)
    assert reading.service is not None and reading.service.name == "nginx"
    assert reading.facts == reading.service.facts


def test_a_broken_paste_gives_the_problem(reader: AnswerReader) -> None:
    reading = read_message("apiVersion: v1\nkind: Service\nmetadata: [", reader)
    assert reading.service is None
    assert reading.problem is not None and str(reading.problem).startswith(
        "the pasted YAML is broken"
    )
    assert reading.problem.get("pt").startswith("o YAML colado está quebrado")


def test_the_error_fact_is_one_bounded_line(reader: AnswerReader) -> None:
    line = "curl: (7) Connection refused " + "x" * 2000
    assert read_message(line, reader).facts["error_message"] == line[:MAX_ERROR_LINE]


@pytest.mark.parametrize(
    "paste",
    [
        "apiVersion: v1\nkind: Service\nmetadata: [",
        "apiVersion: v1\nkind: Service\nmetadata: &a {name: x}\nspec: *a\n",
        '{"apiVersion": "v1", "kind": "Service", "metadata": ',
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Name\nspec: {}\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n"
        "  externalTrafficPolicy: Sometimes\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: [a]\nspec: {}\n",
        "apiVersion: v1\nkind: List\nitems: []\n",
    ],
)
def test_a_paste_problem_is_told_in_portuguese_too(reader: AnswerReader, paste: str) -> None:
    problem = read_message(paste, reader).problem
    assert problem is not None
    assert problem.get("pt") != problem.get("en")
    assert detect_language(problem.get("pt")) == "pt", problem.get("pt")
