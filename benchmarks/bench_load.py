"""Load benchmark; writes benchmarks/results/load.json and load.png.

The production topology without containers (scripts/topology.py: PostgreSQL for the tracker
and knowledge stores, Redis for the lock store, one action server, nginx in front), once with
one Rasa instance behind nginx and once with two. Against each, 1, 10, 50 and 100 concurrent
users hold complete diagnosis conversations over the REST channel: a typed opening (an error
line or a pasted Service), then every question answered in words (benchmarks/workload.py).
Reported per level: conversations per second, turn latency p50/p95/p99, errors, and the
resident memory of every process afterwards. Every conversation's diagnosis is checked: the
facts it ends with against the values written by hand, the verdict and fixes against
`lbdoctor diagnose` for those facts.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from topology import Ports, Topology, free_port  # noqa: E402

from benchmarks.workload import SCENARIOS, SERVICE, Scenario  # noqa: E402
from tests.bot_helpers import chat_cli_report  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
LEVELS = (1, 10, 50, 100)
# Conversations per level: at least this many, and at least one per user.
MIN_CONVERSATIONS = 20
TURN_TIMEOUT = 300.0


def _asked(messages: list[dict[str, Any]]) -> str | None:
    """The fact of the question asked last, from its buttons."""
    for message in reversed(messages):
        for button in message.get("buttons", []):
            if button["payload"].startswith("/inform"):
                return str(next(iter(json.loads(button["payload"][7:]))))
    return None


def _card(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    cards = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
    return cards[-1] if cards else None


async def _conversation(
    client: httpx.AsyncClient, scenario: Scenario, turns: list[float]
) -> tuple[str | None, dict[str, Any] | None]:
    """One complete diagnosis: what went wrong (None if nothing) and the diagnosis card."""
    sender = f"load-{uuid.uuid4().hex[:12]}"

    async def say(text: str) -> list[dict[str, Any]]:
        started = time.perf_counter()
        response = await client.post(
            "/webhooks/rest/webhook", json={"sender": sender, "message": text}
        )
        turns.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        answer: list[dict[str, Any]] = response.json()
        return answer

    try:
        messages = await say(scenario.opening)
        asked = 0
        while (fact := _asked(messages)) is not None:
            asked += 1
            if fact not in scenario.words or asked > 10:
                return f"unexpected question {fact!r}", None
            messages = await say(scenario.words[fact])
        card = _card(messages)
        if card is None:
            return "no diagnosis: " + " | ".join(m.get("text", "")[:80] for m in messages), None
        # The engine asks only what decides the verdict: a fact it has must be the one meant.
        wrong = {
            name: card["facts"][name]
            for name, value in scenario.expected.items()
            if name in card["facts"] and card["facts"][name] != value
        }
        return (f"facts read wrong: {wrong}" if wrong else None), card
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        return f"{exc.__class__.__name__}: {exc}", None


class Reference:
    """`lbdoctor diagnose` for a conversation's facts (and its pasted Service), once per set."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.known: dict[str, dict[str, Any]] = {}

    def differs(self, scenario: Scenario, card: dict[str, Any]) -> str | None:
        service = SERVICE if SERVICE in scenario.opening else None
        key = json.dumps([scenario.lang, card["facts"], service is not None], sort_keys=True)
        if key not in self.known:
            self.known[key] = chat_cli_report(scenario.lang, card["facts"], self.folder, service)
        cli = self.known[key]
        if card["verdict"] != cli["verdict"] or [f["id"] for f in card["fixes"]] != [
            f["id"] for f in cli["fixes"]
        ]:
            return f"diagnosis {card['verdict']} differs from the CLI's {cli['verdict']}"
        return None


async def _level(url: str, users: int) -> tuple[dict[str, Any], list[tuple[Scenario, Any]]]:
    conversations = max(MIN_CONVERSATIONS, users)
    per_user = math.ceil(conversations / users)
    turns: list[float] = []
    errors: list[str] = []
    cards: list[tuple[Scenario, Any]] = []
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=url, timeout=TURN_TIMEOUT, limits=limits) as client:

        async def user(number: int) -> None:
            for round_ in range(per_user):
                scenario = SCENARIOS[(number * per_user + round_) % len(SCENARIOS)]
                problem, card = await _conversation(client, scenario, turns)
                if problem is not None:
                    errors.append(problem)
                if card is not None:
                    cards.append((scenario, card))

        started = time.perf_counter()
        await asyncio.gather(*(user(n) for n in range(users)))
        elapsed = time.perf_counter() - started
    done = users * per_user
    ordered = sorted(turns)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "users": users,
        "conversations": done,
        "turns": len(ordered),
        "seconds": round(elapsed, 1),
        "conversations_per_s": round(done / elapsed, 2),
        "turns_per_s": round(len(ordered) / elapsed, 1),
        "turn_p50_ms": at(0.50),
        "turn_p95_ms": at(0.95),
        "turn_p99_ms": at(0.99),
        "turn_mean_ms": round(statistics.fmean(ordered), 1),
        "errors": errors,
    }, cards


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _memory(topology: Topology) -> dict[str, float]:
    """Resident memory of each part (with its child processes: PostgreSQL's backends, nginx's
    workers)."""
    memory = {}
    for name, service in topology.services.items():
        if service.process is None or service.process.poll() is not None:
            continue
        pids = [service.process.pid, *_children(service.process.pid)]
        memory[name] = round(sum(_rss_mb(pid) for pid in pids), 1)
    return memory


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in map(int, (task / "children").read_text().split()):
                found += [child, *_children(child)]
    except FileNotFoundError:  # it ended meanwhile
        pass
    return found


def run(instances: int, reference: Reference, state: Path) -> dict[str, Any]:
    ports = Ports(
        free_port(), tuple(free_port() for _ in range(instances)), free_port(), free_port(),
        free_port(),
    )  # fmt: skip
    topology = Topology(state, os.environ, ports).start()
    try:
        levels = []
        for users in LEVELS:
            level, cards = asyncio.run(_level(topology.url, users))
            errors = level.pop("errors")
            errors += [p for s, c in cards if (p := reference.differs(s, c)) is not None]
            level["diagnoses_checked"] = len(cards)
            level["errors"] = len(errors)
            level["error_examples"] = sorted(set(errors))[:5]
            print(f"  {instances} Rasa, {users} users: {level}", flush=True)
            levels.append(level)
        return {"instances": instances, "levels": levels, "memory_mb": _memory(topology)}
    finally:
        topology.stop()


def plot(results: list[dict[str, Any]], file: Path) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for result, color in zip(results, ("tab:blue", "tab:orange"), strict=False):
        users = [level["users"] for level in result["levels"]]
        label = f"{result['instances']} Rasa"
        for key, style in (("turn_p50_ms", "-"), ("turn_p95_ms", "--"), ("turn_p99_ms", ":")):
            values = [level[key] for level in result["levels"]]
            axes.plot(users, values, style, color=color, marker="o", label=f"{label} {key[5:8]}")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(LEVELS, [str(n) for n in LEVELS])
    axes.set_xlabel("concurrent users (complete typed diagnoses)")
    axes.set_ylabel("turn latency (ms)")
    axes.set_title("LB Doctor behind nginx: one Rasa instance against two")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small", ncols=2)
    figure.savefig(file, dpi=120)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lbdoctor-load-") as tmp:
        # PostgreSQL, Redis and nginx run as their own users: they must get through.
        Path(tmp).chmod(0o711)
        reference = Reference(Path(tmp))
        results = []
        for instances in (1, 2):
            print(f"load with {instances} Rasa instance(s) behind nginx", flush=True)
            results.append(run(instances, reference, Path(tmp) / f"cluster-{instances}"))
    summary = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "workload": "complete diagnosis conversations over REST: a typed opening (error line "
        "or pasted Service), every question answered in words; each diagnosis checked",
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(summary, indent=2) + "\n")
    plot(results, RESULTS / "load.png")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
