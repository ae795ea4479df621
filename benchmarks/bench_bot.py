"""Benchmarks of the assistant; writes benchmarks/results/bot.json.

In one run, on this machine:
- training time of LB Doctor's model, and of the `rasa init` assistant used as the baseline;
- per-turn latency over the REST channel (p50/p95/p99): complete diagnosis conversations with
  LB Doctor (Rasa + action server, started as `make run` starts them) against conversations with
  the `rasa init` assistant served the same way (`rasa run`, REST, --enable-api, SQL tracker
  store), measured turn by turn in alternation so both see the same machine;
- the server time of those turns split into Rasa's NLU, the action server call, the SQL tracker
  store and the rest of Rasa (policies, events), timed inside the Rasa server
  (bot/turn_timings.py), so the next bottleneck is visible;
- resident memory of each server after the load;
- NLU: 3-fold cross-validation on the training data, and the held-out file's intent accuracy
  (served model) and fact F1 (the intake parsers that fill the slots).
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.workload import SCENARIOS  # noqa: E402
from knowledge.playbook import load_playbook  # noqa: E402
from knowledge.understanding import AnswerReader  # noqa: E402
from tests.bot_helpers import BOT, BotServers, Conversation, free_port  # noqa: E402
from tests.test_nlu_heldout import examples, fact_scores  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "bot.json"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
QUIET = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PATH": "/usr/bin:/bin"}
CONVERSATIONS = 60
BASELINE_TURNS = ["hi", "I am sad", "yes", "bye"]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {
        "turns": len(ordered),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 2),
    }


def timed(talk: Conversation, text: str, samples: list[float]) -> None:
    started = time.perf_counter()
    talk.say(text)
    samples.append((time.perf_counter() - started) * 1000)


def lbdoctor_conversation(url: str, samples: list[float], number: int) -> Iterator[None]:
    """One complete diagnosis, a turn per step, every turn typed: the opening (an error line
    or a pasted Service) and each answer in words, never a button's payload."""
    _, problem, words, _ = SCENARIOS[number % len(SCENARIOS)]
    talk = Conversation(url, f"bench-{uuid.uuid4().hex[:8]}")
    timed(talk, problem, samples)
    yield
    while (fact := talk.asked()) is not None:
        answer = words[fact]
        timed(talk, answer, samples)
        yield
        assert talk.asked() != fact, f"{answer!r} was not understood"
    assert talk.card() is not None, "the conversation did not reach a diagnosis"
    talk.close()


def baseline_conversation(url: str, samples: list[float]) -> Iterator[None]:
    talk = Conversation(url, f"bench-{uuid.uuid4().hex[:8]}")
    for text in BASELINE_TURNS:
        timed(talk, text, samples)
        yield
    talk.close()


def alternate(ours_url: str, theirs_url: str) -> tuple[list[float], list[float]]:
    """Turn by turn, one of ours then one of the baseline's, so both see the same machine."""
    ours: list[float] = []
    theirs: list[float] = []
    started = 0
    mine = lbdoctor_conversation(ours_url, ours, started)
    other = baseline_conversation(theirs_url, theirs)
    while True:
        if next(mine, False) is False:
            started += 1
            if started == CONVERSATIONS:
                return ours, theirs
            mine = lbdoctor_conversation(ours_url, ours, started)
            continue
        if next(other, False) is False:
            other = baseline_conversation(theirs_url, theirs)
            next(other)


def server_time_split(timings: Path) -> dict[str, Any]:
    """Mean and p50 per part of a turn, from the Rasa server's own timings, in ms."""
    turns = [json.loads(line) for line in timings.read_text().splitlines()]
    parts = ["total_ms", "nlu_ms", "action_server_ms", "tracker_store_ms", "rasa_other_ms"]
    split: dict[str, Any] = {"turns": len(turns)}
    for part in parts:
        values = [turn[part] for turn in turns]
        split[part] = {
            "mean": round(statistics.fmean(values), 2),
            "p50": round(statistics.median(values), 2),
        }
    total = sum(turn["total_ms"] for turn in turns)
    split["share_of_total"] = {
        part: round(sum(turn[part] for turn in turns) / total, 3) for part in parts[1:]
    }
    return split


def train(project: Path, out: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(RASA), "train", "--out", str(out), "--fixed-model-name", "bench", *extra],
        cwd=project, env=QUIET, check=True, capture_output=True,
    )  # fmt: skip
    return round(time.perf_counter() - started, 1)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def server_name(pid: int) -> str:
    command = Path(f"/proc/{pid}/cmdline").read_text()
    # The launcher's children: the action server, Rasa and the knowledge API (each its own key).
    if "rasa_sdk" in command:
        return "action_server"
    return "api" if "frontends.api" in command else "rasa"


class Baseline:
    """The `rasa init` assistant, served by `rasa run` with REST, the API and a SQL tracker."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.port = free_port()
        (project / "bench-endpoints.yml").write_text(
            f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {project / 'tracker.db'}\n"
        )
        self.process = subprocess.Popen(
            [str(RASA), "run", "--model", str(project / "models"), "--enable-api",
             "--auth-token", "bench", "--port", str(self.port), "--interface", "127.0.0.1",
             "--endpoints", "bench-endpoints.yml", "--credentials", "credentials.yml"],
            cwd=project, env=QUIET, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/status", params={"token": "bench"}).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the rasa init assistant did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def cross_validation() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [str(RASA), "test", "nlu", "--nlu", "data/nlu.yml", "--config", "config.yml",
             "--cross-validation", "--folds", "3", "--out", out],
            cwd=BOT, env=QUIET, check=True, capture_output=True, text=True,
        )  # fmt: skip
    # Rasa logs the intent metrics of each split as "test Accuracy: 0.79 (0.018)" (mean, std).
    found = re.findall(
        r"(train|test) (Accuracy|F1-score|Precision): ([0-9.]+) \(([0-9.]+)\)",
        done.stdout + done.stderr,
    )
    return {
        f"intent_{split}_{metric.lower()}": {"mean": float(mean), "std": float(std)}
        for split, metric, mean, std in found
    }


def heldout_accuracy(servers: BotServers) -> dict[str, Any]:
    cases = examples()
    right = 0
    for text, intent, _ in cases:
        parsed = httpx.post(
            f"{servers.url}/model/parse", params={"token": servers.token}, json={"text": text}
        ).json()
        right += parsed["intent"]["name"] == intent
    return {"examples": len(cases), "intent_accuracy": round(right / len(cases), 4)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        training_s = train(BOT, work / "lbdoctor-models", "--force", "--domain", "domain")
        (work / "init").mkdir()
        subprocess.run(
            [str(RASA), "init", "--no-prompt", "--init-dir", str(work / "init")],
            cwd=work, env=QUIET, check=True, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(work / "init" / "models")
        baseline_training_s = train(work / "init", work / "init" / "models")

        timings = work / "turn-timings.jsonl"
        servers = BotServers(work / "state", {"LBDOCTOR_TURN_TIMINGS": str(timings)}).start()
        baseline = Baseline(work / "init")
        try:
            lbdoctor, init = alternate(servers.url, baseline.url)
            split = server_time_split(timings)
            assert servers.process is not None
            children = [
                int(pid)
                for pid in subprocess.run(
                    ["pgrep", "-P", str(servers.process.pid)], capture_output=True, text=True
                ).stdout.split()
            ]
            memory = {f"lbdoctor_{server_name(pid)}_mb": rss_mb(pid) for pid in children} | {
                "rasa_init_rasa_mb": rss_mb(baseline.process.pid)
            }
            heldout = heldout_accuracy(servers)
        finally:
            baseline.stop()
            servers.stop()
    reader = AnswerReader(load_playbook())
    heldout.update({f"fact_{k}": round(v, 4) for k, v in fact_scores(reader).items()})
    ours, theirs = percentiles(lbdoctor), percentiles(init)
    results = {
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
        },
        "training_s": {"lbdoctor": training_s, "rasa_init_baseline": baseline_training_s},
        "rest_turn_latency": {
            "lbdoctor_full_diagnosis_typed_turns": ours,
            "rasa_init_baseline_turns": theirs,
            "p95_at_most_half_the_baseline": ours["p95_ms"] <= theirs["p95_ms"] / 2,
        },
        "lbdoctor_server_time_per_turn": split,
        "resident_memory": memory,
        "nlu_cross_validation_3_folds": cross_validation(),
        "nlu_heldout": heldout,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
