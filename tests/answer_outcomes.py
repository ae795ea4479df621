"""Every development answer's outcome, to compare a reader change answer by answer.

    .venv/bin/python -m tests.answer_outcomes before.json        # record (all development sets)
    .venv/bin/python -m tests.answer_outcomes --diff before.json after.json

Record writes each answer's outcome (tests/answer_metrics.outcome) and the value or candidates
read, and prints the totals; --diff prints every answer whose outcome changed, then both totals.
Development sets only: the held-out set is read by benchmarks/bench_answers.py, once.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from knowledge.playbook import load_playbook
from knowledge.understanding import AnswerReader

from .answer_metrics import answers, development_sets, outcome


def record(target: Path) -> Counter[str]:
    reader = AnswerReader(load_playbook())
    results: dict[str, dict[str, Any]] = {}
    for name in development_sets():
        for number, answer in enumerate(answers(name)):
            read = reader.read_answer(answer["text"], answer["asked"])
            results[f"{name}:{number}"] = {
                "outcome": outcome(reader, answer),
                "asked": answer["asked"],
                "gold": answer["gold"],
                "read": read.value or list(read.candidates) or None,
                "text": answer["text"],
            }
    target.write_text(json.dumps(results, ensure_ascii=False, indent=0))
    return Counter(result["outcome"] for result in results.values())


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    lines = []
    for key, was in before.items():
        now = after.get(key)
        if now is not None and now["outcome"] != was["outcome"]:
            lines.append(
                f"{was['outcome']:>20} -> {now['outcome']:<20} {now['asked']}/{now['gold']} "
                f"read={now['read']} | {now['text'][:160]!r}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--diff", action="store_true", help="compare two recorded files")
    args = parser.parse_args()
    if not args.diff:
        print(dict(record(args.files[0])))
        return
    before, after = (json.loads(path.read_text()) for path in args.files[:2])
    print("\n".join(diff(before, after)))
    for name, results in (("before", before), ("after", after)):
        print(name, dict(Counter(result["outcome"] for result in results.values())))


if __name__ == "__main__":
    main()
