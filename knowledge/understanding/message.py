"""One chat message read for every fact it reveals: a pasted Service, evidence, and words."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from knowledge.errors import IntakeError
from knowledge.intake.error_message import error_line, strip_tool_output
from knowledge.intake.evidence import MAX_LINE, read_evidence
from knowledge.intake.service import ServiceInfo, looks_like_service, parse_service, prose
from knowledge.understanding.reader import Answer, AnswerReader

__all__ = ["MAX_ERROR_LINE", "Reading", "read_message"]

# The error fact keeps the line that names the failure, not a whole paste around it.
MAX_ERROR_LINE = 500


@dataclass(frozen=True)
class Reading:
    facts: dict[str, str] = field(default_factory=dict)
    service: ServiceInfo | None = None
    # Why a paste that looked like a Service could not be read (in both languages).
    problem: IntakeError | None = None
    # The open question's answer when the words were close to more than one option.
    unsure: Answer | None = None
    # The address the client used (from the error or a curl line), when one is named.
    address: str | None = None


def _error_line(text: str) -> str | None:
    line = error_line(text, MAX_LINE)
    return line[:MAX_ERROR_LINE] if line is not None else None


def read_message(
    text: str,
    reader: AnswerReader,
    asked: str | None = None,
    known_service: ServiceInfo | None = None,
) -> Reading:
    """Facts a message reveals. `asked`: the open question, which the words answer first.
    `known_service`: a Service pasted earlier, whose addresses the evidence is compared with.

    Words are read only outside a pasted Service: a manifest's annotations and ids would match
    words like "internal" or "vpc" that say nothing about the user's case.
    """
    facts: dict[str, str] = {}
    service: ServiceInfo | None = None
    problem: IntakeError | None = None
    words = text
    if looks_like_service(text):
        words = prose(text)
        try:
            service = parse_service(text)
        except IntakeError as exc:
            problem = exc
        else:
            facts.update(service.facts)
    evidence = read_evidence(words, service or known_service)
    for name, value in evidence.facts.items():
        facts.setdefault(name, value)
    # The user's words win over what a paste or evidence suggests: they are echoed back.
    unsure: Answer | None = None
    words = strip_tool_output(words)
    if words.strip():
        facts.update(reader.mentions(words, asked))
        if asked is not None and asked in reader.questions:
            answer = reader.read_answer(words, asked)
            if answer.value is not None:
                facts[asked] = answer.value
            elif answer.candidates:
                # Unsure words beside a paste or evidence that says otherwise: ask, offering
                # both, rather than let either win silently.
                shown = facts.pop(asked, None)
                offered = [*answer.candidates, *([shown] if shown else [])]
                unsure = replace(answer, candidates=tuple(dict.fromkeys(offered)))
    error = _error_line(text)
    if error is not None:
        facts["error_message"] = error
    return Reading(facts, service, problem, unsure, evidence.address)
