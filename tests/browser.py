"""Headless Debian Chromium driven by Selenium through Debian's chromedriver (no browser
downloads), and axe-core (npm, pinned in widget/) for the accessibility checks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from .bot_helpers import ROOT

AXE = ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"


def chromium(
    downloads: Path | None = None, javascript: bool = True, lang: str = "en-US"
) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,1000", f"--lang={lang}",
    ):  # fmt: skip
        options.add_argument(argument)
    prefs: dict[str, Any] = {"intl.accept_languages": lang}
    if downloads is not None:
        prefs |= {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
        }
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    if downloads is not None:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
    return driver


def grant_clipboard(driver: webdriver.Chrome, origin: str) -> None:
    # One call: each grant rejects every permission it does not list.
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )


def read_clipboard(driver: webdriver.Chrome) -> str:
    text: str = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, e => done('ERROR ' + e));"
    )
    return text


def axe_violations(
    driver: webdriver.Chrome, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A/AA violations of the impacts asked for."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
        ".then(done, e => done({violations: [{id: 'axe-error', impact: 'critical', help: String(e)}]}));"
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
