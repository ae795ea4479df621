"""The knowledge API started as `make run` starts it (uvicorn, the factory), on a free port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .bot_helpers import ROOT, free_port

sys.path.insert(0, str(ROOT / "scripts"))
import serve

TOKEN = "api-test-token"


class ApiServer:
    def __init__(self, state: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = state / "api.log"
        self.env = {
            **os.environ,
            "LBDOCTOR_DATABASE_URL": f"sqlite:///{state / 'knowledge.db'}",
            "LBDOCTOR_API_TOKEN": TOKEN,
            "LBDOCTOR_CACHE_DIR": str(state / "cache"),
            **(extra_env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> ApiServer:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                serve.api_command("127.0.0.1", self.port),
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the API did not start:\n" + self.log.read_text(errors="replace"))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
