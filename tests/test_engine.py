"""The engine asks only what can change the answer, and rejects unknown facts and values clearly."""

from __future__ import annotations

import re

import pytest

from knowledge.engine import Engine
from knowledge.errors import FactError

LOCAL_DEDICATED_SAME_NODE = {
    "service_type": "loadbalancer-dedicated",
    "access_type": "private",
    "client_location": "same-node",
    "external_traffic_policy": "Local",
}


def test_first_question_on_an_empty_case(engine: Engine) -> None:
    assert engine.next_question({}) is not None
    assert engine.diagnose({}).verdict is None


def test_never_concludes_from_standard_columns_while_cloud_native_2_is_possible(
    engine: Engine,
) -> None:
    finding = engine.diagnose(LOCAL_DEDICATED_SAME_NODE)
    assert finding.verdict is None
    assert finding.next_question is not None and finding.next_question.name == "network_model"


@pytest.mark.parametrize(
    ("facts", "never_asked"),
    [
        ({**LOCAL_DEDICATED_SAME_NODE, "network_model": "vpc"}, "proxy_mode"),
        ({"service_type": "dnat-gateway", "external_traffic_policy": "Local"}, "access_type"),
        ({"service_type": "loadbalancer-shared"}, "nodeport_target"),
        ({"client_location": "outside-cluster"}, "service_type"),
        (
            {
                "external_traffic_policy": "Cluster",
                "service_type": "nodeport",
                "client_location": "same-node",
            },
            "network_model",
        ),
    ],
    ids=[
        "all-columns-agree",
        "dnat-is-public",
        "target-only-for-nodeport",
        "outside-cluster",
        "cluster-policy",
    ],
)
def test_does_not_ask_what_cannot_change_the_verdict(
    engine: Engine, facts: dict[str, str], never_asked: str
) -> None:
    pending = dict(facts)
    asked = []
    # Answer every question with its first option until a verdict; record what was asked.
    while (question := engine.next_question(pending)) is not None:
        asked.append(question.name)
        pending[question.name] = question.values[0]
    assert never_asked not in asked


def test_every_question_asked_can_change_the_answer(engine: Engine) -> None:
    """Along every path of the tree, some two answers to each question lead to different verdicts or fixes."""

    def answers(facts: dict[str, str]) -> set[tuple[str | None, tuple[str, ...]]]:
        finding = engine.diagnose(facts)
        if finding.next_question is None:
            return {
                (
                    finding.outcome.id if finding.outcome else None,
                    tuple(f.id for f in finding.fixes),
                )
            }
        out: set[tuple[str | None, tuple[str, ...]]] = set()
        for value in finding.next_question.values:
            out |= answers({**facts, finding.next_question.name: value})
        return out

    def check(facts: dict[str, str]) -> None:
        question = engine.next_question(facts)
        if question is None:
            return
        branches = [answers({**facts, question.name: value}) for value in question.values]
        assert len({frozenset(branch) for branch in branches}) > 1, (facts, question.name)
        for value in question.values:
            check({**facts, question.name: value})

    check({"external_traffic_policy": "Local", "client_location": "same-node"})
    check({"service_type": "nodeport"})


def test_unknown_fact_names_the_valid_facts(engine: Engine) -> None:
    with pytest.raises(FactError) as caught:
        engine.diagnose({"colour": "blue"})
    assert "colour" in str(caught.value) and "service_type" in str(caught.value)


def test_invalid_value_names_the_valid_values(engine: Engine) -> None:
    with pytest.raises(FactError) as caught:
        engine.diagnose({"service_type": "banana"})
    message = str(caught.value)
    assert message.startswith("service_type:") and "'banana'" in message and "nodeport" in message


def test_bad_cluster_version_is_rejected(engine: Engine) -> None:
    with pytest.raises(
        FactError, match=re.escape("cluster_version: 'latest' is not a version like v1.25")
    ):
        engine.diagnose({"cluster_version": "latest"})


def test_an_implied_fact_cannot_be_contradicted(engine: Engine) -> None:
    with pytest.raises(
        FactError, match="access_type: 'private' contradicts service_type=dnat-gateway"
    ):
        engine.diagnose({"service_type": "dnat-gateway", "access_type": "private"})


def test_implied_facts_are_filled_in(engine: Engine) -> None:
    assert engine.diagnose({"service_type": "dnat-gateway"}).facts["access_type"] == "public"


# --- skipped questions ---------------------------------------------------------------------------


def test_a_skipped_question_is_never_asked(engine: Engine) -> None:
    facts = dict(LOCAL_DEDICATED_SAME_NODE)
    finding = engine.diagnose(facts, skipped={"network_model"})
    assert finding.next_question is None
    assert finding.verdict == "depends"
    assert {branch.value: branch.finding.verdict for branch in finding.branches} == {
        "tunnel": "fails",
        "vpc": "fails",
        "cloud-native-2": "unsupported",
    }


def test_a_skipped_question_that_does_not_matter_changes_nothing(engine: Engine) -> None:
    facts = {**LOCAL_DEDICATED_SAME_NODE, "network_model": "vpc"}
    assert engine.diagnose(facts, skipped={"proxy_mode"}) == engine.diagnose(facts)


def test_other_questions_are_still_asked_when_one_is_skipped(engine: Engine) -> None:
    finding = engine.diagnose({}, skipped={"service_type"})
    assert finding.next_question is not None
    assert finding.next_question.name != "service_type"


def test_two_skipped_questions_give_a_leaf_per_combination(engine: Engine) -> None:
    facts = {
        "service_type": "nodeport",
        "external_traffic_policy": "Local",
        "client_location": "container-same-node",
        "access_type": "private",
        "nodeport_target": "other-node",
    }
    finding = engine.diagnose(facts, skipped={"network_model", "proxy_mode"})
    leaves = {tuple(sorted(when.items())): leaf.verdict for when, leaf in finding.leaves()}
    # The FAQ's row "other containers on the same node", NodePort of another node: tunnel/IPVS
    # succeeds, tunnel/iptables fails, VPC fails in both modes (so the mode is not split there);
    # Cloud Native 2.0 has no node-level affinity.
    assert leaves == {
        (("network_model", "tunnel"), ("proxy_mode", "ipvs")): "works",
        (("network_model", "tunnel"), ("proxy_mode", "iptables")): "fails",
        (("network_model", "vpc"),): "fails",
        (("network_model", "cloud-native-2"),): "unsupported",
    }


def test_only_questions_can_be_skipped(engine: Engine) -> None:
    with pytest.raises(FactError, match="cluster_version: cannot be skipped"):
        engine.diagnose({}, skipped={"cluster_version"})


def test_every_question_says_how_to_check_it(engine: Engine) -> None:
    for fact in engine.askable:
        check = fact.how_to_check
        assert check is not None, fact.name
        assert check.command and check.text.en and check.text.pt
