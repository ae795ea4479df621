"""Benchmark of the knowledge API: `POST /v1/diagnose` throughput and latency at 1, 10 and 50
concurrent clients, and the API process's resident memory; writes benchmarks/results/api.json.

The server is started as `make run` starts it (uvicorn, one process, SQLite store). The workload
is what integrations send: answers as a form's values (some in the user's spelling: "IPVS",
"VPC"), pasted Services with the error line, and partial facts that get the next question."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "api.json"
DATA = ROOT / "tests" / "data"
LEVELS = (1, 10, 50)
REQUESTS_PER_LEVEL = 600
FULL = {
    "service_type": "loadbalancer-dedicated",
    "external_traffic_policy": "Local",
    "access_type": "private",
    "client_location": "same-node",
    "network_model": "vpc",
    "proxy_mode": "ipvs",
}


def workload() -> list[dict[str, Any]]:
    service = (DATA / "svc-dedicated-local.yaml").read_text()
    shared = (DATA / "svc-shared-public.json").read_text()
    return [
        {"facts": FULL, "lang": "en"},
        {"facts": {**FULL, "proxy_mode": "IPVS", "network_model": "VPC"}, "lang": "pt"},
        {
            "facts": {"client_location": "container-same-node", "network_model": "tunnel"},
            "service": service,
            "error": "curl: (7) Failed to connect to 192.168.10.36 port 80: Connection refused",
            "lang": "en",
        },
        {
            "facts": {"client_location": "other-node"},
            "service": shared,
            "error": "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
            "lang": "pt",
        },
        {"facts": {"service_type": "nodeport"}, "lang": "en"},
    ]


def rss_kib(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {key: int(values[key].split()[0]) for key in ("VmRSS", "VmHWM")}


async def level(url: str, clients: int, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    queue = cycle(bodies)
    remaining = REQUESTS_PER_LEVEL
    samples: list[float] = []
    errors: dict[str, int] = {}

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            body = next(queue)
            started = time.perf_counter()
            try:
                response = await http.post("/v1/diagnose", json=body)
                failure = None if response.status_code == 200 else str(response.status_code)
            except httpx.HTTPError as exc:  # counted, not hidden: a benchmark must finish
                failure = type(exc).__name__
            samples.append((time.perf_counter() - started) * 1000)
            if failure is not None:
                errors[failure] = errors.get(failure, 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    samples.sort()
    return {
        "clients": clients,
        "requests": len(samples),
        "errors": errors,
        "throughput_rps": round(len(samples) / elapsed, 1),
        "p50_ms": round(samples[len(samples) // 2], 2),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as state:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            number = probe.getsockname()[1]
        env = {
            **os.environ,
            "LBDOCTOR_DATABASE_URL": f"sqlite:///{state}/knowledge.db",
            "LBDOCTOR_CACHE_DIR": f"{state}/cache",
        }
        process = subprocess.Popen(
            serve.api_command("127.0.0.1", number),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{number}"
        try:
            deadline = time.monotonic() + 60
            while not serve.answers(url + "/readyz"):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("the API did not start")
                time.sleep(0.2)
            bodies = workload()
            idle = rss_kib(process.pid)
            asyncio.run(level(url, 5, bodies))  # warm-up: caches, templates, validators
            levels = []
            for clients in LEVELS:
                result = asyncio.run(level(url, clients, bodies))
                result["rss_kib_after"] = rss_kib(process.pid)["VmRSS"]
                levels.append(result)
                print(
                    f"{clients:>3} clients: {result['throughput_rps']:>7} req/s, "
                    f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
                    f"errors {result['errors']}, RSS {result['rss_kib_after'] // 1024} MiB"
                )
            peak = rss_kib(process.pid)["VmHWM"]
        finally:
            process.terminate()
            process.wait(timeout=20)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "POST /v1/diagnose over HTTP (uvicorn, 1 worker, SQLite store)",
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
                "workload": "5 request kinds in turn: full facts; synonyms; pasted Service "
                "+ error (2 kinds); partial facts (next question)",
                "requests_per_level": REQUESTS_PER_LEVEL,
                "rss_kib_idle": idle["VmRSS"],
                "rss_kib_peak": peak,
                "levels": levels,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"idle RSS {idle['VmRSS'] // 1024} MiB, peak {peak // 1024} MiB -> {RESULTS}")


if __name__ == "__main__":
    main()
