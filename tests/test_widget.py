"""The support-portal widget in Debian's headless Chromium (Selenium, chromium-driver), against
the servers started as `make run` starts them: conversations by clicks, by typing and by
keyboard in both languages ending in a copied and a downloaded manifest, a reload, axe-core;
and the socket.io channel and its CORS with the python-socketio client.

Screenshots go to tests/artifacts/ (gitignored)."""

from __future__ import annotations

import json
import queue
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from .bot_helpers import ROOT, BotServers, cli_report, payload
from .test_bot_e2e import DEDICATED_FAILS, NODEPORT_FAILS, PT_WORDS

sys.path.insert(0, str(ROOT / "scripts"))
import serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
PORTAL = "https://support.example.com"  # a portal allowed by LBDOCTOR_CORS_ORIGINS
TURN = 120  # seconds a bot turn may take on a busy machine before a wait gives up

EN_WORDS = {
    "service_type": "a LoadBalancer with a dedicated ELB",
    "external_traffic_policy": "node-level affinity",
    "access_type": "the private IP",
    "client_location": "from the node where the pod runs, same node",
    "network_model": "VPC network",
    "proxy_mode": "ipvs mode",
}
PROBLEM = {
    "en": "my curl to the ELB IP fails from inside the cluster",
    "pt": "não consigo acessar o IP do ELB de dentro do cluster",
}
COPIED = {"en": "Copied", "pt": "Copiado"}

# What the widget shows, read in one go from its shadow root.
STATE = """
const root = document.querySelector('[data-lbdoctor-widget]')?.shadowRoot;
if (!root) return null;
return {
  bot: root.querySelectorAll('.lbd-msg.lbd-bot').length,
  user: [...root.querySelectorAll('.lbd-msg.lbd-user .lbd-bubble')].map(e => e.textContent),
  typing: !!root.querySelector('.lbd-typing'),
  payloads: [...root.querySelectorAll('.lbd-replies button')].map(b => b.dataset.payload),
  cards: root.querySelectorAll('.lbd-card').length,
  open: !root.getElementById('lbd-panel').hidden,
  live: root.querySelector('[aria-live]').textContent,
};
"""
ACTIVE = """
const root = document.querySelector('[data-lbdoctor-widget]').shadowRoot;
const el = root.activeElement;
if (!el) return null;
const style = getComputedStyle(el);
return {
  tag: el.tagName.toLowerCase(), cls: el.className, role: el.getAttribute('role'),
  payload: el.dataset.payload || null, launcher: el.classList.contains('lbd-launcher'),
  outline: style.outlineStyle + ' ' + style.outlineWidth,
};
"""


# --- servers and browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    started = BotServers(
        tmp_path_factory.mktemp("widget"), extra_env={"LBDOCTOR_CORS_ORIGINS": PORTAL}
    ).start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def page_url(servers: BotServers) -> str:
    return f"http://127.0.0.1:{servers.widget_port}/"


@pytest.fixture(scope="module")
def browser(page_url: str) -> Iterator[WebDriver]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is missing: scripts/system-packages.sh installs it (make test)")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=en-US"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    origin = page_url.rstrip("/")
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    yield driver
    driver.quit()


@pytest.fixture
def downloads(browser: WebDriver, tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    return folder


class Widget:
    """The widget on the demo page, as a user sees and drives it."""

    def __init__(self, driver: WebDriver, url: str, lang: str) -> None:
        self.driver = driver
        self.lang = lang
        # A new visitor: no conversation kept from another test. Cleared from a page without
        # the widget, which would save its conversation again on its next event.
        driver.get(url + "blank")
        driver.execute_script("localStorage.clear()")
        driver.get(url + ("?lang=pt" if lang == "pt" else ""))
        self.wait_for(lambda: self.state() is not None, "the widget to load")

    def wait_for(self, condition: Any, what: str, timeout: float = TURN) -> Any:
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(
                lambda _: condition()
            )
        except TimeoutException:
            pytest.fail(f"waited {timeout} s for {what}; the widget shows {self.state()}")

    def state(self) -> dict[str, Any] | None:
        state: dict[str, Any] | None = self.driver.execute_script(STATE)
        return state

    @property
    def now(self) -> dict[str, Any]:
        state = self.state()
        assert state is not None, "the widget is not on the page"
        return state

    @property
    def root(self) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, "[data-lbdoctor-widget]").shadow_root

    def find(self, selector: str) -> WebElement:
        element: WebElement = self.root.find_element(By.CSS_SELECTOR, selector)
        return element

    def find_all(self, selector: str) -> list[WebElement]:
        found: list[WebElement] = self.root.find_elements(By.CSS_SELECTOR, selector)
        return found

    def open(self) -> None:
        self.find(".lbd-launcher").click()
        self.wait_turn(0)

    def wait_turn(self, bot_before: int, buttons: bool = True) -> dict[str, Any]:
        """The bot's whole answer: more bot messages, no typing indicator, and (with `buttons`)
        either answers to pick or the diagnosis followed by its yes/no."""

        def done() -> dict[str, Any] | None:
            state = self.state()
            if state is None or state["bot"] <= bot_before or state["typing"]:
                return None
            finished = state["payloads"] if not state["cards"] else "/affirm" in state["payloads"]
            finished = finished or not buttons
            return state if finished else None

        result: dict[str, Any] = self.wait_for(done, "the bot's answer")
        return result

    def asked(self) -> str | None:
        """The fact the bot asks about now, from its answer buttons."""
        for offered in self.now["payloads"]:
            if offered.startswith("/inform"):
                return str(next(iter(json.loads(offered[len("/inform") :]))))
        return None

    def click(self, payload: str) -> None:
        before = self.now["bot"]
        buttons = self.find_all(".lbd-replies button")
        [button] = [b for b in buttons if b.get_attribute("data-payload") == payload]
        button.click()
        self.wait_turn(before)

    def type(self, text: str, buttons: bool = True) -> None:
        before = self.now["bot"]
        box = self.find("textarea")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        self.wait_turn(before, buttons)

    def diagnosis(self) -> dict[str, Any]:
        """The diagnosis payload the widget received (kept with the conversation)."""
        kept = self.driver.execute_script(
            "return Object.entries(localStorage).find(([k]) => k.startsWith('lbdoctor-widget:'))[1]"
        )
        cards = [m["custom"] for m in json.loads(kept)["messages"] if "custom" in m]
        assert cards, "no diagnosis received"
        return dict(cards[-1])

    def active(self) -> dict[str, Any]:
        active: dict[str, Any] = self.driver.execute_script(ACTIVE)
        return active


@pytest.fixture(params=["en", "pt"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def screenshot(driver: WebDriver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))


def clipboard(driver: WebDriver) -> str:
    text: str = driver.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('ERROR ' + e))"
    )
    return text


def downloaded(folder: Path, name: str) -> str:
    path = folder / name

    def complete() -> bool:
        return path.exists() and not list(folder.glob("*.crdownload"))

    try:
        WebDriverWait(None, 30, poll_frequency=0.2).until(lambda _: complete())
    except TimeoutException:
        pytest.fail(f"{name} was not downloaded; the folder has {sorted(folder.iterdir())}")
    return path.read_text()


def check_card_against_the_cli(widget: Widget, lang: str, tmp: Path) -> dict[str, Any]:
    """The card shows the diagnosis the CLI gives for the same facts, fix by fix."""
    payload = widget.diagnosis()
    assert payload.pop("type") == "diagnosis"
    html = payload.pop("html")
    facts = {k: v for k, v in payload["facts"].items() if k != "error_message"}
    error = (
        ["--error", payload["facts"]["error_message"]]
        if "error_message" in payload["facts"]
        else []
    )
    report = cli_report(lang, facts, tmp, *error)
    assert payload == report
    assert html.startswith('<article class="lbd-card"')
    card = widget.find(".lbd-card")
    assert card.get_attribute("data-verdict") == report["verdict"]
    panels = widget.find_all(".lbd-card [role=tabpanel]")
    assert [p.get_attribute("data-fix-id") for p in panels] == [f["id"] for f in report["fixes"]]
    for panel, fix in zip(panels, report["fixes"], strict=True):
        # textContent: the manifest whatever the highlighting wrapped it in.
        code = panel.find_element(By.CSS_SELECTOR, "code.language-yaml")
        assert code.get_attribute("textContent") == fix["manifest"]
        assert code.find_elements(By.CSS_SELECTOR, ".hljs-attr"), "YAML not highlighted"
    # Tabs: only the selected fix shows.
    shown = [p.get_attribute("data-fix-id") for p in panels if p.is_displayed()]
    assert shown == [report["fixes"][0]["id"]]
    return report


def copy_and_download(widget: Widget, fix: dict[str, Any], downloads: Path, lang: str) -> None:
    panel = widget.find(f'.lbd-card [data-fix-id="{fix["id"]}"]')
    panel.find_element(By.CSS_SELECTOR, "button.lbd-copy").click()
    widget.wait_for(lambda: COPIED[lang] in widget.now["live"], "the copy to be announced")
    assert clipboard(widget.driver) == fix["manifest"]
    panel.find_element(By.CSS_SELECTOR, "a.lbd-download").click()
    assert downloaded(downloads, f"{fix['id']}.yaml") == fix["manifest"]


def click_through(widget: Widget) -> str:
    """Open, click the starter, then NODEPORT_FAILS's answer to each question; the starter."""
    widget.open()
    [starter] = widget.now["payloads"]
    widget.click(starter)
    asked = []
    while (fact := widget.asked()) is not None:
        assert fact not in asked, f"{fact} asked twice"
        asked.append(fact)
        widget.click(payload(fact, NODEPORT_FAILS[fact]))
    return str(starter)


# --- conversations in the browser -----------------------------------------------------------------


def test_a_conversation_by_clicks_ends_with_the_manifest_copied_and_downloaded(
    browser: WebDriver, page_url: str, lang: str, downloads: Path, tmp_path: Path
) -> None:
    widget = Widget(browser, page_url, lang)
    starter = click_through(widget)
    report = check_card_against_the_cli(widget, lang, tmp_path)
    assert report["verdict"] == "fails" and len(report["fixes"]) >= 2
    # For the README: the recommended fix's manifest, Copy and Download in sight.
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'})", widget.find(".lbd-card .lbd-manifest")
    )
    screenshot(browser, f"widget-diagnosis-{lang}.png")
    # The second fix by its tab, then its manifest copied and downloaded.
    widget.find_all(".lbd-card [role=tab]")[1].click()
    shown = [
        p.get_attribute("data-fix-id")
        for p in widget.find_all(".lbd-card [role=tabpanel]")
        if p.is_displayed()
    ]
    assert shown == [report["fixes"][1]["id"]]
    copy_and_download(widget, report["fixes"][1], downloads, lang)
    # Each click shows its button's title as the user's message.
    assert widget.now["user"][0] == starter


def test_a_conversation_by_typing_ends_with_the_manifest_copied_and_downloaded(
    browser: WebDriver, page_url: str, lang: str, downloads: Path, tmp_path: Path
) -> None:
    widget = Widget(browser, page_url, lang)
    widget.open()
    # The bot's markdown: inline code in the greeting is code, not backticks.
    assert widget.find(".lbd-bot .lbd-bubble code").text.startswith("kubectl get svc")
    widget.type(PROBLEM[lang])
    words = EN_WORDS if lang == "en" else {f: PT_WORDS[(f, v)] for f, v in DEDICATED_FAILS.items()}
    while (fact := widget.asked()) is not None:
        widget.type(words[fact])
        assert widget.asked() != fact, f"{words[fact]!r} not understood"
    report = check_card_against_the_cli(widget, lang, tmp_path)
    assert report["facts"].items() <= DEDICATED_FAILS.items()
    copy_and_download(widget, report["fixes"][0], downloads, lang)
    said = widget.now["user"]
    assert said[0] == PROBLEM[lang] and set(said[1:]) <= set(words.values())


def test_what_a_user_types_is_shown_as_text_never_as_markup(
    browser: WebDriver, page_url: str
) -> None:
    widget = Widget(browser, page_url, "en")
    widget.open()
    typed = '<img src=x onerror="document.title=1"> **not bold** `nor code`'
    widget.type(typed, buttons=False)
    bubble = widget.find_all(".lbd-user .lbd-bubble")[-1]
    assert bubble.get_attribute("textContent") == typed
    assert not bubble.find_elements(By.CSS_SELECTOR, "*")


def test_a_reload_keeps_the_conversation(browser: WebDriver, page_url: str) -> None:
    widget = Widget(browser, page_url, "en")
    widget.open()
    [starter] = widget.now["payloads"]
    widget.click(starter)
    first = widget.asked()
    assert first is not None
    widget.click(payload(first, NODEPORT_FAILS[first]))
    second = widget.asked()
    assert second is not None and second != first
    before = widget.state()
    session = browser.execute_script("return localStorage.getItem(Object.keys(localStorage)[0])")

    browser.refresh()
    widget.wait_for(lambda: widget.state() is not None, "the widget after the reload")
    after = widget.state()
    assert after is not None and after["open"]
    for key in ("bot", "user", "payloads"):
        assert after[key] == before[key]
    # The server kept the conversation too: the next answer leads on, not back to the start.
    widget.click(payload(second, NODEPORT_FAILS[second]))
    assert widget.asked() not in (first, second)
    kept = json.loads(
        browser.execute_script("return localStorage.getItem(Object.keys(localStorage)[0])")
    )
    assert kept["sessionId"] == json.loads(session)["sessionId"]


def test_keyboard_only_reaches_a_copied_manifest_with_visible_focus(
    browser: WebDriver, page_url: str, downloads: Path
) -> None:
    widget = Widget(browser, page_url, "en")
    keys = ActionChains(browser)

    def press(*sequence: str) -> None:
        for key in sequence:
            keys.send_keys(key).perform()

    def tab_to(wanted: Any, what: str, back: bool = False) -> None:
        for _ in range(60):
            active = widget.active()
            if active and wanted(active):
                assert active["outline"].startswith("solid 3px"), f"no visible focus on {active}"
                return
            if back:
                keys.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
            else:
                press(Keys.TAB)
        pytest.fail(f"Tab never reached {what}; focus is on {widget.active()}")

    tab_to(lambda a: a["launcher"], "the launcher")
    press(Keys.ENTER)
    widget.wait_turn(0)
    assert widget.active()["tag"] == "textarea"
    tab_to(lambda a: a["cls"] == "lbd-reply", "the starter", back=True)
    bot = widget.now["bot"]
    press(Keys.ENTER)
    while True:
        widget.wait_turn(bot)
        fact = widget.asked()
        if fact is None:
            break
        # After a choice, focus moves to the next choices.
        assert widget.active()["cls"] == "lbd-reply"
        wanted = payload(fact, NODEPORT_FAILS[fact])
        tab_to(lambda a, w=wanted: a["payload"] == w, wanted)
        bot = widget.now["bot"]
        press(Keys.ENTER)
    # The verdict: focus on the card's selected tab; arrows move between fixes.
    assert widget.active()["role"] == "tab"
    report = widget.diagnosis()
    press(Keys.ARROW_RIGHT)
    second = report["fixes"][1]
    shown = [
        p.get_attribute("data-fix-id")
        for p in widget.find_all(".lbd-card [role=tabpanel]")
        if p.is_displayed()
    ]
    assert shown == [second["id"]] and widget.active()["role"] == "tab"
    press(Keys.ARROW_LEFT, Keys.ARROW_RIGHT)
    tab_to(lambda a: "lbd-copy" in a["cls"], "Copy")
    press(Keys.ENTER)
    widget.wait_for(lambda: COPIED["en"] in widget.now["live"], "Copied")
    assert clipboard(browser) == second["manifest"]
    tab_to(lambda a: "lbd-download" in a["cls"], "Download")
    press(Keys.ENTER)
    assert downloaded(downloads, f"{second['id']}.yaml") == second["manifest"]


# --- accessibility -------------------------------------------------------------------------------


def axe_violations(driver: WebDriver) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make setup` installs the widget's npm packages")
    driver.execute_script(AXE.read_text())
    result: list[dict[str, Any]] = driver.execute_async_script(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => arguments[0](r.violations), e => arguments[0]([{id: 'axe failed', impact: 'critical', help: String(e)}]))"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n.get("target") for n in v.get("nodes", [])]}
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_violation_with_a_diagnosis_shown(
    browser: WebDriver, page_url: str, lang: str
) -> None:
    click_through(Widget(browser, page_url, lang))
    assert axe_violations(browser) == []


@pytest.mark.parametrize("color", ["#ffd400", "#0b2a4a", "#777777", "#00a3e0"])
def test_any_page_colour_keeps_the_widget_readable(
    browser: WebDriver, page_url: str, servers: BotServers, color: str
) -> None:
    widget = Widget(browser, page_url, "en")
    browser.execute_script(
        "LBDoctorWidget.instance.destroy(); localStorage.clear();"
        "LBDoctorWidget.instance = LBDoctorWidget.mount({botUrl: arguments[0], lang: 'en', color: arguments[1]})",
        servers.url,
        color,
    )
    widget.open()
    [starter] = widget.now["payloads"]
    widget.click(starter)  # a user message on the page's colour, and answers in its ink
    rgb = ", ".join(str(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    assert widget.find(".lbd-header").value_of_css_property("background-color") == f"rgba({rgb}, 1)"
    assert axe_violations(browser) == []


# --- the demo page and the socket.io channel --------------------------------------------------------


def test_the_demo_page_names_the_bot_by_the_host_it_was_asked_for(servers: BotServers) -> None:
    for host in ("127.0.0.1", "localhost"):
        page = httpx.get(f"http://{host}:{servers.widget_port}/?lang=pt")
        assert page.status_code == 200
        assert f'data-bot-url="http://{host}:{servers.rasa_port}"' in page.text
        assert 'data-lang="pt"' in page.text
    forged = httpx.get(
        f"http://127.0.0.1:{servers.widget_port}/", headers={"Host": '"><script>x</script>'}
    )
    assert "<script>x" not in forged.text
    assert f'data-bot-url="http://127.0.0.1:{servers.rasa_port}"' in forged.text
    script = httpx.get(f"http://127.0.0.1:{servers.widget_port}/lbdoctor-widget.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert httpx.get(f"http://127.0.0.1:{servers.widget_port}/../etc/passwd").status_code == 404


@pytest.mark.parametrize(
    ("setting", "origins"),
    [
        ("", []),
        ("https://support.example.com", ["https://support.example.com"]),
        (
            "https://a.example, http://b.example:8443",
            ["https://a.example", "http://b.example:8443"],
        ),
    ],
)
def test_portal_origins_are_added_to_the_widget_pages(setting: str, origins: list[str]) -> None:
    env = {"LBDOCTOR_WIDGET_PORT": "9090", "LBDOCTOR_CORS_ORIGINS": setting}
    assert serve.cors_origins(env) == ["http://localhost:9090", "http://127.0.0.1:9090", *origins]


@pytest.mark.parametrize("setting", ["*", "https://support.example.com/", "support.example.com"])
def test_a_portal_origin_that_is_not_one_stops_the_launcher(setting: str) -> None:
    with pytest.raises(SystemExit, match="is not an origin"):
        serve.cors_origins({"LBDOCTOR_CORS_ORIGINS": setting})


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://127.0.0.1:{widget}", True),
        ("http://localhost:{widget}", True),
        (PORTAL, True),
        ("http://evil.example", False),
        ("http://127.0.0.1:{rasa}", False),
    ],
)
def test_only_the_widget_origins_get_cors_and_a_socket(
    servers: BotServers, origin: str, allowed: bool
) -> None:
    origin = origin.format(widget=servers.widget_port, rasa=servers.rasa_port)
    handshake = httpx.get(
        f"{servers.url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": origin},
    )
    assert handshake.status_code == 200
    assert handshake.headers.get("access-control-allow-origin") == (origin if allowed else None)
    rest = httpx.options(
        f"{servers.url}/webhooks/rest/webhook",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert rest.headers.get("access-control-allow-origin") == (origin if allowed else None)
    # A WebSocket is not bound by CORS: the connector itself refuses a foreign page's.
    client = socketio.Client(websocket_extra_options={"origin": origin})
    try:
        client.connect(servers.url, transports=["websocket"], wait_timeout=30)
        assert allowed, f"{origin} got a socket"
    except socketio.exceptions.ConnectionError:
        assert not allowed, f"{origin} was refused a socket"
    finally:
        client.disconnect()


class SocketUser:
    """A socket.io client with Rasa's session persistence, as the widget talks."""

    def __init__(self, url: str, session_id: str | None = None) -> None:
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.client = socketio.Client()
        self.client.on("session_confirm", lambda data: self.events.put(("session", data)))
        self.client.on("bot_uttered", lambda data: self.events.put(("bot", data)))
        self.client.connect(url, wait_timeout=30)
        self.client.emit("session_request", {"session_id": session_id})
        kind, self.session_id = self.events.get(timeout=30)
        assert kind == "session"

    def say(self, text: str, until: Any) -> list[dict[str, Any]]:
        """Send `text`; the bot's messages until one satisfies `until`."""
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        got = []
        while not got or not until(got[-1]):
            try:
                _, data = self.events.get(timeout=TURN)
            except queue.Empty:
                pytest.fail(f"no reply over socket.io to {text!r}; got {got}")
            got.append(data)
        return got

    def close(self) -> None:
        self.client.disconnect()


def question_or_verdict(message: dict[str, Any]) -> bool:
    return bool(message.get("quick_replies"))


def test_a_full_conversation_over_socketio_gets_every_reply(
    servers: BotServers, tmp_path: Path
) -> None:
    user = SocketUser(servers.url)
    try:
        [greeting] = user.say("hi", until=lambda m: "text" in m)
        assert "LB Doctor" in greeting["text"]
        replies = user.say(PROBLEM["en"], until=question_or_verdict)
        while not any(
            m["quick_replies"][0]["payload"] == "/affirm" for m in replies if m.get("quick_replies")
        ):
            [payload] = [
                r["payload"] for r in replies[-1]["quick_replies"]
                if r["payload"].startswith("/inform") and json.loads(r["payload"][7:]) .items() <= NODEPORT_FAILS.items()
            ]  # fmt: skip
            replies = user.say(payload, until=question_or_verdict)
        [custom] = [m["custom"] for m in replies if "custom" in m]
        assert custom.pop("type") == "diagnosis"
        assert custom.pop("html").startswith('<article class="lbd-card"')
        assert custom == cli_report("en", custom["facts"], tmp_path)
    finally:
        user.close()
    # A new connection with the same session (a reload) joins the conversation again.
    again = SocketUser(servers.url, user.session_id)
    try:
        assert again.session_id == user.session_id
        [answer] = again.say("why?", until=lambda m: "text" in m)
        assert answer["text"].startswith("Why: ")
    finally:
        again.close()


def test_a_long_message_is_answered_in_the_users_language(servers: BotServers) -> None:
    # 100 KB: over the bot's reading limit (bot/server.py), under engine.io's packet limit.
    text = "o curl pro ip do balanceador não responde de dentro do cluster. " * 1600
    user = SocketUser(servers.url)
    try:
        [answer] = user.say(text, until=lambda m: "text" in m)
        size = len(text.strip())  # about 100 KB
        assert answer["text"].startswith(f"Sua mensagem é longa demais ({size} caracteres")
        assert user.say("hi", until=lambda m: "text" in m)
    finally:
        user.close()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("just text", "expected an object"),
        ({"message": 42, "session_id": "0123456789abcdef"}, "message must be a string"),
        ({"message": "hi"}, "session_id missing or invalid"),
        ({"message": "hi", "session_id": "../../etc"}, "session_id missing or invalid"),
    ],
)
def test_a_malformed_message_gets_a_reason_and_the_server_carries_on(
    servers: BotServers, data: Any, problem: str
) -> None:
    client = socketio.Client()
    client.connect(servers.url, wait_timeout=30)
    try:
        answer = client.call("user_uttered", data, timeout=30)
        assert problem in answer["error"]
    finally:
        client.disconnect()
    user = SocketUser(servers.url)
    try:
        assert user.say("hi", until=lambda m: "text" in m)
    finally:
        user.close()
