"""Errors as `application/problem+json` (RFC 9457): a type, a title, the status, a detail a
person can act on, and where it applies, the field at fault and its valid values."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from knowledge.errors import StoreError

__all__ = ["PROBLEM_JSON", "Problem", "install_problem_handlers", "problem_response"]

PROBLEM_JSON = "application/problem+json"
# Problem types are documented on the help page's API section; relative URIs are allowed.
_TYPE = "/docs#problem-{}"


class Problem(Exception):
    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str,
        *,
        field: str | None = None,
        valid: list[str] | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.body: dict[str, Any] = {
            "type": _TYPE.format(kind),
            "title": title,
            "status": status,
            "detail": detail,
        }
        if field is not None:
            self.body["field"] = field
        if valid is not None:
            self.body["valid"] = valid
        if errors is not None:
            self.body["errors"] = errors
        self.headers = headers or {}


def problem_response(problem: Problem, instance: str) -> JSONResponse:
    return JSONResponse(
        {**problem.body, "instance": instance},
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def install_problem_handlers(api: FastAPI) -> None:
    """Every error the API answers, as a problem: ours, FastAPI's validation, Starlette's HTTP
    errors (unknown paths, methods) and an unreachable store."""

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
