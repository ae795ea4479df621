"""How the diagnosis looks in Teams and in Slack, drawn in headless Chromium from the exact
payloads the renderers produce. Teams' card goes through Microsoft's own Adaptive Cards renderer
(npm `adaptivecards`) with a Teams-like host config; Slack has no offline renderer, so its blocks
go through our preview page, which reports every block type it cannot draw.

Screenshots go to tests/artifacts/; with LBDOCTOR_UPDATE_SCREENSHOTS=1 they also replace the
README's (docs/screenshots/), which CI leaves alone."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from frontends.render import diagnosis_messages
from knowledge.diagnosis import Doctor
from knowledge.intake.service import parse_service

from .bot_helpers import ROOT
from .browser import chromium, screenshot
from .conftest import DATA
from .test_render import CASES, FAILS, HEADLINES, HOSTILE_SERVICE

PREVIEWS = ROOT / "tests" / "previews"
SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    driver = chromium()
    yield driver
    driver.quit()


@pytest.fixture(params=sorted(CASES))
def verdict(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["en", "pt"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def report(doctor: Doctor, verdict: str, lang: str) -> dict[str, Any]:
    facts, skipped = CASES[verdict]
    made = doctor.report(facts, lang, skipped=skipped)
    assert made["verdict"] == verdict
    return made


def teams_card(report: dict[str, Any], lang: str) -> dict[str, Any]:
    [message] = diagnosis_messages("teams", report, lang)
    [attachment] = message["json_message"]["attachments"]
    card: dict[str, Any] = attachment["content"]
    return card


def slack_message(report: dict[str, Any], lang: str) -> dict[str, Any]:
    [message] = diagnosis_messages("slack", report, lang)
    slack: dict[str, Any] = message["json_message"]
    return slack


def draw(browser: webdriver.Chrome, page: str, payload: dict[str, Any]) -> list[Any]:
    """Opens a preview page and draws the payload; returns what the page's renderer reported."""
    browser.get((PREVIEWS / page).as_uri())
    reported: list[Any] = browser.execute_script("return render(arguments[0])", payload)
    return reported


def text(browser: webdriver.Chrome, selector: str) -> str:
    return str(browser.find_element(By.CSS_SELECTOR, selector).get_attribute("textContent"))


def codes(browser: webdriver.Chrome, selector: str) -> list[str]:
    """The text of every code box on show."""
    return [
        str(pre.get_attribute("textContent"))
        for pre in browser.find_elements(By.CSS_SELECTOR, f"{selector} pre")
        if pre.is_displayed()
    ]


def recommended(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [fix for fix in report["fixes"] if fix["recommended"]]


# --- Teams --------------------------------------------------------------------------------------


def test_teams_renderer_draws_every_diagnosis_without_complaint(
    browser: webdriver.Chrome, report: dict[str, Any], verdict: str, lang: str
) -> None:
    assert draw(browser, "teams.html", teams_card(report, lang)) == []
    assert HEADLINES[verdict, lang] in text(browser, "#card")
    for fix in recommended(report):
        assert fix["manifest"] in codes(browser, "#card")
    # Every other fix behind a button of its title, opening inside the card.
    others = [fix for fix in report["fixes"] if not fix["recommended"]]
    buttons = browser.find_elements(By.CSS_SELECTOR, "#card .ac-pushButton")
    assert [button.text for button in buttons] == [fix["title"] for fix in others]
    for fix, button in zip(others, buttons, strict=True):
        assert fix["manifest"] not in codes(browser, "#card")
        button.click()
        assert fix["manifest"] in codes(browser, "#card")


def test_teams_renderer_reports_what_teams_would_refuse(browser: webdriver.Chrome) -> None:
    # The check above can fail: a card over Teams' button limit, with an unknown element.
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "Chart"}],
        "actions": [
            {"type": "Action.OpenUrl", "title": str(n), "url": "https://x.test"} for n in range(7)
        ],
    }
    events = {event["event"] for event in draw(browser, "teams.html", card)}
    assert events == {"UnknownElementType", "TooManyActions"}


# --- Slack --------------------------------------------------------------------------------------


def test_slack_preview_draws_every_diagnosis(
    browser: webdriver.Chrome, report: dict[str, Any], verdict: str, lang: str
) -> None:
    assert draw(browser, "slack.html", slack_message(report, lang)) == []
    assert HEADLINES[verdict, lang] in text(browser, "#blocks .sk-header")
    for fix in recommended(report):
        assert fix["manifest"] in codes(browser, "#blocks")
    links = [
        (link.get_attribute("href"), link.text)
        for link in browser.find_elements(By.CSS_SELECTOR, "#blocks a")
    ]
    assert links == [(source["url"], source["title"]) for source in report["sources"]]


def test_slack_preview_draws_mrkdwn_as_slack_does(browser: webdriver.Chrome) -> None:
    section = (
        "*Fix* _why:_ `kubectl get svc` <https://x.test/a?b=1&amp;c=2|the docs> &lt;b&gt; a_b_c"
    )
    message = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": section}}]}
    assert draw(browser, "slack.html", message) == []
    html = browser.find_element(By.CSS_SELECTOR, ".sk-text").get_attribute("innerHTML")
    assert html == (
        "<b>Fix</b> <i>why:</i> <code>kubectl get svc</code> "
        '<a href="https://x.test/a?b=1&amp;c=2">the docs</a> &lt;b&gt; a_b_c'
    )


def test_slack_preview_shows_pasted_markup_as_text(
    browser: webdriver.Chrome, doctor: Doctor
) -> None:
    report = doctor.report(FAILS, "en", parse_service(HOSTILE_SERVICE))
    report["fixes"] = [{**f, "recommended": "<script>" in f["manifest"]} for f in report["fixes"]]
    assert draw(browser, "slack.html", slack_message(report, "en")) == []
    assert not browser.find_elements(By.CSS_SELECTOR, "#blocks script")
    [manifest] = [fix["manifest"] for fix in recommended(report)]
    # Three backticks are broken by a zero-width joiner so they cannot close the block.
    assert manifest in [code.replace("\u200d", "") for code in codes(browser, "#blocks")]


def test_slack_preview_draws_question_buttons_and_reports_unknown_types(
    browser: webdriver.Chrome,
) -> None:
    def button(title: str) -> dict[str, Any]:
        return {"type": "button", "text": {"type": "plain_text", "text": title}, "value": "x"}

    message = {
        "blocks": [
            {"type": "actions", "elements": [button("NodePort"), button("ClusterIP")]},
            {"type": "rich_text", "elements": []},
            {"type": "actions", "elements": [{"type": "static_select"}]},
            {"type": "section", "text": {"type": "markdown", "text": "x"}},
        ]
    }
    assert draw(browser, "slack.html", message) == [
        "block rich_text",
        "element static_select",
        "text object markdown",
    ]
    buttons = browser.find_elements(By.CSS_SELECTOR, ".sk-actions .sk-button")
    assert [b.text for b in buttons] == ["NodePort", "ClusterIP"]


# --- the README's screenshots -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "page", "selector"),
    [("teams", "teams.html", "#card"), ("slack", "slack.html", "#blocks")],
)
def test_screenshot_of_a_diagnosis_for_a_pasted_service(
    browser: webdriver.Chrome, doctor: Doctor, channel: str, page: str, selector: str
) -> None:
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    report = doctor.report(FAILS, "en", service)
    payload = teams_card(report, "en") if channel == "teams" else slack_message(report, "en")
    assert draw(browser, page, payload) == []
    # The manifest is the pasted Service's own, not the placeholder.
    [manifest] = [fix["manifest"] for fix in recommended(report)]
    assert "name: nginx" in manifest and manifest in codes(browser, selector)
    path = whole_page_screenshot(browser, f"{channel}-diagnosis")
    if os.environ.get("LBDOCTOR_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(path, SCREENSHOTS / path.name)


def whole_page_screenshot(browser: webdriver.Chrome, name: str) -> Path:
    """A README-sized picture of the whole page; the window is put back afterwards."""
    size = browser.get_window_size()
    browser.set_window_size(900, 1000)
    # The window's frame, if any, is what the page does not get of the window's height.
    frame = 1000 - browser.execute_script("return window.innerHeight")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(900, height + frame)
    try:
        return screenshot(browser, name)
    finally:
        browser.set_window_size(size["width"], size["height"])
