"""Install a newly written held-out set as tests/data/answers_heldout.yaml, without reading it.

    .venv/bin/python -m tests.install_heldout NEW.yaml v11

Entries whose text equals a training text after normalising (the held-out test fails on any)
and repeats within the set are dropped; the entries kept are written as they came (each with
exactly asked, lang, kind, gold and text), one flow mapping a line, under a header that says where the set came from. Only counts are printed, so
the texts stay unseen until the set has been measured once (benchmarks/bench_answers.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

from knowledge.playbook import load_playbook

from .answer_metrics import DATA, normalise, training_texts

_HEADER = """\
# Held-out typed answers ({version}): written by hand by a helper from the CCE FAQ, the domain notes,
# the questions and options and a description of the users, without seeing any training data,
# development set or code; gold values by hand. {written} written; {trained} equal to a training
# text after normalising were removed, and {repeated} repeated within the set.
answers:
"""
_KEYS = ("asked", "lang", "kind", "gold", "text")


def _quoted(value: object) -> str:
    """A YAML flow scalar, ASCII only, that reads back as `value` exactly: JSON's quoting, with
    every character beyond ASCII escaped as YAML reads it (an emoji as one \\U escape, where
    JSON would write two UTF-16 halves that YAML does not join)."""
    return "".join(
        ch if ord(ch) < 128 else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
        for ch in json.dumps(value, ensure_ascii=False)
    )


def install(source: Path, version: str, target: Path) -> dict[str, int]:
    written = yaml.safe_load(source.read_text())["answers"]
    odd = [entry for entry in written if set(entry) != set(_KEYS)]
    if odd:
        raise SystemExit(f"{len(odd)} entries lack or add keys (want {', '.join(_KEYS)}): {odd[0]}")
    training = training_texts(load_playbook())
    seen: set[str] = set()
    kept, trained, repeated = [], 0, 0
    for entry in written:
        key = normalise(entry["text"])
        if key in training:
            trained += 1
        elif key in seen:
            repeated += 1
        else:
            seen.add(key)
            kept.append(entry)
    lines = ["- {" + ", ".join(f"{k}: {_quoted(entry[k])}" for k in _KEYS) + "}" for entry in kept]
    header = _HEADER.format(
        version=version, written=len(written), trained=trained, repeated=repeated
    )
    text = header + "\n".join(lines) + "\n"
    if yaml.safe_load(text)["answers"] != kept:
        raise SystemExit("the set does not read back as written: nothing installed")
    target.write_text(text)
    return {"written": len(written), "trained": trained, "repeated": repeated, "kept": len(kept)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("version")
    args = parser.parse_args()
    print(install(args.source, args.version, DATA / "answers_heldout.yaml"))


if __name__ == "__main__":
    main()
