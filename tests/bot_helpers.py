"""Building what Rasa hands the actions: a real Tracker and the domain as the server sends it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from rasa_sdk import Tracker

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"


def rasa_scenario(script: str, *args: str, timeout: int = 300) -> Any:
    """Run tests/<script> with Rasa's virtualenv in bot/ (its modules importable), and return
    the JSON it prints last: how the tests compare bot/'s changes with Rasa's own code."""
    done = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-W", "ignore",
         str(Path(__file__).with_name(script)), *args],
        cwd=BOT, capture_output=True, text=True, timeout=timeout,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(BOT), "RASA_TELEMETRY_ENABLED": "false",
             "TF_CPP_MIN_LOG_LEVEL": "2"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def bot_domain() -> dict[str, Any]:
    """bot/domain/*.yml merged, as Rasa sends the domain to the action server."""
    merged: dict[str, Any] = {"intents": [], "entities": [], "slots": {}, "forms": {}}
    for path in sorted((BOT / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text())
        merged["intents"] += part.get("intents", [])
        merged["entities"] += part.get("entities", [])
        merged["slots"].update(part.get("slots", {}))
        merged["forms"].update(part.get("forms", {}))
    return merged


def payload(fact: str, value: str) -> str:
    return "/inform" + json.dumps({fact: value}, separators=(",", ":"))


def tracker(
    text: str = "",
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    form: bool = False,
    requested: str | None = None,
    channel: str = "rest",
) -> Tracker:
    """A tracker whose latest user message is `text`, `slots` those known before it. `new` are
    the entities of a button's payload, or else slots already set since the message."""
    slots = dict(slots or {})
    if requested is not None:
        slots["requested_slot"] = requested
    button = text.startswith("/")
    entities = [{"entity": k, "value": v} for k, v in (new or {}).items()] if button else []
    new = {} if button else new
    slots.update(new or {})
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities}
    events: list[dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": message, "input_channel": channel},
    ]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (new or {}).items()]
    return Tracker(
        sender_id="test-user",
        slots=slots,
        latest_message=message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "diagnosis_form"} if form else {},
        latest_action_name="action_listen",
    )


# --- the servers, started the way `make run` starts them -------------------------------------------

READY = "LBDOCTOR-READY"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotServers:
    """`scripts/serve.py` in a subprocess: the action server and Rasa on free ports."""

    def __init__(self, state: Path, extra_env: dict[str, str] | None = None) -> None:
        self.state = state
        self.rasa_port = free_port()
        self.action_port = free_port()
        self.api_port = free_port()
        self.widget_port = free_port()
        self.token = "test-token"
        self.env = {
            **os.environ,
            "LBDOCTOR_STATE_DIR": str(state),
            "LBDOCTOR_RASA_PORT": str(self.rasa_port),
            "LBDOCTOR_ACTION_PORT": str(self.action_port),
            "LBDOCTOR_API_PORT": str(self.api_port),
            "LBDOCTOR_WIDGET_PORT": str(self.widget_port),
            "LBDOCTOR_API_TOKEN": self.token,
            "LBDOCTOR_DATABASE_URL": f"sqlite:///{state / 'knowledge.db'}",
            **(extra_env or {}),
        }
        self.url = f"http://127.0.0.1:{self.rasa_port}"
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self, timeout: float = 300) -> BotServers:
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "serve.py")],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        for line in self.process.stdout:
            self.output.append(line)
            if line.strip() == READY:
                return self
            if time.monotonic() > deadline:
                break
        self.stop()
        raise RuntimeError("the servers did not start:\n" + "".join(self.output) + self.logs())

    def logs(self) -> str:
        return "".join(
            f"\n--- {log.name} (tail) ---\n" + log.read_text(errors="replace")[-3000:]
            for log in sorted((self.state / "logs").glob("*.log"))
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None


class Conversation:
    """One sender talking over the REST channel."""

    def __init__(self, url: str, sender: str) -> None:
        self.url = url
        self.sender = sender
        self.client = httpx.Client(base_url=url, timeout=120)
        self.last: list[dict[str, Any]] = []

    def switch(self, url: str) -> None:
        """Send the next turns to another server: same sender, same open question."""
        self.client.close()
        self.url = url
        self.client = httpx.Client(base_url=url, timeout=120)

    def say(self, text: str) -> list[dict[str, Any]]:
        response = self.client.post(
            "/webhooks/rest/webhook", json={"sender": self.sender, "message": text}
        )
        assert response.status_code == 200, response.text
        self.last = response.json()
        return self.last

    def click(self, fact: str, value: str) -> list[dict[str, Any]]:
        """Press the button offered for this answer (it must be offered)."""
        wanted = payload(fact, value)
        offered = [b["payload"] for m in self.last for b in m.get("buttons", [])]
        assert wanted in offered, f"no button {wanted} in {offered}"
        return self.say(wanted)

    def texts(self) -> list[str]:
        return [m["text"] for m in self.last if m.get("text")]

    def asked(self) -> str | None:
        """The fact of the question the bot asked last, from its buttons."""
        for message in reversed(self.last):
            for button in message.get("buttons", []):
                if button["payload"].startswith("/inform"):
                    return str(next(iter(json.loads(button["payload"][7:]))))
        return None

    def card(self) -> dict[str, Any] | None:
        cards = [m["custom"] for m in self.last if isinstance(m.get("custom"), dict)]
        return cards[-1] if cards else None

    def close(self) -> None:
        self.client.close()


def cli_report(lang: str, facts: dict[str, str], tmp: Path, *args: str) -> dict[str, Any]:
    """What `lbdoctor diagnose --json` answers for these facts (and options): the yardstick
    every channel's diagnosis is compared with."""
    pairs = [f"{k}={v}" for k, v in facts.items()]
    done = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "lbdoctor"),
            "diagnose",
            "--json",
            "--lang",
            lang,
            *args,
            *pairs,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "LBDOCTOR_DATABASE_URL": f"sqlite:///{tmp / 'cli.db'}"},
        check=True,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def chat_cli_report(
    lang: str, facts: dict[str, str], tmp: Path, service: str | None = None
) -> dict[str, Any]:
    """`cli_report` for what a chat user gave: the error as `--error`, a pasted Service as
    `--service-file`, the other facts as FACT=VALUE."""
    args = ["--error", facts["error_message"]] if facts.get("error_message") else []
    if service is not None:
        (tmp / "service.yaml").write_text(service)
        args += ["--service-file", str(tmp / "service.yaml")]
    pairs = {k: v for k, v in facts.items() if k != "error_message"}
    return cli_report(lang, pairs, tmp, *args)
