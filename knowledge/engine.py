"""The engine: which question to ask next, and the diagnosis once the answer is determined.

The playbook's rules are evaluated over every combination of the askable facts (the "cells"). A
question is asked only while the cells consistent with what is known still disagree on the answer
(outcome, fixes and cell notes); among the questions that split them, the one with the highest
information gain is asked first.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge.errors import FactError
from knowledge.playbook import Caveat, Fact, Fix, Outcome, Playbook, Rule

__all__ = ["MAX_TEXT_CHARS", "Engine", "Finding"]

# Free-text facts (the error message) are read for a few words; a longer one is not an error line.
MAX_TEXT_CHARS = 4000

Cell = tuple[str, ...]
# What the user sees for a cell: the outcome, the rule (its notes) and the fixes offered.
Label = tuple[str, int, tuple[str, ...]]


@dataclass(frozen=True)
class Finding:
    """The engine's answer: either a next question or a verdict with what supports it."""

    facts: dict[str, str]
    next_question: Fact | None
    outcome: Outcome | None = None
    rule: Rule | None = None
    fixes: tuple[Fix, ...] = ()
    # Facts the engine may ask about; the others count only once the user has given them.
    askable: frozenset[str] = frozenset()

    @property
    def verdict(self) -> str | None:
        return self.outcome.verdict if self.outcome else None

    def _applies(self, note: Caveat) -> bool:
        # A note about a question the engine did not need stays; one about what the user never
        # said (their cluster version, their need for the source IP) waits until they say it.
        unsaid = note.when.facts - self.facts.keys() - self.askable
        return not unsaid and note.when.holds(self.facts) is not False

    def caveats(self) -> tuple[Caveat, ...]:
        """Outcome and cell notes that apply to what is known."""
        if self.outcome is None or self.rule is None:
            return ()
        return tuple(
            note for note in self.outcome.caveats + self.rule.caveats if self._applies(note)
        )

    def fix_caveats(self, fix: Fix) -> tuple[Caveat, ...]:
        return tuple(note for note in fix.caveats if self._applies(note))


class Engine:
    def __init__(self, playbook: Playbook) -> None:
        self.playbook = playbook
        self.askable: tuple[Fact, ...] = tuple(f for f in playbook.facts if f.ask)
        self._index = {fact.name: i for i, fact in enumerate(self.askable)}
        self.cells: tuple[Cell, ...] = tuple(
            cell
            for cell in itertools.product(*(fact.values for fact in self.askable))
            if self._respects_implications(cell)
        )
        self._rule_of: dict[Cell, int] = {cell: self._first_rule(cell) for cell in self.cells}

    # --- facts ------------------------------------------------------------------------------

    def normalize(self, facts: Mapping[str, str]) -> dict[str, str]:
        """Check names and values; add what the known values imply. Raises FactError."""
        known: dict[str, str] = {}
        names = self.playbook.fact_names
        for name, raw in facts.items():
            if name not in names:
                raise FactError(name, "unknown fact", names)
            fact = self.playbook.fact(name)
            value = str(raw).strip()
            if fact.kind == "text":
                if len(value) > MAX_TEXT_CHARS:
                    raise FactError(
                        name,
                        f"is longer than {MAX_TEXT_CHARS} characters; paste only the error line",
                    )
                if value:
                    known[name] = value
                continue
            if fact.options and value not in fact.values:
                raise FactError(name, f"{value!r} is not a valid value", fact.values)
            if fact.pattern and not re.fullmatch(fact.pattern, value):
                expected = (
                    "a version like v1.25 or v1.25.3" if fact.kind == "version" else fact.pattern
                )
                raise FactError(name, f"{value!r} is not {expected}")
            known[name] = value
        for name, value in list(known.items()):
            fact = self.playbook.fact(name)
            if not fact.options:
                continue
            for implied, implied_value in fact.option(value).implies.items():
                if known.get(implied, implied_value) != implied_value:
                    raise FactError(
                        implied,
                        f"{known[implied]!r} contradicts {name}={value}, which implies {implied}={implied_value}",
                        (implied_value,),
                    )
                known[implied] = implied_value
        return known

    # --- questions and diagnosis ------------------------------------------------------------

    def next_question(self, facts: Mapping[str, str]) -> Fact | None:
        return self.diagnose(facts).next_question

    def diagnose(self, facts: Mapping[str, str]) -> Finding:
        known = self.normalize(facts)
        candidates = self._consistent(known)
        labels = [self.label(cell, known) for cell in candidates]
        if len(set(labels)) > 1:
            return Finding(known, self._best_question(candidates, labels, known))
        outcome_id, rule_index, fix_ids = labels[0]
        rule = self.playbook.rules[rule_index]
        return Finding(
            facts=known,
            next_question=None,
            outcome=self.playbook.outcomes[outcome_id],
            rule=rule,
            fixes=tuple(self.playbook.fixes[fix_id] for fix_id in fix_ids),
            askable=frozenset(self._index),
        )

    def verdicts_by_answer(self, facts: Mapping[str, str], fact: str) -> dict[str, set[str]]:
        """For each answer to `fact`, the verdicts still possible: why the question matters."""
        known = self.normalize(facts)
        position = self._index[fact]
        verdicts: dict[str, set[str]] = defaultdict(set)
        for cell in self._consistent(known):
            rule = self.playbook.rules[self._rule_of[cell]]
            verdicts[cell[position]].add(self.playbook.outcomes[rule.outcome].verdict)
        return dict(verdicts)

    # --- internals --------------------------------------------------------------------------

    def _respects_implications(self, cell: Cell) -> bool:
        for fact, value in zip(self.askable, cell, strict=True):
            for implied, implied_value in fact.option(value).implies.items():
                position = self._index.get(implied)
                if position is not None and cell[position] != implied_value:
                    return False
        return True

    def facts_of(self, cell: Cell) -> dict[str, str]:
        """A cell (one value per askable fact, in playbook order) as facts."""
        return {fact.name: value for fact, value in zip(self.askable, cell, strict=True)}

    def _first_rule(self, cell: Cell) -> int:
        facts = self.facts_of(cell)
        for index, rule in enumerate(self.playbook.rules):
            if rule.when.holds(facts):
                return index
        raise FactError("rules", f"no rule matches {facts}; the playbook needs a catch-all rule")

    def _consistent(self, known: Mapping[str, str]) -> list[Cell]:
        fixed = [(self._index[name], value) for name, value in known.items() if name in self._index]
        return [cell for cell in self.cells if all(cell[i] == v for i, v in fixed)]

    def label(self, cell: Cell, known: Mapping[str, str]) -> Label:
        """What the user would be told for this cell: cells with equal labels need no question."""
        rule_index = self._rule_of[cell]
        outcome = self.playbook.outcomes[self.playbook.rules[rule_index].outcome]
        facts = {**known, **self.facts_of(cell)}
        fixes = [
            fix_id for fix_id in outcome.fixes if self._offers(self.playbook.fixes[fix_id], facts)
        ]
        fixes.sort(key=lambda fix_id: not self.playbook.fixes[fix_id].recommended)
        # Cells of the same outcome differ only if one carries its own notes.
        rule_key = rule_index if self.playbook.rules[rule_index].caveats else -1
        return outcome.id, rule_key, tuple(fixes)

    @staticmethod
    def _offers(fix: Fix, facts: Mapping[str, str]) -> bool:
        # Unknown facts that the engine never asks (the cluster version) do not exclude a fix.
        if fix.when.holds(facts) is False:
            return False
        return not any(condition.holds(facts) for condition in fix.unless)

    def _best_question(
        self, cells: list[Cell], labels: list[Label], known: Mapping[str, str]
    ) -> Fact:
        def entropy(group: Iterable[Label]) -> float:
            counts = Counter(group)
            total = sum(counts.values())
            return -sum(n / total * math.log2(n / total) for n in counts.values())

        best: tuple[bool, float, int] | None = None
        choice: Fact | None = None
        for position, fact in enumerate(self.askable):
            if fact.name in known:
                continue
            groups: dict[str, list[Label]] = defaultdict(list)
            for cell, label in zip(cells, labels, strict=True):
                groups[cell[position]].append(label)
            if len(groups) < 2:
                continue
            # A question whose every answer leaves the same possible labels cannot change what
            # the user is told by itself; it is asked only if no other question can.
            useless = len({frozenset(group) for group in groups.values()}) < 2
            remaining = sum(len(group) / len(cells) * entropy(group) for group in groups.values())
            score = (useless, remaining, position)
            if best is None or score < best:
                best, choice = score, fact
        # Labels differ, so the cells differ in some unknown fact: a choice always exists.
        assert choice is not None
        return choice
