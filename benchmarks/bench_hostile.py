"""Reading a long message: time against size; writes results/hostile.json.

For each message shape (hostile ones: words that name facts over and over, one long line of
failures, blank lines, `curl` without a URL) at 32, 128 and 256 KB: the time `extract_facts`
takes, and the time the whole reading of a chat answer takes (the language, the facts, the
evidence and the error line: what the form does with a message). Linear reading shows as a
time per KB that stays flat from 32 to 256 KB; a quadratic one grows eight-fold.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.intake import detect_language, extract_facts, named_language  # noqa: E402
from knowledge.playbook import load_playbook  # noqa: E402
from knowledge.understanding import AnswerReader, read_message  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "hostile.json"
SIZES_KB = (32, 128, 256)

# Each shape repeats its unit up to the size; the first is the measurement.
SHAPES: dict[str, str] = {
    "fact-words": "the pod on another node cannot reach the elb, vpc network, ipvs mode, ",
    "fact-words-one-line": "vpc ipvs tunnel iptables dedicated shared nodeport ",
    "failures-one-line": "timeout connection refused ",
    "blank-lines": "\n \n",
    "curl-no-url": "curl curl ",
    "proxy-mode-lines": "--proxy-mode mode: /proxyMode\n",
}


def message(unit: str, kb: int) -> str:
    size = kb * 1024
    return (unit * (size // len(unit) + 1))[:size]


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return round(time.perf_counter() - started, 3)


def main() -> None:
    playbook = load_playbook()
    reader = AnswerReader(playbook)
    reader.warm()

    def answer(text: str) -> None:
        # What a typed chat answer goes through (actions/form.py and actions/runtime.py).
        detect_language(text)
        named_language(text)
        read_message(text, reader, "client_location")

    results: dict[str, object] = {}
    for shape, unit in SHAPES.items():
        rows = []
        for kb in SIZES_KB:
            text = message(unit, kb)
            facts_s = timed(lambda text=text: extract_facts(text, playbook, "client_location"))
            answer_s = timed(lambda text=text: answer(text))
            rows.append({"kb": kb, "extract_facts_s": facts_s, "answer_reading_s": answer_s})
            print(f"{shape:22} {kb:4} KB  extract_facts {facts_s:8.3f} s  answer {answer_s:8.3f} s")
        results[shape] = rows
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
