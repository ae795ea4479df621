# syntax=docker/dockerfile:1
# LB Doctor's Rasa server: rasa/rasa with our bot/ and its model, trained here from bot/ so the
# image never depends on a model left in a working copy. Build from the repository's root:
#   docker build -f deploy/docker/rasa.Dockerfile -t lbdoctor-rasa .

FROM rasa/rasa:3.6.21 AS rasa
USER root
# The image's venv gets our exact pins (pip keeps those already at the pinned version), so the
# image trains and runs with what the tests ran in .venv-rasa.
COPY requirements/rasa.lock /tmp/rasa.lock
RUN pip install --no-cache-dir --no-deps -r /tmp/rasa.lock && rm /tmp/rasa.lock
# Offline and quiet (scripts/serve.py's quiet_env); HOME and caches in /tmp, the one writable place.
ENV RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    PYTHONWARNINGS=ignore \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    MPLCONFIGDIR=/tmp

# Trained as scripts/serve.py trains it (make run), as root in this stage only.
FROM rasa AS train
WORKDIR /build
COPY bot/config.yml ./config.yml
COPY bot/domain ./domain
COPY bot/data ./data
RUN rasa train --fixed-model-name lbdoctor --out models \
    --domain domain --data data --config config.yml

FROM rasa
# The repository's layout, read-only for the server's user.
COPY bot /app/bot
COPY scripts/serve.py scripts/widget_server.py /app/scripts/
# serve.py's imports (settings, URL masking): light, they run on Rasa's own packages.
COPY knowledge /app/knowledge
COPY deploy/endpoints.yml /app/deploy/endpoints.yml
COPY deploy/docker/rasa_entry.py /app/deploy/docker/rasa_entry.py
COPY --from=train /build/models/lbdoctor.tar.gz /app/bot/models/lbdoctor.tar.gz
USER 1001
EXPOSE 5005
ENTRYPOINT ["python", "/app/deploy/docker/rasa_entry.py"]
