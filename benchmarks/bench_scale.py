"""How the engine scales: the generated playbook family (benchmarks/playbook_family.py, 6 to 15
facts of 2–5 options, hundreds of rules), through the compiled engine and the enumerating reference
engine (tests/reference_engine.py) measured the same way where it finishes within a minute.
Writes benchmarks/results/scale.json.

Per playbook and engine, each in a fresh process (so memory is its own):
- load: parse + schema + cross-checks; compile: the carving (the reference builds its cell list
  and its first rule table); cached: the compiled playbook read back from the cache folder;
- next_question and diagnose p50/p95 from the empty case and from random partial cases (and
  diagnose from random complete cases);
- memory: tracemalloc peak over compile and queries, and the process's peak RSS.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.playbook_family import SIZES, write_family  # noqa: E402
from knowledge.errors import FactError  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
REFERENCE_BUDGET_S = 60


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "calls": len(ordered),
        "p50_ms": round(ordered[len(ordered) // 2], 4),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 4),
    }


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def random_cases(engine: Any, count: int, complete: bool, seed: int) -> list[dict[str, str]]:
    """Cases a user could be in: some (or all) questions answered at random, the never-asked
    flag sometimes known; contradicting answers (an implication) drawn again."""
    rng = random.Random(seed)
    cases: list[dict[str, str]] = []
    while len(cases) < count:
        facts = engine.askable
        chosen = facts if complete else rng.sample(facts, rng.randint(1, max(1, len(facts) // 2)))
        case = {fact.name: rng.choice(fact.values) for fact in chosen}
        if rng.random() < 0.25:
            case["flag"] = rng.choice(["on", "off"])
        try:
            engine.normalize(case)
        except FactError:
            continue
        cases.append(case)
    return cases


def measure(path: Path, kind: str, repeat: int) -> dict[str, Any]:
    """One playbook through one engine, in this process."""
    from knowledge.cache import load_compiled
    from knowledge.engine import Engine
    from knowledge.playbook import load_playbook
    from tests.reference_engine import ReferenceEngine

    tracemalloc.start()
    result: dict[str, Any] = {}
    started = time.perf_counter()
    playbook = load_playbook(path)
    result["load_s"] = round(time.perf_counter() - started, 4)
    started = time.perf_counter()
    if kind == "compiled":
        engine: Any = Engine(playbook)
    else:
        engine = ReferenceEngine(playbook)
        engine.rule_of({})  # its first rule table: what its first answer would build
    result["compile_s"] = round(time.perf_counter() - started, 4)
    result["rules"] = len(playbook.rules)
    result["askable_facts"] = len(engine.askable)
    cells = 1
    for fact in engine.askable:
        cells *= len(fact.values)
    result["combinations"] = cells
    if kind == "compiled":
        result["boxes"] = engine.compiled.boxes({}).count
        with tempfile.TemporaryDirectory() as cache:
            load_compiled(path, Path(cache))
            started = time.perf_counter()
            load_compiled(path, Path(cache))
            result["cached_load_s"] = round(time.perf_counter() - started, 4)
    partial = random_cases(engine, repeat, complete=False, seed=1)
    complete = random_cases(engine, repeat, complete=True, seed=2)
    # One pass over every case before timing: numpy's import, the views and every context the
    # cases touch are built now, and the memory peak covers them. tracemalloc slows every
    # allocation, so it is off while timing.
    for case in [{}, *partial, *complete]:
        engine.diagnose(case)
    result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
    tracemalloc.stop()
    # As timeit does: no garbage collection pass lands inside a timed call.
    gc.collect()
    gc.disable()
    result["next_question_empty"] = percentiles(
        [timed(lambda: engine.next_question({})) for _ in range(repeat)]
    )
    result["diagnose_empty"] = percentiles(
        [timed(lambda: engine.diagnose({})) for _ in range(repeat)]
    )
    result["next_question_partial"] = percentiles(
        [timed(lambda case=case: engine.next_question(case)) for case in partial]
    )
    result["diagnose_partial"] = percentiles(
        [timed(lambda case=case: engine.diagnose(case)) for case in partial]
    )
    result["diagnose_complete"] = percentiles(
        [timed(lambda case=case: engine.diagnose(case)) for case in complete]
    )
    gc.enable()
    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def run_one(path: Path, kind: str, repeat: int, timeout: float | None) -> dict[str, Any]:
    """`measure` in a fresh process; a reference that takes longer than the budget is noted."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(path), kind, str(repeat)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return {"finished": False, "note": f"did not finish within {timeout:.0f} s"}
    except subprocess.CalledProcessError as exc:
        return {"finished": False, "note": exc.stderr.strip().splitlines()[-1]}
    result: dict[str, Any] = json.loads(done.stdout)
    return {"finished": True, "wall_s": round(time.perf_counter() - started, 2), **result}


def main() -> dict[str, Any]:
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average": os.getloadavg(),
        },
        "playbooks": {},
    }
    with tempfile.TemporaryDirectory() as folder:
        for path in write_family(Path(folder)):
            size = path.stem
            entry = {"compiled": run_one(path, "compiled", 300, None)}
            entry["reference"] = run_one(path, "reference", 20, REFERENCE_BUDGET_S)
            results["playbooks"][size] = entry
            print(size, json.dumps(entry), flush=True)
    fifteen = results["playbooks"][f"family-{max(SIZES):02d}"]["compiled"]
    results["done_when_15_facts"] = {
        "compile_s": fifteen["compile_s"],
        "compile_within_2_s": fifteen["compile_s"] <= 2,
        "next_question_p95_ms": max(
            fifteen["next_question_empty"]["p95_ms"], fifteen["next_question_partial"]["p95_ms"]
        ),
        "diagnose_p95_ms": max(
            fifteen[key]["p95_ms"]
            for key in ("diagnose_empty", "diagnose_partial", "diagnose_complete")
        ),
        "tracemalloc_peak_mb": fifteen["tracemalloc_peak_mb"],
        "max_rss_mb": fifteen["max_rss_mb"],
    }
    results["done_when_15_facts"]["within_2_ms_and_200_mb"] = (
        results["done_when_15_facts"]["next_question_p95_ms"] <= 2
        and results["done_when_15_facts"]["diagnose_p95_ms"] <= 2
        and fifteen["max_rss_mb"] <= 200
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(measure(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))))
    else:
        print(json.dumps(main(), indent=2))
