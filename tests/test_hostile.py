"""Hostile input, in-process: every paste or message a review found crashing gets a clear answer
(the parsers, `lbdoctor diagnose` and `ask`, the chat actions with a real Tracker), nothing is
evaluated as a template, and reading a message is linear in its length."""

from __future__ import annotations

import asyncio
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionDetectLanguage, ActionNotUnderstood
from actions.form import ValidateDiagnosisForm
from frontends.cli import main
from frontends.wording import diagnosis_messages
from knowledge.app import App
from knowledge.diagnosis import Doctor
from knowledge.errors import IntakeError
from knowledge.intake import extract_facts, parse_service
from knowledge.intake.evidence import read_evidence
from knowledge.intake.service import MAX_PASTE_BYTES
from knowledge.playbook import Playbook
from knowledge.settings import Settings
from knowledge.understanding import AnswerReader, read_message

from .bot_helpers import bot_domain, payload, tracker
from .conftest import DATA

BASE = (DATA / "svc-dedicated-local.yaml").read_text()
ANNOTATIONS = "    kubernetes.io/elb.lb-algorithm: ROUND_ROBIN\n"
STATUS = "  loadBalancer:\n    ingress:\n    - ip: 192.168.10.36\n"


def edited(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new, 1)


def in_spec(line: str) -> str:
    return edited("  sessionAffinity: None\n", f"  sessionAffinity: None\n{line}\n")


DEEP_JSON = "[" * 100_000 + "]" * 100_000


def with_annotations(value: str) -> str:
    return re.sub(r"  annotations:\n(    .*\n|      .*\n)+", f"  annotations: {value}\n", BASE)


# The review's crash list (issue 9) and their kin: each now a sentence naming the problem.
REFUSED = {
    "annotations-a-list": (with_annotations("[a, b]"), "metadata.annotations is not a map"),
    "annotations-a-string": (with_annotations("hello"), "metadata.annotations is not a map"),
    "binary-in-spec": (in_spec("  blob: !!binary aGVsbG8="), "the YAML tag !!binary (line"),
    "set-in-spec": (in_spec("  things: !!set {a, b}"), "the YAML tag !!set"),
    "unknown-tag": (in_spec("  thing: !shell rm -rf"), "the YAML tag !shell"),
    "number-key-in-spec": (in_spec("  5: five"), "a key 5 (line"),
    "number-key-deeper": (in_spec("  extra:\n    1: one"), "a key 1 (line"),
    "bool-key": (in_spec("  on: yes"), "a key on (line"),
    "merge-key-adds-keys": (in_spec("  <<: {externalTrafficPolicy: Cluster}"), "merge key (<<)"),
    "repeated-key-overrides": (in_spec("  type: NodePort"), "the key type appears twice"),
    "repeated-key-json": (
        '{"apiVersion": "v1", "kind": "Service", "kind": "Service", "metadata": {}}',
        "the key kind appears twice",
    ),
    "deep-elb-autocreate": (
        re.sub(r"elb.autocreate: '.*'", f"elb.autocreate: '{DEEP_JSON}'", BASE),
        "kubernetes.io/elb.autocreate is not valid JSON: nested too deeply",
    ),
    "deep-json-paste": (
        '{"apiVersion": "v1", "kind": "Service", "spec": ' + DEEP_JSON + "}",
        "nested too deeply",
    ),
    "huge-number-yaml": (in_spec("  weight: " + "9" * 5000), "thousands of digits"),
    "huge-number-json": (
        '{"apiVersion": "v1", "kind": "Service", "n": ' + "9" * 5000 + "}",
        "thousands of digits",
    ),
    "list-as-pass-through": (
        edited(ANNOTATIONS, "    kubernetes.io/elb.pass-through: [true]\n"),
        "is not a string (quote it)",
    ),
    "alias-bomb": (
        in_spec('  a: &a ["lol", "lol", "lol"]\n  b: &b [*a, *a, *a]\n  c: [*b, *b, *b]'),
        "a YAML alias",
    ),
}


@pytest.mark.parametrize(("text", "said"), REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_paste_is_refused_with_a_sentence_in_both_languages(
    text: str, said: str | None
) -> None:
    with pytest.raises(IntakeError) as refused:
        parse_service(text)
    if said is not None:
        assert said in refused.value.en
    assert refused.value.pt != refused.value.en


# Shapes of the server's status and of kubectl's own records that are ignored, not refused.
IGNORED = {
    "load-balancer-a-string": (edited(STATUS, "  loadBalancer: hello\n"), ()),
    "ingress-a-number": (edited(STATUS, "  loadBalancer:\n    ingress: 5\n"), ()),
    "status-a-list": (edited("status:\n" + STATUS, "status: [1, 2]\n"), ()),
    "ingress-ip-not-an-address": (edited("    - ip: 192.168.10.36", "    - ip: 5"), ()),
    "last-applied-ports-a-number": (
        edited(
            '{"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx"}}',
            '{"spec": {"ports": 5}}',
        ),
        ("192.168.10.36",),
    ),
    "last-applied-deep": (
        edited('{"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx"}}', DEEP_JSON),
        ("192.168.10.36",),
    ),
    "last-applied-node-port-a-list": (
        edited(
            '{"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx"}}',
            '{"spec": {"ports": [{"nodePort": [31900]}]}}',
        ),
        ("192.168.10.36",),
    ),
}


@pytest.mark.parametrize(("text", "addresses"), IGNORED.values(), ids=IGNORED.keys())
def test_a_malformed_status_or_record_is_ignored_and_the_service_read(
    text: str, addresses: tuple[str, ...]
) -> None:
    service = parse_service(text)
    assert service.facts["service_type"] == "loadbalancer-dedicated"
    assert service.ingress_ips == addresses


def test_a_typed_date_stays_text_and_the_service_is_kept_as_json() -> None:
    service = parse_service(in_spec("  created: 2024-01-01\n  at: 2024-01-01 10:00:00"))
    assert service.spec["created"] == "2024-01-01"
    # What the chat keeps (the form's slot): JSON, read back to the same Service.
    kept = json.dumps(service.document(), sort_keys=True)
    assert parse_service(kept).manifest == service.manifest


# --- the command line ------------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    monkeypatch.setenv("LBDOCTOR_DATABASE_URL", url)
    monkeypatch.delenv("LBDOCTOR_LANG", raising=False)
    return url


CLI_PASTES = {
    name: text
    for name, (text, _) in {**REFUSED, **IGNORED}.items()
    if name
    in {
        "annotations-a-list",
        "set-in-spec",
        "number-key-in-spec",
        "deep-elb-autocreate",
        "load-balancer-a-string",
        "ingress-a-number",
        "last-applied-ports-a-number",
    }
} | {"typed-date": in_spec("  created: 2024-01-01")}


@pytest.mark.parametrize("text", CLI_PASTES.values(), ids=CLI_PASTES.keys())
def test_diagnose_answers_a_hostile_service_file_without_a_traceback(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text(text)
    out = io.StringIO()
    code = main(
        ["diagnose", "--json", "--service-file", str(path), "client_location=same-node"],
        stdout=out,
    )
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code == 2:
        # One line naming the problem, as the contract asks for bad input.
        assert err.startswith("lbdoctor: ") and err.count("\n") == 1
    else:
        assert code == 0 and json.loads(out.getvalue())["facts"]["client_location"] == "same-node"


@pytest.mark.parametrize("typed", ["²", "¹", "٣٣", "9" * 5000, "0", "-1"])
def test_ask_takes_only_a_menu_number_and_asks_again(database: str, typed: str) -> None:
    out = io.StringIO()
    # The error, no paste, then the odd number, then option 1: the walk goes on.
    code = main(["ask", "--lang", "en"], stdin=io.StringIO(f"\n\n{typed}\n1\n"), stdout=out)
    text = out.getvalue()
    assert code == 2  # input ended before the diagnosis, not a crash
    assert "Answer with a number from 1 to 6" in text
    assert text.count("What kind of Service") == 2  # asked again after the odd number
    assert "Where does the failing client run?" in text  # then option 1 was taken


# --- the chat actions ------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    opened = App.open(Settings(database_url=f"sqlite:///{tmp_path / 'actions.db'}"))
    yield opened
    opened.close()


def run(action: Any, tracker_: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, bot_domain()))
    return events, dispatcher.messages


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages if m.get("text")]


CHAT_PASTES = {
    "load-balancer-a-string": (IGNORED["load-balancer-a-string"][0], "Understood"),
    "ingress-a-number": (IGNORED["ingress-a-number"][0], "Understood"),
    "typed-date": (in_spec("  created: 2024-01-01"), "Understood"),
    "binary": (REFUSED["binary-in-spec"][0], "!!binary"),
    "set": (REFUSED["set-in-spec"][0], "!!set"),
    "number-key": (REFUSED["number-key-in-spec"][0], "a key 5"),
    "deep-elb-autocreate": (REFUSED["deep-elb-autocreate"][0], "nested too deeply"),
    "annotations-a-list": (REFUSED["annotations-a-list"][0], "metadata.annotations"),
    "merge-key": (REFUSED["merge-key-adds-keys"][0], "merge key"),
}


@pytest.mark.parametrize(("text", "said"), CHAT_PASTES.values(), ids=CHAT_PASTES.keys())
def test_the_form_answers_a_hostile_paste_and_asks_on(app: App, text: str, said: str) -> None:
    events, messages = run(
        ValidateDiagnosisForm(app),
        tracker("here it is:\n" + text, "paste_manifest", form=True, requested="service_type"),
    )
    assert any(said in line for line in texts(messages))
    asked = [e["value"] for e in events if e.get("name") == "requested_slot"]
    assert asked and asked[-1] is not None  # a question is open: the conversation goes on
    kept = [e["value"] for e in events if e.get("name") == "service_manifest" and e["value"]]
    for document in kept:
        assert parse_service(document).name == "nginx"


def test_a_paste_problem_is_told_in_portuguese(app: App) -> None:
    _, messages = run(
        ValidateDiagnosisForm(app),
        tracker(
            "segue o serviço que não funciona:\n" + REFUSED["set-in-spec"][0],
            "paste_manifest",
            {"language": "pt"},
            form=True,
            requested="service_type",
        ),
    )
    assert any(
        "Não consegui ler" in line and "tag de YAML !!set" in line for line in texts(messages)
    )


ODD_MESSAGES = {
    "empty": "",
    "control-characters": "\x00\x01\x07\x1b[31m\x7f my elb \x08fails",
    "right-to-left-and-emoji": "\u202e\u200f שלום مرحبا 🔥🙂 elb 👍🏽",
    "jinja-expression": "{{7*7}} {{ config }}",
    "jinja-statement": "{% for x in range(10**9) %}{% endfor %}",
    "only-blank-lines": "\n \n" * 40_000,
}


@pytest.mark.parametrize("text", ODD_MESSAGES.values(), ids=ODD_MESSAGES.keys())
def test_odd_messages_get_an_answer_and_the_question_again(app: App, text: str) -> None:
    _, messages = run(
        ValidateDiagnosisForm(app), tracker(text, "inform", form=True, requested="service_type")
    )
    # Nothing read from these: the form leaves the answer to the fallback, which says why.
    events, fallback = run(
        ActionNotUnderstood(app), tracker(text, "nlu_fallback", form=True, requested="service_type")
    )
    said = " ".join(texts(messages + fallback))
    assert said and "49" not in said
    # The form then asks its question again: the conversation goes on.
    assert {"event": "followup", "name": "diagnosis_form"}.items() <= events[-1].items()


@pytest.mark.parametrize("size", [100 * 1024, MAX_PASTE_BYTES + 1, 5 * 1024 * 1024])
def test_a_long_message_gets_an_answer_naming_the_limit(app: App, size: int) -> None:
    text = ("my elb fails from a pod on another node " * (size // 40 + 1))[:size]
    _, opening = run(ValidateDiagnosisForm(app), tracker(text, "describe_problem", form=True))
    _, fallback = run(
        ActionNotUnderstood(app), tracker(text, "nlu_fallback", form=True, requested="service_type")
    )
    said = texts(opening + fallback)
    if size > MAX_PASTE_BYTES:
        limit = f"{MAX_PASTE_BYTES}"
        assert any(limit in line and "kubectl get svc" in line for line in said), said
        assert any(limit in line for line in texts(opening))
    assert opening[-1]["buttons"]  # the first question is asked: the conversation goes on


FORGED = {
    "template-value": ({"proxy_mode": "{{7*7}}"}, "Valid answers: ipvs, iptables"),
    "statement-value": ({"network_model": "{% if 1 %}vpc{% endif %}"}, "Valid answers"),
    "control-characters": ({"access_type": "public\x00\x1b"}, "Valid answers"),
    "version-injection": ({"cluster_version": "v1.25\nkind: Secret"}, "cluster_version"),
    "long-value": ({"client_location": "x" * 100_000}, "Valid answers"),
}


@pytest.mark.parametrize(("new", "said"), FORGED.values(), ids=FORGED.keys())
def test_a_forged_payload_value_is_refused_and_the_question_asked_again(
    app: App, new: dict[str, str], said: str
) -> None:
    ((fact, value),) = new.items()
    events, messages = run(
        ValidateDiagnosisForm(app),
        tracker(payload(fact, value), new=new, form=True, requested="service_type"),
    )
    assert [e["value"] for e in events if e.get("name") == fact] == [None]
    assert said in texts(messages)[0] and "49" not in texts(messages)[0]
    assert len(texts(messages)[0]) < 1000  # the value is echoed cut short
    assert messages[-1]["buttons"]


def test_unknown_facts_in_a_payload_are_ignored(app: App) -> None:
    forged = tracker(
        '/inform{"banana":"1","requested_slot":"x","service_type":"nodeport"}',
        new={"banana": "1", "requested_slot": "x", "service_type": "nodeport"},
        form=True,
        requested="service_type",
    )
    events, messages = run(ValidateDiagnosisForm(app), forged)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert "banana" not in slots and slots["service_type"] == "nodeport"
    assert slots["requested_slot"] in app.doctor.playbook.fact_names
    assert messages[-1]["buttons"]


# --- no injection, whole code blocks -------------------------------------------------------------


def test_template_text_and_backticks_reach_the_manifest_as_literal_text(doctor: Doctor) -> None:
    value = "{{7*7}} {% if true %}X{% endif %} a```b"
    service = parse_service(edited("ROUND_ROBIN", json.dumps(value)))
    facts = {
        **service.facts,
        "client_location": "same-node",
        "network_model": "tunnel",
        "proxy_mode": "ipvs",
        "cluster_version": "v1.27",
    }
    report = doctor.report(facts, "en", service)
    carried = [fix for fix in report["fixes"] if "lb-algorithm" in fix["manifest"]]
    assert carried
    for fix in report["fixes"]:
        assert "49" not in fix["manifest"] and "```" not in fix["manifest"]
    for fix in carried:
        annotations = yaml.safe_load(fix["manifest"])["metadata"]["annotations"]
        assert annotations["kubernetes.io/elb.lb-algorithm"] == value


def test_the_chat_code_block_holds_a_manifest_with_backticks_whole(doctor: Doctor) -> None:
    manifest = "metadata:\n  annotations:\n    note: a```b\n    other: '````'\n"
    report = {
        "verdict": "fails",
        "explanation": "Why.",
        "sources": [],
        "fixes": [
            {"title": "T", "recommended": True, "caveats": [], "manifest": manifest, "command": "c"}
        ],
    }
    (_, fix) = diagnosis_messages(report, "en")
    opening, rest = fix.split("\n\n", 1)[1].split("\n", 1)
    fence = opening.removesuffix("yaml")
    # The block ends only at its own fence, after the whole manifest (CommonMark).
    assert len(fence) > 4 and rest.startswith(manifest) and rest[len(manifest) :].startswith(fence)
    assert fence not in manifest


# --- reading is linear ---------------------------------------------------------------------------


def line_events(call: Any) -> int:
    """Python lines run in knowledge/ while `call` runs: the work, counted, not timed."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if "/knowledge/" not in frame.f_code.co_filename:
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def test_spotting_facts_costs_the_same_per_kilobyte_at_any_length(playbook: Playbook) -> None:
    unit = "vpc ipvs tunnel iptables dedicated shared nodeport other node "

    def work(kb: int) -> int:
        text = (unit * (kb * 1024 // len(unit) + 1))[: kb * 1024]
        return line_events(lambda: extract_facts(text, playbook, "client_location"))

    small, large = work(4), work(32)
    # Eight times the text, about eight times the work (quadratic was over sixty times).
    assert large < 10 * small


@pytest.mark.parametrize(
    "unit",
    ["\n \n", "curl " * 700 + "\n", "timeout connection refused ", "[" + "@" * 50 + "\n"],
    ids=["blank-lines", "curl-without-url", "one-line-of-failures", "prompt-like"],
)
def test_a_256_kb_message_is_read(reader: AnswerReader, unit: str) -> None:
    text = (unit * (256 * 1024 // len(unit) + 1))[: 256 * 1024]
    assert read_evidence(text).facts == {}
    assert isinstance(read_message(text, reader, "client_location").facts, dict)


def test_a_long_message_read_as_small_talk_still_gets_the_limit(app: App) -> None:
    # "x x x …" reads as thanks to the model: the reply before "You're welcome" names the limit.
    text = "x " * (MAX_PASTE_BYTES // 2 + 10)
    _, messages = run(ActionDetectLanguage(app), tracker(text, "thank"))
    assert any(str(MAX_PASTE_BYTES) in line for line in texts(messages))
