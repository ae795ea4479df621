"""Every development answer's outcome, to compare a reader change answer by answer.

    .venv/bin/python -m tests.answer_outcomes before.json        # record (all development sets)
    .venv/bin/python -m tests.answer_outcomes --diff before.json after.json
    .venv/bin/python -m tests.answer_outcomes --trained-until 24 later.json
    .venv/bin/python -m tests.answer_outcomes --trained-until 24 --unwritten later-alone.json


Record writes each answer's outcome (tests/answer_metrics.outcome) and the value or candidates
read, and prints the totals; --diff prints every answer whose outcome changed, then both totals.
Development sets only: the held-out set is read by benchmarks/bench_answers.py, once. The
models learn from the development sets (knowledge/understanding/written/), so reading them is
no measure of how replies never seen are read: --trained-until N trains the models on the sets
up to the Nth only and reads the later ones, which they never saw; --unwritten reads the same
later sets with models that learn from no written answer (the playbook's phrasings alone).
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


def record(
    target: Path, trained_until: int | None = None, unwritten: bool = False
) -> dict[str, dict[str, Any]]:
    sets = development_sets()
    if trained_until is None:
        reader, read = AnswerReader(load_playbook()), sets
    else:
        learnt = () if unwritten else tuple(sets[:trained_until])
        reader = AnswerReader(load_playbook(), written=learnt)
        read = sets[trained_until:]
    results: dict[str, dict[str, Any]] = {}
    for name in read:
        for number, answer in enumerate(answers(name)):
            read = reader.read_answer(answer["text"], answer["asked"])
            results[f"{name}:{number}"] = {
                "outcome": outcome(reader, answer),
                "asked": answer["asked"],
                "lang": answer["lang"],
                "gold": answer["gold"],
                "read": read.value or list(read.candidates) or None,
                "text": answer["text"],
            }
    target.write_text(json.dumps(results, ensure_ascii=False, indent=0))
    return results


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
    parser.add_argument(
        "--trained-until", type=int, help="learn from the first N sets only, read the others"
    )
    parser.add_argument(
        "--unwritten", action="store_true", help="with --trained-until: learn from no set at all"
    )
    args = parser.parse_args()
    if not args.diff:
        results = record(args.files[0], args.trained_until, args.unwritten)
        for lang in ("all", "en", "pt"):
            counts = Counter(r["outcome"] for r in results.values() if lang in ("all", r["lang"]))
            total = sum(counts.values())
            print(lang, dict(counts), f"accuracy {counts['right'] / total:.4f}", end=" ")
            print(f"wrong {counts['wrong'] / total:.4f} of {total}")
        return
    before, after = (json.loads(path.read_text()) for path in args.files[:2])
    print("\n".join(diff(before, after)))
    for name, results in (("before", before), ("after", after)):
        print(name, dict(Counter(result["outcome"] for result in results.values())))


if __name__ == "__main__":
    main()
