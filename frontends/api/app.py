"""The knowledge service: the playbooks and the engine over HTTP, and the self-service help page.

`create_app()` is uvicorn's factory (`uvicorn --factory frontends.api:create_app`): settings are
read once from the environment, the store opened when the server starts, not at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from sqlalchemy import text

from frontends.api.help import help_router
from frontends.api.limits import BodyLimit
from frontends.api.metrics import Metrics, MetricsMiddleware
from frontends.api.problems import Problem, install_problem_handlers
from frontends.api.v1 import knowledge, v1_router
from knowledge.app import App
from knowledge.retention import purge_on_start
from knowledge.settings import Settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, opened: App | None = None) -> FastAPI:
    """The application; tests pass their own settings (or an opened App)."""
    settings = settings or Settings.from_env()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        api.state.knowledge = opened or App.open(settings)
        purge_on_start(api.state.knowledge)  # LBDOCTOR_RETENTION_DAYS
        try:
            yield
        finally:
            if opened is None:
                api.state.knowledge.close()

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

    install_problem_handlers(api)
    api.include_router(v1_router(metrics))

    @api.get("/healthz", summary="Liveness", include_in_schema=True)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz", summary="Readiness: store reachable, playbook loaded")
    def readyz(request: Request) -> JSONResponse:
        serving = knowledge(request)
        try:
            with serving.store.session() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means not ready, whatever the driver raises
            # The kind only: a driver's message may carry the database URL and its password.
            raise Problem(
                503, "not-ready", "Not ready", f"store unreachable ({type(exc).__name__})"
            ) from exc
        playbook = serving.doctor.playbook
        return JSONResponse(
            {"status": "ready", "playbook": playbook.id, "version": playbook.version}
        )

    @api.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    def prometheus() -> Response:
        return Response(metrics.exposition(), media_type="text/plain; version=0.0.4")

    api.include_router(help_router(settings, metrics))
    return api
