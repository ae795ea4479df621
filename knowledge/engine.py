"""The engine: which question to ask next, and the diagnosis once the answer is determined.

A question is asked only while the combinations of answers (the "cells") consistent with what is
known still disagree on the answer (outcome, fixes and cell notes); among the questions that split
them, one that can change the answer by itself comes first, then the highest information gain,
then the earlier one in the playbook. The cells are never enumerated: the compiled playbook
(knowledge.compiled) counts them box by box.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.compiled import Boxes, CompiledPlaybook, Label
from knowledge.errors import FactError
from knowledge.playbook import Caveat, Fact, Fix, Outcome, Playbook, Proof, Rule

__all__ = ["MAX_TEXT_CHARS", "Branch", "Engine", "Finding"]

# Free-text facts (the error message) are read for a few words; a longer one is not an error line.
MAX_TEXT_CHARS = 4000

# Two information gains closer than this may be equal but for rounding: they are computed again
# term by term in the order of the cells, as the enumerating engine summed them.
_TIE = 1e-9


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
    # When the answer depends on a question the user skipped: one finding per answer to it.
    branches: tuple[Branch, ...] = ()

    @property
    def verdict(self) -> str | None:
        if self.branches:
            verdicts = {leaf.verdict for _, leaf in self.leaves()}
            return verdicts.pop() if len(verdicts) == 1 else "depends"
        return self.outcome.verdict if self.outcome else None

    def leaves(self) -> list[tuple[dict[str, str], Finding]]:
        """(the skipped facts' answers, the finding for them) for every branch, nested ones
        flattened; a finding without branches is its own one leaf."""
        if not self.branches:
            return [({}, self)]
        return [
            ({branch.fact: branch.value, **when}, leaf)
            for branch in self.branches
            for when, leaf in branch.finding.leaves()
        ]

    def _applies(self, note: Caveat | Proof) -> bool:
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

    def proof(self) -> tuple[Proof, ...]:
        """The commands that show the cause, for what is known."""
        if self.outcome is None:
            return ()
        return tuple(item for item in self.outcome.proof if self._applies(item))

    def fix_caveats(self, fix: Fix) -> tuple[Caveat, ...]:
        return tuple(note for note in fix.caveats if self._applies(note))


@dataclass(frozen=True)
class Branch:
    """The finding if the skipped question `fact` were answered `value`."""

    fact: str
    value: str
    finding: Finding


class Engine:
    def __init__(self, playbook: Playbook, compiled: CompiledPlaybook | None = None) -> None:
        self.playbook = playbook
        self.compiled = compiled if compiled is not None else CompiledPlaybook(playbook)
        self.askable: tuple[Fact, ...] = self.compiled.askable
        self._index = self.compiled.index
        self._starts = self.compiled.starts
        # Rank of a cell in itertools.product order: the order the reference engine saw them in.
        self._stride = tuple(
            math.prod(len(f.values) for f in self.askable[i + 1 :])
            for i in range(len(self.askable))
        )

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
        boxes, alive = self._alive(known)
        label = boxes.single_label(alive)
        if label is None:
            if unknown and self._only_skipped_matter(boxes, alive, unknown):
                return self._branched(known, unknown, boxes, alive)
            question = self._best_question(boxes, alive, known, unknown)
            if question is not None:
                return Finding(known, question)
            return self._branched(known, unknown, boxes, alive)
        outcome_id, rule_index, fix_ids = boxes.labels[label]
        return Finding(
            facts=known,
            next_question=None,
            outcome=self.playbook.outcomes[outcome_id],
            # The label's rule key: -1 (the last rule, as before) unless the rule has notes.
            rule=self.playbook.rules[rule_index],
            fixes=tuple(self.playbook.fixes[fix_id] for fix_id in fix_ids),
            askable=frozenset(self._index),
        )

    def verdicts_by_answer(self, facts: Mapping[str, str], fact: str) -> dict[str, set[str]]:
        """For each answer to `fact`, the verdicts still possible: why the question matters."""
        known = self.normalize(facts)
        position = self._index[fact]
        boxes, alive = self._alive(known)
        verdicts: list[tuple[Any, str, set[str]]] = []
        for j, value in enumerate(self.askable[position].values):
            subset = alive & boxes.columns[self._starts[position] + j]
            if not subset:
                continue
            labels = {boxes.label_of[b] for b in _bits(subset)}
            outcomes = {boxes.labels[label][0] for label in labels}
            found = {self.playbook.outcomes[outcome].verdict for outcome in outcomes}
            verdicts.append((self._first_rank(boxes, subset, known, position, j), value, found))
        # Answers in the order their first cell comes, as the enumerating engine listed them.
        return {value: found for _, value, found in sorted(verdicts, key=lambda v: v[0])}

    # --- cells, for small playbooks (tests and the FAQ-table benchmark) ---------------------

    def iter_cells(self) -> Iterator[dict[str, str]]:
        """Every combination of answers to the askable questions that implications allow, in
        playbook order: exponential in the facts, for small playbooks only."""
        for cell in itertools.product(*(fact.values for fact in self.askable)):
            facts = {fact.name: value for fact, value in zip(self.askable, cell, strict=True)}
            if all(
                facts.get(implied, wanted) == wanted
                for fact, value in zip(self.askable, cell, strict=True)
                for implied, wanted in fact.option(value).implies.items()
            ):
                yield facts

    def label(self, facts: Mapping[str, str]) -> Label:
        """What the user would be told once every askable question is answered as in `facts`
        (never-asked facts in it set the context): equal labels need no question between them."""
        known = self.normalize(facts)
        missing = [fact.name for fact in self.askable if fact.name not in known]
        if missing:
            raise FactError(missing[0], "is needed for a label", tuple(self._index))
        boxes, alive = self._alive(known)
        label = boxes.single_label(alive)
        assert label is not None  # every question answered: one box holds the cell
        return boxes.labels[label]

    # --- internals --------------------------------------------------------------------------

    def _alive(self, known: Mapping[str, str]) -> tuple[Boxes, int]:
        """The context's boxes, and those that hold what is known (as bits)."""
        boxes = self.compiled.boxes(known)
        columns = [
            self._starts[self._index[name]] + self.askable[self._index[name]].values.index(value)
            for name, value in known.items()
            if name in self._index
        ]
        alive = boxes.alive(columns)
        if not alive:
            # Only chained implications can get here (normalize adds one step of them).
            raise FactError(
                "facts", f"no case has all of {dict(known)}: some answers contradict each other"
            )
        return boxes, alive

    def _values(self, boxes: Boxes, alive: int, position: int) -> list[int]:
        """The values of an askable fact that some consistent cell has."""
        start = self._starts[position]
        return [
            j for j in range(len(self.askable[position].values)) if alive & boxes.columns[start + j]
        ]

    def _only_skipped_matter(self, boxes: Boxes, alive: int, skipped: frozenset[str]) -> bool:
        """Whether, once the skipped questions' answers are fixed, nothing else changes what the
        user is told: then no other question is worth asking."""

        def uniform(alive: int, positions: tuple[int, ...]) -> bool:
            if boxes.single_label(alive) is not None:
                return True
            if not positions:
                return False
            first, rest = positions[0], positions[1:]
            start = self._starts[first]
            for j in range(len(self.askable[first].values)):
                subset = alive & boxes.columns[start + j]
                if subset and not uniform(subset, rest):
                    return False
            return True

        return uniform(alive, tuple(sorted(self._index[name] for name in skipped)))

    def _branched(
        self, known: dict[str, str], skipped: frozenset[str], boxes: Boxes, alive: int
    ) -> Finding:
        """Only skipped questions still change the answer: diagnose each answer to the first."""
        position, values = next(
            (i, values)
            for i, f in enumerate(self.askable)
            if f.name in skipped and len(values := self._values(boxes, alive, i)) > 1
        )
        fact = self.askable[position]
        branches = tuple(
            Branch(
                fact.name,
                fact.values[j],
                self.diagnose({**known, fact.name: fact.values[j]}, skipped),
            )
            for j in values
        )
        return Finding(known, None, askable=frozenset(self._index), branches=branches)

    def _best_question(
        self, boxes: Boxes, alive: int, known: Mapping[str, str], skipped: frozenset[str]
    ) -> Fact | None:
        arrays = boxes.arrays(self.askable)
        np = arrays.np
        rows = arrays.rows(alive)
        sizes = arrays.sizes[rows]
        sizes[:, [self._index[name] for name in known if name in self._index]] = 1
        cells = sizes.prod(axis=1)
        # Cells per (label, value column): a box holds the product of the other facts' sizes
        # for each value it has.
        # (np.repeat keeps rows contiguous: a column-indexed copy made this product 5x slower.)
        per_box = arrays.onehot.take(rows, axis=0) * np.repeat(
            cells[:, None] / sizes, arrays.widths, axis=1
        )
        labels = arrays.label_of[rows]
        segments = np.flatnonzero(np.concatenate(([True], labels[1:] != labels[:-1])))
        counts = np.add.reduceat(per_box, segments, axis=0)
        group = counts.sum(axis=0)
        present = group > 0
        # counts·log2(counts/group), 0 where counts is 0 (log2 of 1 there): cheaper than
        # dividing by zero under np.errstate, whose enter and exit alone cost about 6 µs.
        terms = counts * np.log2(
            np.divide(counts, group, out=np.ones_like(counts), where=counts > 0)
        )
        starts = arrays.starts
        remaining = -np.add.reduceat(terms.sum(axis=0), starts) / cells.sum()
        answers = np.add.reduceat(present, starts)
        # A question whose every answer leaves the same possible labels cannot change what the
        # user is told by itself; it is asked only if no other question can.
        first = np.minimum.reduceat(np.where(present, arrays.column, arrays.column.size), starts)
        seen = counts > 0
        reference = seen[:, np.minimum(first, arrays.column.size - 1)[arrays.fact_of]]
        useless = ~np.logical_or.reduceat((seen != reference).any(axis=0) & present, starts)
        scores = [
            (bool(useless[i]), float(remaining[i]), i)
            for i, fact in enumerate(self.askable)
            if answers[i] >= 2 and fact.name not in known and fact.name not in skipped
        ]
        if not scores:
            return None
        best = min(scores)
        tied = [s for s in scores if s[0] == best[0] and abs(s[1] - best[1]) <= _TIE]
        if len(tied) > 1:
            exact = [
                (useless, self._exact_remaining(arrays, rows, segments, known, i), i)
                for useless, _, i in tied
            ]
            best = min(exact)
        return self.askable[best[2]]

    def _exact_remaining(
        self,
        arrays: Any,
        rows: Any,
        segments: Any,
        known: Mapping[str, str],
        position: int,
    ) -> float:
        """The remaining entropy after asking `position`, summed term by term in the order the
        enumerating engine met the cells: groups by their first cell, labels within a group
        by theirs. Only for near-ties, where rounding decides."""
        np = arrays.np
        ranks, counts = self._ranks_and_counts(arrays, rows, known, position)
        first = np.minimum.reduceat(ranks, segments, axis=0)
        number = np.add.reduceat(counts, segments, axis=0)
        groups = []
        for j in range(first.shape[1]):
            present = [
                (int(first[label, j]), int(number[label, j]))
                for label in range(first.shape[0])
                if number[label, j] > 0
            ]
            if present:
                present.sort()
                groups.append((present[0][0], [n for _, n in present]))
        groups.sort()
        total = sum(sum(group) for _, group in groups)

        def entropy(group: list[int]) -> float:
            size = sum(group)
            return -sum(n / size * math.log2(n / size) for n in group)

        return sum(sum(group) / total * entropy(group) for _, group in groups)

    def _ranks_and_counts(
        self, arrays: Any, rows: Any, known: Mapping[str, str], position: int
    ) -> tuple[Any, Any]:
        """Per box and value of `position`: the rank of the box's first cell with that value
        (a large number where it has none), and its number of cells with that value."""
        np = arrays.np
        masks = arrays.masks[rows]
        sizes = arrays.sizes[rows].copy()
        low = arrays.low[rows].copy()
        for name, value in known.items():
            if name in self._index:
                i = self._index[name]
                sizes[:, i] = 1
                low[:, i] = self.askable[i].values.index(value)
        stride = np.array(self._stride, dtype=np.int64)
        base = (low * stride).sum(axis=1)
        values = np.arange(len(self.askable[position].values))
        holds = ((masks[:, position : position + 1] >> values) & 1).astype(bool)
        ranks = base[:, None] + (values - low[:, position : position + 1]) * stride[position]
        ranks = np.where(holds, ranks, np.iinfo(np.int64).max)
        cells = sizes.prod(axis=1) // sizes[:, position]
        return ranks, holds * cells[:, None]

    def _first_rank(
        self, boxes: Boxes, subset: int, known: Mapping[str, str], position: int, value: int
    ) -> int:
        arrays = boxes.arrays(self.askable)
        ranks, _ = self._ranks_and_counts(arrays, arrays.rows(subset), known, position)
        return int(ranks[:, value].min())


def _bits(number: int) -> Iterator[int]:
    while number:
        low = number & -number
        yield low.bit_length() - 1
        number ^= low
