"""The API's request and response shapes, for validation and the OpenAPI document. The
diagnosis itself is the `lbdoctor diagnose --json` object, described here, built elsewhere."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge.engine import MAX_TEXT_CHARS
from knowledge.intake.service import MAX_PASTE_BYTES

__all__ = [
    "DiagnoseRequest",
    "Diagnosis",
    "NextQuestion",
    "PlaybookDetail",
    "PlaybookSummary",
    "Published",
]

Lang = Literal["en", "pt"]


class DiagnoseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    facts: dict[str, str] = Field(
        default_factory=dict,
        description="Known facts, FACT: VALUE (canonical values or their synonyms)",
        examples=[{"service_type": "loadbalancer-dedicated", "external_traffic_policy": "Local"}],
    )
    service: str | None = Field(
        None,
        max_length=MAX_PASTE_BYTES,
        description="The output of `kubectl get svc NAME -o yaml` (or -o json)",
    )
    error: str | None = Field(
        None, max_length=MAX_TEXT_CHARS, description="The error the client gets"
    )
    lang: Lang | None = Field(None, description="Answer language; default: Accept-Language")
    skip: list[str] = Field(
        default_factory=list,
        description="Questions the user cannot answer: the verdict is given for each answer",
    )


class Fix(BaseModel):
    id: str
    title: str
    recommended: bool
    caveats: list[str]
    manifest: str
    command: str


class SourceRef(BaseModel):
    title: str
    url: str
    section: str


class Diagnosis(BaseModel):
    """Exactly what `lbdoctor diagnose --json` prints."""

    playbook: str
    playbook_version: str
    facts: dict[str, str]
    verdict: Literal["fails", "works", "unsupported", "out-of-scope", "depends"] | None
    next_question: str | None
    explanation: str
    fixes: list[Fix]
    sources: list[SourceRef]


class Option(BaseModel):
    value: str
    label: str


class HowToCheck(BaseModel):
    text: str
    command: str | None
    source: SourceRef


class Question(BaseModel):
    fact: str
    prompt: str
    options: list[Option]
    how_to_check: HowToCheck | None


class NextQuestion(BaseModel):
    facts: dict[str, str]
    question: Question | None = Field(description="null once the facts reach a verdict")
    verdict: str | None


class VersionInfo(BaseModel):
    number: int
    digest: str
    published_at: str


class PlaybookSummary(BaseModel):
    name: str
    title: str
    latest: VersionInfo
    versions: list[VersionInfo]


class FactInfo(BaseModel):
    name: str
    prompt: str
    asked: bool
    values: list[str]


class FixInfo(BaseModel):
    id: str
    title: str
    recommended: bool


class SourceInfo(BaseModel):
    id: str
    title: str
    url: str


class PlaybookDetail(PlaybookSummary):
    in_use: str = Field(description="The digest of the version this server diagnoses with")
    facts: list[FactInfo]
    fixes: list[FixInfo]
    sources: list[SourceInfo]


class Published(BaseModel):
    name: str
    number: int
    digest: str
    new: bool = Field(description="false when this exact text was published before")
