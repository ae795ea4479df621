"""Intake: errors, pasted Services and free text in Portuguese and English become facts."""

from __future__ import annotations

import json

import pytest

from knowledge.errors import IntakeError
from knowledge.intake import classify_error, extract_facts, parse_service
from knowledge.playbook import Playbook

from .conftest import DATA


@pytest.mark.parametrize(
    ("text", "kind", "ip", "port"),
    [
        (
            "curl: (7) Failed to connect to 192.168.10.36 port 900: Connection refused",
            "connection-refused",
            "192.168.10.36",
            900,
        ),
        (
            "curl: (7) Failed to connect to 192.168.10.36 port 900 after 3 ms: Couldn't connect to server",
            "connection-refused",
            "192.168.10.36",
            900,
        ),
        (
            "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
            "upstream-reset",
            None,
            None,
        ),
        (
            '[2026-11-20T10:00:01.000Z] "GET / HTTP/1.1" 503 UF,URX upstream_reset_before_response_started'
            '{connection_failure} - "10.0.0.5:8080"',
            "upstream-reset",
            "10.0.0.5",
            8080,
        ),
        (
            "dial tcp 119.8.1.2:443: connect: connection refused",
            "connection-refused",
            "119.8.1.2",
            443,
        ),
        (
            "curl: (28) Failed to connect to 119.8.1.2 port 80 after 130000 ms: Connection timed out",
            "timeout",
            "119.8.1.2",
            80,
        ),
        ('Get "http://10.1.2.3:8080/": context deadline exceeded', "timeout", "10.1.2.3", 8080),
        ("curl: (56) Recv failure: Connection reset by peer", "connection-reset", None, None),
        (
            "erro: conexão recusada ao acessar 192.168.0.10 porta 80",
            "connection-refused",
            "192.168.0.10",
            80,
        ),
        ("HTTP 500 internal server error", "other", None, None),
        ("ping 999.1.1.1 failed", "other", None, None),
    ],
    ids=[
        "curl-refused",
        "curl-couldnt-connect",
        "envoy-reset",
        "istio-access-log",
        "go-dial",
        "curl-timeout",
        "go-deadline",
        "curl-reset",
        "pt-recusada",
        "http-500",
        "invalid-ip",
    ],
)
def test_error_messages_are_classified(
    text: str, kind: str, ip: str | None, port: int | None
) -> None:
    report = classify_error(text)
    assert (report.kind, report.ip, report.port) == (kind, ip, port)


def test_faq_symptoms_are_recognised() -> None:
    assert classify_error("Connection refused").is_faq_symptom
    assert not classify_error("Connection timed out").is_faq_symptom


def test_kubectl_yaml_with_prompt_and_warnings_around_it() -> None:
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    assert (service.name, service.namespace) == ("nginx", "shop")
    assert service.facts == {
        "service_type": "loadbalancer-dedicated",
        "access_type": "private",
        "external_traffic_policy": "Local",
        "pass_through": "disabled",
        "ip_mode": "VIP",
    }
    assert service.ingress_ips == ("192.168.10.36",)
    # The chat keeps document() and reads it again: the same Service, addresses included.
    assert parse_service(json.dumps(service.document())) == service
    assert service.selector == {"app": "nginx"}
    assert service.ports[0]["port"] == 900
    # Server-populated fields are dropped; the user's own annotations stay.
    assert "uid" not in service.manifest["metadata"]
    assert "kubectl.kubernetes.io/last-applied-configuration" not in service.annotations
    assert service.annotations["kubernetes.io/elb.lb-algorithm"] == "ROUND_ROBIN"
    assert "status" not in service.manifest


def test_kubectl_json() -> None:
    service = parse_service(
        "$ kubectl get svc nginx -o json\n" + (DATA / "svc-shared-public.json").read_text()
    )
    assert service.facts == {
        "service_type": "loadbalancer-shared",
        "access_type": "public",
        "external_traffic_policy": "Local",
        "pass_through": "disabled",
        "ip_mode": "VIP",
    }
    assert service.ingress_ips == ("119.8.1.2",)


SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
  {extra_metadata}
spec:
  type: {type}
  {extra_spec}
  ports:
  - port: 80
  selector:
    app: web
"""


def service_text(
    type_: str = "LoadBalancer", extra_metadata: str = "", extra_spec: str = ""
) -> str:
    return SERVICE.format(
        type=type_,
        extra_metadata=extra_metadata or "namespace: default",
        extra_spec=extra_spec or "sessionAffinity: None",
    )


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (
            service_text("NodePort"),
            {"service_type": "nodeport", "external_traffic_policy": "Cluster"},
        ),
        (service_text("ClusterIP"), {"service_type": "clusterip"}),
        (
            service_text(
                extra_metadata="annotations: {kubernetes.io/elb.class: dnat, "
                "kubernetes.io/natgateway.id: abc}"
            ),
            {
                "service_type": "dnat-gateway",
                "external_traffic_policy": "Cluster",
                "pass_through": "disabled",
            },
        ),
        (
            service_text(
                extra_metadata="annotations: {kubernetes.io/elb.id: abc}",
                extra_spec="externalTrafficPolicy: Local",
            ),
            {"external_traffic_policy": "Local", "pass_through": "disabled"},
        ),
        (
            service_text(
                extra_metadata="annotations: {kubernetes.io/elb.class: performance}\n  labels: "
                "{app: nginx-ingress, component: controller}"
            ),
            {
                "service_type": "nginx-ingress-dedicated",
                "external_traffic_policy": "Cluster",
                "pass_through": "disabled",
            },
        ),
    ],
    ids=[
        "nodeport-defaults-to-cluster",
        "clusterip",
        "dnat",
        "existing-elb-class-unknown",
        "nginx-ingress",
    ],
)
def test_service_facts(text: str, facts: dict[str, str]) -> None:
    assert parse_service(text).facts == facts


ALIAS_BOMB = """apiVersion: v1
kind: Service
metadata:
  name: a
  labels: &a {x: "1"}
spec:
  l1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  l2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  l3: [*c, *c, *c, *c, *c, *c, *c, *c, *c]
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("apiVersion: v1\nkind: Service\nmetadata: {name: [\n", "the pasted YAML is broken"),
        (ALIAS_BOMB, "YAML alias"),
        ("x" * (5 * 1024 * 1024), "larger than 256 KB"),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {}\n",
            "this is a Deployment, not a Service",
        ),
        ("hello there", "no Service found"),
        ('{"apiVersion": "v1", "kind": "Service", ', "the pasted JSON is broken"),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: Web_Server}\nspec: {ports: [{port: 80}]}\n",
            "metadata.name is 'Web_Server'",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 99999}]}\n",
            "spec.ports[0].port is 99999",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web, annotations: {a: true}}\nspec: {}\n",
            "is not a string (quote it)",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ExternalName}\n",
            "ExternalName has no load-balancer address",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, externalTrafficPolicy: Sometimes}\n",
            "Local or Cluster",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
            + "spec: "
            + "[" * 5000
            + "]" * 5000
            + "\n",
            "nested too deeply",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {}\n---\napiVersion: v1\nkind: Service\n"
            "metadata: {name: b}\nspec: {}\n",
            "2 documents",
        ),
    ],
    ids=[
        "broken-yaml",
        "alias-bomb",
        "5mb",
        "deployment",
        "not-yaml",
        "broken-json",
        "bad-name",
        "bad-port",
        "unquoted-annotation",
        "external-name",
        "bad-policy",
        "deep-nesting",
        "two-documents",
    ],
)
def test_hostile_or_malformed_pastes_get_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(
        IntakeError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")
    ):
        parse_service(text)


def test_template_syntax_and_yaml_in_values_stay_literal_text() -> None:
    text = service_text(
        extra_metadata='annotations: {note: "{{ 7*7 }}\\nspec:\\n  type: NodePort"}'
    )
    service = parse_service(text)
    assert service.annotations["note"] == "{{ 7*7 }}\nspec:\n  type: NodePort"


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (
            "meu curl pro IP do ELB dá connection refused de dentro do pod no mesmo nó, rede VPC, modo IPVS",
            {
                "client_location": "container-same-node",
                "network_model": "vpc",
                "proxy_mode": "ipvs",
            },
        ),
        (
            "From a pod on another node, iptables mode, overlay_l2 cluster, dedicated ELB with a private IP",
            {
                "client_location": "container-other-node",
                "proxy_mode": "iptables",
                "network_model": "tunnel",
                "service_type": "loadbalancer-dedicated",
                "access_type": "private",
            },
        ),
        (
            "cluster CCE Turbo, balanceador compartilhado, externalTrafficPolicy: Local",
            {
                "network_model": "cloud-native-2",
                "service_type": "loadbalancer-shared",
                "external_traffic_policy": "Local",
            },
        ),
        (
            "rede de túnel, serviço NodePort, acesso do próprio nó",
            {"network_model": "tunnel", "service_type": "nodeport", "client_location": "same-node"},
        ),
        (
            "nginx ingress, from outside the cluster",
            {"service_type": "nginx-ingress-dedicated", "client_location": "outside-cluster"},
        ),
        ("not tunnel but vpc", {}),
    ],
    ids=[
        "pt-sentence",
        "en-sentence",
        "pt-turbo",
        "pt-accents",
        "en-ingress",
        "contradiction-left-out",
    ],
)
def test_free_text_keywords(playbook: Playbook, text: str, facts: dict[str, str]) -> None:
    assert extract_facts(text, playbook) == facts


def test_an_answer_is_read_for_the_question_asked(playbook: Playbook) -> None:
    assert extract_facts("IPVS", playbook, asked="proxy_mode") == {"proxy_mode": "ipvs"}
    assert extract_facts("o IP de outro nó", playbook, asked="nodeport_target") == {
        "nodeport_target": "other-node"
    }


@pytest.mark.parametrize(
    ("annotation", "status", "facts"),
    [
        # As documented (cce_10_0355), and as CCE writes it beside a Local policy.
        ('kubernetes.io/elb.pass-through: "true"', "", {"pass_through": "enabled"}),
        ("kubernetes.io/elb.pass-through: onlyLocal", "", {"pass_through": "enabled"}),
        ('kubernetes.io/elb.pass-through: "false"', "", {"pass_through": "disabled"}),
        # KEP-1860: Proxy only where every listed address says so; unset counts as VIP.
        ("a: b", "- {ip: 10.1.2.3, ipMode: Proxy}", {"ip_mode": "Proxy"}),
        ("a: b", "- {ip: 10.1.2.3, ipMode: Proxy}\n    - {ip: 10.1.2.4}", {"ip_mode": "VIP"}),
        ("a: b", "- {ip: 10.1.2.3, ipMode: VIP}", {"ip_mode": "VIP"}),
    ],
)
def test_pass_through_and_ip_mode_are_read_from_the_paste(
    annotation: str, status: str, facts: dict[str, str]
) -> None:
    text = service_text(extra_metadata=f"annotations: {{{annotation}}}")
    if status:
        text += f"status:\n  loadBalancer:\n    ingress:\n    {status}\n"
    service = parse_service(text)
    assert facts.items() <= service.facts.items()
    if status:
        assert "ip_mode" in facts
        # The chat keeps the Service as document() and reads it again to the same facts.
        again = parse_service(json.dumps(service.document()))
        assert again.facts == service.facts
