"""How a typed answer is cut and read: clauses, denials, corrections, and what is never guessed."""

from __future__ import annotations

import pytest

from knowledge.errors import PlaybookError
from knowledge.playbook import Playbook, parse_playbook
from knowledge.understanding import AnswerReader
from knowledge.understanding.clauses import clauses, hedged, subject


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("não é túnel, é VPC", [("nao e tunel", True, False), ("e vpc", False, False)]),
        (
            "achei que era ipvs mas é iptables",
            [("achei que era ipvs", False, False), ("e iptables", False, True)],
        ),
        ("no, I meant a pod", [("no", True, False), ("a pod", False, True)]),
        # Portuguese "no" is "in the": not a denial.
        ("no nó do pod", [("no no do pod", False, False)]),
        ("cloud native 2.0", [("cloud native 2.0", False, False)]),
        ("vpc or tunnel", [("vpc", False, False), ("tunnel", False, False)]),
        ("🙂🙂", []),
    ],
)
def test_a_message_is_cut_into_clauses(text: str, expected: list[tuple[str, bool, bool]]) -> None:
    assert [(c.text, c.negated, c.corrects) for c in clauses(text)] == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("a pod on the same node", "container"),
        ("the node where the pod runs", "node"),
        ("de um contêiner no outro nó", "container"),
        ("do outro no onde o pod roda", "node"),
        ("from my laptop", None),
    ],
)
def test_the_client_named_first_decides_container_or_node(text: str, kind: str | None) -> None:
    from knowledge.intake.keywords import fold

    assert subject(fold(text)) == kind


@pytest.mark.parametrize("text", ["ipvs, not sure", "acho que é túnel, sei lá", "both"])
def test_hedges_are_seen(text: str) -> None:
    assert hedged(text)


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        ("não é túnel, é VPC", "network_model", "vpc"),
        ("tunnel? no wait, it's the Turbo one", "network_model", "cloud-native-2"),
        ("not the pod's node, another node", "client_location", "other-node"),
        ("nginx ingress addon on a dedicated elb", "service_type", "nginx-ingress-dedicated"),
        # One thing described in two clauses: the add-on, and the ELB it sits on.
        ("o ingress nginx do addon, num ELB dedicado", "service_type", "nginx-ingress-dedicated"),
    ],
)
def test_corrections_denials_and_refinements_read_the_value_meant(
    reader: AnswerReader, text: str, fact: str, value: str
) -> None:
    assert reader.read_answer(text, fact).value == value


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("vpc or tunnel, not sure", "network_model"),
        ("ou ipvs ou iptables", "proxy_mode"),
        ("public and private, both fail", "access_type"),
    ],
)
def test_two_values_are_asked_back_not_guessed(reader: AnswerReader, text: str, fact: str) -> None:
    answer = reader.read_answer(text, fact)
    assert answer.value is None and len(answer.candidates) >= 1


@pytest.mark.parametrize("text", ["🤷", "why do you ask?", "ich weiß es nicht", "", "ok"])
def test_non_answers_set_nothing(reader: AnswerReader, text: str) -> None:
    assert reader.read_answer(text, "proxy_mode").value is None


@pytest.mark.parametrize("relation", ["opposite", "refines"])
def test_an_option_relation_must_name_an_option(playbook: Playbook, relation: str) -> None:
    broken = playbook.text.replace(
        "        refines: loadbalancer-dedicated", f"        {relation}: banana", 1
    )
    with pytest.raises(PlaybookError, match=f"{relation}: unknown option 'banana'"):
        parse_playbook(broken)
