"""Every channel's rendering of every verdict, in both languages, checked against the diagnosis
data: whatever the report says (verdict, explanation, fixes, manifests, commands, sources) is
on the card, in the channel's own form and within its limits."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import pytest

from frontends.render import diagnosis_messages
from frontends.render.prose import blocks
from frontends.render.slack import SECTION_LIMIT
from frontends.render.teams import ADAPTIVE_CARD
from frontends.text import render_text
from frontends.wording import catalog
from knowledge.diagnosis import Doctor
from knowledge.intake.service import parse_service

FAILS = {
    "service_type": "loadbalancer-dedicated",
    "external_traffic_policy": "Local",
    "access_type": "private",
    "client_location": "same-node",
    "network_model": "tunnel",
    "proxy_mode": "ipvs",
}
# One case per verdict, with what was skipped.
CASES = {
    "fails": (FAILS, ()),
    "works": ({**FAILS, "external_traffic_policy": "Cluster"}, ()),
    "unsupported": ({**FAILS, "network_model": "cloud-native-2"}, ()),
    "out-of-scope": ({**FAILS, "client_location": "outside-cluster"}, ()),
    "depends": ({k: v for k, v in FAILS.items() if k != "network_model"}, ("network_model",)),
}
# Written by hand, not read from the catalog the renderers use.
HEADLINES = {
    ("fails", "en"): "Access fails",
    ("fails", "pt"): "O acesso falha",
    ("works", "en"): "Access works",
    ("works", "pt"): "O acesso funciona",
    ("unsupported", "en"): "Unsupported setup",
    ("unsupported", "pt"): "Configuração não suportada",
    ("out-of-scope", "en"): "Outside the FAQ",
    ("out-of-scope", "pt"): "Fora do escopo do FAQ",
    ("depends", "en"): "It depends on what you skipped",
    ("depends", "pt"): "Depende do que você pulou",
}
COPY = {"en": "Copy", "pt": "Copiar"}
DOWNLOAD = {"en": "Download", "pt": "Baixar"}
HOSTILE_SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: shop
  namespace: prod
  annotations:
    note: "<script>alert(1)</script> ``` & <b>"
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: shop}
  ports: [{port: 80, targetPort: 8080}]
"""


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


def explanation_lines(report: dict[str, Any]) -> list[str]:
    lines = []
    for block in blocks(report["explanation"]):
        for item in block.items:
            lines += [item.text, *item.commands]
    return lines


def strings(value: Any) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


# --- Slack --------------------------------------------------------------------------------------


def slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_slack_blocks_hold_the_whole_diagnosis(
    report: dict[str, Any], verdict: str, lang: str
) -> None:
    [message] = diagnosis_messages("slack", report, lang)
    slack = message["json_message"]
    assert "playbook" not in slack
    assert slack["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": HEADLINES[verdict, lang]},
    }
    assert HEADLINES[verdict, lang] in slack["text"]
    assert len(slack["blocks"]) <= 50
    for block in slack["blocks"]:
        if block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn"
            assert len(block["text"]["text"]) <= SECTION_LIMIT
    shown = slack_unescape(
        "\n".join(strings(slack["blocks"])) + "".join(s["content"] for s in slack["snippets"])
    )
    for line in explanation_lines(report):
        assert line in shown
    for fix in report["fixes"]:
        assert fix["title"] in shown and fix["command"] in shown
        assert all(caveat in shown for caveat in fix["caveats"])
    for fix in report["fixes"]:
        if fix["recommended"]:
            assert f"```{fix['manifest']}```" in shown or fix["manifest"] in [
                s["content"] for s in slack["snippets"]
            ]
    for source in report["sources"]:
        assert f"<{source['url']}|" in "\n".join(strings(slack["blocks"]))


def test_a_manifest_too_long_for_a_block_becomes_a_snippet(doctor: Doctor) -> None:
    report = doctor.report(FAILS, "en")
    long_manifest = "# padding\n" * 400 + report["fixes"][0]["manifest"]
    report["fixes"][0] = {**report["fixes"][0], "manifest": long_manifest}
    [message] = diagnosis_messages("slack", report, "en")
    slack = message["json_message"]
    fix = report["fixes"][0]
    assert slack["snippets"] == [
        {"title": fix["title"], "filename": f"{fix['id']}.yaml", "content": long_manifest}
    ]
    assert f"{fix['id']}.yaml" in json.dumps(slack["blocks"])
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in slack["blocks"] if "text" in b)


# --- Teams --------------------------------------------------------------------------------------


def test_teams_card_holds_the_whole_diagnosis(
    report: dict[str, Any], verdict: str, lang: str
) -> None:
    [message] = diagnosis_messages("teams", report, lang)
    activity = message["json_message"]
    assert "playbook" not in activity
    [attachment] = activity["attachments"]
    assert attachment["contentType"] == ADAPTIVE_CARD
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    texts = [e["text"] for e in card["body"] if e["type"] == "TextBlock"]
    assert HEADLINES[verdict, lang] in texts
    shown = strings(card)
    for line in explanation_lines(report):
        assert any(line in text for text in shown)
    for fix in report["fixes"]:
        # Each manifest is a code block of its own, exactly the report's.
        assert fix["manifest"] in shown and fix["command"] in shown
        assert any(fix["title"] in text for text in shown)
    # The recommended fix in the body, each other one behind a button of its title.
    assert [a["title"] for a in card["actions"]] == [
        f["title"] for f in report["fixes"] if not f["recommended"]
    ]
    for source in report["sources"]:
        assert any(f"]({source['url']})" in text for text in shown)


# --- the widget's HTML card ---------------------------------------------------------------------


class CardParser(HTMLParser):
    """The card as a browser reads it: text, and the attributes of the elements that matter."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.codes: dict[str, str] = {}
        self.elements: list[tuple[str, dict[str, str]]] = []
        self._code: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag == "code":
            self._code = attributes.get("id", f"anonymous-{len(self.codes)}")
            self.codes[self._code] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._code = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._code is not None:
            self.codes[self._code] += data


def parse(html: str) -> CardParser:
    parser = CardParser()
    parser.feed(html)
    parser.close()
    return parser


def test_widget_card_holds_the_whole_diagnosis(
    report: dict[str, Any], verdict: str, lang: str
) -> None:
    [message] = diagnosis_messages("socketio", report, lang)
    payload = message["json_message"]
    # The contract's payload travels unchanged beside the card.
    assert {k: v for k, v in payload.items() if k not in ("type", "html")} == report
    card = parse(payload["html"])
    text = "".join(card.text)
    assert HEADLINES[verdict, lang] in text
    for line in explanation_lines(report):
        assert line in text
    tabs = [a for tag, a in card.elements if a.get("role") == "tab"]
    panels = [a for tag, a in card.elements if a.get("role") == "tabpanel"]
    assert [p["data-fix-id"] for p in panels] == [f["id"] for f in report["fixes"]]
    assert [t["aria-controls"] for t in tabs] == [p["id"] for p in panels]
    copies = [a["data-copy"] for tag, a in card.elements if "lbd-copy" in a.get("class", "")]
    assert not report["fixes"] or (COPY[lang] in text and DOWNLOAD[lang] in text)
    downloads = [a for tag, a in card.elements if "lbd-download" in a.get("class", "")]
    for fix, copy, download in zip(report["fixes"], copies, downloads, strict=True):
        assert card.codes[copy] == fix["manifest"]
        assert download["download"] == f"{fix['id']}.yaml"
        assert unquote(download["href"].split(",", 1)[1]) == fix["manifest"]
        assert fix["command"] in card.codes.values()
    links = [a["href"] for tag, a in card.elements if tag == "a" and "download" not in a]
    assert links == [s["url"] for s in report["sources"]]


def test_nothing_pasted_becomes_markup_on_any_channel(doctor: Doctor) -> None:
    report = doctor.report(FAILS, "en", parse_service(HOSTILE_SERVICE))
    # The annotation is carried into the Service's own fix, as data.
    [manifest] = [f["manifest"] for f in report["fixes"] if "<script>" in f["manifest"]]
    [html] = diagnosis_messages("socketio", report, "en")
    card = parse(html["json_message"]["html"])
    assert not [tag for tag, _ in card.elements if tag in ("script", "b")]
    assert manifest in card.codes.values()
    [teams] = diagnosis_messages("teams", report, "en")
    assert manifest in strings(teams["json_message"])  # a code block: shown, never read
    # Slack gets every manifest in the card for this check: the other fixes show only commands.
    report["fixes"] = [{**f, "recommended": "<script>" in f["manifest"]} for f in report["fixes"]]
    [slack] = diagnosis_messages("slack", report, "en")
    sections = "\n".join(strings(slack["json_message"]["blocks"]))
    assert "<script>" not in sections and "&lt;script&gt;" in sections
    # Three backticks in the data cannot close the code block early.
    assert all(s.count("```") % 2 == 0 for s in strings(slack["json_message"]["blocks"]))


# --- REST and the terminal ----------------------------------------------------------------------


def test_rest_keeps_the_contract_payload_and_the_text(report: dict[str, Any], lang: str) -> None:
    text, payload = diagnosis_messages("rest", report, lang)
    assert payload == {"json_message": {**report, "type": "diagnosis"}}
    for line in explanation_lines(report):
        assert line in text["text"]


def test_terminal_text_holds_the_whole_diagnosis(
    report: dict[str, Any], verdict: str, lang: str
) -> None:
    out = io.StringIO()
    render_text(report, lang, out)
    shown = out.getvalue()
    assert HEADLINES[verdict, lang].upper() in shown
    assert report["explanation"] in shown
    for fix in report["fixes"]:
        assert fix["title"] in shown and fix["command"] in shown
        assert all("     " + line in shown for line in fix["manifest"].splitlines())
    assert all(source["url"] in shown for source in report["sources"])


def test_every_verdict_has_a_headline_in_the_catalog() -> None:
    assert {f"headline_{verdict}" for verdict in CASES} <= set(catalog())
