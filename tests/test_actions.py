"""The actions in-process: a real Tracker and CollectingDispatcher, the real knowledge core."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

from actions.conversation import (
    ActionDetectLanguage,
    ActionFeedback,
    ActionNotUnderstood,
    ActionSessionStart,
    ActionStartOver,
)
from actions.diagnose import ActionExplain, ActionHowToCheck
from actions.form import ValidateDiagnosisForm
from actions.progress import settle
from actions.runtime import open_app
from knowledge.app import App
from knowledge.delivery import Deliverer
from knowledge.outbox import HandoffRecord, list_handoffs
from knowledge.progress import ConversationProgress, conversation_id, conversations
from knowledge.settings import Settings
from knowledge.store import feedback_for, list_cases

from .bot_helpers import bot_domain, free_port, payload, tracker
from .conftest import DATA

DOMAIN = bot_domain()
FAILS = {
    "service_type": "loadbalancer-dedicated",
    "external_traffic_policy": "Local",
    "access_type": "private",
    "client_location": "same-node",
    "network_model": "tunnel",
    "proxy_mode": "ipvs",
}
# One case per verdict the engine can reach.
VERDICTS = {
    "fails": FAILS,
    "works": {**FAILS, "external_traffic_policy": "Cluster"},
    "unsupported": {**FAILS, "network_model": "cloud-native-2"},
    "out-of-scope": {**FAILS, "client_location": "outside-cluster"},
}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    opened = App.open(Settings(database_url=f"sqlite:///{tmp_path / 'actions.db'}"))
    yield opened
    opened.close()


def outbox(app: App) -> Deliverer:
    """Handoffs stored, not sent (no URL): what the actions hand over is read back from it."""
    return Deliverer(app.store, None)


def handoffs(app: App) -> list[HandoffRecord]:
    with app.store.session() as session:
        return list_handoffs(session)


def run(action: Action, tracker_: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    return events, dispatcher.messages


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages if m.get("text")]


# --- the form ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "question"),
    [("en", "What kind of Service"), ("pt", "Que tipo de Serviço")],
)
def test_first_question_is_the_engines_with_a_button_per_option(
    app: App, lang: str, question: str
) -> None:
    problem = "my elb fails" if lang == "en" else "meu elb falha"
    # As Rasa activates the form: the loop is already set, no question asked yet.
    events, messages = run(
        ValidateDiagnosisForm(app), tracker(problem, "describe_problem", form=True)
    )
    assert slot_events(events)["language"] == lang
    assert slot_events(events)["requested_slot"] == "service_type"
    (asked,) = messages
    assert asked["text"].startswith(question)
    assert [b["payload"] for b in asked["buttons"]] == [
        *(
            payload("service_type", option.value)
            for option in app.doctor.playbook.fact("service_type").options
        ),
        "/how_to_check",
        "/skip",
    ]


def test_a_pasted_service_fills_every_fact_it_reveals_and_skips_those_questions(app: App) -> None:
    text = "here it is:\n" + (DATA / "svc-dedicated-local.yaml").read_text()
    events, messages = run(ValidateDiagnosisForm(app), tracker(text, "paste_manifest"))
    slots = slot_events(events)
    assert {k: slots[k] for k in ("service_type", "access_type", "external_traffic_policy")} == {
        "service_type": "loadbalancer-dedicated",
        "access_type": "private",
        "external_traffic_policy": "Local",
    }
    assert json.loads(slots["service_manifest"])["metadata"]["name"] == "nginx"
    assert slots["requested_slot"] == "client_location"
    assert texts(messages)[0].startswith("Understood: LoadBalancer")


@pytest.mark.parametrize(
    ("text", "requested", "expected"),
    [
        ("from another node", "client_location", {"client_location": "other-node"}),
        ("de um pod em outro nó", "client_location", {"client_location": "container-other-node"}),
        ("Local", "external_traffic_policy", {"external_traffic_policy": "Local"}),
        (
            "it's a VPC cluster with ipvs",
            "network_model",
            {"network_model": "vpc", "proxy_mode": "ipvs"},
        ),
        (
            "rede de túnel, modo iptables",
            "network_model",
            {"network_model": "tunnel", "proxy_mode": "iptables"},
        ),
    ],
)
def test_free_text_answers_in_both_languages(
    app: App, text: str, requested: str, expected: dict[str, str]
) -> None:
    known = {"service_type": "loadbalancer-dedicated"}
    events, _ = run(
        ValidateDiagnosisForm(app), tracker(text, "inform", known, form=True, requested=requested)
    )
    slots = slot_events(events)
    assert {k: slots.get(k) for k in expected} == expected
    assert slots["requested_slot"] not in expected


def test_a_button_answer_is_validated_and_the_next_question_asked(app: App) -> None:
    new = {"service_type": "nodeport"}
    events, messages = run(
        ValidateDiagnosisForm(app),
        tracker(payload("service_type", "nodeport"), new=new, form=True, requested="service_type"),
    )
    slots = slot_events(events)
    assert slots["service_type"] == "nodeport"
    assert slots["requested_slot"] == app.doctor.engine.next_question(new).name
    assert len(messages) == 1 and messages[0]["buttons"]


@pytest.mark.parametrize(
    ("new", "known", "said"),
    [
        ({"service_type": "banana"}, {}, '"banana" is not a valid answer for service_type'),
        ({"proxy_mode": "{{ 7*7 }}"}, {}, "Valid answers: ipvs, iptables"),
        ({"cluster_version": "latest"}, {}, '"latest" is not a valid answer for cluster_version'),
        ({"error_message": "e" * 5000}, {}, "is longer than 4000 characters"),
        ({"access_type": "private"}, {"service_type": "dnat-gateway"}, "contradicts"),
    ],
)
def test_a_forged_or_contradicting_value_is_refused_with_the_valid_ones(
    app: App, new: dict[str, str], known: dict[str, str], said: str
) -> None:
    ((fact, value),) = new.items()
    events, messages = run(
        ValidateDiagnosisForm(app),
        tracker(payload(fact, value), slots=known, new=new, form=True, requested="service_type"),
    )
    assert slot_events(events)[fact] is None
    assert said in texts(messages)[0]
    # The conversation goes on: the question is asked again.
    assert messages[-1]["buttons"]


def test_a_contradicting_answer_leaves_the_earlier_one(app: App) -> None:
    earlier = tracker(
        "it is a dnat gateway and the client is on the private side",
        "inform",
        {"service_type": "dnat-gateway"},
        form=True,
        requested="client_location",
    )
    # The earlier answer, as Rasa keeps it: a slot event before the latest message.
    earlier.events.insert(0, {"event": "slot", "name": "access_type", "value": "public"})
    earlier.slots["access_type"] = "public"
    events, messages = run(ValidateDiagnosisForm(app), earlier)
    assert slot_events(events)["access_type"] == "public"
    assert any("contradicts" in text for text in texts(messages))


def test_words_of_a_why_question_are_not_taken_as_answers(app: App) -> None:
    events, _ = run(
        ValidateDiagnosisForm(app),
        tracker(
            "why do you need to know if it is ipvs?", "explain", form=True, requested="proxy_mode"
        ),
    )
    assert "proxy_mode" not in slot_events(events)


def test_a_broken_paste_is_explained_and_keeps_the_earlier_service(app: App) -> None:
    broken = "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n"
    events, messages = run(
        ValidateDiagnosisForm(app),
        tracker(
            broken,
            "paste_manifest",
            slots={"service_manifest": "{}"},
            form=True,
            requested="service_type",
        ),
    )
    assert slot_events(events)["service_manifest"] == "{}"
    assert texts(messages)[0].startswith(
        "I couldn't read the pasted Service: the pasted YAML is broken"
    )


def last_answer(
    app: App, facts: dict[str, str], lang: str = "en", **slots: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The form receiving the button that completes `facts` (their proxy_mode)."""
    known = {k: v for k, v in facts.items() if k != "proxy_mode"}
    answer = {"proxy_mode": facts["proxy_mode"]}
    return run(
        ValidateDiagnosisForm(app, outbox(app)),
        tracker(
            payload("proxy_mode", answer["proxy_mode"]),
            slots={**known, "language": lang, **slots},
            new=answer,
            form=True,
            requested="proxy_mode",
        ),
    )


def test_the_answer_that_completes_the_facts_ends_the_form_with_the_diagnosis(app: App) -> None:
    events, messages = last_answer(app, FAILS)
    assert slot_events(events)["requested_slot"] is None
    assert [m["custom"]["verdict"] for m in messages if m.get("custom")] == ["fails"]
    assert not any(m.get("buttons") and "/inform" in m["buttons"][0]["payload"] for m in messages)


# --- the diagnosis -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "pt"])
@pytest.mark.parametrize("verdict", ["fails", "works", "unsupported"])
def test_diagnosis_messages_payload_and_recorded_case(app: App, verdict: str, lang: str) -> None:
    facts = VERDICTS[verdict]
    events, messages = last_answer(app, facts, lang)
    (card,) = [m["custom"] for m in messages if m.get("custom")]
    assert card == {**app.doctor.report(facts, lang), "type": "diagnosis"}
    assert card["verdict"] == verdict
    # One message of paragraphs: verdict and explanation, each fix, the sources.
    said, feedback = texts(messages)
    assert said.startswith(("Diagnosis: ", "Diagnóstico: "))
    assert card["explanation"] in said
    for fix in card["fixes"]:
        assert fix["title"] in said
        assert all(caveat in said for caveat in fix["caveats"])
        assert (f"```yaml\n{fix['manifest']}```" in said) == fix["recommended"]
        assert f"`{fix['command']}`" in said
    assert all(source["url"] in said for source in card["sources"])
    assert feedback in ("Did this solve your problem?", "Isso resolveu o seu problema?")
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/affirm", "/deny"]
    with app.store.session() as session:
        (case,) = list_cases(session)
    assert slot_events(events)["case_id"] == case.id
    assert (case.verdict, case.language, case.channel) == (verdict, lang, "rest")
    # An answer from the FAQ, even "unsupported": no dead end, nothing handed over.
    assert handoffs(app) == []


def test_diagnosis_uses_the_pasted_service_names(app: App) -> None:
    service = (DATA / "svc-dedicated-local.yaml").read_text()
    _, messages = last_answer(app, FAILS, service_manifest=service)
    (card,) = [m["custom"] for m in messages if m.get("custom")]
    assert "ClusterIP 10.247.12.34 (port 900)" in card["fixes"][0]["title"]


def test_a_forged_slot_value_never_reaches_the_diagnosis(app: App) -> None:
    _, messages = last_answer(
        app, {**FAILS, "network_model": "banana"}, service_manifest="{{ evil }}"
    )
    # network_model counts as unsaid, so the engine still asks for it.
    (asked,) = messages
    assert asked["text"].startswith("Which container network model")


# --- why? ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "start"),
    [("en", 'I ask "Where does the failing client run?"'), ("pt", 'Pergunto "Onde')],
)
def test_why_during_the_questions_says_what_the_answer_decides(
    app: App, lang: str, start: str
) -> None:
    known = {"service_type": "nodeport", "language": lang}
    why = "why?" if lang == "en" else "por quê?"
    _, messages = run(
        ActionExplain(app), tracker(why, "explain", known, form=True, requested="client_location")
    )
    (said,) = texts(messages)
    assert said.startswith(start)
    assert "outside-cluster" not in said and ("outside the FAQ" in said or "fora do FAQ" in said)


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_why_after_the_diagnosis_explains_the_cause_with_its_sources(app: App, lang: str) -> None:
    why = "why?" if lang == "en" else "por quê?"
    _, messages = run(ActionExplain(app), tracker(why, "explain", {**FAILS, "language": lang}))
    (said,) = texts(messages)
    report = app.doctor.report(FAILS, lang)
    outcome = app.doctor.engine.diagnose(FAILS).outcome
    assert outcome is not None
    assert said.startswith(("Why: ", "Por quê: "))
    assert outcome.explanation.get(lang) in said
    assert all(source["url"] in said for source in report["sources"])


def test_why_before_anything_was_said(app: App) -> None:
    _, messages = run(ActionExplain(app), tracker("why?", "explain"))
    assert texts(messages) == [
        "There is no diagnosis to explain yet. Describe the problem or paste the error, and "
        "I'll explain the cause with its source."
    ]


# --- the conversation around the form ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "slots", "expected"),
    [
        (
            "meu curl dá connection refused de dentro do pod",
            "describe_problem",
            {},
            {"language": "pt"},
        ),
        (
            "my curl fails from inside the pod",
            "describe_problem",
            {"language": "pt"},
            {"language": "en"},
        ),
        ("vpc", "inform", {"language": "pt"}, {}),
        (payload("proxy_mode", "ipvs"), "inform", {}, {}),
        (
            "answer in English",
            "switch_language",
            {"language": "pt"},
            {"language": "en", "language_chosen": True},
        ),
        (
            "responda em português",
            "switch_language",
            {},
            {"language": "pt", "language_chosen": True},
        ),
        (
            "other language please",
            "switch_language",
            {"language": "pt"},
            {"language": "en", "language_chosen": True},
        ),
        (
            "my curl fails from inside the pod",
            "describe_problem",
            {"language": "pt", "language_chosen": True},
            {},
        ),
    ],
)
def test_language_follows_the_user_until_they_choose(
    app: App, text: str, intent: str, slots: dict[str, Any], expected: dict[str, Any]
) -> None:
    events, _ = run(ActionDetectLanguage(app), tracker(text, intent, slots))
    assert slot_events(events) == expected


def test_start_over_forgets_the_facts_but_not_the_language(app: App) -> None:
    events, messages = run(
        ActionStartOver(app),
        tracker("recomeçar", "start_over", {**FAILS, "language": "pt"}, form=True),
    )
    assert [e["event"] for e in events][:2] == ["active_loop", "reset_slots"]
    # A new attempt: the weekly report counts it as a conversation of its own.
    assert slot_events(events) == {"language": "pt", "language_chosen": False, "attempt": 1}
    assert texts(messages)[0].startswith("Pronto, esqueci tudo")


@pytest.mark.parametrize(
    ("text", "form", "said"),
    [
        ("", False, "Your message was empty."),
        (
            "x" * 300_000,
            False,
            "Your message is too long (300000 characters; I read up to 262144).",
        ),
        ("blah", True, "I couldn't find an answer to \"Which container network model"),
        ("es una red de túnel, creo", True, "I read English and Portuguese only."),
        ("blah", False, "I didn't understand that. I diagnose failures"),
    ],
)
def test_not_understood_says_what_was_expected(app: App, text: str, form: bool, said: str) -> None:
    events, messages = run(
        ActionNotUnderstood(app),
        tracker(text, "nlu_fallback", form=form, requested="network_model" if form else None),
    )
    assert texts(messages)[0].startswith(said)
    # An open question is asked again right after.
    assert [e for e in events if e["event"] != "slot"] == (
        [{"event": "followup", "name": "diagnosis_form", "timestamp": None}] if form else []
    )


@pytest.mark.parametrize(
    ("intent", "helpful", "said"), [("affirm", True, "Great!"), ("deny", False, "Sorry")]
)
def test_feedback_is_recorded_with_the_case(
    app: App, intent: str, helpful: bool, said: str
) -> None:
    events, _ = last_answer(app, FAILS)
    case_id = slot_events(events)["case_id"]
    events, messages = run(ActionFeedback(app), tracker("yes", intent, {"case_id": case_id}))
    assert texts(messages)[0].startswith(said)
    assert slot_events(events)["case_id"] is None
    with app.store.session() as session:
        assert [f.helpful for f in feedback_for(session, case_id)] == [helpful]


def test_feedback_without_a_diagnosis(app: App) -> None:
    _, messages = run(ActionFeedback(app), tracker("yes", "affirm"))
    assert texts(messages)[0].startswith("OK. Whenever you like")


def test_a_service_that_cannot_become_a_manifest_falls_back_to_placeholders(app: App) -> None:
    # Kubernetes' schema has no `bogus` field for ports: no manifest can carry this Service.
    service = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n"
        "  selector: {app: web}\n  ports:\n  - port: 80\n    bogus: 1\n"
    )
    _, messages = last_answer(app, FAILS, service_manifest=service)
    said = texts(messages)
    assert said[0].startswith("I couldn't build a valid manifest from your Service (use-cluster-ip")
    (card,) = [m["custom"] for m in messages if m.get("custom")]
    assert card == {**app.doctor.report(FAILS, "en"), "type": "diagnosis"}
    assert "PLACEHOLDERS" in card["fixes"][0]["manifest"]


def test_an_unchanged_case_is_not_diagnosed_again(app: App) -> None:
    events, _ = last_answer(app, FAILS)
    diagnosed = slot_events(events)["diagnosed"]
    events, messages = last_answer(app, FAILS, diagnosed=diagnosed)
    assert texts(messages) == [
        "Nothing has changed since the diagnosis above (verdict: fails). Tell me what differs, "
        'ask "why?", or say "start over" for a new case.'
    ]
    assert "case_id" not in slot_events(events)
    with app.store.session() as session:
        assert len(list_cases(session)) == 1
    # A different fact is a new diagnosis.
    events, messages = last_answer(app, {**FAILS, "proxy_mode": "iptables"}, diagnosed=diagnosed)
    assert [m["custom"]["facts"]["proxy_mode"] for m in messages if m.get("custom")] == ["iptables"]


# --- not knowing an answer -----------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "words"), [("en", "How to check"), ("pt", "Como verificar")])
def test_how_do_i_check_gives_the_command_and_its_source(app: App, lang: str, words: str) -> None:
    _, messages = run(
        ActionHowToCheck(app),
        tracker(
            "/how_to_check",
            "how_to_check",
            {"language": lang},
            form=True,
            requested="proxy_mode",
        ),
    )
    (said,) = texts(messages)
    assert said.startswith(words)
    assert "curl http://localhost:10249/proxyMode" in said
    assert "https://kubernetes.io/docs/tutorials/services/source-ip/" in said


def test_how_do_i_check_with_no_question_open_says_what_to_do(app: App) -> None:
    _, messages = run(ActionHowToCheck(app), tracker("how do I check?", "how_to_check"))
    assert "no open question" in texts(messages)[0]


def test_a_skipped_question_is_not_asked_again(app: App) -> None:
    known = {k: FAILS[k] for k in ("service_type", "external_traffic_policy", "access_type")}
    events, messages = run(
        ValidateDiagnosisForm(app),
        tracker("/skip", "skip", known, form=True, requested="client_location"),
    )
    slots = slot_events(events)
    assert slots["skipped"] == ["client_location"]
    assert slots["requested_slot"] not in (None, "client_location")
    assert texts(messages)[0].startswith("Skipped:")


def test_skipping_what_decides_gives_a_verdict_per_answer(app: App) -> None:
    known = {k: v for k, v in FAILS.items() if k != "network_model"}
    events, messages = run(
        ValidateDiagnosisForm(app, outbox(app)),
        tracker("/skip", "skip", known, form=True, requested="network_model"),
    )
    card = next(m["custom"] for m in messages if m.get("custom"))
    assert card["verdict"] == "depends"
    assert {b["when"]["network_model"]: b["verdict"] for b in card["branches"]} == {
        "tunnel": "fails",
        "vpc": "fails",
        "cloud-native-2": "unsupported",
    }
    # Only fixes that hold whatever the answer.
    assert all(fix["id"] in b["fixes"] for fix in card["fixes"] for b in card["branches"])
    assert slot_events(events)["requested_slot"] is None
    # The skipped question decides it: a dead end, handed to a person, said why.
    (handoff,) = handoffs(app)
    assert handoff.reason == "dead-end"
    why, started = texts(messages)[-2:]
    assert why.startswith("The answer depends on the questions you skipped")
    assert handoff.case in started


def test_a_forged_skip_slot_is_ignored(app: App) -> None:
    known = {k: FAILS[k] for k in ("service_type", "external_traffic_policy", "access_type")}
    state = tracker("hi", "greet", {**known, "skipped": ["banana", 7]}, form=True)
    events, _ = run(ValidateDiagnosisForm(app), state)
    assert slot_events(events)["requested_slot"] == "client_location"


@pytest.mark.parametrize(
    "slots",
    [
        {"requested_slot": "no_such_question"},
        {"requested_slot": "proxy_mode", "confirming": "{not json"},
        {"requested_slot": "proxy_mode", "confirming": "5"},
        {"requested_slot": "proxy_mode", "confirming": '{"fact": "proxy_mode", "candidates": 7}'},
    ],
)
def test_a_forged_or_stale_tracker_gets_no_crash(app: App, slots: dict[str, Any]) -> None:
    state = tracker("it is ipvs", "inform", slots, form=True)
    run(ValidateDiagnosisForm(app), state)
    run(ActionHowToCheck(app), tracker("how?", "how_to_check", slots, form=True))


def test_an_unsure_answer_is_confirmed_even_beside_evidence(app: App) -> None:
    # Here the mode decides: the FAQ's NodePort row, another container on the pod's node.
    known = {
        "service_type": "nodeport",
        "external_traffic_policy": "Local",
        "access_type": "private",
        "client_location": "container-same-node",
        "nodeport_target": "other-node",
        "network_model": "tunnel",
    }
    text = "I1126 server.go] Using iptables Proxier.\nbut I think it's ipvs, not sure"
    events, messages = run(
        ValidateDiagnosisForm(app),
        tracker(text, "inform", known, form=True, requested="proxy_mode"),
    )
    assert "proxy_mode" not in {k for k, v in slot_events(events).items() if v}
    assert texts(messages)[-1].startswith("I'm not sure which you mean")
    assert [b["payload"] for b in messages[-1]["buttons"]] == [
        payload("proxy_mode", "ipvs"),
        payload("proxy_mode", "iptables"),
    ]


# --- dead ends: the bot hands the case over on its own -------------------------------------------


@pytest.mark.parametrize(
    ("lang", "why"),
    [("en", "The FAQ I follow has no answer"), ("pt", "O FAQ que eu sigo não tem resposta")],
)
def test_a_case_the_faq_gives_no_verdict_for_is_handed_to_a_person(
    app: App, lang: str, why: str
) -> None:
    events, messages = last_answer(app, VERDICTS["out-of-scope"], lang)
    # The diagnosis is still shown (its next steps help), then why, then the case number.
    assert [m["custom"]["verdict"] for m in messages if m.get("custom")] == ["out-of-scope"]
    said, started = texts(messages)[-2:]
    assert said.startswith(why)
    (handoff,) = handoffs(app)
    assert (handoff.reason, handoff.language, handoff.bundle["verdict"]) == (
        "dead-end",
        lang,
        "out-of-scope",
    )
    assert handoff.case in started
    # No "did it work?": the case is support's now, and is not asked about later either.
    assert not any(m.get("buttons") for m in messages)
    assert slot_events(events)["case_id"] is None


def not_understood(app: App, slots: dict[str, Any], asked: str = "network_model") -> Any:
    state = tracker("blah blah", "nlu_fallback", slots, form=True, requested=asked)
    return run(ActionNotUnderstood(app, outbox(app)), state)


@pytest.mark.parametrize(
    ("lang", "why"),
    [
        ("en", "I couldn't understand your answer to \"Which container network model"),
        ("pt", 'Não consegui entender a sua resposta a "Qual modelo de rede de contêiner'),
    ],
)
def test_the_same_question_not_understood_three_times_is_handed_over(
    app: App, lang: str, why: str
) -> None:
    slots: dict[str, Any] = {"language": lang}
    for _ in range(2):
        events, _ = not_understood(app, slots)
        slots["misunderstood"] = slot_events(events)["misunderstood"]
        assert handoffs(app) == []
    events, messages = not_understood(app, slots)
    (handoff,) = handoffs(app)
    # What was expected, as every time; then why the case goes to a person, with its number.
    expected, said, started = texts(messages)
    assert expected.startswith(("I couldn't find an answer", "Não encontrei uma resposta"))
    assert said.startswith(why) and handoff.case in started
    assert (handoff.reason, handoff.language) == ("dead-end", lang)
    # The conversation goes on: the form asks the question again, the user may still answer.
    assert {"event": "followup", "name": "diagnosis_form", "timestamp": None} in events
    assert "active_loop" not in {e["event"] for e in events}
    # A fourth failure opens no second case.
    slots["misunderstood"] = slot_events(events)["misunderstood"]
    not_understood(app, slots)
    assert len(handoffs(app)) == 1


@pytest.mark.parametrize(
    ("before", "times"),
    [
        (None, 1),
        ({"question": "network_model", "times": 2}, 3),
        # Another question in between starts the count again.
        ({"question": "proxy_mode", "times": 2}, 1),
        # A forged count is no count.
        ({"question": "network_model", "times": "2"}, 1),
        ("2", 1),
    ],
)
def test_answers_not_understood_are_counted_per_question_in_a_row(
    app: App, before: Any, times: int
) -> None:
    events, _ = not_understood(app, {"misunderstood": before})
    assert slot_events(events)["misunderstood"] == {"question": "network_model", "times": times}


def test_an_understood_answer_starts_the_count_again(app: App) -> None:
    known = {k: v for k, v in FAILS.items() if k not in ("network_model", "proxy_mode")}
    state = tracker(
        payload("network_model", "tunnel"),
        slots={**known, "misunderstood": {"question": "network_model", "times": 2}},
        new={"network_model": "tunnel"},
        form=True,
        requested="network_model",
    )
    events, _ = run(ValidateDiagnosisForm(app, outbox(app)), state)
    assert slot_events(events)["misunderstood"] is None


# --- coming back later ---------------------------------------------------------------------------


def session_start(app: App, slots: dict[str, Any]) -> Any:
    return run(ActionSessionStart(app), tracker("/session_start", "session_start", slots))


@pytest.mark.parametrize(
    ("lang", "asked"),
    [("en", "Welcome back! Last time I suggested a fix"), ("pt", "Que bom ver você de novo!")],
)
def test_coming_back_to_a_diagnosis_left_unanswered_asks_whether_it_worked(
    app: App, lang: str, asked: str
) -> None:
    slots = {**FAILS, "language": lang, "case_id": "c1", "requested_slot": "proxy_mode"}
    events, messages = session_start(app, slots)
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    # The facts are carried over; no question is open in the new session.
    assert slot_events(events) == {
        **FAILS,
        "language": lang,
        "case_id": "c1",
        "feedback_asked": "c1",
    }
    (message,) = messages
    assert message["text"].startswith(asked)
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]
    # Asked once per diagnosis.
    _, messages = session_start(app, {**slots, "feedback_asked": "c1"})
    assert messages == []


@pytest.mark.parametrize(
    "slots",
    [{}, {"language": "en"}, {"case_id": None, "feedback_asked": "c1", "language": "pt"}],
)
def test_coming_back_without_a_diagnosis_to_ask_about_says_nothing(
    app: App, slots: dict[str, Any]
) -> None:
    events, messages = session_start(app, slots)
    assert messages == [] and events[0]["event"] == "session_started"


# --- progress for the weekly report --------------------------------------------------------------


def progress(app: App) -> list[ConversationProgress]:
    settle()  # the rows are written after the reply
    with app.store.session() as session:
        return conversations(session)


def test_each_question_asked_and_the_verdict_are_recorded(app: App) -> None:
    state = tracker("my elb fails", "describe_problem", form=True)
    run(ValidateDiagnosisForm(app, outbox(app)), state)
    (row,) = progress(app)
    assert row.id == conversation_id("test-user##0")
    assert (row.channel, row.language, row.last_question, row.questions_asked) == (
        "rest",
        "en",
        "service_type",
        1,
    )
    assert row.verdict is None
    events, _ = last_answer(app, FAILS, "pt")
    (row,) = progress(app)
    assert (row.verdict, row.case_id, row.language) == (
        "fails",
        slot_events(events)["case_id"],
        "pt",
    )


def test_each_attempt_after_starting_over_is_a_conversation_of_its_own(app: App) -> None:
    for attempt in (None, 1):
        state = tracker("my elb fails", "describe_problem", {"attempt": attempt}, form=True)
        run(ValidateDiagnosisForm(app, outbox(app)), state)
    assert {row.id for row in progress(app)} == {
        conversation_id("test-user##0"),
        conversation_id("test-user##1"),
    }


def test_the_progress_row_is_keyed_by_the_session_too(app: App) -> None:
    # Rasa's session start heads the tracker's events: its time, to the microsecond, is part of
    # the key, so a sender id guessed later does not find the row.
    state = tracker("my elb fails", "describe_problem", form=True)
    state.events.insert(0, {"event": "session_started", "timestamp": 1764201600.123456})
    run(ValidateDiagnosisForm(app, outbox(app)), state)
    (row,) = progress(app)
    assert row.id == conversation_id("test-user#1764201600.123456#0")


def test_a_progress_row_the_store_refuses_is_logged_after_the_reply(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    with app.store.session() as session:
        session.execute(text("DROP TABLE conversation_progress"))
    _, messages = run(
        ValidateDiagnosisForm(app, outbox(app)),
        tracker("my elb fails", "describe_problem", form=True),
    )
    assert messages[-1]["text"].startswith("What kind of Service")
    settle()
    assert "progress (question service_type) not recorded: store error" in caplog.text


def test_progress_not_recorded_when_the_store_is_down_leaves_the_chat_going(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # PostgreSQL on a port nobody listens on.
    down = open_app(Settings(database_url=f"postgresql://bot@127.0.0.1:{free_port()}/lbdoctor"))
    _, messages = run(
        ValidateDiagnosisForm(down),
        tracker("my elb fails", "describe_problem", form=True),
    )
    assert messages[-1]["text"].startswith("What kind of Service")
    # Not tried again on each question (each try could wait for a connection time-out).
    assert "progress" not in caplog.text and down.opened_store is None
