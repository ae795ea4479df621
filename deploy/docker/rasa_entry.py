"""The Rasa container's entry point: `rasa run` set up as `make run` sets it up, from the environment.

It writes the channels' credentials with scripts/serve.py's own `credentials()` (REST, socket.io
with the allowed origins, Slack and Teams when their settings are set), then runs bot/server.py in
this process; bot/server.py takes the API token from LBDOCTOR_API_TOKEN, never from a command line.
Arguments are added to `rasa run`'s, after ours, so they win (Kubernetes passes `--endpoints`).

Environment: LBDOCTOR_API_TOKEN and LBDOCTOR_TRACKER_URL (required), LBDOCTOR_RASA_PORT (5005),
LBDOCTOR_CORS_ORIGINS, and the Slack and Teams settings of scripts/serve.py.
"""

from __future__ import annotations

import os
import runpy
import sys
import tempfile
from pathlib import Path

import yaml

# The image keeps the repository's layout: /app/{bot,scripts,deploy,knowledge}.
ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]
from serve import BOT, MODEL, cors_origins, credentials  # noqa: E402

ENDPOINTS = ROOT / "deploy" / "endpoints.yml"


def rasa_arguments(env: dict[str, str], credentials_file: Path, extra: list[str]) -> list[str]:
    # Rasa would fall back to memory and lose every conversation at the next restart.
    if not env.get("LBDOCTOR_TRACKER_URL"):
        raise SystemExit("LBDOCTOR_TRACKER_URL is not set: replicas share conversations through it")
    return [
        "run", "--model", str(MODEL), "--enable-api", "--port", env.get("LBDOCTOR_RASA_PORT", "5005"),
        "--endpoints", str(ENDPOINTS), "--credentials", str(credentials_file),
        "--cors", *cors_origins(env), *extra,
    ]  # fmt: skip


def main() -> None:
    env = dict(os.environ)
    # The root file system may be read-only (Kubernetes): the file goes to the temporary folder.
    credentials_file = Path(tempfile.gettempdir()) / "lbdoctor-credentials.yml"
    credentials_file.write_text(yaml.safe_dump(credentials(env), sort_keys=False))
    credentials_file.chmod(0o600)
    # As `python server.py` in bot/ (scripts/serve.py): connectors import as `connectors.xxx`.
    os.chdir(BOT)
    sys.path.insert(0, str(BOT))
    sys.argv = ["server.py", *rasa_arguments(env, credentials_file, sys.argv[1:])]
    runpy.run_path("server.py", run_name="__main__")


if __name__ == "__main__":
    main()
