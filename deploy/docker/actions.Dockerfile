# syntax=docker/dockerfile:1
# LB Doctor's action server (target `actions`) and knowledge API (target `api`): rasa/rasa-sdk
# with our packages at requirements/dev.lock's versions. Build from the repository's root:
#   docker build -f deploy/docker/actions.Dockerfile --target actions -t lbdoctor-actions .

FROM rasa/rasa-sdk:3.6.2 AS actions
USER root
COPY deploy/docker/actions-requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --no-deps -r /tmp/requirements.txt && rm /tmp/requirements.txt
# Our packages as source on the path (package data included): no build step, nothing else copied.
COPY knowledge /app/knowledge
COPY frontends /app/frontends
COPY actions /app/actions
# The image listens on its network (SANIC_HOST, LBDOCTOR_HOST): in compose and Kubernetes only
# Rasa can reach it (an internal network, a NetworkPolicy). Caches in /tmp, the writable place.
ENV PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    SANIC_HOST=0.0.0.0 \
    LBDOCTOR_HOST=0.0.0.0 \
    HOME=/tmp \
    LBDOCTOR_CACHE_DIR=/tmp/lbdoctor-cache
USER 1001
WORKDIR /app
EXPOSE 5055
# The image's own entry point is a shell script; this is the command it would run.
ENTRYPOINT ["python", "-m", "rasa_sdk"]
CMD ["--actions", "actions", "--port", "5055"]

FROM actions AS api
USER root
COPY deploy/docker/api-requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --no-deps -r /tmp/requirements.txt && rm /tmp/requirements.txt
USER 1001
EXPOSE 8000
# As scripts/serve.py's api_command: no websockets (the pinned library is Sanic's).
ENTRYPOINT ["python", "-m", "uvicorn"]
CMD ["--factory", "frontends.api:create_app", "--host", "0.0.0.0", "--port", "8000", "--ws", "none", "--no-access-log"]
