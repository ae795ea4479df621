"""A family of generated playbooks, shaped like the shipped one but larger, for scale benchmarks.

    .venv/bin/python benchmarks/playbook_family.py [DIR]   # writes family-06.yaml … family-15.yaml

Each playbook has N askable facts of 2–5 options, two never-asked facts (a flag read from a pasted
Service, a cluster version), an implication, a few early exit rules, rules that need the
never-asked facts, then tables (one per value of the first fact, rows x columns over other facts,
some cells with notes of their own) giving hundreds of rules, and a catch-all; fixes with `when`
and `unless`. They are valid against knowledge/playbooks/playbook.schema.json and load with the
same loader (`load_playbook`). Deterministic for a given size and seed.
"""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path
from typing import Any

import yaml

__all__ = ["SIZES", "generate", "write_family"]

SIZES = (6, 9, 12, 15)
SOURCE = "docs"


def _text(words: str) -> dict[str, str]:
    return {"en": words, "pt": f"{words} (pt)"}


def generate(
    facts: int, seed: int = 0, options: tuple[int, int] = (2, 5), table_rules: int = 300
) -> str:
    """The YAML text of a playbook with `facts` askable facts and about `table_rules` table cells."""
    rng = random.Random(f"{facts}-{seed}")
    names = [f"f{i:02d}" for i in range(facts)]
    widths = [rng.randint(*options) for _ in names]
    values = {
        name: [f"v{j}" for j in range(width)] for name, width in zip(names, widths, strict=True)
    }
    fact_list: list[dict[str, Any]] = []
    for name in names:
        fact_list.append(
            {
                "name": name,
                "prompt": _text(f"Which {name}?"),
                "options": [{"value": v, "label": _text(f"{name} {v}")} for v in values[name]],
            }
        )
    # Like dnat-gateway implying a public address: the first fact's last value fixes the second.
    fact_list[0]["options"][-1]["implies"] = {names[1]: values[names[1]][0]}
    fact_list += [
        {
            "name": "flag",
            "ask": False,
            "prompt": _text("Is the flag on?"),
            "options": [
                {"value": "on", "label": _text("on")},
                {"value": "off", "label": _text("off")},
            ],
        },
        {
            "name": "version",
            "ask": False,
            "kind": "version",
            "pattern": r"^v?\d+\.\d+(\.\d+)?$",
            "prompt": _text("Which version?"),
        },
    ]

    fixes = {
        "fix-a": {"recommended": True},
        "fix-b": {"when": {names[2]: values[names[2]][:-1]}},
        "fix-c": {
            "when": {names[0]: values[names[0]][1:]},
            "unless": [
                {"flag": "on"},
                {names[3]: values[names[3]][0], names[4]: values[names[4]][-1]},
                {"version": {"at_most": "v1.15"}},
            ],
        },
        "fix-d": {"unless": [{names[-1]: values[names[-1]][0]}]},
    }
    fix_specs = {
        key: {
            **spec,
            "template": "use-cluster-ip.yaml.j2",
            "title": _text(f"Apply {key}"),
            "command": f"kubectl apply -f {key}.yaml",
            "sources": [SOURCE],
        }
        for key, spec in fixes.items()
    }
    outcomes: dict[str, dict[str, Any]] = {}

    def outcome(key: str, verdict: str, fix_ids: list[str] = ()) -> str:  # type: ignore[assignment]
        outcomes[key] = {
            "verdict": verdict,
            "explanation": _text(f"Outcome {key}."),
            "sources": [SOURCE],
            **({"fixes": list(fix_ids)} if fix_ids else {}),
        }
        return key

    outcome("out-of-scope", "out-of-scope")
    outcome("flag-works", "works")
    outcome("new-version-works", "works")
    outcome("unsupported", "unsupported", ["fix-a", "fix-b", "fix-c"])
    outcome("unlisted-works", "works")
    table_outcomes = [outcome(f"works-{i}", "works") for i in range(3)]
    table_outcomes += [
        outcome(f"fails-{i}", "fails", rng.sample(sorted(fixes), rng.randint(1, 4)))
        for i in range(6)
    ]

    last = names[-1]
    rules: list[dict[str, Any]] = [
        {"when": {last: values[last][-1]}, "outcome": "out-of-scope"},
        {"when": {names[0]: values[names[0]][0]}, "outcome": "out-of-scope"},
        {
            "when": {"flag": "on", names[1]: values[names[1]][:2], names[2]: values[names[2]][1:]},
            "outcome": "flag-works",
        },
        {
            "when": {"version": {"at_least": "v1.30"}, names[3]: values[names[3]][-1]},
            "outcome": "new-version-works",
        },
        {
            "when": {names[2]: values[names[2]][0], names[4]: values[names[4]][0]},
            "outcome": "unsupported",
        },
    ]
    # One table per value of the first fact (like one per Service type): rows over two facts,
    # columns over up to three others, sized so the tables hold about `table_rules` cells.
    tables = values[names[0]][1:]
    per_table = max(4, table_rules // len(tables))
    for value in tables:
        others = rng.sample(names[1:-1], min(5, facts - 2))
        row_facts, column_facts = others[:2], others[2:]
        row_combos = list(itertools.product(*(values[n] for n in row_facts)))
        column_combos = list(itertools.product(*(values[n] for n in column_facts)))
        rng.shuffle(row_combos)
        rng.shuffle(column_combos)
        columns = column_combos[: max(2, per_table // max(1, len(row_combos)))]
        rows = row_combos[: max(2, per_table // len(columns))]
        table_rows = []
        for row in rows:
            cells: list[Any] = []
            for _ in columns:
                pick = rng.choice(table_outcomes)
                if rng.random() < 0.1:
                    cells.append(
                        {
                            "outcome": pick,
                            "caveats": [{"text": _text("A note of this cell."), "source": SOURCE}],
                        }
                    )
                else:
                    cells.append(pick)
            table_rows.append(
                {
                    "when": {names[0]: value, **dict(zip(row_facts, row, strict=True))},
                    "cells": cells,
                }
            )
        rules.append(
            {
                "table": {
                    "source": SOURCE,
                    "columns": [dict(zip(column_facts, c, strict=True)) for c in columns],
                    "rows": table_rows,
                }
            }
        )
    rules.append({"when": {}, "outcome": "unlisted-works"})
    document = {
        "schema_version": 1,
        "id": f"family-{facts:02d}",
        "title": _text(f"Generated playbook with {facts} facts"),
        "sources": {
            SOURCE: {"title": "Generated", "url": "https://example.com/docs", "section": "All"}
        },
        "facts": fact_list,
        "outcomes": outcomes,
        "rules": rules,
        "fixes": fix_specs,
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)


def write_family(folder: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for size in sizes:
        path = folder / f"family-{size:02d}.yaml"
        path.write_text(generate(size), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "results" / "playbooks"
    )
    for written in write_family(target):
        print(written)
