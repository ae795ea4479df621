"""Comparing two recordings of the development answers' outcomes (tests/answer_outcomes.py)."""

from __future__ import annotations

from .answer_outcomes import diff


def test_only_answers_whose_outcome_changed_are_listed() -> None:
    one = {"asked": "proxy_mode", "gold": "ipvs", "read": "ipvs", "text": "ipvs"}
    before = {"dev:0": {**one, "outcome": "right"}, "dev:1": {**one, "outcome": "missed"}}
    after = {"dev:0": {**one, "outcome": "right"}, "dev:1": {**one, "outcome": "wrong"}}
    (line,) = diff(before, after)
    assert "missed -> wrong" in " ".join(line.split()) and "proxy_mode/ipvs" in line
