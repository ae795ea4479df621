"""LB Doctor's production topology on one machine, without containers (`make cluster`).

PostgreSQL (conversations and the knowledge store) and Redis (Rasa's lock store) from Debian's
packages, run as unprivileged processes with their data under the state folder, on loopback;
one action server; two Rasa servers sharing both; nginx balancing the Rasa servers round robin
on one port. The tests (tests/test_reliability.py) and the load benchmark drive it through
`Topology`: start, stop, kill -9 and restart any one part, the nginx URL and each Rasa URL.

Environment (all optional): LBDOCTOR_PROXY_PORT (5080, nginx), LBDOCTOR_RASA_PORT (5005; the
second Rasa takes the next port), LBDOCTOR_ACTION_PORT (5055), LBDOCTOR_POSTGRES_PORT (5433),
LBDOCTOR_REDIS_PORT (6380), LBDOCTOR_STATE_DIR (default: lbdoctor-cluster-UID in the temporary
folder; the services' users must be able to reach it), and the channels' settings of
scripts/serve.py.
"""

from __future__ import annotations

import argparse
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import serve

__all__ = ["Ports", "Service", "Topology"]

RASA_COUNT = 2
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Ports:
    proxy: int
    rasa: tuple[int, ...]
    actions: int
    postgres: int
    redis: int

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Ports:
        rasa = int(env.get("LBDOCTOR_RASA_PORT", "5005"))
        return cls(
            proxy=int(env.get("LBDOCTOR_PROXY_PORT", "5080")),
            rasa=tuple(rasa + n for n in range(RASA_COUNT)),
            actions=int(env.get("LBDOCTOR_ACTION_PORT", "5055")),
            postgres=int(env.get("LBDOCTOR_POSTGRES_PORT", "5433")),
            redis=int(env.get("LBDOCTOR_REDIS_PORT", "6380")),
        )

    @classmethod
    def free(cls) -> Ports:
        """Ports nobody uses now: for tests running next to other servers."""
        return cls(free_port(), (free_port(), free_port()), free_port(), free_port(), free_port())


def service_user(name: str) -> str | None:
    """The user a service runs as: the Debian package's own when we are root (PostgreSQL refuses
    to run as root, and the others have no need of it), else ourselves."""
    if os.getuid() != 0:
        return None
    for user in (name, "nobody"):
        try:
            pwd.getpwnam(user)
            return user
        except KeyError:
            continue
    raise SystemExit(f"no user to run {name} as")


def owned_folder(path: Path, user: str | None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    if user is not None:
        shutil.chown(path, user)
    return path


@dataclass
class Service:
    """One process of the topology: how to start it and how to tell it is ready."""

    name: str
    command: list[str]
    log: Path
    ready: Callable[[], bool]
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path = serve.ROOT
    user: str | None = None
    stop_signal: int = signal.SIGTERM
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=dict(self.env),
                stdout=out,
                stderr=subprocess.STDOUT,
                user=self.user,
                # Its own process group: Ctrl-C in the terminal reaches the launcher only,
                # which then stops every part in order.
                start_new_session=True,
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if not self.running():
                code = self.process.returncode if self.process else None
                raise RuntimeError(f"{self.name} exited with status {code}; see {self.log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer in {timeout:.0f} s; see {self.log}")
            time.sleep(0.3)

    def kill(self) -> None:
        """kill -9, as a crash or an OOM kill would."""
        if self.process is not None and self.running():
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def stop(self, timeout: float = 20) -> None:
        if self.process is None:
            return
        if self.running():
            self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def _tcp_answers(port: int, probe: bytes, expect: tuple[bytes, ...]) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
            connection.sendall(probe)
            return connection.recv(64).startswith(expect)
    except OSError:
        return False


class Topology:
    """PostgreSQL, Redis, the action server, two Rasa servers and nginx, started in that order."""

    def __init__(
        self,
        state: Path | None = None,
        env: Mapping[str, str] = os.environ,
        ports: Ports | None = None,
    ) -> None:
        self.ports = ports or Ports.from_env(env)
        default = Path(tempfile.gettempdir()) / f"lbdoctor-cluster-{os.getuid()}"
        self.state = (state or Path(env.get("LBDOCTOR_STATE_DIR") or default)).resolve()
        self.state.mkdir(parents=True, exist_ok=True)
        # The services' own users must get through to their folders.
        self.state.chmod(0o711)
        self.logs = owned_folder(self.state / "logs", None)
        self.postgres_bin = self._postgres_bin()
        self.redis_password = self._secret("redis-password")
        base = f"127.0.0.1:{self.ports.postgres}/lbdoctor"
        self.tracker_url = f"postgresql://lbdoctor@{base}"
        self.database_url = f"postgresql+psycopg://lbdoctor@{base}"
        self.launch = serve.Launch(
            {
                **env,
                "LBDOCTOR_STATE_DIR": str(self.state),
                "LBDOCTOR_HOST": "127.0.0.1",
                "LBDOCTOR_TRACKER_URL": self.tracker_url,
                "LBDOCTOR_DATABASE_URL": self.database_url,
                "LBDOCTOR_REDIS_URL": f"redis://:{self.redis_password}@127.0.0.1:{self.ports.redis}/0",
            },
            f"http://127.0.0.1:{self.ports.actions}/webhook",
        )
        self.token = self.launch.token
        self.url = f"http://127.0.0.1:{self.ports.proxy}"
        self.rasa_urls = [f"http://127.0.0.1:{port}" for port in self.ports.rasa]
        self.services: dict[str, Service] = {}
        self._define_services()

    # --- the parts ---------------------------------------------------------------------------

    def _postgres_bin(self) -> Path:
        found = sorted(
            Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3])
        )
        if not found:
            raise SystemExit("PostgreSQL is not installed: run scripts/system-packages.sh")
        return found[-1].parent

    def _secret(self, name: str) -> str:
        path = self.state / name
        if not path.exists():
            path.write_text(secrets.token_urlsafe(24) + "\n")
            path.chmod(0o600)
        return path.read_text().strip()

    def _define_services(self) -> None:
        ports, logs, launch = self.ports, self.logs, self.launch
        pg_user, redis_user, nginx_user = map(service_user, ("postgres", "redis", "www-data"))
        pg_dir = owned_folder(self.state / "postgres", pg_user)
        pg_bin = self.postgres_bin
        self.services["postgres"] = Service(
            "postgres",
            [str(pg_bin / "postgres"), "-D", str(pg_dir / "data"), "-p", str(ports.postgres),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={pg_dir}"],
            pg_dir / "server.log",
            lambda: subprocess.run(
                [str(pg_bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(ports.postgres)],
                check=False,
            ).returncode == 0,
            user=pg_user,
            cwd=pg_dir,
            # SIGTERM would wait for every client (Rasa's pooled connections) to leave.
            stop_signal=signal.SIGINT,
        )  # fmt: skip
        redis_dir = owned_folder(self.state / "redis", redis_user)
        self.services["redis"] = Service(
            "redis",
            ["redis-server", str(self._redis_conf(redis_dir, redis_user))],
            redis_dir / "server.log",
            # Up as soon as it answers, even if only to say it wants the password.
            lambda: _tcp_answers(ports.redis, b"PING\r\n", (b"+PONG", b"-NOAUTH")),
            user=redis_user,
            cwd=redis_dir,
        )
        self.services["actions"] = Service(
            "actions",
            serve.action_command(ports.actions),
            logs / "actions.log",
            lambda: serve.answers(f"http://127.0.0.1:{ports.actions}/health"),
            env={**launch.env, "SANIC_HOST": "127.0.0.1"},
        )
        for number, port in enumerate(ports.rasa, 1):
            self.services[f"rasa-{number}"] = Service(
                f"rasa-{number}",
                serve.rasa_command(
                    "127.0.0.1", port, launch.endpoints, launch.credentials, launch.origins
                ),
                logs / f"rasa-{number}.log",
                partial(serve.answers, launch.rasa_ready_url(port)),
                env=launch.env,
                cwd=serve.BOT,
            )
        nginx_dir = owned_folder(self.state / "nginx", nginx_user)
        self.services["nginx"] = Service(
            "nginx",
            [NGINX, "-p", str(nginx_dir), "-c", str(self._nginx_conf(nginx_dir)), "-e", "stderr"],
            nginx_dir / "server.log",
            lambda: serve.answers(f"{self.url}/healthz"),
            user=nginx_user,
            cwd=nginx_dir,
        )

    def _redis_conf(self, folder: Path, user: str | None) -> Path:
        # A file, not arguments: the password stays off every command line.
        path = folder / "redis.conf"
        path.write_text(
            f"bind 127.0.0.1\nport {self.ports.redis}\ndir {folder}\n"
            # Locks are short-lived: nothing worth keeping across a restart.
            'save ""\nappendonly no\ndaemonize no\nlogfile ""\n'
            f"requirepass {self.redis_password}\n"
        )
        path.chmod(0o600)
        if user is not None:
            shutil.chown(path, user)
        return path

    def _nginx_conf(self, folder: Path) -> Path:
        rasa = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"
            for port in self.ports.rasa
        )
        path = folder / "nginx.conf"
        path.write_text(NGINX_CONF.format(folder=folder, port=self.ports.proxy, rasa=rasa))
        return path

    # --- the whole --------------------------------------------------------------------------

    def start(self, timeout: float = 300) -> Topology:
        """Every part, each ready before the next that needs it; on failure, none left running."""
        serve.train_if_needed()
        try:
            self._init_postgres()
            for name in ("postgres", "redis", "actions"):
                self.services[name].start()
            self.services["postgres"].wait_ready(timeout)
            self._create_database()
            self.services["redis"].wait_ready(timeout)
            # The first Rasa creates the tracker tables; the second waits for them rather than race
            # it to CREATE TABLE.
            self.services["rasa-1"].start()
            self._wait_for_tracker_tables(timeout)
            for name in self.rasa_names[1:]:
                self.services[name].start()
            self.services["nginx"].start()
            for name in ("actions", *self.rasa_names, "nginx"):
                self.services[name].wait_ready(timeout)
            serve.warm_up(self.launch.env["LBDOCTOR_ACTION_URL"], timeout)
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def rasa_names(self) -> list[str]:
        return [name for name in self.services if name.startswith("rasa-")]

    def stop(self) -> None:
        """The front first, the databases last, so no part outlives what it writes to."""
        for name in ("nginx", *self.rasa_names, "actions", "redis", "postgres"):
            self.services[name].stop()

    def kill(self, name: str) -> None:
        self.services[name].kill()

    def restart(self, name: str, timeout: float = 300) -> None:
        """Stop it (if it still runs), start it again, wait until it answers."""
        service = self.services[name]
        service.stop()
        service.start()
        service.wait_ready(timeout)
        if name == "actions":
            serve.warm_up(self.launch.env["LBDOCTOR_ACTION_URL"], timeout)

    def psql(self, sql: str) -> str:
        done = subprocess.run(
            [str(self.postgres_bin / "psql"), "-h", "127.0.0.1", "-p", str(self.ports.postgres),
             "-U", "lbdoctor", "-d", "lbdoctor", "-tAc", sql],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    def redis_cli(self, *command: str) -> str:
        done = subprocess.run(
            ["redis-cli", "-p", str(self.ports.redis), "--no-auth-warning", *command],
            # REDISCLI_AUTH: the password off the command line here too.
            env={**os.environ, "REDISCLI_AUTH": self.redis_password},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    def _init_postgres(self) -> None:
        data = self.state / "postgres" / "data"
        if (data / "PG_VERSION").exists():
            return
        user = self.services["postgres"].user
        with (self.state / "postgres" / "initdb.log").open("ab") as out:
            subprocess.run(
                [str(self.postgres_bin / "initdb"), "-D", str(data), "-U", "lbdoctor",
                 "--auth=trust", "-E", "UTF8"],
                check=True, stdout=out, stderr=subprocess.STDOUT, user=user,
                cwd=self.state / "postgres",
            )  # fmt: skip

    def _create_database(self) -> None:
        done = subprocess.run(
            [str(self.postgres_bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.ports.postgres),
             "-U", "lbdoctor", "lbdoctor"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0 and "already exists" not in done.stderr:
            raise RuntimeError(f"createdb failed: {done.stderr.strip()}")

    def _wait_for_tracker_tables(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.psql("SELECT to_regclass('public.events') IS NOT NULL") != "t":
            if not self.services["rasa-1"].running():
                raise RuntimeError(f"rasa-1 exited; see {self.services['rasa-1'].log}")
            if time.monotonic() > deadline:
                raise RuntimeError("Rasa did not create its tracker tables in time")
            time.sleep(0.5)


# Round robin over the Rasa servers for REST, Slack and Teams: any of them can take any turn
# (shared conversations, Redis locks). socket.io's long-polling needs each session's requests
# on the server that opened it: that upstream hashes the client's address. A failed server is
# skipped for fail_timeout; a request it could not take (refused) goes to the next one.
NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log stderr warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    # Above Rasa's own message limit, so an over-long message gets the bot's answer.
    client_max_body_size 8m;

    upstream rasa {{
{rasa}
    }}

    upstream rasa_sticky {{
        hash $remote_addr consistent;
{rasa}
    }}

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    proxy_http_version 1.1;
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_read_timeout 300s;

    server {{
        listen 127.0.0.1:{port};

        location = /healthz {{
            default_type text/plain;
            return 200 "ok\\n";
        }}

        location /socket.io/ {{
            proxy_pass http://rasa_sticky;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
        }}

        location /webhooks/ {{
            proxy_pass http://rasa;
        }}

        location / {{
            return 404;
        }}
    }}
}}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for each part")
    args = parser.parse_args()
    topology = Topology()
    stopping = serve.stop_on_signals()
    print(f"Starting LB Doctor's cluster in {topology.state} ...", flush=True)
    try:
        topology.start(args.timeout)
        rasa = "  ".join(topology.rasa_urls)
        print(
            f"\nLB Doctor's cluster is up: nginx at {topology.url} balances two Rasa servers.\n\n"
            f"  Talk to it in this terminal:  .venv/bin/lbdoctor chat --url {topology.url}\n"
            f"  Or over REST:  curl -s {topology.url}/webhooks/rest/webhook "
            '-d \'{"sender": "me", "message": "oi"}\'\n'
            f"  Each Rasa server: {rasa}\n"
            f"  Action server: http://127.0.0.1:{topology.ports.actions}  ·  "
            f"PostgreSQL: {topology.database_url}  ·  Redis: 127.0.0.1:{topology.ports.redis}\n"
            f"  API token and Redis password: in {topology.state}\n"
            f"  Logs: {topology.logs} (and each service's folder there)\n\n"
            "LBDOCTOR-READY\nPress Ctrl-C to stop.",
            flush=True,
        )
        while not stopping.is_set() and all(s.running() for s in topology.services.values()):
            time.sleep(0.5)
        down = [name for name, s in topology.services.items() if not s.running()]
        if down and not stopping.is_set():
            print(f"stopped: {', '.join(down)} exited; see {topology.logs}", file=sys.stderr)
    finally:
        topology.stop()
    return 0 if stopping.is_set() else 1


if __name__ == "__main__":
    sys.exit(main())
