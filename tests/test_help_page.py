"""The self-service help page over HTTP, as a browser without JavaScript uses it: one question
per page, answers in the address, a paste that fills what it reveals, the diagnosis card."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from .api_helpers import ApiServer
from .conftest import DATA
from .help_page import HelpPage

# Answers chosen by hand, in the order the engine asks them, and the verdict the FAQ gives.
WALK = {
    "service_type": "loadbalancer-dedicated",
    "external_traffic_policy": "Local",
    "access_type": "private",
    "client_location": "same-node",
    "network_model": "vpc",
    "proxy_mode": "ipvs",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    server = ApiServer(tmp_path_factory.mktemp("help")).start()
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client
    server.stop()


def walk(site: httpx.Client, start: str, answers: dict[str, str]) -> tuple[HelpPage, int]:
    page = HelpPage(site.get(start).text)
    steps = 0
    while page.question is not None:
        page = HelpPage(site.get(page.click(page.question, answers[page.question])).text)
        steps += 1
    return page, steps


@pytest.mark.parametrize(
    ("lang", "title", "answer_label"),
    [
        ("en", "the load balancer's address fails", "Dedicated load balancer"),
        ("pt", "o endereço do balanceador falha", "balanceador dedicado"),
    ],
)
def test_a_walk_by_buttons_reaches_the_diagnosis(
    site: httpx.Client, lang: str, title: str, answer_label: str
) -> None:
    first = site.get(f"/help?lang={lang}")
    assert first.status_code == 200 and title in HelpPage(first.text).text
    page, steps = walk(site, f"/help?lang={lang}", WALK)
    assert steps >= 3
    assert page.verdict == "fails"
    assert page.fix_ids[0] == "use-cluster-ip"
    # Every answer is listed in words, with a link to change it.
    assert answer_label.lower() in page.text.lower()


def test_the_address_holds_the_answers_so_it_can_be_shared(site: httpx.Client) -> None:
    page, _ = walk(site, "/help?lang=en", WALK)
    shared = "/help?" + "&".join(f"{k}={v}" for k, v in WALK.items()) + "&lang=en"
    again = HelpPage(site.get(shared).text)
    assert (again.verdict, again.fix_ids) == (page.verdict, page.fix_ids)


def test_each_answer_can_be_changed_by_its_link(site: httpx.Client) -> None:
    page = HelpPage(site.get("/help?lang=en&service_type=nodeport&client_location=same-node").text)
    # The link's name says which answer it changes (for screen readers too).
    change = next(href for href, text in page.links.items() if text.startswith("change: Where"))
    assert dict(parse_qsl(urlsplit(change).query)) == {"lang": "en", "service_type": "nodeport"}


def test_skipping_a_question_gives_a_verdict_per_answer(site: httpx.Client) -> None:
    known = {k: v for k, v in WALK.items() if k != "network_model"}
    page = HelpPage(site.get("/help", params={**known, "lang": "en"}).text)
    assert page.question == "network_model"
    after = HelpPage(site.get(page.click("skip", "network_model")).text)
    assert after.question is None and after.verdict == "depends"


def test_a_pasted_service_skips_the_questions_it_answers(site: httpx.Client) -> None:
    start = HelpPage(site.get("/help?lang=en").text)
    service = (DATA / "svc-dedicated-local.yaml").read_text()
    pasted = site.post(
        "/help/paste", data={"paste": service, "state": start.state}, follow_redirects=False
    )
    assert pasted.status_code == 303
    page = HelpPage(site.get(pasted.headers["location"]).text)
    assert page.question not in ("service_type", "external_traffic_policy", None)
    assert "Read from your paste" in page.text
    final, _ = walk(site, pasted.headers["location"], WALK)
    assert final.verdict == "fails"
    # The fix is personalised with the pasted Service's own name and namespace.
    assert "name: nginx" in final.text and "namespace: shop" in final.text


def test_a_pasted_error_with_a_private_address_answers_public_or_private(
    site: httpx.Client,
) -> None:
    state = "service_type=loadbalancer-dedicated&external_traffic_policy=Local&lang=en"
    error = "curl: (7) Failed to connect to 192.168.10.36 port 80: Connection refused"
    pasted = site.post("/help/paste", data={"paste": error, "state": state}, follow_redirects=True)
    page = HelpPage(pasted.text)
    assert page.question is not None and page.question != "access_type"
    assert "private" in pasted.text.lower()


def test_a_bad_value_in_the_address_is_named_and_left_out(site: httpx.Client) -> None:
    answer = site.get("/help?lang=en&service_type=banana")
    page = HelpPage(answer.text)
    assert '"banana" is not an answer to service_type' in HelpPage(answer.text).text
    assert page.question == "service_type"


def test_a_damaged_service_in_the_address_is_named(site: httpx.Client) -> None:
    answer = site.get("/help?lang=pt&svc=not-a-service")
    assert "danificado" in answer.text and HelpPage(answer.text).question == "service_type"


def test_nothing_typed_becomes_markup(site: httpx.Client) -> None:
    answer = site.get("/help", params={"lang": "en", "service_type": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in answer.text and "&lt;script&gt;" in answer.text
