"""Typed answers: how the answer reader reads the hand-written sets; writes results/answers.json.

Per set (held-out, development), overall, per language and per question: accuracy, how often
the user is asked to confirm, the rate of wrong values and of non-answers taken as answers,
with every wrong reading listed; and the time to train the models and to read one answer.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.playbook import load_playbook  # noqa: E402
from knowledge.understanding import AnswerReader  # noqa: E402
from tests.answer_metrics import answers, scores  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "answers.json"


def main() -> None:
    reader = AnswerReader(load_playbook())
    started = time.perf_counter()
    reader.warm()
    training_s = round(time.perf_counter() - started, 2)
    results: dict[str, object] = {"training_s": training_s}
    for name in ("answers_heldout.yaml", "answers_dev.yaml"):
        data = answers(name)
        timings = []
        for answer in data:
            began = time.perf_counter()
            reader.read_answer(answer["text"], answer["asked"])
            timings.append((time.perf_counter() - began) * 1000)
        results[name.removesuffix(".yaml")] = {
            **scores(reader, data),
            "read_ms_p50": round(statistics.median(timings), 2),
        }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in results.items()}, ensure_ascii=False)[:2000])


if __name__ == "__main__":
    main()
