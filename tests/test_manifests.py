"""Fix manifests: personalised, changed only where the fix says, schema-valid, injection-proof."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml

from knowledge.diagnosis import Doctor
from knowledge.errors import IntakeError, ManifestError
from knowledge.intake import parse_service
from knowledge.intake.service import ServiceInfo
from knowledge.manifests import ManifestRenderer, create_problems, placeholder_service
from knowledge.playbook import Playbook

from .conftest import DATA, SERVICE_TYPES


@pytest.fixture(scope="module")
def renderer() -> ManifestRenderer:
    return ManifestRenderer()


def load(text: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(text)
    return document


@pytest.mark.parametrize("service_type", SERVICE_TYPES)
@pytest.mark.parametrize(
    "fix_id", ["use-cluster-ip", "set-external-traffic-policy-cluster", "enable-elb-pass-through"]
)
def test_every_template_renders_a_valid_service_for_every_service_type(
    playbook: Playbook, renderer: ManifestRenderer, fix_id: str, service_type: str
) -> None:
    fix, service = playbook.fixes[fix_id], placeholder_service({"service_type": service_type})
    if fix.when.holds({"service_type": service_type}) is False:
        # Not offered for this type; and where it could not be created, it is never shown.
        if (service_type, fix_id) == ("clusterip", "set-external-traffic-policy-cluster"):
            with pytest.raises(ManifestError, match="kubectl create would refuse it"):
                renderer.render(fix, service)
        return
    rendered = renderer.render(fix, service)
    document = load(rendered.manifest)
    assert document["kind"] == "Service"
    assert "PLACEHOLDERS" in rendered.manifest  # the example values are flagged as such


def test_pasted_service_is_kept_intact_except_for_the_fix(
    playbook: Playbook, renderer: ManifestRenderer
) -> None:
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    original = copy.deepcopy(service.manifest)

    policy = load(
        renderer.render(playbook.fixes["set-external-traffic-policy-cluster"], service).manifest
    )
    expected = copy.deepcopy(original)
    expected["spec"]["externalTrafficPolicy"] = "Cluster"
    assert policy == expected

    passthrough = load(renderer.render(playbook.fixes["enable-elb-pass-through"], service).manifest)
    expected = copy.deepcopy(original)
    expected["metadata"]["annotations"]["kubernetes.io/elb.pass-through"] = "true"
    assert passthrough == expected

    companion = renderer.render(playbook.fixes["use-cluster-ip"], service)
    document = load(companion.manifest)
    assert document["metadata"] == {
        "name": "nginx-internal",
        "namespace": "shop",
        "labels": {"app": "nginx", "tier": "web"},
    }
    assert document["spec"] == {
        "type": "ClusterIP",
        "selector": {"app": "nginx"},
        "ports": [{"name": "service0", "port": 900, "protocol": "TCP", "targetPort": 80}],
    }
    assert (companion.dns_name, companion.port, companion.cluster_ip) == (
        "nginx.shop.svc.cluster.local",
        900,
        "10.247.12.34",
    )
    assert "nginx.shop.svc.cluster.local:900" in companion.command
    assert service.manifest == original  # rendering never mutates the user's Service


def test_commands_name_the_users_service(playbook: Playbook, renderer: ManifestRenderer) -> None:
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    command = renderer.render(
        playbook.fixes["set-external-traffic-policy-cluster"], service
    ).command
    assert command == (
        "kubectl -n shop patch service nginx --type merge "
        '-p \'{"spec":{"externalTrafficPolicy":"Cluster"}}\''
    )
    annotate = renderer.render(playbook.fixes["enable-elb-pass-through"], service).command
    assert (
        annotate
        == "kubectl -n shop annotate service nginx kubernetes.io/elb.pass-through=true --overwrite"
    )


HOSTILE_VALUES = [
    'x"\nspec:\n  type: NodePort\n',
    "{{ self.__init__.__globals__ }}",
    "{% for x in range(10**9) %}{% endfor %}",
    "a: b\n---\nkind: Secret",
    "&anchor *alias",
    "\u2028line separator\u0085next",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_user_values_cannot_add_keys_or_run_template_code(
    playbook: Playbook, renderer: ManifestRenderer, value: str
) -> None:
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    service.manifest["metadata"]["annotations"]["note"] = value
    for fix in playbook.fixes.values():
        document = load(renderer.render(fix, service).manifest)
        assert set(document) == {"apiVersion", "kind", "metadata", "spec"}
        if fix.id != "use-cluster-ip":
            assert document["metadata"]["annotations"]["note"] == value


def test_invalid_names_never_reach_a_manifest(
    playbook: Playbook, renderer: ManifestRenderer
) -> None:
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    bad = ServiceInfo(
        "x\ny",
        "shop",
        {**service.manifest, "metadata": {**service.manifest["metadata"], "name": "x\ny"}},
    )
    with pytest.raises(ManifestError, match=re.escape("metadata.name")):
        renderer.render(playbook.fixes["use-cluster-ip"], bad)
    with pytest.raises(IntakeError, match=re.escape("metadata.namespace")):
        parse_service(
            (DATA / "svc-dedicated-local.yaml")
            .read_text()
            .replace("namespace: shop", "namespace: Shop!")
        )


def test_a_template_that_breaks_the_schema_is_caught(
    playbook: Playbook, renderer: ManifestRenderer
) -> None:
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    service.manifest["spec"]["externalTrafficPolicy"] = "Local"
    service.manifest["spec"]["sessionAffinity"] = 42  # the schema wants a string
    with pytest.raises(
        ManifestError, match=re.escape("Kubernetes schema: at spec.sessionAffinity")
    ):
        renderer.render(playbook.fixes["set-external-traffic-policy-cluster"], service)


def test_long_names_get_a_valid_companion_name(
    playbook: Playbook, renderer: ManifestRenderer
) -> None:
    text = (
        (DATA / "svc-dedicated-local.yaml")
        .read_text()
        .replace("name: nginx\n", "name: " + "a" * 60 + "\n")
    )
    service = parse_service(text)
    document = load(renderer.render(playbook.fixes["use-cluster-ip"], service).manifest)
    assert len(document["metadata"]["name"]) <= 63 and document["metadata"]["name"].endswith(
        "-internal"
    )


def test_diagnosis_from_a_pasted_service_fills_facts_and_personalises_fixes(doctor: Doctor) -> None:
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    facts = {
        **service.facts,
        "client_location": "same-node",
        "network_model": "vpc",
        "error_message": "curl: (7) Failed to connect to 192.168.10.36 port 900: Connection refused",
    }
    report = doctor.report(facts, "pt", service)
    assert report["verdict"] == "fails"
    assert [fix["id"] for fix in report["fixes"]] == [
        "use-cluster-ip",
        "set-external-traffic-policy-cluster",
    ]
    assert "192.168.10.36" in report["explanation"]
    assert all(load(fix["manifest"])["metadata"]["namespace"] == "shop" for fix in report["fixes"])
    # A process on the node: its resolver does not know cluster DNS names, the ClusterIP works.
    assert report["fixes"][0]["title"] == (
        "No nó, use o ClusterIP do Serviço 10.247.12.34 (porta 900)"
    )
    assert report["fixes"][0]["command"] == (
        "kubectl debug node/NODE_NAME -it --image=curlimages/curl -- curl -sS -m 5 "
        "http://10.247.12.34:900/"
    )
    pod = doctor.report({**facts, "client_location": "container-same-node"}, "pt", service)
    assert pod["fixes"][0]["title"].startswith(
        "Nos pods, use o nome de domínio do Serviço nginx.shop.svc.cluster.local (porta 900)"
    )
    assert pod["fixes"][0]["command"].startswith("kubectl debug -n CLIENT_NAMESPACE CLIENT_POD")


def test_manifests_are_written_as_people_write_them(
    playbook: Playbook, renderer: ManifestRenderer
) -> None:
    service = parse_service((DATA / "svc-dedicated-local.yaml").read_text())
    text = renderer.render(playbook.fixes["enable-elb-pass-through"], service).manifest
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body[:4] == ["apiVersion: v1", "kind: Service", "metadata:", "  name: nginx"]
    assert "  type: LoadBalancer" in body and "    app: nginx" in body
    # Quoted only where YAML would read another type: the annotation's "true" stays a string.
    assert "    kubernetes.io/elb.pass-through: 'true'" in body


def test_pasted_service_loses_what_the_api_server_allocated() -> None:
    text = (DATA / "svc-dedicated-local.yaml").read_text()
    service = parse_service(
        text.replace("  clusterIP:", "  healthCheckNodePort: 31234\n  clusterIP:")
    )
    assert not {"clusterIP", "clusterIPs", "healthCheckNodePort"} & set(service.spec)
    # The nodePort was allocated (not in kubectl's last-applied configuration): a re-created
    # LoadBalancer Service gets its own.
    assert all("nodePort" not in port for port in service.ports)
    assert service.cluster_ip == "10.247.12.34"
    pinned = text.replace(
        '{"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx"}}',
        '{"apiVersion":"v1","kind":"Service","spec":{"ports":[{"port":900,"nodePort":31900}]}}',
    )
    assert parse_service(pinned).ports[0]["nodePort"] == 31900
    # Clients of a NodePort Service call its nodePort: it stays.
    node_port = parse_service(text.replace("type: LoadBalancer", "type: NodePort"))
    assert node_port.ports[0]["nodePort"] == 31900
    # A headless Service's "None", or junk, is no address.
    assert (
        parse_service(text.replace("clusterIP: 10.247.12.34", "clusterIP: None")).cluster_ip is None
    )


def test_a_service_without_a_selector_gets_a_companion_without_one(
    playbook: Playbook, renderer: ManifestRenderer
) -> None:
    # Services whose Endpoints are managed by hand have no selector; an empty one would differ.
    service = parse_service(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\nspec:\n  type: LoadBalancer\n"
        "  externalTrafficPolicy: Local\n  ports:\n  - port: 80\n"
    )
    rendered = renderer.render(playbook.fixes["use-cluster-ip"], service)
    assert "selector" not in yaml.safe_load(rendered.manifest)["spec"]
    assert "# Your Service has no selector" in rendered.manifest


@pytest.mark.parametrize("client", ["same-node", "container-same-node"])
def test_every_fix_from_a_pasted_service_can_be_created(doctor: Doctor, client: str) -> None:
    # A Local LoadBalancer Service as kubectl prints it, with its allocated health-check port.
    text = (DATA / "svc-dedicated-local.yaml").read_text()
    service = parse_service(
        text.replace("  clusterIP:", "  healthCheckNodePort: 31234\n  clusterIP:")
    )
    facts = {**service.facts, "client_location": client, "network_model": "tunnel"}
    for proxy_mode in ("ipvs", "iptables"):
        report = doctor.report({**facts, "proxy_mode": proxy_mode}, "en", service)
        assert report["fixes"]
        for fix in report["fixes"]:
            assert create_problems(load(fix["manifest"])) == [], fix["id"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"healthCheckNodePort": 31234, "externalTrafficPolicy": "Cluster"}, "healthCheckNodePort"),
        ({"clusterIP": "10.247.0.9"}, "spec.clusterIP"),
        ({"type": "ClusterIP", "externalTrafficPolicy": "Local"}, "externalTrafficPolicy"),
        ({"type": "ClusterIP", "ports": [{"port": 80, "nodePort": 30080}]}, "nodePort"),
    ],
)
def test_what_kubectl_create_refuses_is_named(change: dict[str, Any], problem: str) -> None:
    document = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"type": "LoadBalancer", "ports": [{"port": 80}], **change},
    }
    (found,) = create_problems(document)
    assert found.startswith(f"spec.{problem}") or problem in found
    assert (
        create_problems({**document, "spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}})
        == []
    )
