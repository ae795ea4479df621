"""Benchmarks of the knowledge core; writes benchmarks/results/knowledge.json.

- diagnose() latency per call (engine only, and the full report with rendered manifests);
- the full-table sweep (every cell of the scenario space through the engine);
- the same engine figures for the enumerating reference engine (tests/reference_engine.py);
- the command line against `kubectl version --client`, alternately in the same run (median wall
  time of a fresh process): `lbdoctor diagnose --json` with every fact and a Service file, and
  `lbdoctor --help`;
- the average number of questions the engine asks over the FAQ table's cells, next to the minimum
  any decision tree over the same questions could reach (computed here by dynamic programming).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.diagnosis import Doctor  # noqa: E402
from knowledge.engine import Engine  # noqa: E402
from knowledge.playbook import load_playbook  # noqa: E402
from tests.reference_engine import ReferenceEngine  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "knowledge.json"
SERVICE_FILE = ROOT / "tests" / "data" / "svc-dedicated-local.yaml"
FULL = {
    "service_type": "loadbalancer-dedicated",
    "access_type": "private",
    "client_location": "same-node",
    "external_traffic_policy": "Local",
    "network_model": "vpc",
    "proxy_mode": "ipvs",
}


def timings(call: Callable[[], object], repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "calls": repeat,
        "mean_ms": round(statistics.fmean(samples), 3),
        "p50_ms": round(samples[len(samples) // 2], 3),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 3),
    }


def table_cells(engine: Engine) -> list[list[tuple[str, ...]]]:
    """The FAQ table's cells (each row x column, NodePort target splits counted apart), each as the
    complete scenarios it covers (externalTrafficPolicy Local; other facts free)."""
    playbook = engine.playbook
    every = [tuple(cell.values()) for cell in engine.iter_cells()]
    names = [fact.name for fact in engine.askable]
    cells = []
    for rule in playbook.rules:
        if not rule.table_cell:
            continue
        scenarios = [
            cell
            for cell in every
            if rule.when.holds(dict(zip(names, cell, strict=True)))
            and dict(zip(names, cell, strict=True))["external_traffic_policy"] == "Local"
        ]
        cells.append(scenarios)
    return cells


def walk_questions(engine: Engine, scenario: tuple[str, ...]) -> int:
    answers = {fact.name: value for fact, value in zip(engine.askable, scenario, strict=True)}
    facts: dict[str, str] = {}
    while (question := engine.next_question(facts)) is not None:
        facts[question.name] = answers[question.name]
    return len(facts)


def minimum_average_questions(engine: Engine, cells: list[list[tuple[str, ...]]]) -> float:
    """The least weighted average depth of any decision tree that gives every scenario its label."""
    weight: dict[tuple[str, ...], float] = {}
    for scenarios in cells:
        for scenario in scenarios:
            weight[scenario] = weight.get(scenario, 0.0) + 1 / (len(cells) * len(scenarios))
    every = [tuple(cell.values()) for cell in engine.iter_cells()]
    names = [fact.name for fact in engine.askable]
    label = {cell: engine.label(dict(zip(names, cell, strict=True))) for cell in every}
    facts = len(engine.askable)

    @cache
    def cost(state: tuple[str | None, ...]) -> float:
        consistent = [
            cell for cell in every if all(v is None or cell[i] == v for i, v in enumerate(state))
        ]
        if len({label[cell] for cell in consistent}) <= 1:
            return 0.0
        mass = sum(weight.get(cell, 0.0) for cell in consistent)
        best = float("inf")
        for position in range(facts):
            if state[position] is not None:
                continue
            values = {cell[position] for cell in consistent}
            if len(values) < 2:
                continue
            total = mass
            for value in values:
                child = (*state[:position], value, *state[position + 1 :])
                total += cost(child)
                if total >= best:
                    break
            best = min(best, total)
        return best

    return cost((None,) * facts)


def wall(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return (time.perf_counter() - started) * 1000


def cli_against_kubectl(rounds: int) -> dict[str, Any]:
    """Median wall time of fresh processes, each lbdoctor run next to a kubectl run so both see
    the same machine."""
    script = str(Path(sys.executable).parent / "lbdoctor")
    kubectl = shutil.which("kubectl")
    diagnose = [script, "diagnose", "--json", "--service-file", str(SERVICE_FILE)]
    diagnose += [f"{k}={v}" for k, v in FULL.items()]
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "LBDOCTOR_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "LBDOCTOR_CACHE_DIR": f"{tmp}/cache",
            # Bytecode kept, as in any installation (aside, not in the checkout), even where the
            # environment says not to write it.
            "PYTHONPYCACHEPREFIX": f"{tmp}/pycache",
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        # The first runs write the bytecode and the compiled playbook, templates and checked
        # manifests into the cache, as a user's first run does.
        wall(diagnose, env)
        wall([script, "--help"], env)
        samples: dict[str, list[float]] = {
            "diagnose": [],
            "help": [],
            "kubectl": [],
            "diagnose_new_service": [],
        }
        for round_ in range(rounds):
            if kubectl:
                samples["kubectl"].append(wall([kubectl, "version", "--client"], env))
            samples["diagnose"].append(wall(diagnose, env))
            if kubectl:
                samples["kubectl"].append(wall([kubectl, "version", "--client"], env))
            samples["help"].append(wall([script, "--help"], env))
            # A Service never diagnosed before: its fixes are rendered and checked (Jinja2,
            # the schema validator), as on a user's first run for it.
            fresh = Path(tmp) / f"svc-{round_}.yaml"
            fresh.write_text(SERVICE_FILE.read_text().replace("name: nginx", f"name: web-{round_}"))
            samples["diagnose_new_service"].append(
                wall([*diagnose[:4], str(fresh), *diagnose[5:]], env)
            )
    medians = {name: round(statistics.median(s), 1) for name, s in samples.items() if s}
    result: dict[str, Any] = {
        "rounds": rounds,
        "median_ms": medians,
        "command": " ".join(["lbdoctor", *diagnose[1:]]).replace(str(ROOT) + "/", ""),
        "load_average": os.getloadavg(),
        "note": "diagnose: the same command repeated, as in a script or a CI job (its fixes "
        "were rendered and checked on the first run and are remembered in the cache folder); "
        "diagnose_new_service: a Service never seen before each time (Jinja2 and the schema "
        "validator run)",
    }
    if not kubectl:
        result["note"] += "; kubectl not found: no comparison"
        return result
    result["diagnose_over_kubectl"] = round(medians["diagnose"] / medians["kubectl"], 2)
    result["help_over_kubectl"] = round(medians["help"] / medians["kubectl"], 2)
    result["new_service_over_kubectl"] = round(
        medians["diagnose_new_service"] / medians["kubectl"], 2
    )
    result["diagnose_within_3x"] = result["diagnose_over_kubectl"] <= 3
    result["help_within_2x"] = result["help_over_kubectl"] <= 2
    return result


def main() -> dict[str, Any]:
    playbook = load_playbook()
    doctor = Doctor.create(playbook)
    engine = doctor.engine
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "playbook_version": playbook.version,
    }
    engine.next_question({})  # numpy's import and views: once per process, not per call
    results["engine_diagnose_complete_facts"] = timings(lambda: engine.diagnose(FULL), 500)
    results["engine_next_question_empty"] = timings(lambda: engine.next_question({}), 200)
    reference = ReferenceEngine(playbook)
    results["reference_engine_diagnose_complete_facts"] = timings(
        lambda: reference.diagnose(FULL), 100
    )
    results["reference_engine_next_question_empty"] = timings(
        lambda: reference.next_question({}), 50
    )
    results["engine_done_when"] = {
        "diagnose_p50_within_50_us": results["engine_diagnose_complete_facts"]["p50_ms"] <= 0.05,
        "next_question_p50_within_200_us": results["engine_next_question_empty"]["p50_ms"] <= 0.2,
    }
    results["report_with_manifests"] = timings(lambda: doctor.report(FULL), 200)

    started = time.perf_counter()
    every = list(engine.iter_cells())
    for cell in every:
        engine.diagnose(cell)
    results["full_table_sweep"] = {
        "scenarios": len(every),
        "seconds": round(time.perf_counter() - started, 3),
    }

    cells = table_cells(engine)
    per_cell = [
        statistics.fmean(walk_questions(engine, s) for s in scenarios) for scenarios in cells
    ]
    engine_average = statistics.fmean(per_cell)
    started = time.perf_counter()
    minimum = minimum_average_questions(engine, cells)
    results["questions"] = {
        "table_cells": len(cells),
        "engine_average": round(engine_average, 4),
        "minimum_average": round(minimum, 4),
        "ratio": round(engine_average / minimum, 4),
        "within_25_percent": engine_average <= 1.25 * minimum,
        "minimum_computed_in_s": round(time.perf_counter() - started, 2),
    }
    results["cli"] = cli_against_kubectl(15)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
