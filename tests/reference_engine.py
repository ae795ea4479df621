"""Today's engine, kept as the reference the compiled engine is checked against.

It evaluates the rules over every combination of the askable facts (the "cells"), so it is exact
and slow: tests compare `knowledge.engine.Engine` with it on every reachable state of small
playbooks; benchmarks measure it where it finishes.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from knowledge.engine import MAX_TEXT_CHARS, Branch, Finding
from knowledge.errors import FactError
from knowledge.playbook import Fact, Fix, Playbook

__all__ = ["ReferenceEngine"]

Cell = tuple[str, ...]
Label = tuple[str, int, tuple[str, ...]]


class ReferenceEngine:
    def __init__(self, playbook: Playbook) -> None:
        self.playbook = playbook
        self.askable: tuple[Fact, ...] = tuple(f for f in playbook.facts if f.ask)
        self._index = {fact.name: i for i, fact in enumerate(self.askable)}
        self.cells: tuple[Cell, ...] = tuple(
            cell
            for cell in itertools.product(*(fact.values for fact in self.askable))
            if self._respects_implications(cell)
        )
        # Facts never asked that rules still test (read from a pasted Service): a rule naming
        # one applies only once it is known, so each set of their known values has its own
        # cell-to-rule table.
        self._context = sorted(
            {name for rule in playbook.rules for name in rule.when.facts} - self._index.keys()
        )
        self._rule_tables: dict[tuple[tuple[str, str], ...], dict[Cell, int]] = {}

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
                        problem_pt=f"tem mais de {MAX_TEXT_CHARS} caracteres; cole só a linha do erro",
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
                raise FactError(
                    name,
                    f"{value!r} is not {expected}",
                    problem_pt=f"{value!r} não é uma versão como v1.25 ou v1.25.3"
                    if fact.kind == "version"
                    else None,
                )
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
                        problem_pt=f"{known[implied]!r} contradiz {name}={value}, que implica "
                        f"{implied}={implied_value}",
                    )
                known[implied] = implied_value
        return known

    # --- questions and diagnosis ------------------------------------------------------------

    def next_question(self, facts: Mapping[str, str], skipped: Iterable[str] = ()) -> Fact | None:
        return self.diagnose(facts, skipped).next_question

    def diagnose(self, facts: Mapping[str, str], skipped: Iterable[str] = ()) -> Finding:
        """The next question, or the verdict. Questions in `skipped` (the user does not know
        the answer) are not asked: where the verdict depends on one, each of its answers gets
        its own finding (`Finding.branches`)."""
        known = self.normalize(facts)
        unknown = frozenset(skipped) - known.keys()
        for name in unknown:
            if name not in self._index:
                raise FactError(name, "cannot be skipped: it is not a question", tuple(self._index))
        candidates = self._consistent(known)
        rule_of = self.rule_of(known)
        labels = [self.label(cell, known, rule_of) for cell in candidates]
        if len(set(labels)) > 1:
            if unknown and self._only_skipped_matter(candidates, labels, unknown):
                return self._branched(known, unknown, candidates)
            question = self._best_question(candidates, labels, known, unknown)
            if question is not None:
                return Finding(known, question)
            return self._branched(known, unknown, candidates)
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
        rule_of = self.rule_of(known)
        verdicts: dict[str, set[str]] = defaultdict(set)
        for cell in self._consistent(known):
            rule = self.playbook.rules[rule_of[cell]]
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

    def rule_of(self, known: Mapping[str, str]) -> dict[Cell, int]:
        """Each cell's first matching rule, given the known values of never-asked facts."""
        context = tuple((name, known[name]) for name in self._context if name in known)
        table = self._rule_tables.get(context)
        if table is None:
            table = {cell: self._first_rule(cell, dict(context)) for cell in self.cells}
            self._rule_tables[context] = table
        return table

    def _first_rule(self, cell: Cell, context: Mapping[str, str]) -> int:
        facts = {**context, **self.facts_of(cell)}
        for index, rule in enumerate(self.playbook.rules):
            if rule.when.holds(facts):
                return index
        raise FactError("rules", f"no rule matches {facts}; the playbook needs a catch-all rule")

    def _consistent(self, known: Mapping[str, str]) -> list[Cell]:
        fixed = [(self._index[name], value) for name, value in known.items() if name in self._index]
        return [cell for cell in self.cells if all(cell[i] == v for i, v in fixed)]

    def label(self, cell: Cell, known: Mapping[str, str], rule_of: Mapping[Cell, int]) -> Label:
        """What the user would be told for this cell: cells with equal labels need no question."""
        rule_index = rule_of[cell]
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

    def _only_skipped_matter(
        self, cells: list[Cell], labels: list[Label], skipped: frozenset[str]
    ) -> bool:
        """Whether, once the skipped questions' answers are fixed, nothing else changes what the
        user is told: then no other question is worth asking."""
        positions = [self._index[name] for name in sorted(skipped)]
        seen: dict[tuple[str, ...], Label] = {}
        for cell, label in zip(cells, labels, strict=True):
            key = tuple(cell[i] for i in positions)
            if seen.setdefault(key, label) != label:
                return False
        return True

    def _branched(
        self, known: dict[str, str], skipped: frozenset[str], cells: list[Cell]
    ) -> Finding:
        """Only skipped questions still change the answer: diagnose each answer to the first."""
        fact = next(
            f
            for f in self.askable
            if f.name in skipped and len({cell[self._index[f.name]] for cell in cells}) > 1
        )
        possible = {cell[self._index[fact.name]] for cell in cells}
        branches = tuple(
            Branch(fact.name, value, self.diagnose({**known, fact.name: value}, skipped))
            for value in fact.values
            if value in possible
        )
        return Finding(known, None, askable=frozenset(self._index), branches=branches)

    def _best_question(
        self,
        cells: list[Cell],
        labels: list[Label],
        known: Mapping[str, str],
        skipped: frozenset[str] = frozenset(),
    ) -> Fact | None:
        def entropy(group: Iterable[Label]) -> float:
            counts = Counter(group)
            total = sum(counts.values())
            return -sum(n / total * math.log2(n / total) for n in counts.values())

        best: tuple[bool, float, int] | None = None
        choice: Fact | None = None
        for position, fact in enumerate(self.askable):
            if fact.name in known or fact.name in skipped:
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
        # Labels differ, so the cells differ in some unknown fact; None only if all are skipped.
        return choice
