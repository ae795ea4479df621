"""What every action shares: the application (opened once, on first use) and the tracker's facts."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Coroutine
from functools import cache, lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge.app import App
from knowledge.errors import FactError, IntakeError, StoreError
from knowledge.intake.language import detect_language, named_language
from knowledge.intake.service import MAX_PASTE_BYTES, ServiceInfo, parse_service
from knowledge.retention import purge_on_start
from knowledge.settings import Settings

__all__ = [
    "FACT_VALUE_LIMIT",
    "SERVICE_SLOT",
    "SKIPPED_SLOT",
    "AppAction",
    "ChatAction",
    "known_facts",
    "language",
    "language_events",
    "open_app",
    "pasted_service",
    "shared_app",
    "skipped_questions",
    "too_long",
]

log = logging.getLogger(__name__)

# Values users forge or paste are echoed back at most this long.
FACT_VALUE_LIMIT = 60
# The user's pasted Service, cleaned (JSON), so fixes are rendered with their own names.
SERVICE_SLOT = "service_manifest"
# The questions the user skipped (they do not know): never asked again, the verdict per answer.
SKIPPED_SLOT = "skipped"


_OPENING = threading.Lock()


def shared_app() -> App:
    """The action server's one App: settings read from the environment on the first action
    (the launcher's warm-up call), with every question's answer model ready (trained, or
    loaded from the cache), so no user's turn waits for it. Actions run in threads: the lock
    makes two first calls open one App."""
    with _OPENING:
        return _open_app()


@cache
def _open_app() -> App:
    app = open_app(Settings.from_env())
    app.reader.warm()
    # Handoffs a restart left undelivered go out now, not at the next handoff.
    from actions.handoff import start_delivery  # it builds on this module

    try:
        start_delivery(app)
    except StoreError as exc:
        log.error("handoff delivery not started; the next handoff starts it: %s", exc)
    # What the server keeps for its life (the knowledge core, the answer models) is set apart
    # from the garbage collector, whose full collections would otherwise walk it during turns.
    gc.collect()
    gc.freeze()
    return app


def open_app(settings: Settings) -> App:
    """The App with its store; without it when the store cannot be reached. Only recording a
    case needs the store: a greeting, a question or a diagnosis must not fail with it, and
    `App.store` opens it on the first case recorded once it is back."""
    try:
        app = App.open(settings, shipped_facts_only=True)
    except StoreError as exc:
        log.error("the store is unreachable; answering without it: %s", exc)
        return App.open_local(settings, local=False)
    purge_on_start(app)  # LBDOCTOR_RETENTION_DAYS
    return app


class _KeptLoop:
    """A worker thread's event loop, closed when the thread ends (and its locals with it)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        self.loop.close()


_worker = threading.local()


def _run(coroutine: Coroutine[Any, Any, list[EventType]]) -> list[EventType]:
    """`coroutine` run to its end on this worker thread's own event loop, kept for the
    thread's next action: a new loop per action (`asyncio.run`) costs more than most actions."""
    if not hasattr(_worker, "kept"):
        _worker.kept = _KeptLoop()
    loop: asyncio.AbstractEventLoop = _worker.kept.loop
    return loop.run_until_complete(coroutine)


class AppAction(Action, ABC):
    """An action over the knowledge core; tests pass their own App, the action server passes none."""

    def __init__(self, app: App | None = None) -> None:
        self._app = app

    # Abstract, so the action server does not register this base class itself.
    @abstractmethod
    def name(self) -> str: ...

    @property
    def app(self) -> App:
        return self._app if self._app is not None else shared_app()

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The action in a worker thread, with an event loop of its own: reading a long paste,
        validating a manifest and writing to the store are CPU and blocking work, and on the
        action server's event loop they would hold up every other user's turn."""
        return await asyncio.to_thread(_run, self.answer(dispatcher, tracker, domain))

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """What the action does (in the worker thread): by default its next class's `run`."""
        events: list[EventType] = await super().run(dispatcher, tracker, domain)
        return events


class ChatAction(AppAction):
    """An action answering the latest message: the language it shows is kept with the answer."""

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return [*language_events(tracker, self.app), *await self.act(dispatcher, tracker)]

    @abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]: ...


# The form's extraction, validation and question each ask the same message its language.
_detected = lru_cache(maxsize=64)(detect_language)


def language_events(tracker: Tracker, app: App) -> list[EventType]:
    """What the latest message says about the user's language: follow their words until they
    pick one ("answer in English"), then keep it. Every action applies this to its message, so
    no extra call to the action server is spent on it."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    current = tracker.get_slot("language")
    if (message.get("intent") or {}).get("name") == "switch_language":
        named = named_language(text)
        if named is None:
            # "the other language": the one not in use.
            named = "en" if (current or app.settings.language) == "pt" else "pt"
        return [SlotSet("language", named), SlotSet("language_chosen", True)]
    if tracker.get_slot("language_chosen") or text.startswith("/"):
        return []
    detected = _detected(text)
    if detected is None or detected == current:
        return []
    return [SlotSet("language", detected)]


def language(tracker: Tracker, app: App) -> str:
    """The language to answer the latest message in."""
    for event in language_events(tracker, app):
        if event["name"] == "language":
            return str(event["value"])
    chosen = tracker.get_slot("language")
    return chosen if chosen in ("en", "pt") else app.settings.language


def known_facts(tracker: Tracker, app: App) -> dict[str, str]:
    """The facts in the slots that the engine accepts; a value it rejects counts as unsaid."""
    engine = app.doctor.engine
    facts: dict[str, str] = {}
    for fact in app.doctor.playbook.facts:
        value: Any = tracker.get_slot(fact.name)
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            engine.normalize({**facts, fact.name: value})
        except FactError:
            continue
        facts[fact.name] = value
    return facts


def pasted_service(tracker: Tracker) -> ServiceInfo | None:
    text = tracker.get_slot(SERVICE_SLOT)
    if not isinstance(text, str) or not text:
        return None
    try:
        return parse_service(text)
    except IntakeError:
        # Only the form sets this slot, from a Service it could read; a forged one is ignored.
        return None


def skipped_questions(tracker: Tracker, app: App) -> tuple[str, ...]:
    """The questions the user skipped; anything else in the slot (forged) is ignored."""
    value = tracker.get_slot(SKIPPED_SLOT)
    questions = {fact.name for fact in app.doctor.engine.askable}
    return tuple(name for name in value or () if isinstance(name, str) and name in questions)


def too_long(tracker: Tracker) -> tuple[int, int] | None:
    """The latest message's size and the limit it passed, when it was too long to read: cut by
    the Rasa server before NLU (bot/server.py says so in its parse data), or, sent another way,
    over what the intake reads."""
    message = tracker.latest_message or {}
    cut = message.get("message_too_long")
    if isinstance(cut, dict) and isinstance(cut.get("size"), int):
        limit = cut.get("limit")
        return cut["size"], limit if isinstance(limit, int) else MAX_PASTE_BYTES
    text = message.get("text")
    if isinstance(text, str) and len(text) > MAX_PASTE_BYTES:
        return len(text), MAX_PASTE_BYTES
    return None
