"""Version 1 of the API: diagnose, the next question, the playbooks."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from frontends.api.language import pick_language
from frontends.api.metrics import Metrics
from frontends.api.models import (
    DiagnoseRequest,
    Diagnosis,
    NextQuestion,
    PlaybookDetail,
    PlaybookSummary,
    Published,
)
from frontends.api.problems import PROBLEM_JSON, Problem
from frontends.api.questions import question_view
from knowledge.app import App
from knowledge.diagnosis import Doctor, canonical_facts
from knowledge.errors import FactError, IntakeError, PlaybookError
from knowledge.playbook import parse_playbook
from knowledge.store import PublishedPlaybook, list_playbooks, publish_playbook

__all__ = ["v1_router"]

# Query parameters of GET /v1/questions/next that are not facts.
_CONTROL = ("lang", "skip")


def knowledge(request: Request) -> App:
    opened: App = request.app.state.knowledge
    return opened


def language(request: Request, chosen: str | None) -> str:
    """The body's or query's language, else Accept-Language, else the server's default."""
    default: str = request.app.state.settings.language
    return pick_language(chosen, request.headers.get("accept-language"), default)


def _versions(rows: list[PublishedPlaybook]) -> list[dict[str, Any]]:
    return [
        {"number": r.number, "digest": r.digest, "published_at": r.published_at.isoformat()}
        for r in rows
    ]


def _summary(name: str, versions: list[PublishedPlaybook], lang: str) -> dict[str, Any]:
    return {
        "name": name,
        "title": versions[-1].load().title.get(lang),
        "latest": _versions(versions[-1:])[0],
        "versions": _versions(versions),
    }


def _fact_problem(exc: FactError, lang: str, prefix: str) -> Problem:
    return Problem(
        422,
        "bad-fact",
        "Unknown fact or invalid value",
        f"{exc.fact}: {exc.get(lang)}",
        field=f"{prefix}{exc.fact}",
        valid=list(exc.valid),
    )


def v1_router(metrics: Metrics) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.post(
        "/diagnose",
        response_model=Diagnosis,
        summary="Diagnose from facts, a pasted Service and an error",
        responses={422: {"content": {PROBLEM_JSON: {}}}, 413: {"content": {PROBLEM_JSON: {}}}},
    )
    def diagnose(body: DiagnoseRequest, request: Request) -> JSONResponse:
        """Exactly the object `lbdoctor diagnose --json` prints for the same input."""
        lang = language(request, body.lang)
        opened = knowledge(request)
        try:
            report = opened.diagnose_input(
                body.facts, lang, body.service, body.error, channel="api", skipped=body.skip
            )
        except FactError as exc:
            where = "skip." if exc.fact in body.skip else "facts."
            raise _fact_problem(exc, lang, where) from exc
        except IntakeError as exc:
            raise Problem(
                422, "bad-paste", "Unreadable Service", exc.get(lang), field="service"
            ) from exc
        metrics.diagnoses.labels(report["verdict"] or "none").inc()
        return JSONResponse(report)

    @router.get(
        "/questions/next",
        response_model=NextQuestion,
        summary="The next question for the facts known so far",
    )
    def next_question(
        request: Request,
        lang: Annotated[str | None, Query(pattern="^(en|pt)$")] = None,
        skip: Annotated[list[str] | None, Query()] = None,
    ) -> dict[str, Any]:
        """Facts are query parameters (`?service_type=nodeport&proxy_mode=ipvs`); `skip` names a
        question the user cannot answer (repeatable)."""
        chosen = language(request, lang)
        opened = knowledge(request)
        given = {k: v for k, v in request.query_params.items() if k not in _CONTROL}
        facts = canonical_facts(opened.doctor.playbook, given)
        try:
            finding = opened.doctor.engine.diagnose(facts, skip or ())
        except FactError as exc:
            raise _fact_problem(exc, chosen, "") from exc
        question = finding.next_question
        return {
            "facts": finding.facts,
            "question": question_view(opened.doctor.playbook, question.name, chosen)
            if question is not None
            else None,
            "verdict": finding.verdict,
        }

    @router.get("/playbooks", response_model=list[PlaybookSummary], summary="Published playbooks")
    def playbooks(request: Request) -> list[dict[str, Any]]:
        opened = knowledge(request)
        with opened.store.session() as session:
            rows = list_playbooks(session)
        by_name: dict[str, list[PublishedPlaybook]] = {}
        for row in rows:
            by_name.setdefault(row.playbook_id, []).append(row)
        lang = language(request, None)
        return [_summary(name, versions, lang) for name, versions in by_name.items()]

    @router.get(
        "/playbooks/{name}",
        response_model=PlaybookDetail,
        summary="One playbook: versions, facts, fixes, sources",
        responses={404: {"content": {PROBLEM_JSON: {}}}},
    )
    def playbook(name: str, request: Request) -> dict[str, Any]:
        opened = knowledge(request)
        with opened.store.session() as session:
            versions = [row for row in list_playbooks(session) if row.playbook_id == name]
        if not versions:
            raise Problem(404, "not-found", "No such playbook", f"no playbook named {name!r}")
        lang = language(request, None)
        latest = versions[-1].load()
        return {
            **_summary(name, versions, lang),
            "in_use": opened.doctor.playbook.digest,
            "facts": [
                {
                    "name": f.name,
                    "prompt": f.prompt.get(lang),
                    "asked": f.ask,
                    "values": list(f.values),
                }
                for f in latest.facts
            ],
            "fixes": [
                {"id": f.id, "title": f.title.get(lang), "recommended": f.recommended}
                for f in latest.fixes.values()
            ],
            "sources": [
                {"id": s.id, "title": s.title, "url": s.url} for s in latest.sources.values()
            ],
        }

    @router.post(
        "/playbooks",
        response_model=Published,
        status_code=201,
        summary="Publish a new playbook version (needs the API token)",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/yaml": {"schema": {"type": "string"}}},
            }
        },
        responses={
            401: {"content": {PROBLEM_JSON: {}}},
            403: {"content": {PROBLEM_JSON: {}}},
            422: {"content": {PROBLEM_JSON: {}}},
        },
    )
    async def publish(
        request: Request, authorization: Annotated[str | None, Header()] = None
    ) -> JSONResponse:
        """The playbook's YAML text as the body. The server diagnoses with it from then on, if
        it is the playbook it serves."""
        token_wanted: str | None = request.app.state.settings.api_token
        if token_wanted is None:
            raise Problem(
                403, "publishing-off", "Publishing is off", "set LBDOCTOR_API_TOKEN to publish"
            )
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), token_wanted.encode()
        ):
            raise Problem(
                401,
                "unauthorized",
                "Token required",
                "send Authorization: Bearer <LBDOCTOR_API_TOKEN>",
                headers={"WWW-Authenticate": 'Bearer realm="lbdoctor"'},
            )
        raw = await request.body()
        try:
            candidate = parse_playbook(raw.decode("utf-8"), "request body")
        except UnicodeDecodeError as exc:
            raise Problem(422, "bad-playbook", "Invalid playbook", f"not UTF-8: {exc}") from exc
        except PlaybookError as exc:
            raise Problem(
                422,
                "bad-playbook",
                "Invalid playbook",
                str(exc),
                errors=[{"path": exc.path, "problem": exc.problem}],
            ) from exc
        opened = knowledge(request)
        with opened.store.session() as session:
            version, new = publish_playbook(session, candidate)
        if candidate.id == opened.doctor.playbook.id:
            # One assignment: a request already holding the old doctor finishes with it.
            opened.doctor = Doctor.create(candidate, opened.settings.kubernetes_version)
        body = {"name": version.playbook_id, "number": version.number, "digest": version.digest}
        return JSONResponse({**body, "new": new}, status_code=201 if new else 200)

    return router
