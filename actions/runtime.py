"""What every action shares: the application (opened once, on first use) and the tracker's facts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cache
from typing import Any

from rasa_sdk import Action, Tracker

from knowledge.app import App
from knowledge.errors import FactError, IntakeError
from knowledge.intake.service import ServiceInfo, parse_service
from knowledge.settings import Settings

__all__ = [
    "FACT_VALUE_LIMIT",
    "SERVICE_SLOT",
    "AppAction",
    "known_facts",
    "language",
    "pasted_service",
    "shared_app",
]

# Values users forge or paste are echoed back at most this long.
FACT_VALUE_LIMIT = 60
# The user's pasted Service, cleaned (JSON), so fixes are rendered with their own names.
SERVICE_SLOT = "service_manifest"


@cache
def shared_app() -> App:
    """The action server's one App: settings read from the environment on the first action."""
    return App.open(Settings.from_env())


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


def language(tracker: Tracker, app: App) -> str:
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
