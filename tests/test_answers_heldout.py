"""Typed answers held out from training (tests/data/answers_heldout.yaml, written by hand from the
docs and a description of the users by a helper that never saw the training phrasings, the
development sets or the code, gold by hand). Once measured, a set is also a development set and
changes are made from it: these tests then guard against regressions, and a fresh set measures."""

from __future__ import annotations

import pytest

from knowledge.understanding import AnswerReader

from .answer_metrics import answers, normalise, scores, training_texts

HELDOUT = "answers_heldout.yaml"
# Regression floors from what the reader reached on this set when it was first measured (v44 at
# c0edbea: 0.941 accuracy, 1.85% wrong values; en 0.9547 / 1.23%, pt 0.9339 / 1.24%; its 21
# replies in a third language have no gold: the bot answers them with a question back), the same
# floor for every group. Issue 7 asks for 0.95 and 0.01 in each language: wrong values were under
# it on v35-v38, v41 and v43, not on v39, v40, v42 or v44; accuracy met it in both languages on
# v35 and v37 only (on v41 and v44 in English, on v43 in Portuguese).
MIN_ACCURACY = 0.93
MAX_WRONG = 0.019


def test_no_held_out_answer_is_a_training_text(reader: AnswerReader) -> None:
    training = training_texts(reader.playbook)
    shared = [a["text"] for a in answers(HELDOUT) if normalise(a["text"]) in training]
    assert not shared


def test_the_held_out_set_covers_every_option_in_both_languages(reader: AnswerReader) -> None:
    seen = {(a["asked"], a["gold"], a["lang"]) for a in answers(HELDOUT)}
    for fact in reader.questions:
        for value in reader.playbook.fact(fact).values:
            assert {(fact, value, "en"), (fact, value, "pt")} <= seen, (fact, value)
    assert len(answers(HELDOUT)) >= 300


@pytest.mark.parametrize("group", ["all", "lang:en", "lang:pt"])
def test_held_out_answers_are_read_right_and_rarely_wrong(reader: AnswerReader, group: str) -> None:
    result = scores(reader, answers(HELDOUT))
    score = result["scores"][group]
    print(group, score, "wrong:", [(w["text"], w["gold"], w["read"]) for w in result["wrong"]])
    assert score["accuracy"] >= MIN_ACCURACY
    assert score["wrong_values"] <= MAX_WRONG
