"""The case bundle a handoff carries to a person: who asked what, what the bot concluded, and
why it handed over. `Bundle.redacted()` is what may leave the process (knowledge.redaction).

Case numbers read `LBD-20250314-7KQ2M`: the date tells support how old a case is at a glance,
and five random Crockford base32 characters (no I, L, O, U: nothing to mishear on the phone)
make it unique without a counter the replicas would have to share (32⁵ ≈ 33 million a day;
should two ever meet, the store's primary key refuses the second rather than overwrite).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from knowledge.redaction import Redactor

__all__ = [
    "BUNDLE_TYPE",
    "REASONS",
    "SOURCES",
    "Bundle",
    "BundleError",
    "Fact",
    "Fix",
    "Line",
    "new_case_number",
]

BUNDLE_TYPE = "lbdoctor.handoff"
REASONS = ("not-solved", "asked-for-human", "dead-end")
# How a fact was obtained: a button, the user's own words, a pasted Service or error, or
# inferred from other facts.
SOURCES = ("button", "words", "paste", "inferred")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class BundleError(ValueError):
    """A bundle built or read with a value outside its vocabulary."""


def new_case_number(now: datetime | None = None) -> str:
    day = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    suffix = "".join(secrets.choice(_CROCKFORD) for _ in range(5))
    return f"LBD-{day:%Y%m%d}-{suffix}"


@dataclass(frozen=True)
class Fact:
    name: str
    value: str
    source: str

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise BundleError(f"fact {self.name}: source {self.source!r} is not one of {SOURCES}")


@dataclass(frozen=True)
class Fix:
    id: str
    title: str


@dataclass(frozen=True)
class Line:
    """One message of the transcript; `who` is "user" or "bot"."""

    who: str
    text: str
    time: datetime


@dataclass(frozen=True)
class Bundle:
    case: str
    created: datetime
    language: str
    channel: str
    reason: str
    facts: tuple[Fact, ...] = ()
    verdict: str | None = None
    fixes: tuple[Fix, ...] = ()
    transcript: tuple[Line, ...] = ()
    service: str | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise BundleError(f"reason {self.reason!r} is not one of {REASONS}")

    @classmethod
    def create(
        cls,
        *,
        reason: str,
        language: str,
        channel: str,
        facts: Sequence[Fact] = (),
        report: Mapping[str, Any] | None = None,
        transcript: Sequence[Line] = (),
        service: str | None = None,
        error: str | None = None,
        now: datetime | None = None,
    ) -> Bundle:
        """A new case; verdict and fixes offered come from the diagnosis report, if any."""
        created = now or datetime.now(timezone.utc)
        return cls(
            case=new_case_number(created),
            created=created,
            language=language,
            channel=channel,
            reason=reason,
            facts=tuple(facts),
            verdict=report.get("verdict") if report else None,
            fixes=tuple(Fix(fix["id"], fix["title"]) for fix in (report or {}).get("fixes", [])),
            transcript=tuple(transcript),
            service=service,
            error=error,
        )

    def redacted(self) -> Bundle:
        """Every text through one Redactor, so an address is the same placeholder throughout.
        Placeholders are left as they are, so redacting twice changes nothing."""
        redactor = Redactor()

        def text(value: str | None) -> str | None:
            return None if value is None else redactor.text(value)

        return replace(
            self,
            facts=tuple(Fact(f.name, redactor.text(f.value), f.source) for f in self.facts),
            verdict=text(self.verdict),
            fixes=tuple(Fix(f.id, redactor.text(f.title)) for f in self.fixes),
            transcript=tuple(
                Line(ln.who, redactor.text(ln.text), ln.time) for ln in self.transcript
            ),
            service=text(self.service),
            error=text(self.error),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "type": BUNDLE_TYPE,
            "case": self.case,
            "created": self.created.isoformat(),
            "language": self.language,
            "channel": self.channel,
            "reason": self.reason,
            "facts": [{"name": f.name, "value": f.value, "source": f.source} for f in self.facts],
            "verdict": self.verdict,
            "fixes": [{"id": f.id, "title": f.title} for f in self.fixes],
            "transcript": [
                {"who": ln.who, "text": ln.text, "time": ln.time.isoformat()}
                for ln in self.transcript
            ],
            "service": self.service,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Bundle:
        if data.get("type") != BUNDLE_TYPE:
            raise BundleError(f'not a handoff bundle: "type" is {data.get("type")!r}')
        try:
            return cls(
                case=data["case"],
                created=datetime.fromisoformat(data["created"]),
                language=data["language"],
                channel=data["channel"],
                reason=data["reason"],
                facts=tuple(Fact(f["name"], f["value"], f["source"]) for f in data["facts"]),
                verdict=data.get("verdict"),
                fixes=tuple(Fix(f["id"], f["title"]) for f in data["fixes"]),
                transcript=tuple(
                    Line(ln["who"], ln["text"], datetime.fromisoformat(ln["time"]))
                    for ln in data["transcript"]
                ),
                service=data.get("service"),
                error=data.get("error"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BundleError(f"malformed handoff bundle: {exc.__class__.__name__}: {exc}") from exc
