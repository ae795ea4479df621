"""Every cell of the FAQ's table, against a transcription written here independently of the playbook.

The FAQ (cce_faq_00390, pt-BR) lists, for externalTrafficPolicy Local, the access results by Service
type, access type and client location (rows) and by network model and kube-proxy mode (columns).
Unlisted scenarios are normal (they work).
"""

from __future__ import annotations

import itertools

import pytest

from knowledge.engine import Engine

COLUMNS = [("tunnel", "ipvs"), ("vpc", "ipvs"), ("tunnel", "iptables"), ("vpc", "iptables")]

# The FAQ's wording per cell:
NODE = "pod's node works, another node fails"  # "Acesse ... no nó onde o servidor está: sucesso ... diferente: falhou"
BOTH = "both work"  # "... no nó onde o servidor está: sucesso ... diferente: sucesso"
OK = "works"  # "O acesso é bem sucedido."
FAIL = "fails"  # "O acesso falhou."
ANY_ACCESS = ("public", "private")  # "Rede pública/privada"

FAQ_TABLE = [
    ("nodeport", ANY_ACCESS, "same-node", [NODE, NODE, NODE, NODE]),
    ("nodeport", ANY_ACCESS, "other-node", [NODE, NODE, OK, OK]),
    ("nodeport", ANY_ACCESS, "container-same-node", [BOTH, FAIL, NODE, FAIL]),
    ("nodeport", ANY_ACCESS, "container-other-node", [NODE, NODE, NODE, NODE]),
    ("loadbalancer-dedicated", ("private",), "same-node", [FAIL] * 4),
    ("loadbalancer-dedicated", ("private",), "container-same-node", [FAIL] * 4),
    ("dnat-gateway", ("public",), "same-node", [FAIL] * 4),
    ("dnat-gateway", ("public",), "other-node", [FAIL] * 4),
    ("dnat-gateway", ("public",), "container-same-node", [FAIL] * 4),
    ("dnat-gateway", ("public",), "container-other-node", [FAIL] * 4),
    ("nginx-ingress-dedicated", ("private",), "same-node", [FAIL] * 4),
    ("nginx-ingress-dedicated", ("private",), "container-same-node", [FAIL] * 4),
]


def expected_verdict(cell: str, target: str) -> str:
    if cell == NODE:
        return "works" if target == "pod-node" else "fails"
    return "fails" if cell == FAIL else "works"


def table_cases() -> list[pytest.param]:
    cases = []
    for service_type, accesses, location, cells in FAQ_TABLE:
        for (network, mode), cell in zip(COLUMNS, cells, strict=True):
            for access in accesses:
                targets = (
                    ("pod-node", "other-node") if service_type == "nodeport" else ("pod-node",)
                )
                for target in targets:
                    facts = {
                        "service_type": service_type,
                        "external_traffic_policy": "Local",
                        "access_type": access,
                        "client_location": location,
                        "network_model": network,
                        "proxy_mode": mode,
                    }
                    if service_type == "nodeport":
                        facts["nodeport_target"] = target
                    name = f"{service_type}-{access}-{location}-{network}-{mode}" + (
                        f"-target-{target}" if service_type == "nodeport" else ""
                    )
                    cases.append(pytest.param(facts, expected_verdict(cell, target), id=name))
    return cases


def walk(engine: Engine, answers: dict[str, str]) -> tuple[str | None, list[str]]:
    """Answer the engine's questions from `answers`, as a user would."""
    facts: dict[str, str] = {}
    asked = []
    while (question := engine.next_question(facts)) is not None:
        asked.append(question.name)
        facts[question.name] = answers[question.name]
    return engine.diagnose(facts).verdict, asked


@pytest.mark.parametrize(("facts", "verdict"), table_cases())
def test_every_faq_cell_gets_the_faqs_verdict(
    engine: Engine, facts: dict[str, str], verdict: str
) -> None:
    assert engine.diagnose(facts).verdict == verdict
    # Walking the questions from nothing reaches the same verdict without repeating a question.
    walked, asked = walk(engine, facts)
    assert walked == verdict
    assert len(asked) == len(set(asked))


def listed(facts: dict[str, str]) -> str | None:
    for service_type, accesses, location, cells in FAQ_TABLE:
        if (facts["service_type"], facts["client_location"]) == (service_type, location) and facts[
            "access_type"
        ] in accesses:
            cell = cells[COLUMNS.index((facts["network_model"], facts["proxy_mode"]))]
            return expected_verdict(cell, facts["nodeport_target"])
    return None


def test_scenarios_the_table_does_not_list_work(engine: Engine) -> None:
    checked = 0
    for service_type, access, location, network, mode, target in itertools.product(
        ["nodeport", "loadbalancer-dedicated", "loadbalancer-shared", "nginx-ingress-dedicated"],
        ["public", "private"],
        ["same-node", "other-node", "container-same-node", "container-other-node"],
        ["tunnel", "vpc"],
        ["ipvs", "iptables"],
        ["pod-node", "other-node"],
    ):
        facts = dict(
            service_type=service_type,
            access_type=access,
            client_location=location,
            network_model=network,
            proxy_mode=mode,
            nodeport_target=target,
            external_traffic_policy="Local",
        )
        if listed(facts) is None:
            checked += 1
            finding = engine.diagnose(facts)
            assert (finding.verdict, finding.outcome and finding.outcome.id) == (
                "works",
                "unlisted-works",
            ), facts
    assert checked > 100


@pytest.mark.parametrize(
    ("facts", "verdict", "outcome"),
    [
        (
            {
                "external_traffic_policy": "Cluster",
                "client_location": "same-node",
                "service_type": "loadbalancer-dedicated",
            },
            "works",
            "cluster-policy",
        ),
        (
            {
                "external_traffic_policy": "Local",
                "client_location": "same-node",
                "service_type": "dnat-gateway",
                "network_model": "cloud-native-2",
            },
            "unsupported",
            "turbo-local-unsupported",
        ),
        ({"client_location": "outside-cluster"}, "out-of-scope", "outside-cluster"),
        (
            {"service_type": "clusterip", "client_location": "same-node"},
            "out-of-scope",
            "no-load-balancer",
        ),
    ],
    ids=[
        "cluster-policy-works",
        "cloud-native-2-local-unsupported",
        "outside-cluster",
        "clusterip",
    ],
)
def test_cases_outside_the_tables_columns(
    engine: Engine, facts: dict[str, str], verdict: str, outcome: str
) -> None:
    finding = engine.diagnose(facts)
    assert finding.next_question is None
    assert (finding.verdict, finding.outcome and finding.outcome.id) == (verdict, outcome)


def test_cluster_policy_works_for_every_in_cluster_scenario(engine: Engine) -> None:
    for service_type, location in itertools.product(
        [
            "nodeport",
            "loadbalancer-dedicated",
            "loadbalancer-shared",
            "dnat-gateway",
            "nginx-ingress-dedicated",
        ],
        ["same-node", "other-node", "container-same-node", "container-other-node"],
    ):
        facts = {
            "service_type": service_type,
            "client_location": location,
            "external_traffic_policy": "Cluster",
        }
        assert engine.diagnose(facts).verdict == "works"
