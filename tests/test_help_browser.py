"""The help page in headless Chromium: walks by clicks in each language ending with the manifest
copied and downloaded, a paste that skips questions, the back button, a walk with JavaScript
off, and axe-core's accessibility check. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from .api_helpers import ApiServer
from .browser import axe_violations, chromium, grant_clipboard, read_clipboard, screenshot
from .conftest import DATA

ANSWERS = {
    "service_type": "loadbalancer-dedicated",
    "external_traffic_policy": "Local",
    "access_type": "private",
    "client_location": "same-node",
    "network_model": "vpc",
    "proxy_mode": "ipvs",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = ApiServer(tmp_path_factory.mktemp("help-browser")).start()
    yield server.url
    server.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    driver = chromium(downloads=tmp_path)
    yield driver
    driver.quit()


def question(driver: webdriver.Chrome) -> str | None:
    # One script reads the page as it is now; an element found first and read after could be
    # gone by then (the page unloading after an answer).
    name = driver.execute_script(
        "var option = document.querySelector('button.option'); return option && option.name;"
    )
    return str(name) if name else None


def answer_by_clicks(driver: webdriver.Chrome, answers: dict[str, str]) -> list[str]:
    asked = []
    while (fact := question(driver)) is not None:
        assert fact not in asked, f"{fact} asked twice"
        asked.append(fact)
        # Each answer loads the next page: wait until it replaced this one.
        click_and_wait(driver, f'button.option[name="{fact}"][value="{answers[fact]}"]')
    return asked


def click_and_wait(driver: webdriver.Chrome, selector: str) -> None:
    """Press a button that loads the next page, and wait until that page replaced this one."""
    for attempt in range(3):
        button = driver.find_element(By.CSS_SELECTOR, selector)
        try:
            button.click()
            break
        except WebDriverException as exc:
            # Found in a page that was then replaced (the previous answer's page still
            # settling): find it again in the page there is now.
            if not _detached(exc) or attempt == 2:
                raise
    WebDriverWait(driver, 10).until(lambda _: _replaced(button))


def _detached(exc: WebDriverException) -> bool:
    """Whether the error says the element left the page: Chrome says so in two ways."""
    return isinstance(exc, StaleElementReferenceException) or (
        "does not belong to the document" in str(exc)
    )


def _replaced(element: WebElement) -> bool:
    """Selenium's `staleness_of`, also for Chrome's other way of saying the element is gone."""
    try:
        element.is_enabled()
    except WebDriverException as exc:
        if _detached(exc):
            return True
        raise
    return False


def wait_for(condition, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


@pytest.mark.parametrize(
    ("lang", "heading", "copy", "copied"),
    [("en", "Access fails", "Copy", "Copied"), ("pt", "O acesso falha", "Copiar", "Copiado")],
)
def test_a_walk_by_clicks_ends_with_the_manifest_copied_and_downloaded(
    site: str,
    browser: webdriver.Chrome,
    tmp_path: Path,
    lang: str,
    heading: str,
    copy: str,
    copied: str,
) -> None:
    browser.get(f"{site}/help?lang={lang}")
    asked = answer_by_clicks(browser, ANSWERS)
    assert len(asked) >= 3
    card = browser.find_element(By.CSS_SELECTOR, ".lbd-card")
    assert card.get_attribute("data-verdict") == "fails"
    assert browser.find_element(By.CSS_SELECTOR, ".lbd-verdict").text == heading
    expected = httpx.post(f"{site}/v1/diagnose", json={"facts": ANSWERS, "lang": lang}).json()
    manifest = expected["fixes"][0]["manifest"]
    # Tabs: the first fix shows, the others are behind their tabs.
    panels = browser.find_elements(By.CSS_SELECTOR, '[role="tabpanel"]')
    assert [p.is_displayed() for p in panels] == [True] + [False] * (len(panels) - 1)
    screenshot(browser, f"help-diagnosis-{lang}")
    grant_clipboard(browser, site)
    button = panels[0].find_element(By.CSS_SELECTOR, ".lbd-copy")
    assert button.text == copy
    button.click()
    wait_for(lambda: copied in panels[0].text)
    assert read_clipboard(browser) == manifest
    panels[0].find_element(By.CSS_SELECTOR, ".lbd-download").click()
    target = tmp_path / f"{expected['fixes'][0]['id']}.yaml"
    wait_for(target.exists)
    assert target.read_text() == manifest
    # The second tab shows the second fix.
    browser.find_elements(By.CSS_SELECTOR, '[role="tab"]')[1].click()
    assert [p.is_displayed() for p in panels][:2] == [False, True]


def test_a_pasted_service_skips_the_questions_it_answers(
    site: str, browser: webdriver.Chrome
) -> None:
    browser.get(f"{site}/help?lang=en")
    assert question(browser) == "service_type"
    browser.find_element(By.ID, "paste").send_keys((DATA / "svc-dedicated-local.yaml").read_text())
    click_and_wait(browser, ".paste button[type=submit]")
    wait_for(lambda: "Read from your paste" in browser.page_source)
    assert question(browser) not in ("service_type", "external_traffic_policy", None)
    answer_by_clicks(browser, ANSWERS)
    manifests = " ".join(
        e.get_attribute("textContent")
        for e in browser.find_elements(By.CSS_SELECTOR, "code.language-yaml")
    )
    assert "name: nginx" in manifests and "namespace: shop" in manifests


def test_the_back_button_returns_to_the_previous_question(
    site: str, browser: webdriver.Chrome
) -> None:
    browser.get(f"{site}/help?lang=en")
    first = question(browser)
    click_and_wait(browser, f'button.option[value="{ANSWERS[first]}"]')
    second = question(browser)
    assert second != first
    browser.back()
    wait_for(lambda: question(browser) == first)
    browser.forward()
    wait_for(lambda: question(browser) == second)
    assert dict(parse_qsl(urlsplit(browser.current_url).query))[first] == ANSWERS[first]


def test_a_walk_with_javascript_off_shows_every_fix_and_its_download(
    site: str, tmp_path: Path
) -> None:
    driver = chromium(downloads=tmp_path, javascript=False)
    try:
        driver.get(f"{site}/help?lang=pt")
        answer_by_clicks(driver, ANSWERS)
        panels = driver.find_elements(By.CSS_SELECTOR, '[role="tabpanel"]')
        assert len(panels) >= 2 and all(p.is_displayed() for p in panels)
        # No script, no Copy: the button stays hidden; Download is a plain link.
        assert not any(b.is_displayed() for b in driver.find_elements(By.CSS_SELECTOR, ".lbd-copy"))
        downloads = driver.find_elements(By.CSS_SELECTOR, ".lbd-download")
        assert all(d.get_attribute("href").startswith("data:application/yaml") for d in downloads)
        screenshot(driver, "help-diagnosis-no-javascript")
    finally:
        driver.quit()


@pytest.mark.parametrize(
    "where",
    [
        "/help?lang=en",
        "/help?lang=pt&service_type=nodeport",
        "/help?lang=en&" + "&".join(f"{k}={v}" for k, v in ANSWERS.items()),
    ],
)
def test_no_serious_accessibility_violations(
    site: str, browser: webdriver.Chrome, where: str
) -> None:
    browser.get(site + where)
    assert axe_violations(browser) == []


def test_the_keyboard_reaches_every_option_with_a_visible_focus(
    site: str, browser: webdriver.Chrome
) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{site}/help?lang=en")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    reached = []
    for _ in range(30):
        active = browser.switch_to.active_element
        if active.get_attribute("class") == "option":
            reached.append(active.get_attribute("value"))
            outline = active.value_of_css_property("outline-style")
            assert outline != "none", "focus is not visible"
        active.send_keys(Keys.TAB)
    assert "loadbalancer-dedicated" in reached
    target = browser.find_element(By.CSS_SELECTOR, 'button.option[value="loadbalancer-dedicated"]')
    target.send_keys(Keys.ENTER)
    # Enter submits the form: wait until the next page replaced this one before reading it
    # (reading the old page's buttons while it unloads raised StaleElementReferenceException).
    WebDriverWait(browser, 10).until(lambda _: _replaced(target))
    assert wait_for(lambda: question(browser)) not in (None, "service_type")
