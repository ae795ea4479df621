"""Which fixes the FAQ offers for which case, in which order, with which caveats."""

from __future__ import annotations

import itertools

import pytest

from knowledge.diagnosis import Doctor
from knowledge.engine import Engine

from .conftest import SERVICE_TYPES

FAILING_STANDARD = [
    {
        "service_type": "nodeport",
        "client_location": "same-node",
        "network_model": "vpc",
        "proxy_mode": "ipvs",
        "nodeport_target": "other-node",
    },
    {
        "service_type": "loadbalancer-dedicated",
        "access_type": "private",
        "client_location": "same-node",
        "network_model": "tunnel",
        "proxy_mode": "ipvs",
    },
    {
        "service_type": "loadbalancer-dedicated",
        "access_type": "private",
        "client_location": "container-same-node",
        "network_model": "vpc",
        "proxy_mode": "iptables",
    },
    {
        "service_type": "dnat-gateway",
        "client_location": "container-other-node",
        "network_model": "tunnel",
        "proxy_mode": "iptables",
    },
    {
        "service_type": "nginx-ingress-dedicated",
        "access_type": "private",
        "client_location": "same-node",
        "network_model": "vpc",
        "proxy_mode": "ipvs",
    },
]


def fix_ids(engine: Engine, facts: dict[str, str]) -> list[str]:
    finding = engine.diagnose({"external_traffic_policy": "Local", **facts})
    assert finding.next_question is None
    return [fix.id for fix in finding.fixes]


@pytest.mark.parametrize(
    "facts", FAILING_STANDARD, ids=lambda f: f"{f['service_type']}-{f['client_location']}"
)
def test_failing_standard_cluster_cases_offer_cluster_ip_first_and_no_pass_through(
    engine: Engine, facts: dict[str, str]
) -> None:
    # Pass-through does not help: in a standard cluster a dedicated ELB's private IP stays
    # unreachable from the pod's node, and NodePort/DNAT have no ELB to pass through.
    assert fix_ids(engine, facts) == ["use-cluster-ip", "set-external-traffic-policy-cluster"]


def test_no_fix_is_offered_when_access_works_or_is_out_of_scope(engine: Engine) -> None:
    for service_type, location, network, mode, policy, access, target in itertools.product(
        SERVICE_TYPES,
        [
            "same-node",
            "other-node",
            "container-same-node",
            "container-other-node",
            "outside-cluster",
        ],
        ["tunnel", "vpc", "cloud-native-2"],
        ["ipvs", "iptables"],
        ["Local", "Cluster"],
        ["public", "private"],
        ["pod-node", "other-node"],
    ):
        if service_type == "dnat-gateway" and access == "private":
            continue
        finding = engine.diagnose(
            dict(
                service_type=service_type,
                client_location=location,
                network_model=network,
                proxy_mode=mode,
                external_traffic_policy=policy,
                access_type=access,
                nodeport_target=target,
            )
        )
        if finding.verdict in ("works", "out-of-scope"):
            assert finding.fixes == ()
        else:
            assert [fix.id for fix in finding.fixes][:2] == [
                "use-cluster-ip",
                "set-external-traffic-policy-cluster",
            ]


@pytest.mark.parametrize(
    ("service_type", "offered"),
    [
        ("loadbalancer-dedicated", True),
        ("loadbalancer-shared", True),
        ("nginx-ingress-dedicated", True),
        ("nodeport", False),
        ("dnat-gateway", False),
    ],
)
def test_pass_through_is_offered_on_cce_turbo_only_for_elb_services(
    engine: Engine, service_type: str, offered: bool
) -> None:
    ids = fix_ids(
        engine,
        {
            "service_type": service_type,
            "client_location": "other-node",
            "network_model": "cloud-native-2",
            "access_type": "public",
        },
    )
    assert ("enable-elb-pass-through" in ids) is offered


@pytest.mark.parametrize(
    ("version", "offered"),
    [("v1.13", False), ("v1.15", False), ("v1.15.11", False), ("v1.17", True), ("v1.25.3", True)],
)
def test_pass_through_is_not_offered_on_v1_15_or_earlier(
    engine: Engine, version: str, offered: bool
) -> None:
    ids = fix_ids(
        engine,
        {
            "service_type": "loadbalancer-shared",
            "client_location": "same-node",
            "network_model": "cloud-native-2",
            "cluster_version": version,
        },
    )
    assert ("enable-elb-pass-through" in ids) is offered


def caveats(doctor: Doctor, facts: dict[str, str], fix_id: str) -> list[str]:
    report = doctor.report({"external_traffic_policy": "Local", **facts})
    return next(fix["caveats"] for fix in report["fixes"] if fix["id"] == fix_id)


TURBO_SHARED = {
    "service_type": "loadbalancer-shared",
    "client_location": "same-node",
    "network_model": "cloud-native-2",
}


def test_pass_through_carries_every_faq_constraint_that_applies(doctor: Doctor) -> None:
    text = " ".join(
        caveats(doctor, {**TURBO_SHARED, "proxy_mode": "ipvs"}, "enable-elb-pass-through")
    )
    assert "v1.15 or earlier" in text
    assert "v1.19" in text  # the later revision, as a caveat
    assert "same pass-through setting" in text  # IPVS
    assert "onlyLocal" in text  # Local
    # The CCE guide's words: by default, not always.
    assert "uses pass-through by default" in text
    # The dedicated-ELB constraint is about dedicated load balancers only.
    assert "dedicated load balancer" not in text
    dedicated = " ".join(
        caveats(
            doctor,
            {**TURBO_SHARED, "service_type": "loadbalancer-dedicated"},
            "enable-elb-pass-through",
        )
    )
    # ... in a standard cluster: a Turbo run does not carry it.
    assert "private IP cannot be reached from the node" not in dedicated
    assert "uses pass-through by default" in dedicated


def test_ipvs_caveat_is_left_out_when_the_cluster_uses_iptables(doctor: Doctor) -> None:
    text = " ".join(
        caveats(doctor, {**TURBO_SHARED, "proxy_mode": "iptables"}, "enable-elb-pass-through")
    )
    assert "same pass-through setting" not in text


def test_cluster_policy_fix_warns_about_the_source_ip(doctor: Doctor) -> None:
    facts = FAILING_STANDARD[1]
    text = " ".join(caveats(doctor, facts, "set-external-traffic-policy-cluster"))
    assert "source IP" in text and "You said" not in text
    needs = " ".join(
        caveats(doctor, {**facts, "needs_source_ip": "yes"}, "set-external-traffic-policy-cluster")
    )
    assert "You said the workload needs the client's source IP" in needs


def test_revisions_of_the_faq_are_shown_as_notes(doctor: Doctor) -> None:
    cell = {
        "service_type": "nodeport",
        "client_location": "container-same-node",
        "network_model": "tunnel",
        "proxy_mode": "ipvs",
        "external_traffic_policy": "Local",
    }
    report = doctor.report(cell)
    assert report["verdict"] == "works"
    assert "newer English revision" in report["explanation"]
    turbo = doctor.report({**TURBO_SHARED, "external_traffic_policy": "Local"}, lang="pt")
    assert "hostNetwork" in turbo["explanation"]


def test_every_fact_comes_with_a_source(doctor: Doctor) -> None:
    report = doctor.report({"external_traffic_policy": "Local", **FAILING_STANDARD[1]})
    urls = {source["url"] for source in report["sources"]}
    assert "https://support.huaweicloud.com/intl/pt-br/cce_faq/cce_faq_00390.html" in urls
    assert any("cce_10_0014" in url for url in urls)  # the re-create caveat's source
    assert all(source["title"] and source["section"] for source in report["sources"])
