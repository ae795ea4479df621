"""Errors as `application/problem+json` (RFC 9457): a type, a title, the status, a detail a
person can act on, and where it applies, the field at fault and its valid values."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

__all__ = ["PROBLEM_JSON", "Problem", "problem_response"]

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
