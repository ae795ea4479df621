"""The knowledge service: the playbooks and the engine over HTTP, and the self-service help page.

`create_app()` is uvicorn's factory (`uvicorn --factory frontends.api:create_app`): settings are
read once from the environment, the store opened when the server starts, not at import."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from sqlalchemy import text
from starlette.exceptions import HTTPException

from frontends.api.help import help_router
from frontends.api.language import pick_language
from frontends.api.limits import BodyLimit
from frontends.api.metrics import Metrics, MetricsMiddleware
from frontends.api.models import (
    DiagnoseRequest,
    Diagnosis,
    NextQuestion,
    PlaybookDetail,
    PlaybookSummary,
    Published,
)
from frontends.api.problems import PROBLEM_JSON, Problem, problem_response
from frontends.api.questions import question_view
from knowledge.app import App
from knowledge.diagnosis import Doctor, canonical_facts
from knowledge.errors import FactError, IntakeError, PlaybookError, StoreError
from knowledge.playbook import parse_playbook
from knowledge.settings import Settings
from knowledge.store import PublishedPlaybook, list_playbooks, publish_playbook

__all__ = ["create_app"]

# Query parameters of GET /v1/questions/next that are not facts.
_CONTROL = ("lang", "skip")


def _versions(rows: list[PublishedPlaybook]) -> list[dict[str, Any]]:
    return [
        {"number": r.number, "digest": r.digest, "published_at": r.published_at.isoformat()}
        for r in rows
    ]


def _fact_problem(exc: FactError, lang: str, prefix: str) -> Problem:
    return Problem(
        422,
        "bad-fact",
        "Unknown fact or invalid value",
        f"{exc.fact}: {exc.get(lang)}",
        field=f"{prefix}{exc.fact}",
        valid=list(exc.valid),
    )


def create_app(settings: Settings | None = None, knowledge: App | None = None) -> FastAPI:
    """The application; tests pass their own settings (or an opened App)."""
    settings = settings or Settings.from_env()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        opened = knowledge or App.open(settings)
        api.state.knowledge = opened
        try:
            yield
        finally:
            if knowledge is None:
                opened.close()

    # The interactive docs with their assets served here: support networks often have no CDN.
    api = FastAPIOffline(
        title="LB Doctor knowledge service",
        version="1",
        description="Diagnose in-cluster access to a Service's load-balancer address on "
        "Huawei Cloud CCE: the same playbooks, engine and answers as the `lbdoctor` command "
        "and the chat assistant. Errors are `application/problem+json` (RFC 9457).",
        lifespan=lifespan,
    )
    # The last added runs first: refused bodies are counted too.
    api.add_middleware(BodyLimit)
    api.add_middleware(MetricsMiddleware, metrics=metrics)
    api.state.metrics = metrics
    api.state.settings = settings

    def app_of(request: Request) -> App:
        opened: App = request.app.state.knowledge
        return opened

    def language(request: Request, chosen: str | None) -> str:
        return pick_language(chosen, request.headers.get("accept-language"), settings.language)

    @api.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request.url.path)

    @api.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            problem = Problem(400, "bad-json", "Body is not JSON", str(first.get("msg")))
        else:
            where = [str(part) for part in first["loc"] if part not in ("body", "query")]
            expected = (first.get("ctx") or {}).get("expected")
            problem = Problem(
                422,
                "invalid-request",
                "Invalid request",
                f"{'.'.join(where) or 'body'}: {first['msg']}",
                field=".".join(where) or None,
                valid=[v.strip(" '") for v in expected.split(" or ")] if expected else None,
            )
        return problem_response(problem, request.url.path)

    @api.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed"}
        problem = Problem(
            exc.status_code,
            "not-found" if exc.status_code == 404 else "http",
            titles.get(exc.status_code, "HTTP error"),
            str(exc.detail),
            headers=dict(exc.headers or {}),
        )
        return problem_response(problem, request.url.path)

    @api.exception_handler(StoreError)
    async def on_store(request: Request, exc: StoreError) -> JSONResponse:
        problem = Problem(503, "store", "Store unavailable", str(exc), headers={"Retry-After": "5"})
        return problem_response(problem, request.url.path)

    @api.post(
        "/v1/diagnose",
        response_model=Diagnosis,
        summary="Diagnose from facts, a pasted Service and an error",
        responses={422: {"content": {PROBLEM_JSON: {}}}, 413: {"content": {PROBLEM_JSON: {}}}},
    )
    def diagnose(body: DiagnoseRequest, request: Request) -> JSONResponse:
        """Exactly the object `lbdoctor diagnose --json` prints for the same input."""
        lang = language(request, body.lang)
        opened = app_of(request)
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

    @api.get(
        "/v1/questions/next",
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
        opened = app_of(request)
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

    @api.get("/v1/playbooks", response_model=list[PlaybookSummary], summary="Published playbooks")
    def playbooks(request: Request) -> list[dict[str, Any]]:
        opened = app_of(request)
        with opened.store.session() as session:
            rows = list_playbooks(session)
        by_name: dict[str, list[PublishedPlaybook]] = {}
        for row in rows:
            by_name.setdefault(row.playbook_id, []).append(row)
        return [_summary(name, versions, request) for name, versions in by_name.items()]

    def _summary(name: str, versions: list[PublishedPlaybook], request: Request) -> dict[str, Any]:
        latest = versions[-1].load()
        lang = language(request, None)
        return {
            "name": name,
            "title": latest.title.get(lang),
            "latest": _versions(versions[-1:])[0],
            "versions": _versions(versions),
        }

    @api.get(
        "/v1/playbooks/{name}",
        response_model=PlaybookDetail,
        summary="One playbook: versions, facts, fixes, sources",
        responses={404: {"content": {PROBLEM_JSON: {}}}},
    )
    def playbook(name: str, request: Request) -> dict[str, Any]:
        opened = app_of(request)
        with opened.store.session() as session:
            versions = [row for row in list_playbooks(session) if row.playbook_id == name]
        if not versions:
            raise Problem(404, "not-found", "No such playbook", f"no playbook named {name!r}")
        lang = language(request, None)
        latest = versions[-1].load()
        return {
            **_summary(name, versions, request),
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

    @api.post(
        "/v1/playbooks",
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
        if settings.api_token is None:
            raise Problem(
                403, "publishing-off", "Publishing is off", "set LBDOCTOR_API_TOKEN to publish"
            )
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), settings.api_token.encode()
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
        opened = app_of(request)
        with opened.store.session() as session:
            version, new = publish_playbook(session, candidate)
        if candidate.id == opened.doctor.playbook.id:
            # One assignment: a request already holding the old doctor finishes with it.
            opened.doctor = Doctor.create(candidate, opened.settings.kubernetes_version)
        body = {"name": version.playbook_id, "number": version.number, "digest": version.digest}
        return JSONResponse({**body, "new": new}, status_code=201 if new else 200)

    @api.get("/healthz", summary="Liveness", include_in_schema=True)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz", summary="Readiness: store reachable, playbook loaded")
    def readyz(request: Request) -> JSONResponse:
        opened = app_of(request)
        try:
            with opened.store.session() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means not ready, whatever the driver raises
            raise Problem(503, "not-ready", "Not ready", f"store unreachable: {exc}") from exc
        playbook = opened.doctor.playbook
        return JSONResponse(
            {"status": "ready", "playbook": playbook.id, "version": playbook.version}
        )

    @api.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    def prometheus() -> Response:
        return Response(metrics.exposition(), media_type="text/plain; version=0.0.4")

    api.include_router(help_router(settings, metrics))
    return api
