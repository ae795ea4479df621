"""The written answers (knowledge/understanding/written/): which replies train the models."""

from __future__ import annotations

from knowledge.playbook import Playbook
from knowledge.understanding.phrasings import NONE, phrasings
from knowledge.understanding.written import (
    option_words,
    training_answers,
    written_answers,
    written_sets,
)


def test_every_written_answer_answers_a_question_of_the_playbook(playbook: Playbook) -> None:
    questions = {f.name: set(f.values) for f in playbook.facts if f.ask and f.options}
    answers = [a for name in written_sets() for a in written_answers(name)]
    assert len(answers) > 15000
    odd = [
        a for a in answers if a.asked not in questions or a.gold not in {None, *questions[a.asked]}
    ]
    assert not odd


def test_a_paste_trains_only_when_it_answers_nothing(playbook: Playbook) -> None:
    fact = playbook.fact("client_location")
    trained = training_answers(fact)
    pasted = [(text, gold) for text, gold in trained if "\n" in text]
    assert pasted and all(gold is None for _, gold in pasted)
    written = [a for name in written_sets() for a in written_answers(name) if a.asked == fact.name]
    assert any("\n" in a.text and a.gold is not None for a in written)


def test_a_non_answer_that_names_an_option_does_not_train(playbook: Playbook) -> None:
    fact = playbook.fact("service_type")
    assert {"loadbalancer", "dedicated", "nodeport"} <= option_words(fact)
    assert "service" not in option_words(fact)  # every option's label has it
    trained = {text for text, gold in training_answers(fact) if gold is None}
    written = {
        a.text
        for name in written_sets()
        for a in written_answers(name)
        if a.asked == fact.name and a.gold is None
    }
    assert "LoadBalancer" in written and "LoadBalancer" not in trained
    assert trained and trained < written


def test_the_models_learn_from_the_sets_named(playbook: Playbook) -> None:
    everything = phrasings(playbook, "proxy_mode")
    alone = phrasings(playbook, "proxy_mode", ())
    first = phrasings(playbook, "proxy_mode", written_sets()[:1])
    assert len(alone) < len(first) < len(everything)
    written = {(text, gold or NONE) for text, gold in training_answers(playbook.fact("proxy_mode"))}
    assert set(everything) - set(alone) <= written <= set(everything)
