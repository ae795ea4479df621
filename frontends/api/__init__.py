"""The knowledge service over HTTP (FastAPI): `POST /v1/diagnose`, `GET /v1/questions/next`,
`/v1/playbooks`, health, metrics, the OpenAPI document, and the self-service help page at
`/help`. Started by `make run` as `uvicorn --factory frontends.api:create_app`."""

from frontends.api.app import create_app

__all__ = ["create_app"]
