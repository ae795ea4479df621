"""The knowledge API over real HTTP, started as `make run` starts it: every endpoint, the
`lbdoctor diagnose --json` contract, problem+json for each kind of bad input, the token on
publish, and the OpenAPI document validated."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from knowledge.playbook import load_playbook

from .api_helpers import TOKEN, ApiServer
from .bot_helpers import ROOT
from .conftest import DATA

PROBLEM = "application/problem+json"
FULL = {
    "service_type": "loadbalancer-dedicated",
    "external_traffic_policy": "Local",
    "access_type": "private",
    "client_location": "same-node",
    "network_model": "vpc",
    "proxy_mode": "ipvs",
}
ERROR = "curl: (7) Failed to connect to 192.168.10.36 port 80: Connection refused"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    server = ApiServer(tmp_path_factory.mktemp("api")).start()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client
    server.stop()


def cli_json(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "lbdoctor"), "diagnose", "--json", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def assert_problem(response: httpx.Response, status: int, **expected: Any) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    for key, value in expected.items():
        assert body[key] == value, (key, body)
    return body


# --- POST /v1/diagnose: the CLI's object --------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "facts", "service_file", "error"),
    [
        ("en", FULL, None, None),
        ("pt", {**FULL, "proxy_mode": "IPVS", "network_model": "VPC"}, None, None),
        ("en", {"service_type": "nodeport"}, None, None),
        ("en", {"client_location": "other-node"}, "svc-dedicated-local.yaml", ERROR),
        ("pt", {}, "svc-shared-public.json", "upstream connect error or disconnect/reset"),
    ],
)
def test_diagnose_answers_exactly_what_the_cli_prints(
    api: httpx.Client,
    lang: str,
    facts: dict[str, str],
    service_file: str | None,
    error: str | None,
) -> None:
    body: dict[str, Any] = {"facts": facts, "lang": lang}
    args = ["--lang", lang, *(f"{k}={v}" for k, v in facts.items())]
    if service_file:
        body["service"] = (DATA / service_file).read_text()
        args += ["--service-file", str(DATA / service_file)]
    if error:
        body["error"] = error
        args += ["--error", error]
    response = api.post("/v1/diagnose", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json(*args)


def test_skipped_questions_give_the_verdict_per_answer(api: httpx.Client) -> None:
    facts = {k: v for k, v in FULL.items() if k != "network_model"}
    response = api.post("/v1/diagnose", json={"facts": facts, "skip": ["network_model"]})
    assert response.json() == cli_json(
        "--skip", "network_model", *(f"{k}={v}" for k, v in facts.items())
    )


@pytest.mark.parametrize(
    ("header", "lang"),
    [("pt-BR,pt;q=0.9,en;q=0.8", "pt"), ("en-US,en;q=0.9", "en"), ("fr-FR, pt;q=0.5", "pt")],
)
def test_accept_language_chooses_when_the_body_does_not(
    api: httpx.Client, header: str, lang: str
) -> None:
    answer = api.post("/v1/diagnose", json={"facts": FULL}, headers={"Accept-Language": header})
    expected = cli_json("--lang", lang, *(f"{k}={v}" for k, v in FULL.items()))
    assert answer.json()["explanation"] == expected["explanation"]


def test_the_body_language_wins_over_accept_language(api: httpx.Client) -> None:
    answer = api.post(
        "/v1/diagnose", json={"facts": FULL, "lang": "en"}, headers={"Accept-Language": "pt-BR"}
    )
    assert answer.json()["explanation"].startswith("kube-proxy programs")


# --- bad input: problem+json with the field and the valid values --------------------------------


def test_an_unknown_fact_names_the_field_and_the_facts(api: httpx.Client) -> None:
    body = assert_problem(
        api.post("/v1/diagnose", json={"facts": {"colour": "blue"}}), 422, field="facts.colour"
    )
    assert "service_type" in body["valid"] and "proxy_mode" in body["valid"]


def test_a_bad_value_names_the_fact_and_its_values(api: httpx.Client) -> None:
    assert_problem(
        api.post("/v1/diagnose", json={"facts": {"proxy_mode": "nftables"}}),
        422,
        field="facts.proxy_mode",
        valid=["ipvs", "iptables"],
    )


def test_a_bad_language_names_the_languages(api: httpx.Client) -> None:
    assert_problem(
        api.post("/v1/diagnose", json={"lang": "fr"}), 422, field="lang", valid=["en", "pt"]
    )


def test_a_five_megabyte_body_is_refused_unread(api: httpx.Client) -> None:
    big = json.dumps({"error": "x" * 5_000_000})
    assert_problem(
        api.post("/v1/diagnose", content=big, headers={"content-type": "application/json"}),
        413,
    )


def test_broken_yaml_in_the_service_is_a_problem_of_that_field(api: httpx.Client) -> None:
    broken = "apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n"
    assert_problem(api.post("/v1/diagnose", json={"service": broken}), 422, field="service")


def test_a_body_that_is_not_json_is_a_bad_request(api: httpx.Client) -> None:
    assert_problem(
        api.post("/v1/diagnose", content=b"{facts:", headers={"content-type": "application/json"}),
        400,
    )


def test_an_unknown_body_field_is_refused(api: httpx.Client) -> None:
    assert_problem(api.post("/v1/diagnose", json={"fact": {}}), 422, field="fact")


def test_an_unknown_path_is_a_problem_too(api: httpx.Client) -> None:
    assert_problem(api.get("/v1/nothing"), 404)


def test_a_forged_skip_is_named(api: httpx.Client) -> None:
    assert_problem(api.post("/v1/diagnose", json={"skip": ["colour"]}), 422, field="skip.colour")


# --- GET /v1/questions/next ---------------------------------------------------------------------


def test_next_question_with_its_options_and_how_to_check(api: httpx.Client) -> None:
    answer = api.get("/v1/questions/next", params={"service_type": "nodeport", "lang": "pt"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["verdict"] is None and body["facts"] == {"service_type": "nodeport"}
    question = body["question"]
    assert question["fact"] == cli_json("service_type=nodeport")["next_question"]
    assert question["prompt"].startswith("Onde")
    assert {o["value"] for o in question["options"]} == {
        "same-node", "other-node", "container-same-node", "container-other-node", "outside-cluster",
    }  # fmt: skip
    assert question["how_to_check"]["command"] == "kubectl get pods -n NAMESPACE -o wide"
    assert question["how_to_check"]["source"]["url"].startswith("https://")


def test_no_question_once_the_facts_decide(api: httpx.Client) -> None:
    body = api.get("/v1/questions/next", params=FULL).json()
    assert body == {"facts": FULL, "question": None, "verdict": "fails"}


def test_next_question_refuses_an_unknown_fact(api: httpx.Client) -> None:
    assert_problem(api.get("/v1/questions/next", params={"colour": "blue"}), 422, field="colour")


# --- playbooks ----------------------------------------------------------------------------------


def test_playbooks_list_and_detail(api: httpx.Client) -> None:
    shipped = load_playbook()
    [listed] = api.get("/v1/playbooks").json()
    assert listed["name"] == shipped.id and listed["latest"]["digest"] == shipped.digest
    detail = api.get(f"/v1/playbooks/{shipped.id}").json()
    assert detail["in_use"] == shipped.digest
    assert [f["name"] for f in detail["facts"]] == list(shipped.fact_names)
    assert {f["id"] for f in detail["fixes"]} == set(shipped.fixes)
    assert {s["url"] for s in detail["sources"]} == {s.url for s in shipped.sources.values()}
    assert_problem(api.get("/v1/playbooks/nope"), 404)


@pytest.fixture
def fresh_api(tmp_path: Path) -> Iterator[httpx.Client]:
    server = ApiServer(tmp_path).start()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client
    server.stop()


def test_publishing_needs_the_token_and_a_valid_playbook(fresh_api: httpx.Client) -> None:
    shipped = load_playbook()
    edited = shipped.text.replace(
        "In-cluster access to a Service's load-balancer address fails (CCE)",
        "In-cluster access to a Service's ELB address fails (CCE)",
        1,
    )
    assert edited != shipped.text
    yaml_type = {"content-type": "application/yaml"}
    assert_problem(fresh_api.post("/v1/playbooks", content=edited, headers=yaml_type), 401)
    wrong = {**yaml_type, "Authorization": "Bearer nope"}
    assert_problem(fresh_api.post("/v1/playbooks", content=edited, headers=wrong), 401)
    good = {**yaml_type, "Authorization": f"Bearer {TOKEN}"}
    invalid = edited.replace("outcomes:", "outcomez:", 1)
    problem = assert_problem(fresh_api.post("/v1/playbooks", content=invalid, headers=good), 422)
    assert problem["errors"] and problem["errors"][0]["problem"]
    published = fresh_api.post("/v1/playbooks", content=edited, headers=good)
    assert published.status_code == 201, published.text
    assert published.json()["number"] == 2 and published.json()["new"] is True
    again = fresh_api.post("/v1/playbooks", content=edited, headers=good)
    assert again.status_code == 200 and again.json()["new"] is False
    detail = fresh_api.get(f"/v1/playbooks/{shipped.id}").json()
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    assert detail["in_use"] == published.json()["digest"] != shipped.digest
    diagnosis = fresh_api.post("/v1/diagnose", json={"facts": FULL}).json()
    assert diagnosis["playbook_version"] == published.json()["digest"]


# --- health, metrics, documentation -------------------------------------------------------------


def test_health_and_readiness(api: httpx.Client) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz").json()
    assert ready["status"] == "ready" and ready["version"] == load_playbook().digest


def test_metrics_count_requests_and_verdicts(api: httpx.Client) -> None:
    before = api.get("/metrics").text
    api.post("/v1/diagnose", json={"facts": FULL})
    after = api.get("/metrics").text

    def value(text: str, series: str) -> float:
        for line in text.splitlines():
            if line.startswith(series + " "):
                return float(line.split()[-1])
        return 0.0

    fails = 'lbdoctor_diagnoses_total{verdict="fails"}'
    requests = 'lbdoctor_api_requests_total{method="POST",route="/v1/diagnose",status="200"}'
    assert value(after, fails) == value(before, fails) + 1
    assert value(after, requests) == value(before, requests) + 1
    assert "lbdoctor_api_request_duration_seconds_bucket" in after


def test_the_openapi_document_is_valid_and_documented(api: httpx.Client) -> None:
    document = api.get("/openapi.json").json()
    validate(document)
    assert {"/v1/diagnose", "/v1/questions/next", "/v1/playbooks", "/v1/playbooks/{name}"} <= set(
        document["paths"]
    )
    docs = api.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    # Served from here, not from a CDN the support network may not reach.
    assert "cdn." not in docs.text
    scripts = [part.split('"')[0] for part in docs.text.split('src="')[1:]]
    assert scripts and all(api.get(src).status_code == 200 for src in scripts)
