"""One chat message read for every fact it reveals: a pasted Service, an error line, or words."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.errors import IntakeError
from knowledge.intake.error_message import classify_error
from knowledge.intake.keywords import extract_facts
from knowledge.intake.service import ServiceInfo, looks_like_service, parse_service
from knowledge.playbook import Playbook

__all__ = ["MAX_ERROR_LINE", "Reading", "read_message"]

# The error fact keeps the line that names the failure, not a whole paste around it.
MAX_ERROR_LINE = 500


@dataclass(frozen=True)
class Reading:
    facts: dict[str, str] = field(default_factory=dict)
    service: ServiceInfo | None = None
    # Why a paste that looked like a Service could not be read (IntakeError's text).
    problem: str | None = None


def _error_line(text: str) -> str | None:
    for line in text.splitlines():
        if classify_error(line).kind != "other":
            return line.strip()[:MAX_ERROR_LINE]
    return None


def read_message(text: str, playbook: Playbook, asked: str | None = None) -> Reading:
    """Facts a message reveals. `asked`: the question it answers, so a bare "other node" counts.

    Words are read only outside a pasted Service: a manifest's annotations and ids would match
    words like "internal" or "vpc" that say nothing about the user's case.
    """
    facts: dict[str, str] = {}
    service: ServiceInfo | None = None
    problem: str | None = None
    if looks_like_service(text):
        try:
            service = parse_service(text)
        except IntakeError as exc:
            problem = str(exc)
        else:
            facts.update(service.facts)
    else:
        facts.update(extract_facts(text, playbook, asked))
    error = _error_line(text)
    if error is not None:
        facts["error_message"] = error
    return Reading(facts, service, problem)
