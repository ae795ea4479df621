"""The review's claims: per scenario, the verdict, the fixes offered and the key points the
English diagnosis must (or must not) make, written from the sources (the FAQ, the domain notes,
the CCE guides and upstream Kubernetes) by someone who had not read the playbook."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from knowledge.diagnosis import Doctor

from .conftest import DATA

CLAIMS: list[dict[str, Any]] = yaml.safe_load((DATA / "claims.yaml").read_text())["scenarios"]


def told(report: dict[str, Any]) -> str:
    """Everything the user reads: explanation, fix titles and their caveats."""
    fixes = [f"{fix['title']} {' '.join(fix['caveats'])}" for fix in report["fixes"]]
    return " ".join([report["explanation"], *fixes]).casefold()


@pytest.mark.parametrize("claim", CLAIMS, ids=[claim["name"] for claim in CLAIMS])
def test_the_diagnosis_says_what_the_sources_say(doctor: Doctor, claim: dict[str, Any]) -> None:
    facts = {name: str(value) for name, value in claim["facts"].items()}
    report = doctor.report(facts, "en")
    assert report["verdict"] == claim["verdict"], claim["source"]
    assert {fix["id"] for fix in report["fixes"]} == set(claim["fixes"]), claim["source"]
    text = told(report)
    for term in claim.get("mentions") or []:
        assert term.casefold() in text, f"{term!r} missing ({claim['source']})"
    for term in claim.get("not_mentions") or []:
        assert term.casefold() not in text, f"{term!r} is said ({claim['source']})"
