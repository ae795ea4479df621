"""Start LB Doctor's assistant: train the model if its inputs changed, start the action server and
the Rasa server, wait until both answer, and say how to talk to the bot.

`make run` runs this with .venv's Python; the end-to-end tests start it the same way.

Environment (all optional):
  LBDOCTOR_RASA_PORT (5005), LBDOCTOR_ACTION_PORT (5055), LBDOCTOR_API_PORT (8000),
  LBDOCTOR_HOST (127.0.0.1)
  LBDOCTOR_WIDGET_PORT (8080)  the demo support-portal page with the web widget
  LBDOCTOR_CORS_ORIGINS  more origins (space or comma separated) whose pages may embed the
                         widget; the widget page's own are always allowed, no other is
  LBDOCTOR_API_TOKEN     token for Rasa's HTTP API (--enable-api); generated when absent
  LBDOCTOR_TRACKER_URL   conversations in PostgreSQL (postgresql://user:pw@host:port/db);
                         default: a SQLite file in LBDOCTOR_STATE_DIR
  LBDOCTOR_REDIS_URL     Rasa's lock store in Redis (redis://[:password@]host:port/db, rediss://
                         for TLS), needed when several Rasa servers share the conversations;
                         default: in memory (one Rasa server)
  LBDOCTOR_STATE_DIR     tracker database, logs and token (default ~/.local/share/lbdoctor)
  LBDOCTOR_DATABASE_URL  the knowledge store (diagnosis cases), as for the lbdoctor CLI
  LBDOCTOR_SLACK_BOT_TOKEN, LBDOCTOR_SLACK_SIGNING_SECRET (LBDOCTOR_SLACK_API_URL)
                         turn the Slack channel on (README: connecting a Slack app)
  LBDOCTOR_TEAMS_APP_ID, LBDOCTOR_TEAMS_APP_PASSWORD, LBDOCTOR_TEAMS_TENANT_ID
  (LBDOCTOR_TEAMS_OPENID_METADATA_URL, LBDOCTOR_TEAMS_TOKEN_URL)
                         turn the Microsoft Teams channel on (README: connecting a Teams bot)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import unquote, urlsplit
from urllib.request import Request, urlopen

import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from widget_server import start_widget_server

from knowledge.settings import TRACKER_FILE, redacted_url, state_dir

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
MODELS = BOT / "models"
MODEL = MODELS / "lbdoctor.tar.gz"
FINGERPRINT = MODELS / "lbdoctor.fingerprint"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
PYTHON = ROOT / ".venv" / "bin" / "python"
# What the model is trained from; the Rasa lock stands for the training code's version.
TRAINING_INPUTS = ("config.yml", "domain", "data")
REQUESTED_SLOT = "requested_slot"  # Rasa's own slot for the form's open question


def fingerprint() -> str:
    digest = hashlib.sha256()
    files = [ROOT / "requirements" / "rasa.lock"]
    for name in TRAINING_INPUTS:
        path = BOT / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def quiet_env(base: Mapping[str, str]) -> dict[str, str]:
    """Rasa offline and quiet: no telemetry calls, no TensorFlow banners."""
    return {
        **base,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
    }


def train_if_needed(force: bool = False) -> bool:
    """Train only when the inputs changed since the last model; True if it trained."""
    expected = fingerprint()
    trained = MODEL.exists() and FINGERPRINT.exists()
    if not force and trained and FINGERPRINT.read_text().strip() == expected:
        return False
    MODELS.mkdir(exist_ok=True)
    log = MODELS / "train.log"
    print(f"Training the assistant's model (its inputs changed; log: {log})...", flush=True)
    with log.open("wb") as out:
        done = subprocess.run(
            [
                str(RASA),
                "train",
                "--fixed-model-name",
                "lbdoctor",
                "--out",
                str(MODELS),
                "--domain",
                "domain",
                "--data",
                "data",
                "--config",
                "config.yml",
            ],
            cwd=BOT,
            env=quiet_env(os.environ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if done.returncode != 0:
        sys.stderr.write(log.read_text(errors="replace")[-4000:])
        raise SystemExit(f"training failed (exit {done.returncode}); the whole log: {log}")
    FINGERPRINT.write_text(expected + "\n")
    return True


def tracker_env(env: Mapping[str, str], state: Path) -> dict[str, str]:
    """The tracker store's settings for bot/endpoints.yml."""
    url = env.get("LBDOCTOR_TRACKER_URL", "")
    if url:
        # Rasa would stop with SQLAlchemy's message, which quotes the URL password and all.
        try:
            make_url(url)
        except (ArgumentError, ValueError):
            raise SystemExit(
                f"LBDOCTOR_TRACKER_URL is not a database URL: {redacted_url(url)}"
            ) from None
        dialect = url.split("://", 1)[0].split("+", 1)[0]
        dialect = "postgresql" if dialect in ("postgres", "postgresql") else dialect
        return {
            "LBDOCTOR_TRACKER_DIALECT": dialect,
            "LBDOCTOR_TRACKER_URL": url,
            "LBDOCTOR_TRACKER_DB": "",
        }
    return {
        "LBDOCTOR_TRACKER_DIALECT": "sqlite",
        "LBDOCTOR_TRACKER_URL": "",
        "LBDOCTOR_TRACKER_DB": str(state / TRACKER_FILE),
    }


def lock_store(env: Mapping[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Rasa's lock store for LBDOCTOR_REDIS_URL (None: Rasa's in-memory one), and the environment
    it reads: the password stays in the environment, out of files and command lines."""
    url = env.get("LBDOCTOR_REDIS_URL", "")
    if not url:
        return None, {}
    try:
        parts = urlsplit(url)
        port = parts.port or 6379
        db = int(parts.path.strip("/") or 0)
    except ValueError:
        parts, port, db = None, 0, -1
    if parts is None or parts.scheme not in ("redis", "rediss") or not parts.hostname or db < 0:
        raise SystemExit(
            "LBDOCTOR_REDIS_URL is not a Redis URL like redis://:password@host:6379/0: "
            + redacted_url(url)
        )
    if parts.username not in (None, "", "default"):
        # Rasa 3.6's Redis lock store has no user name setting, only a password.
        raise SystemExit("LBDOCTOR_REDIS_URL: Rasa's lock store takes a password, not a user name")
    config: dict[str, Any] = {
        "type": "redis",
        "url": parts.hostname,
        "port": port,
        "db": db,
        # Our keys apart from anything else in that Redis database (letters and digits only).
        "key_prefix": "lbdoctor",
    }
    if parts.scheme == "rediss":
        config["use_ssl"] = True
    if parts.password is None:
        return config, {}
    config["password"] = "${LBDOCTOR_REDIS_PASSWORD}"
    return config, {"LBDOCTOR_REDIS_PASSWORD": unquote(parts.password)}


def endpoints_file(env: Mapping[str, str], state: Path) -> tuple[Path, dict[str, str]]:
    """bot/endpoints.yml, plus the lock store when LBDOCTOR_REDIS_URL is set, written to the
    state folder; and the environment it reads besides tracker_env's."""
    text = (BOT / "endpoints.yml").read_text()
    config, lock_env = lock_store(env)
    if config is not None:
        text += "\n" + yaml.safe_dump({"lock_store": config}, sort_keys=False)
    path = state / "endpoints.yml"
    path.write_text(text)
    return path, lock_env


# A channel is on when its required settings are set; the optional ones have defaults in the
# connector. Keys are the connector's credential names.
CHANNELS = {
    "connectors.slack.SlackInput": {
        "bot_token": ("LBDOCTOR_SLACK_BOT_TOKEN", True),
        "signing_secret": ("LBDOCTOR_SLACK_SIGNING_SECRET", True),
        "api_url": ("LBDOCTOR_SLACK_API_URL", False),
    },
    "connectors.teams.TeamsInput": {
        "app_id": ("LBDOCTOR_TEAMS_APP_ID", True),
        "app_password": ("LBDOCTOR_TEAMS_APP_PASSWORD", True),
        "tenant_id": ("LBDOCTOR_TEAMS_TENANT_ID", True),
        "openid_metadata_url": ("LBDOCTOR_TEAMS_OPENID_METADATA_URL", False),
        "token_url": ("LBDOCTOR_TEAMS_TOKEN_URL", False),
    },
}


SOCKETIO = "connectors.socketio.SocketIOInput"
_ORIGIN = re.compile(r"https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(:[0-9]{1,5})?")


def cors_origins(env: Mapping[str, str]) -> list[str]:
    """The origins whose pages may talk to Rasa from a browser: the widget page's, and those of
    LBDOCTOR_CORS_ORIGINS (a portal's). Rasa's --cors and the socket.io connector get the same."""
    port = env.get("LBDOCTOR_WIDGET_PORT", "8080")
    hosts = ("localhost", "127.0.0.1", env.get("LBDOCTOR_HOST", "127.0.0.1"))
    own = [f"http://{host}:{port}" for host in hosts if host not in ("0.0.0.0", "::")]
    extra = env.get("LBDOCTOR_CORS_ORIGINS", "").replace(",", " ").split()
    bad = [origin for origin in extra if not _ORIGIN.fullmatch(origin)]
    if bad:
        raise SystemExit(
            f"LBDOCTOR_CORS_ORIGINS: {', '.join(bad)} is not an origin like https://help.example.com"
        )
    return list(dict.fromkeys([*own, *extra]))


def credentials(env: Mapping[str, str]) -> dict[str, Any]:
    """bot/credentials.yml (the channels that are always on) plus each channel whose required
    settings are all set. A channel with only some of them is a mistake worth stopping for."""
    config: dict[str, Any] = yaml.safe_load((BOT / "credentials.yml").read_text()) or {}
    config[SOCKETIO] = {**(config.get(SOCKETIO) or {}), "cors_origins": cors_origins(env)}
    for channel, settings in CHANNELS.items():
        given = {key: env.get(var, "") for key, (var, _) in settings.items()}
        required = [var for key, (var, needed) in settings.items() if needed]
        present = [var for var in required if env.get(var)]
        if not present:
            continue
        if len(present) < len(required):
            missing = ", ".join(var for var in required if not env.get(var))
            raise SystemExit(f"{channel.split('.')[1].title()} is half configured: set {missing}")
        config[channel] = {key: value for key, value in given.items() if value}
    return config


def api_token(env: Mapping[str, str], state: Path) -> str:
    """The API token from the environment, or one generated once and kept in the state folder."""
    if env.get("LBDOCTOR_API_TOKEN"):
        return env["LBDOCTOR_API_TOKEN"]
    path = state / "api-token"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


# Two stateless action calls that load the knowledge core and fill its caches (the store, the
# keyword patterns, the templates, the schema), so the first user does not wait for them.
_WARM_UP_FACTS = {
    "service_type": "loadbalancer-dedicated", "external_traffic_policy": "Local",
    "access_type": "private", "client_location": "same-node", "network_model": "vpc",
    "proxy_mode": "ipvs",
}  # fmt: skip
WARM_UP_CALLS = [
    ("action_explain", {"text": "why?", "intent": {"name": "explain"}}, _WARM_UP_FACTS),
    (
        "validate_diagnosis_form",
        {"text": "my curl to the ELB fails from a pod on another node", "intent": {"name": "describe_problem"}},
        {},
    ),
]  # fmt: skip


def domain_slots() -> list[str]:
    """Every slot the bot's domain declares, as Rasa sends them all with each action call."""
    names = [REQUESTED_SLOT]
    for path in sorted((BOT / "domain").glob("*.yml")):
        names += yaml.safe_load(path.read_text()).get("slots", {})
    return names


def warm_up(action_url: str, timeout: float) -> None:
    """The warm-up calls, each allowed `timeout` (the start's): the first may train the answer
    models of a playbook not cached yet (about 30 s on one core, longer on a busy machine)."""
    empty = dict.fromkeys(domain_slots())
    for action, message, slots in WARM_UP_CALLS:
        tracker = {
            "sender_id": "lbdoctor-warm-up", "slots": empty | slots, "latest_message": message,
            "events": [{"event": "user", "text": message["text"], "parse_data": message}],
            "active_loop": {}, "latest_action_name": "action_listen",
        }  # fmt: skip
        body = json.dumps({"next_action": action, "tracker": tracker, "domain": {}}).encode()
        request = Request(action_url, data=body, headers={"Content-Type": "application/json"})
        with urlopen(request, timeout=timeout) as response:
            response.read()


def api_command(host: str, port: int) -> list[str]:
    """The knowledge API and help page (.venv). No websockets: the pinned library is Sanic's,
    too old for uvicorn's, and the API has no use for them."""
    return [
        str(PYTHON), "-m", "uvicorn", "--factory", "frontends.api:create_app",
        "--host", host, "--port", str(port), "--ws", "none", "--no-access-log",
    ]  # fmt: skip


def answers(url: str) -> bool:
    try:
        with urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (URLError, OSError):
        return False


def action_command(port: int) -> list[str]:
    """The action server (.venv). rasa_sdk 3.6 has no option for the interface and binds 0.0.0.0
    unless SANIC_HOST says otherwise (see spawn's callers): it takes forged trackers from
    whoever reaches it."""
    return [str(PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]


def rasa_command(
    host: str, port: int, endpoints: Path, credentials_file: Path, origins: list[str]
) -> list[str]:
    """Rasa (.venv-rasa), run in bot/. The token goes in the environment (bot/server.py), not on
    this command line."""
    return [
        str(RASA_PYTHON), "server.py", "run", "--model", str(MODEL), "--enable-api",
        "--port", str(port), "--interface", host, "--endpoints", str(endpoints),
        "--credentials", str(credentials_file), "--cors", *origins,
    ]  # fmt: skip


def spawn(
    command: list[str], cwd: Path, log: Path, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """A server process, its output appended to its log."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT
        )


def stop_processes(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each, then wait; a process that does not stop in 20 s is killed."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Launch:
    """What every server of one deployment shares: the state folder, the API token, the
    environment (tracker and lock stores, action server URL) and the channels' credentials."""

    def __init__(self, env: Mapping[str, str], action_url: str) -> None:
        self.host = env.get("LBDOCTOR_HOST", "127.0.0.1")
        self.origins = cors_origins(env)
        self.state = state_dir(env)
        self.state.mkdir(parents=True, exist_ok=True)
        self.logs = self.state / "logs"
        self.token = api_token(env, self.state)
        self.endpoints, lock_env = endpoints_file(env, self.state)
        self.env = (
            quiet_env(env)
            | tracker_env(env, self.state)
            | lock_env
            | {
                "LBDOCTOR_ACTION_URL": action_url,
                # The knowledge API publishes playbooks with the same token as Rasa's API.
                "LBDOCTOR_API_TOKEN": self.token,
            }
        )
        self.env.pop("LBDOCTOR_REDIS_URL", None)  # Rasa reads the lock store's parts only
        # Written where the secrets already live (the state folder), not into the checkout.
        self.credentials = self.state / "credentials.yml"
        self.credentials.write_text(yaml.safe_dump(credentials(env), sort_keys=False))
        self.credentials.chmod(0o600)

    def actions(self, port: int, log: str = "actions.log") -> subprocess.Popen[bytes]:
        env = {**self.env, "SANIC_HOST": self.host}
        return spawn(action_command(port), ROOT, self.logs / log, env)

    def rasa(self, port: int, log: str = "rasa.log") -> subprocess.Popen[bytes]:
        command = rasa_command(self.host, port, self.endpoints, self.credentials, self.origins)
        return spawn(command, BOT, self.logs / log, self.env)

    def rasa_ready_url(self, port: int) -> str:
        return f"http://{self.host}:{port}/status?token={self.token}"


class Servers:
    """`make run`: one action server, one Rasa server, the knowledge API and the widget page."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.host = env.get("LBDOCTOR_HOST", "127.0.0.1")
        self.rasa_port = int(env.get("LBDOCTOR_RASA_PORT", "5005"))
        self.action_port = int(env.get("LBDOCTOR_ACTION_PORT", "5055"))
        self.api_port = int(env.get("LBDOCTOR_API_PORT", "8000"))
        self.widget_port = int(env.get("LBDOCTOR_WIDGET_PORT", "8080"))
        self.launch = Launch(env, f"http://{self.host}:{self.action_port}/webhook")
        self.state = self.launch.state
        self.token = self.launch.token
        self.env = self.launch.env
        self.processes: list[subprocess.Popen[bytes]] = []
        self.widget: ThreadingHTTPServer | None = None

    def start(self) -> None:
        # First: a busy port stops the launcher before any server process is left behind.
        self.widget = start_widget_server(self.host, self.widget_port, self.rasa_port)
        self.processes += [
            self.launch.actions(self.action_port),
            self.launch.rasa(self.rasa_port),
            spawn(
                api_command(self.host, self.api_port), ROOT, self.launch.logs / "api.log", self.env
            ),
        ]

    def wait_ready(self, timeout: float) -> None:
        checks = [
            f"http://{self.host}:{self.action_port}/health",
            self.launch.rasa_ready_url(self.rasa_port),
            f"http://{self.host}:{self.api_port}/readyz",
        ]
        deadline = time.monotonic() + timeout
        while not all(answers(url) for url in checks):
            for process in self.processes:
                if process.poll() is not None:
                    raise SystemExit(
                        f"a server exited with status {process.returncode}; "
                        f"see the logs in {self.state / 'logs'}"
                    )
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"the servers did not answer in {timeout:.0f} s; "
                    f"see the logs in {self.state / 'logs'}"
                )
            time.sleep(0.5)
        try:
            warm_up(self.env["LBDOCTOR_ACTION_URL"], timeout)
        except OSError as exc:
            raise SystemExit(
                f"the action server failed its warm-up ({exc}); see {self.state / 'logs'}"
            ) from exc

    def stop(self) -> None:
        if self.widget is not None:
            self.widget.shutdown()
            self.widget.server_close()
        stop_processes(self.processes)


def stop_on_signals() -> threading.Event:
    """Set by SIGTERM or Ctrl-C: the launcher then stops every server it started, in order."""
    stopping = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda signum, frame: stopping.set())
    return stopping


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-only", action="store_true", help="train if needed, then exit")
    parser.add_argument("--force-train", action="store_true", help="train even if nothing changed")
    parser.add_argument(
        "--timeout", type=float, default=180, help="seconds to wait for the servers"
    )
    args = parser.parse_args()
    train_if_needed(force=args.force_train)
    if args.train_only:
        return 0
    servers = Servers(os.environ)
    stopping = stop_on_signals()
    servers.start()
    try:
        servers.wait_ready(args.timeout)
        base = f"http://{servers.host}:{servers.rasa_port}"
        token_source = (
            "from LBDOCTOR_API_TOKEN"
            if os.environ.get("LBDOCTOR_API_TOKEN")
            else f"in {servers.state / 'api-token'}"
        )
        print(
            f"\nLB Doctor is up: Rasa at {base} (REST and socket.io), actions at port "
            f"{servers.action_port}.\n\n"
            f"  The web widget on a demo support portal:  http://localhost:{servers.widget_port}/\n"
            f"  Talk to it in this terminal:  .venv/bin/lbdoctor chat --url {base}\n"
            f"  Or over REST:  curl -s {base}/webhooks/rest/webhook "
            '-d \'{"sender": "me", "message": "oi"}\'\n'
            f"  Knowledge API: http://{servers.host}:{servers.api_port}/docs  ·  "
            f"help page: http://{servers.host}:{servers.api_port}/help\n"
            # Where the token is, not the token: this output may well end up in a log.
            f"  API token (Rasa --enable-api, publishing playbooks): {token_source}\n"
            f"  Logs: {servers.state / 'logs'}\n\n"
            "LBDOCTOR-READY\nPress Ctrl-C to stop.",
            flush=True,
        )
        while not stopping.is_set() and all(p.poll() is None for p in servers.processes):
            time.sleep(0.5)
    finally:
        servers.stop()
    return 0 if stopping.is_set() else 1


if __name__ == "__main__":
    sys.exit(main())
