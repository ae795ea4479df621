"""The compiled playbook: the rules carved into disjoint boxes, each with what the user is told.

A box holds, for every askable fact, a set of its values (a bitmask); every combination of answers
inside it gets the same label (outcome, rule key, fixes offered). The first-match rules, the
fixes' `when`/`unless` and the combinations that implications exclude are carved into boxes once
per context (what is known of the facts the engine never asks), so the engine answers from the
boxes that meet what is known, counting combinations as products of set sizes instead of
enumerating them.

Plain Python data (ints, arrays, tuples): it pickles small, and a verdict needs no numpy (the
command line answers without importing it); the question choice builds numpy views on first use.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge.errors import FactError
from knowledge.playbook import Condition, Fact, Playbook

__all__ = ["Boxes", "CompiledPlaybook", "Label"]

# What the user is told for a combination: the outcome, the rule when it carries its own notes
# (else -1), and the fixes offered, most recommended first.
Label = tuple[str, int, tuple[str, ...]]
Masks = tuple[int, ...]
# A context: for each condition that names a never-asked fact, whether that part holds
# (True, False, or None while one of its facts is unknown).
Signature = tuple[bool | None, ...]


@dataclass
class Boxes:
    """One context's carving: `count` boxes sorted by label, `width` facts each."""

    width: int
    count: int
    labels: tuple[Label, ...]
    # Box b's mask for fact i is masks[b * width + i].
    masks: array[int]
    label_of: array[int]
    # For each value column (fact by fact, value by value): the boxes holding that value, as bits.
    columns: tuple[int, ...]
    _arrays: Any = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_arrays": None}

    @property
    def everything(self) -> int:
        return (1 << self.count) - 1

    def alive(self, columns: Sequence[int]) -> int:
        """The boxes that hold every one of these values, as bits."""
        alive = self.everything
        for column in columns:
            alive &= self.columns[column]
        return alive

    def single_label(self, alive: int) -> int | None:
        """The one label of these boxes, or None if they disagree (sorted: compare the ends)."""
        first = (alive & -alive).bit_length() - 1
        last = alive.bit_length() - 1
        return self.label_of[first] if self.label_of[first] == self.label_of[last] else None

    def arrays(self, facts: Sequence[Fact]) -> BoxArrays:
        if self._arrays is None:
            self._arrays = BoxArrays(self, facts)
        arrays: BoxArrays = self._arrays
        return arrays


class BoxArrays:
    """numpy views of one context's boxes, for counting (imported only when a question is due)."""

    def __init__(self, boxes: Boxes, facts: Sequence[Fact]) -> None:
        import numpy as np

        self.np = np
        masks = np.frombuffer(boxes.masks, dtype=np.int64).reshape(boxes.count, boxes.width)
        self.masks = masks
        self.label_of = np.frombuffer(boxes.label_of, dtype=np.int64)
        bits = max(1, int(masks.max()).bit_length())
        expanded = (masks[:, :, None] >> np.arange(bits)) & 1
        # Counts as floats: exact below 2**53 cells, and numpy divides floats much faster.
        self.sizes = expanded.sum(axis=2).astype(np.float64)
        self.low = np.argmax(expanded, axis=2)
        self.count = boxes.count
        self.everything = boxes.everything
        self.all_rows = np.arange(boxes.count)
        # Value columns: which fact each belongs to, where each fact's start, and per box
        # whether it holds the value.
        widths = [len(fact.values) for fact in facts]
        self.widths = np.array(widths)
        self.fact_of = np.repeat(np.arange(len(widths)), widths)
        self.starts = np.cumsum([0, *widths[:-1]])
        self.column = np.arange(self.fact_of.size)
        value_of = self.column - self.starts[self.fact_of]
        self.onehot = ((masks[:, self.fact_of] >> value_of) & 1).astype(np.float64)

    def rows(self, alive: int) -> Any:
        """The boxes set in `alive`, as an array of indices."""
        np = self.np
        if alive == self.everything:
            return self.all_rows
        raw = np.frombuffer(alive.to_bytes((self.count + 7) // 8, "little"), dtype=np.uint8)
        return np.flatnonzero(np.unpackbits(raw, bitorder="little")[: self.count])


def _mask(fact: Fact, values: frozenset[str] | None) -> int:
    return sum(1 << i for i, value in enumerate(fact.values) if values is None or value in values)


class CompiledPlaybook:
    """A playbook's askable facts and its boxes, per context (compiled on first use)."""

    def __init__(self, playbook: Playbook) -> None:
        self.askable: tuple[Fact, ...] = tuple(f for f in playbook.facts if f.ask)
        self.index = {fact.name: i for i, fact in enumerate(self.askable)}
        self.full: Masks = tuple(_mask(fact, None) for fact in self.askable)
        # Value columns: fact i's value j is column starts[i] + j.
        self.starts: tuple[int, ...] = tuple(
            sum(len(f.values) for f in self.askable[:i]) for i in range(len(self.askable))
        )
        self.columns = sum(len(f.values) for f in self.askable)
        self.rules = playbook.rules
        self.outcomes = playbook.outcomes
        self.fixes = playbook.fixes
        # Each condition's part on never-asked facts decides, per context, whether it can hold.
        self._key(
            [
                Condition({k: v for k, v in c.constraints.items() if k not in self.index})
                for c in self._conditions()
            ]
        )
        self.contexts: dict[Signature, Boxes] = {}
        self.boxes({})

    def _key(self, outside: list[Condition]) -> None:
        # By identity: conditions are compared by content elsewhere, and equal ones may differ
        # in where they stand.
        conditions = self._conditions()
        self._outside = {id(c): o for c, o in zip(conditions, outside, strict=True)}
        self._contextual = tuple(c for c in conditions if self._outside[id(c)].constraints)
        self._position = {id(c): i for i, c in enumerate(self._contextual)}
        self._named = sorted(
            {name for c in self._contextual for name in c.constraints} - self.index.keys()
        )
        self._recent: dict[tuple[tuple[str, str], ...], Boxes] = {}

    def __getstate__(self) -> dict[str, Any]:
        # Identities do not survive pickling: the conditions are keyed again on load.
        state = dict(self.__dict__)
        state["_outside"] = [self._outside[id(c)] for c in self._conditions()]
        del state["_contextual"], state["_position"], state["_named"], state["_recent"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        outside = state.pop("_outside")
        self.__dict__.update(state)
        self._key(outside)

    def _conditions(self) -> list[Condition]:
        conditions = [rule.when for rule in self.rules]
        for fix in self.fixes.values():
            conditions += [fix.when, *fix.unless]
        return conditions

    # --- contexts ---------------------------------------------------------------------------

    def signature(self, known: Mapping[str, str]) -> Signature:
        return tuple(self._outside[id(c)].holds(known) for c in self._contextual)

    def boxes(self, known: Mapping[str, str]) -> Boxes:
        """The boxes for what is known of the never-asked facts."""
        key = tuple((name, known[name]) for name in self._named if name in known)
        boxes = self._recent.get(key)
        if boxes is None:
            signature = self.signature(known)
            boxes = self.contexts.get(signature)
            if boxes is None:
                boxes = self.contexts[signature] = self._carve(signature, known)
            # Values typed by users (any cluster version) must not grow this without bound.
            if len(self._recent) >= 1024:
                self._recent.clear()
            self._recent[key] = boxes
        return boxes

    def _outside_holds(self, condition: Condition, signature: Signature) -> bool | None:
        position = self._position.get(id(condition))
        return True if position is None else signature[position]

    def _box(self, condition: Condition) -> Masks:
        masks = list(self.full)
        for name, constraint in condition.constraints.items():
            if name in self.index:
                i = self.index[name]
                assert isinstance(constraint, frozenset)  # askable facts are choices
                masks[i] = _mask(self.askable[i], constraint)
        return tuple(masks)

    # --- carving ----------------------------------------------------------------------------

    def _carve(self, signature: Signature, known: Mapping[str, str]) -> Boxes:
        # First match: cells an implication excludes, then the rules that can hold here.
        items: list[tuple[Masks, int]] = []
        for i, fact in enumerate(self.askable):
            for j, option in enumerate(fact.options):
                for implied, value in option.implies.items():
                    if implied in self.index:
                        k = self.index[implied]
                        box = list(self.full)
                        box[i] = 1 << j
                        box[k] = self.full[k] & ~_mask(self.askable[k], frozenset([value]))
                        items.append((tuple(box), -1))
        for index, rule in enumerate(self.rules):
            if self._outside_holds(rule.when, signature) is True:
                items.append((self._box(rule.when), index))
        leaves: dict[Masks, Label] = {}
        for region, rule_index in self._first_match(items, known):
            if rule_index >= 0:
                for piece, label in self._label_pieces(region, rule_index, signature):
                    leaves[piece] = label
        return self._pack(_merge(leaves, len(self.full)))

    def _first_match(
        self, items: list[tuple[Masks, int]], known: Mapping[str, str]
    ) -> Iterator[tuple[Masks, int]]:
        """Disjoint boxes covering every combination, each with the first item that holds."""
        # Only the facts an item constrains can keep it apart from a region.
        tests = [
            (box, [i for i, mask in enumerate(box) if mask != self.full[i]], tag)
            for box, tag in items
        ]
        stack: list[tuple[Masks, int]] = [(self.full, 0)]
        while stack:
            region, start = stack.pop()
            for j in range(start, len(tests)):
                box, constrained, tag = tests[j]
                if not all(region[i] & box[i] for i in constrained):
                    continue
                cut = list(region)
                for i in constrained:
                    outside = cut[i] & ~box[i]
                    if outside:
                        stack.append(((*cut[:i], outside, *cut[i + 1 :]), j + 1))
                        cut[i] &= box[i]
                yield tuple(cut), tag
                break
            else:
                example = {
                    fact.name: fact.values[(mask & -mask).bit_length() - 1]
                    for fact, mask in zip(self.askable, region, strict=True)
                }
                raise FactError(
                    "rules",
                    f"no rule matches {dict(known) | example}; the playbook needs a catch-all rule",
                )

    def _label_pieces(
        self, region: Masks, rule_index: int, signature: Signature
    ) -> list[tuple[Masks, Label]]:
        """The region split until each fix of the rule's outcome is offered in all or none of
        a piece."""
        rule = self.rules[rule_index]
        outcome = self.outcomes[rule.outcome]
        splits: list[Masks] = []
        tests: list[tuple[str, int | None, list[int]]] = []
        for fix_id in outcome.fixes:
            fix = self.fixes[fix_id]
            # An unknown never-asked fact excludes nothing: `when` fails only on a known value,
            # `unless` holds only when all its facts are known.
            if self._outside_holds(fix.when, signature) is False:
                continue
            unless = [u for u in fix.unless if self._outside_holds(u, signature) is True]
            when_box = self._box(fix.when)
            when = None if when_box == self.full else len(splits)
            if when is not None:
                splits.append(when_box)
            unless_at = []
            for condition in unless:
                unless_at.append(len(splits))
                splits.append(self._box(condition))
            tests.append((fix_id, when, unless_at))
        pieces: list[tuple[Masks, int]] = [(region, 0)]
        for k, box in enumerate(splits):
            split: list[tuple[Masks, int]] = []
            for piece, inside in pieces:
                if any(r & b == 0 for r, b in zip(piece, box, strict=True)):
                    split.append((piece, inside))
                    continue
                cut = list(piece)
                for i, mask in enumerate(box):
                    outside = cut[i] & ~mask
                    if outside:
                        split.append(((*cut[:i], outside, *cut[i + 1 :]), inside))
                        cut[i] &= mask
                split.append((tuple(cut), inside | 1 << k))
            pieces = split
        rule_key = rule_index if rule.caveats else -1
        labelled = []
        for piece, inside in pieces:
            offered = [
                fix_id
                for fix_id, when, unless_at in tests
                if (when is None or inside >> when & 1)
                and not any(inside >> u & 1 for u in unless_at)
            ]
            offered.sort(key=lambda fix_id: not self.fixes[fix_id].recommended)
            labelled.append((piece, (outcome.id, rule_key, tuple(offered))))
        return labelled

    def _pack(self, leaves: dict[Masks, Label]) -> Boxes:
        ids: dict[Label, int] = {}
        for label in leaves.values():
            ids.setdefault(label, len(ids))
        ordered = sorted(leaves.items(), key=lambda item: ids[item[1]])
        width = len(self.full)
        masks = array("q", (mask for region, _ in ordered for mask in region))
        label_of = array("q", (ids[label] for _, label in ordered))
        columns = [bytearray((len(ordered) + 7) // 8) for _ in range(self.columns)]
        for b, (region, _) in enumerate(ordered):
            for start, mask in zip(self.starts, region, strict=True):
                j = 0
                while mask:
                    if mask & 1:
                        columns[start + j][b >> 3] |= 1 << (b & 7)
                    mask >>= 1
                    j += 1
        bits = tuple(int.from_bytes(column, "little") for column in columns)
        return Boxes(width, len(ordered), tuple(ids), masks, label_of, bits)


def _merge(leaves: dict[Masks, Label], width: int) -> dict[Masks, Label]:
    """Fewer boxes: two of one label that differ in one fact become one (they are disjoint, so
    the union of that fact's values is exact)."""
    changed = True
    while changed:
        changed = False
        for i in range(width):
            grouped: dict[tuple[Label, Masks], int] = {}
            for region, label in leaves.items():
                key = (label, region[:i] + region[i + 1 :])
                grouped[key] = grouped.get(key, 0) | region[i]
            if len(grouped) < len(leaves):
                changed = True
                leaves = {
                    (*rest[:i], mask, *rest[i:]): label for (label, rest), mask in grouped.items()
                }
    return leaves
