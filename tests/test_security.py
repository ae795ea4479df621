"""Exposure closed (issue 9, item 6): the action server on loopback only, the API token on no
command line and in no log, database URLs never echoed with their password, and the actions
that do not need the store working without it.

CORS (only the configured origins) is covered by
tests/test_widget.py::test_only_the_widget_origins_get_cors_and_a_socket."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionDetectLanguage, ActionFeedback
from actions.diagnose import ActionExplain
from actions.form import ValidateDiagnosisForm
from actions.runtime import open_app
from knowledge.app import App
from knowledge.errors import StoreError
from knowledge.settings import Settings, redacted_url
from knowledge.store import Store

from .bot_helpers import ROOT, BotServers, Conversation, bot_domain, free_port, payload, tracker

sys.path.insert(0, str(ROOT / "scripts"))
import serve

PASSWORD = "s3cret-pw"


# --- database URLs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bot:s3cret-pw@db:5432/lb", "postgresql://bot:***@db:5432/lb"),
        ("postgresql+psycopg://bot:s3cret-pw@db/lb", "postgresql+psycopg://bot:***@db/lb"),
        # Malformed: what SQLAlchemy cannot parse is hidden all the same.
        ("postgresql//bot:s3cret-pw@db/lb", "postgresql//bot:***@db/lb"),
        ("postgresql://bot:s3cret-pw@@db/lb", "postgresql://bot:***@db/lb"),
        ("postgresql://bot:s3c@ret-pw@db/lb", "postgresql://bot:***@db/lb"),
        ("postgresql://db/lb?sslmode=require&password=s3cret-pw", "postgresql://db/lb?sslmode=require&password=***"),
        ("postgresql://bot@db/lb", "postgresql://bot@db/lb"),
        ("sqlite:////var/lib/lbdoctor/lb.db", "sqlite:////var/lib/lbdoctor/lb.db"),
    ],
)  # fmt: skip
def test_a_database_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert redacted_url(url) == shown


MALFORMED = [
    "postgresql//bot:s3cret-pw@db/lb",
    "postgresql://bot:s3cret-pw@db:port/lb",
    "://bot:s3cret-pw@db/lb",
]


@pytest.mark.parametrize("url", MALFORMED)
def test_a_malformed_store_url_is_refused_without_its_password(url: str) -> None:
    with pytest.raises(StoreError, match="not a database URL") as refused:
        Store.open(url)
    assert PASSWORD not in str(refused.value) and "bot:***@" in str(refused.value)
    # Not in a traceback either: SQLAlchemy's own message, which quotes the URL, is not chained.
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def unreachable_postgres() -> str:
    """PostgreSQL on a port nobody listens on."""
    return f"postgresql://bot:{PASSWORD}@127.0.0.1:{free_port()}/lbdoctor"


def test_an_unreachable_store_is_named_without_its_password() -> None:
    with pytest.raises(StoreError, match="cannot open the store") as refused:
        Store.open(unreachable_postgres())
    assert PASSWORD not in str(refused.value) and "bot:***@127.0.0.1" in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


@pytest.mark.parametrize("url", [MALFORMED[0], unreachable_postgres()])
def test_the_command_line_names_a_bad_store_without_its_password(url: str) -> None:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "lbdoctor"), "knowledge", "list"],
        env={"LBDOCTOR_DATABASE_URL": url, "PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "bot:***@" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("url", MALFORMED)
def test_the_launcher_refuses_a_malformed_tracker_url_without_its_password(url: str) -> None:
    # Rasa would stop with SQLAlchemy's message, which quotes the URL whole.
    with pytest.raises(SystemExit, match="LBDOCTOR_TRACKER_URL is not a database URL") as refused:
        serve.tracker_env({"LBDOCTOR_TRACKER_URL": url}, Path("/state"))
    assert PASSWORD not in str(refused.value.code) and "bot:***@" in str(refused.value.code)


# --- the actions without the store ---------------------------------------------------------------

FACTS = {
    "service_type": "loadbalancer-dedicated",
    "external_traffic_policy": "Local",
    "access_type": "private",
    "client_location": "same-node",
    "network_model": "tunnel",
}


@pytest.fixture(scope="module")
def storeless() -> Iterator[App]:
    """The actions' App when its PostgreSQL cannot be reached."""
    app = open_app(Settings(database_url=unreachable_postgres()))
    yield app
    app.close()


def run(action: Action, tracker_: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, bot_domain()))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in messages if m.get("text"))


def test_a_greeting_needs_no_store(storeless: App) -> None:
    slots, _ = run(ActionDetectLanguage(storeless), tracker("olá, bom dia", "greet"))
    assert slots["language"] == "pt"


def test_the_questions_and_why_need_no_store(storeless: App) -> None:
    slots, messages = run(
        ValidateDiagnosisForm(storeless), tracker("my elb fails", "describe_problem", form=True)
    )
    assert slots["requested_slot"] == "service_type"
    assert messages[-1]["buttons"]
    _, messages = run(
        ActionExplain(storeless),
        tracker("why?", "explain", slots=FACTS, form=True, requested="proxy_mode"),
    )
    assert "IPVS" in texts(messages)


def test_the_diagnosis_is_given_when_its_case_cannot_be_recorded(
    storeless: App, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        slots, messages = run(
            ValidateDiagnosisForm(storeless),
            tracker(
                payload("proxy_mode", "ipvs"),
                slots=FACTS,
                new={"proxy_mode": "ipvs"},
                form=True,
                requested="proxy_mode",
            ),
        )
    assert [m["custom"]["verdict"] for m in messages if m.get("custom")] == ["fails"]
    assert slots["case_id"] is None
    assert "diagnosis case not recorded" in caplog.text
    assert PASSWORD not in caplog.text
    # The feedback that follows is thanked for, recorded or not.
    _, messages = run(ActionFeedback(storeless), tracker("yes", "affirm", {"case_id": "c1"}))
    assert "Thanks" in texts(messages)


# --- the running servers -------------------------------------------------------------------------

TOKEN = "tok-" + secrets.token_hex(16)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    started = BotServers(tmp_path_factory.mktemp("security"), {"LBDOCTOR_API_TOKEN": TOKEN}).start()
    yield started
    started.stop()


def listening(port: int) -> set[str]:
    """The local addresses (hex, as the kernel writes them) listening on a TCP port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def other_addresses() -> list[str]:
    """This machine's IPv4 addresses that are not loopback."""
    shown = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True)
    found = re.findall(r"\binet (\d+\.\d+\.\d+\.\d+)/", shown.stdout)
    return [address for address in found if not address.startswith("127.")]


def test_the_action_server_listens_on_loopback_only(servers: BotServers) -> None:
    assert listening(servers.action_port) == {"0100007F"}  # 127.0.0.1
    for address in other_addresses():
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((address, servers.action_port), timeout=10).close()
    # It serves all the same, on loopback.
    assert httpx.get(f"http://127.0.0.1:{servers.action_port}/health").status_code == 200


def server_processes(root: int) -> dict[int, str]:
    """The command lines of `root` and of every process under it."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    tree, grown = {root}, True
    while grown:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grown = bool(children)
    lines = {}
    for pid in tree:
        try:
            lines[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    return lines


def test_the_api_token_is_on_no_command_line_and_in_no_log(servers: BotServers) -> None:
    chat = Conversation(servers.url, "security-token")
    chat.say("hi")
    chat.close()
    assert servers.process is not None
    commands = server_processes(servers.process.pid)
    assert any("server.py run" in line for line in commands.values()), commands
    assert not [line for line in commands.values() if TOKEN in line]
    written = "".join(path.read_text(errors="replace") for path in servers.state.rglob("*.log"))
    assert written and TOKEN not in written
    assert TOKEN not in "".join(servers.output)  # what `make run` prints


@pytest.mark.parametrize(("token", "status"), [(None, 401), ("wrong", 401), (TOKEN, 200)])
def test_rasas_api_needs_the_token(servers: BotServers, token: str | None, status: int) -> None:
    params = {"token": token} if token else {}
    assert httpx.get(f"{servers.url}/status", params=params).status_code == status
