"""Benchmarks of the knowledge core; writes benchmarks/results/knowledge.json.

- diagnose() latency per call (engine only, and the full report with rendered manifests);
- the full-table sweep (every cell of the scenario space through the engine);
- CLI start-up time (`lbdoctor diagnose --json`, a fresh process each time);
- the average number of questions the engine asks over the FAQ table's cells, next to the minimum
  any decision tree over the same questions could reach (computed here by dynamic programming).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from knowledge.diagnosis import Doctor
from knowledge.engine import Engine
from knowledge.playbook import load_playbook

RESULTS = Path(__file__).parent / "results" / "knowledge.json"
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
    cells = []
    for rule in playbook.rules:
        if not rule.table_cell:
            continue
        scenarios = [
            cell
            for cell in engine.cells
            if rule.when.holds({**engine.facts_of(cell)})
            and engine.facts_of(cell)["external_traffic_policy"] == "Local"
        ]
        cells.append(scenarios)
    return cells


def walk_questions(engine: Engine, scenario: tuple[str, ...]) -> int:
    answers = engine.facts_of(scenario)
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
    rule_of = engine.rule_of({})
    label = {cell: engine.label(cell, {}, rule_of) for cell in engine.cells}
    facts = len(engine.askable)

    @cache
    def cost(state: tuple[str | None, ...]) -> float:
        consistent = [
            cell
            for cell in engine.cells
            if all(v is None or cell[i] == v for i, v in enumerate(state))
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


def cli_startup(repeat: int) -> dict[str, float]:
    script = Path(sys.executable).parent / "lbdoctor"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LBDOCTOR_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        args = [str(script), "diagnose", "--json", *(f"{k}={v}" for k, v in FULL.items())]
        subprocess.run(
            args, env=env, check=True, capture_output=True
        )  # first run creates the store
        return timings(
            lambda: subprocess.run(args, env=env, check=True, capture_output=True), repeat
        )


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
    results["engine_diagnose_complete_facts"] = timings(lambda: engine.diagnose(FULL), 500)
    results["engine_next_question_empty"] = timings(lambda: engine.next_question({}), 200)
    results["report_with_manifests"] = timings(lambda: doctor.report(FULL), 200)

    started = time.perf_counter()
    for cell in engine.cells:
        engine.diagnose(engine.facts_of(cell))
    results["full_table_sweep"] = {
        "scenarios": len(engine.cells),
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
    results["cli_startup"] = cli_startup(10)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
