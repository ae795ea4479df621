"""The verdict: the diagnosis messages and payload, and "why?" about a question or a verdict."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT

from actions.progress import verdict_given
from actions.runtime import (
    SERVICE_SLOT,
    ChatAction,
    known_facts,
    language,
    pasted_service,
    skipped_questions,
)
from frontends.render import diagnosis_messages
from frontends.wording import (
    fact_value_label,
    say,
    source_lines,
    verdict_words,
)
from knowledge.app import App
from knowledge.dead_end import verdict_dead_end
from knowledge.errors import ManifestError, StoreError

__all__ = ["ActionExplain", "ActionHowToCheck", "deliver_diagnosis", "feedback_buttons"]

log = logging.getLogger(__name__)

DIAGNOSED_SLOT = "diagnosed"


def feedback_buttons(lang: str) -> list[dict[str, str]]:
    """Yes and no to "did it work?" (action_feedback answers both)."""
    return [
        {"title": say("yes", lang), "payload": "/affirm"},
        {"title": say("no", lang), "payload": "/deny"},
    ]


def deliver_diagnosis(
    app: App,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    facts: dict[str, str],
    lang: str,
    skipped: tuple[str, ...],
    hand_off: Callable[[str], list[EventType]],
) -> list[EventType]:
    """The verdict as chat: explanation, the recommended fix with its manifest, the other fixes
    with their caveats, the sources, the diagnosis payload (the CLI's JSON plus its type) and a
    yes/no for feedback. The case is recorded; its id goes into the `case_id` slot.

    A verdict that is a dead end (knowledge/dead_end.py) gets, instead of the yes/no, why and
    a handoff, through `hand_off(reason)`. The same facts and Service as the last diagnosis get
    a short reminder instead: a message that changes nothing is not a new case."""
    case = json.dumps([facts, tracker.get_slot(SERVICE_SLOT), sorted(skipped)], sort_keys=True)
    if case == tracker.get_slot(DIAGNOSED_SLOT):
        verdict = app.doctor.engine.diagnose(facts, skipped).verdict or ""
        dispatcher.utter_message(text=say("unchanged", lang, verdict=say(verdict, lang)))
        return []
    try:
        report = app.doctor.report(facts, lang, pasted_service(tracker), skipped)
    except ManifestError as exc:
        # The user's Service could not be carried into a valid manifest: show the fix on
        # placeholders rather than no fix at all.
        log.warning("manifest for the pasted Service failed: %s", exc)
        dispatcher.utter_message(text=say("manifest_placeholders", lang, problem=str(exc)))
        report = app.doctor.report(facts, lang, None, skipped)
    channel = tracker.get_latest_input_channel() or "rasa"
    for message in diagnosis_messages(channel, report, lang):
        dispatcher.utter_message(**message)
    dead_end = verdict_dead_end(report["verdict"])
    if dead_end is None:
        dispatcher.utter_message(text=say("ask_feedback", lang), buttons=feedback_buttons(lang))
    try:
        case_id: str | None = app.record(report, lang, channel).id
    except StoreError as exc:
        # The user has the diagnosis; losing its record must not lose the answer.
        log.error("diagnosis case not recorded: %s", exc)
        case_id = None
    verdict_given(app, tracker, lang, report["verdict"], case_id)
    events: list[EventType] = [SlotSet("case_id", case_id), SlotSet(DIAGNOSED_SLOT, case)]
    if dead_end is not None:
        dispatcher.utter_message(text=say(f"dead_end_{dead_end}", lang))
        events += hand_off("dead-end")
    return events


class ActionExplain(ChatAction):
    """ "Why?": during the questions, why this one matters; after a verdict, its cause."""

    def name(self) -> str:
        return "action_explain"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        lang = language(tracker, self.app)
        facts = known_facts(tracker, self.app)
        doctor = self.app.doctor
        asked = tracker.get_slot(REQUESTED_SLOT) if tracker.active_loop_name else None
        if asked:
            dispatcher.utter_message(text=self._why_question(asked, facts, lang))
            return []
        skipped = skipped_questions(tracker, self.app)
        finding = doctor.engine.diagnose(facts, skipped)
        if finding.verdict is None:
            dispatcher.utter_message(text=say("explain_nothing", lang))
            return []
        # Placeholders suffice: only the facts and sources are shown here.
        report = doctor.report(facts, lang, skipped=skipped)
        shown = ", ".join(
            f"{name} = {fact_value_label(doctor.playbook, name, value, lang)}"
            for name, value in report["facts"].items()
            if name != "error_message"
        )
        dispatcher.utter_message(
            text=say(
                "explain_cause",
                lang,
                cause=finding.outcome.explanation.get(lang)
                if finding.outcome is not None
                else report["explanation"],
                facts=shown,
                sources_heading=say("sources", lang),
                sources=source_lines(report["sources"]),
            )
        )
        return []

    def _why_question(self, asked: str, facts: dict[str, str], lang: str) -> str:
        doctor = self.app.doctor
        fact = doctor.playbook.fact(asked)
        outcomes = "; ".join(
            say(
                "answer_leads_to",
                lang,
                answer=fact_value_label(doctor.playbook, asked, value, lang),
                verdicts=verdict_words(verdicts, lang),
            )
            for value, verdicts in doctor.engine.verdicts_by_answer(facts, asked).items()
        )
        source = next(iter(doctor.playbook.sources.values()))
        return say(
            "explain_question",
            lang,
            question=fact.prompt.get(lang),
            outcomes=outcomes,
            source=f"{source.title}: {source.url}",
        )


class ActionHowToCheck(ChatAction):
    """ "How do I check?" / "não sei": one way to find the open question's answer, with its
    command and source; the form then asks the question again (with "Skip" among its buttons)."""

    def name(self) -> str:
        return "action_how_to_check"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        lang = language(tracker, self.app)
        asked = tracker.get_slot(REQUESTED_SLOT) if tracker.active_loop_name else None
        playbook = self.app.doctor.playbook
        check = playbook.fact(asked).how_to_check if asked in playbook.fact_names else None
        if check is None:
            dispatcher.utter_message(text=say("check_nothing_asked", lang))
            return []
        source = playbook.sources[check.source]
        command = f"\n\n```\n{check.command}\n```" if check.command else ""
        dispatcher.utter_message(
            text=say(
                "how_to_check",
                lang,
                text=check.text.get(lang),
                command=command,
                source=f"{source.title}: {source.url}",
            )
        )
        return []
