"""The compiled engine tells exactly what the enumerating one told: the same findings (verdict,
outcome, rule, fixes, next question, branches) on every state reachable by answering its
questions, skipping some, with the never-asked facts set or not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.playbook_family import generate
from knowledge.engine import Engine
from knowledge.errors import FactError
from knowledge.playbook import Playbook, parse_playbook

from .reference_engine import ReferenceEngine

# Facts read from a paste or said in passing: each set is its own rule table.
SHIPPED_CONTEXTS = [
    {},
    {"pass_through": "enabled", "cluster_version": "v1.15"},
    {"ip_mode": "Proxy", "cluster_version": "v1.31", "needs_source_ip": "yes"},
]
FAMILY_CONTEXTS = [{}, {"flag": "on"}, {"version": "v1.31"}, {"flag": "off", "version": "v1.10"}]


def states(
    engine: Engine, facts: dict[str, str], skipped: frozenset[str] = frozenset()
) -> Iterator[tuple[dict[str, str], frozenset[str]]]:
    """Every state a user can reach from `facts`: each answer to each question asked, and
    skipping it (up to two skipped questions)."""
    yield facts, skipped
    question = engine.next_question(facts, skipped)
    if question is None:
        return
    for value in question.values:
        yield from states(engine, {**facts, question.name: value}, skipped)
    if len(skipped) < 2:
        yield from states(engine, facts, skipped | {question.name})


def assert_same(playbook: Playbook, context: dict[str, str]) -> int:
    engine, reference = Engine(playbook), ReferenceEngine(playbook)
    seen = 0
    for facts, skipped in states(engine, dict(context)):
        finding = engine.diagnose(facts, skipped)
        assert finding == reference.diagnose(facts, skipped), (facts, sorted(skipped))
        if finding.next_question is not None:
            asked = finding.next_question.name
            assert engine.verdicts_by_answer(facts, asked) == reference.verdicts_by_answer(
                facts, asked
            )
            # The order answers are explained in, too.
            assert list(engine.verdicts_by_answer(facts, asked)) == list(
                reference.verdicts_by_answer(facts, asked)
            )
        seen += 1
    return seen


@pytest.mark.parametrize("context", SHIPPED_CONTEXTS, ids=lambda c: ",".join(c) or "plain")
def test_the_shipped_playbook_is_told_as_before(
    playbook: Playbook, context: dict[str, str]
) -> None:
    assert assert_same(playbook, context) > 500


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("context", FAMILY_CONTEXTS, ids=lambda c: ",".join(c) or "plain")
def test_generated_playbooks_are_told_as_the_reference_tells_them(
    seed: int, context: dict[str, str]
) -> None:
    playbook = parse_playbook(generate(5, seed, options=(2, 3), table_rules=40))
    assert assert_same(playbook, context) > 10


def test_every_cell_has_the_reference_label(playbook: Playbook) -> None:
    engine, reference = Engine(playbook), ReferenceEngine(playbook)
    cells = list(engine.iter_cells())
    assert [reference.facts_of(cell) for cell in reference.cells] == cells
    for context in SHIPPED_CONTEXTS:
        rule_of = reference.rule_of(context)
        for cell, facts in zip(reference.cells, cells, strict=True):
            assert engine.label({**context, **facts}) == reference.label(
                cell, engine.normalize(context), rule_of
            )


def test_near_ties_are_broken_as_the_enumerating_engine_broke_them(
    playbook: Playbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Equal information gains are summed again in the order the old engine met the cells, so
    rounding picks the same question; the walk above checks the choice, this that it ran."""
    engine = Engine(playbook)
    calls = []
    exact = engine._exact_remaining

    def counted(*args: object, **kwargs: object) -> float:
        calls.append(args)
        return exact(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_exact_remaining", counted)
    reference = ReferenceEngine(playbook)
    for facts, skipped in states(engine, {}):
        assert engine.next_question(facts, skipped) == reference.next_question(facts, skipped)
    assert calls


def test_a_playbook_without_a_catch_all_is_refused(playbook: Playbook) -> None:
    without = playbook.text.replace("  - when: {}\n    outcome: unlisted-works\n", "")
    assert without != playbook.text
    with pytest.raises(FactError, match="no rule matches"):
        ReferenceEngine(parse_playbook(without)).diagnose({})
    with pytest.raises(FactError, match="no rule matches"):
        Engine(parse_playbook(without))


def test_the_compiled_form_stays_small_for_fifteen_facts() -> None:
    """The point of compiling: 15 facts of up to 5 options (millions of cells) in a few
    hundred boxes, answered without enumerating them."""
    engine = Engine(parse_playbook(generate(15)))
    boxes = engine.compiled.boxes({})
    assert boxes.count < 5000
    assert engine.next_question({}) is not None
    finding = engine.diagnose({fact.name: fact.values[0] for fact in engine.askable})
    assert finding.verdict is not None
