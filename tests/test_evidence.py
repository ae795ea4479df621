"""Facts proved by evidence: the address in an error, kube-proxy's mode; the same in the CLI."""

from __future__ import annotations

import pytest

from knowledge.diagnosis import gather_facts
from knowledge.intake.evidence import address_kind, answer_address_kind, read_evidence
from knowledge.intake.language import detect_language

from .conftest import DATA


@pytest.mark.parametrize(
    ("ip", "kind"),
    [
        ("192.168.10.36", "private"),
        ("10.0.0.5", "private"),
        ("172.31.255.1", "private"),
        ("100.64.0.1", "private"),  # RFC 6598 shared address space
        ("100.128.0.1", "public"),
        ("8.8.8.8", "public"),
        ("127.0.0.1", None),
        ("169.254.1.1", None),
        ("not-an-ip", None),
    ],
)
def test_an_address_is_private_public_or_neither(ip: str, kind: str | None) -> None:
    assert address_kind(ip) == kind


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (
            "curl: (7) Failed to connect to 192.168.10.36 port 900: Connection refused",
            {"access_type": "private"},
        ),
        ("curl -v http://49.0.1.2:80/", {"access_type": "public"}),
        ("$ curl localhost:10249/proxyMode\nipvs", {"proxy_mode": "ipvs"}),
        ("I1126 server_others.go:72] Using iptables Proxier.", {"proxy_mode": "iptables"}),
        ("kind: KubeProxyConfiguration\nmode: ipvs\n", {"proxy_mode": "ipvs"}),
        ("mode: ipvs", {}),  # a bare mode line outside kube-proxy's configuration says nothing
        # ipvsadm listing a virtual service: IPVS tables; an empty listing proves nothing.
        (
            "# ipvsadm -Ln\nProt LocalAddress:Port Scheduler Flags\n"
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
            "TCP  192.168.4.200:443 rr\n  -> 10.0.1.15:8443  Masq    1      0          0",
            {"proxy_mode": "ipvs"},
        ),
        ("# ipvsadm -Ln\nProt LocalAddress:Port Scheduler Flags\n", {}),
        ("upstream connect error or disconnect/reset before headers", {}),
    ],
)
def test_evidence_proves_facts(text: str, facts: dict[str, str]) -> None:
    assert read_evidence(text).facts == facts


def test_the_cli_reads_the_error_like_the_chat() -> None:
    service = (DATA / "svc-dedicated-local.yaml").read_text()
    facts, parsed = gather_facts(
        {}, None, "curl: (7) Failed to connect to 192.168.10.36 port 900: Connection refused"
    )
    assert facts["access_type"] == "private"
    assert parsed is None
    # With the Service pasted, an address that is not one of its load balancer's says nothing.
    facts, parsed = gather_facts({}, service, "dial tcp 8.8.8.8:80: connect: connection refused")
    assert parsed is not None and "8.8.8.8" not in parsed.ingress_ips
    assert facts.get("access_type") == parsed.facts.get("access_type")


def test_a_portuguese_opening_with_a_pasted_service_is_portuguese() -> None:
    text = "meu curl pro IP do balanceador dá connection refused, segue o serviço:\n"
    assert detect_language(text + (DATA / "svc-dedicated-local.yaml").read_text()) == "pt"


def test_an_address_outside_an_error_or_curl_line_says_nothing() -> None:
    assert read_evidence("the pod 10.0.0.5 cannot reach our load balancer").facts == {}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("public IP, 119.8.x.x", "public"),
        ("a 10.x address", "private"),
        ("192.168.10.36", "private"),
        ("172.16.x.x", "private"),
        # Hidden octets that could be either, versions, and two kinds: nothing.
        ("172.x.x.x", None),
        ("100.x.x.x", None),
        ("private, cluster v1.28.x", None),
        ("é privado, CCE 1.25.x", None),
        ("the ELB has 192.168.1.5 and EIP 119.8.1.1", None),
    ],
)
def test_an_address_typed_in_an_answer_says_public_or_private(text: str, kind: str | None) -> None:
    assert answer_address_kind(text) == kind
