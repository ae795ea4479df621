"""Read a pasted Service (`kubectl get svc NAME -o yaml` or `-o json`) into facts and a clean manifest."""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from knowledge.errors import IntakeError
from knowledge.intake.names import check_service

__all__ = [
    "MAX_PASTE_BYTES",
    "ServiceInfo",
    "ip_text",
    "looks_like_service",
    "parse_service",
    "prose",
]

# A Service manifest is a few KB; anything this large is not one, and parsing it would be slow.
MAX_PASTE_BYTES = 256 * 1024
MAX_DEPTH = 40

# The metadata a fix manifest keeps; the rest (uid, resourceVersion, managedFields, …) is filled
# in by the API server and dropped so the rendered fix can be applied as it is.
_KEPT_METADATA = ("name", "namespace", "labels", "annotations")
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_SERVER_ANNOTATIONS = {_LAST_APPLIED}
# Written by CCE beside externalTrafficPolicy Local (faq-solution): not the user's to re-apply,
# and wrong beside the Cluster policy a fix may set.
_CCE_ANNOTATIONS = {("kubernetes.io/elb.pass-through", "onlyLocal")}
# Allocated by the API server: a manifest that carries them is refused by `kubectl create`
# (healthCheckNodePort beside externalTrafficPolicy Cluster) or pins addresses the cluster chose.
_SERVER_SPEC = ("clusterIP", "clusterIPs", "healthCheckNodePort")

# CCE load-balancer classes (cce_10_0385) and the DNAT gateway Service.
_ELB_CLASS = {
    "union": "loadbalancer-shared",
    "performance": "loadbalancer-dedicated",
    "dnat": "dnat-gateway",
}
_DEDICATED_AUTOCREATE_KEYS = {
    "available_zone",
    "l4_flavor_name",
    "l7_flavor_name",
    "elb_virsubnet_ids",
}
_NGINX_INGRESS = re.compile(r"nginx-ingress|ingress-nginx")


@dataclass(frozen=True)
class ServiceInfo:
    """A pasted Service, read: what it tells and the manifest a fix starts from."""

    name: str
    namespace: str
    # The Service as it can be re-applied: server-populated fields removed.
    manifest: dict[str, Any]
    facts: dict[str, str] = field(default_factory=dict)
    ingress_ips: tuple[str, ...] = ()
    # Example values standing in for a Service the user has not pasted.
    placeholder: bool = False
    # The address node clients use instead of the load balancer's (not in `manifest`).
    cluster_ip: str | None = None

    def document(self) -> dict[str, Any]:
        """The manifest with its ClusterIP and the load-balancer addresses of its status (and
        their ipMode): what a chat keeps of a pasted Service, so that a later message can still
        be compared with its addresses and the Service read again to the same ServiceInfo."""
        document = dict(self.manifest)
        if self.cluster_ip is not None:
            document["spec"] = {**self.spec, "clusterIP": self.cluster_ip}
        if self.ingress_ips:
            mode = {"ipMode": self.facts["ip_mode"]} if "ip_mode" in self.facts else {}
            ingress = [{"ip": ip, **mode} for ip in self.ingress_ips]
            document["status"] = {"loadBalancer": {"ingress": ingress}}
        return document

    @property
    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = self.manifest["spec"]
        return spec

    @property
    def annotations(self) -> dict[str, str]:
        annotations: dict[str, str] = self.manifest["metadata"].get("annotations", {})
        return annotations

    @property
    def labels(self) -> dict[str, str]:
        labels: dict[str, str] = self.manifest["metadata"].get("labels", {})
        return labels

    @property
    def ports(self) -> list[dict[str, Any]]:
        ports: list[dict[str, Any]] = self.spec.get("ports", [])
        return ports

    @property
    def selector(self) -> dict[str, str]:
        selector: dict[str, str] = self.spec.get("selector") or {}
        return selector


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


def _not_kubectl(what_en: str, what_pt: str, line: int) -> IntakeError:
    return IntakeError(
        f"the paste uses {what_en} (line {line}); kubectl output has none, paste "
        "`kubectl get svc NAME -o yaml` as it prints",
        f"o texto colado usa {what_pt} (linha {line}); a saída do kubectl não tem "
        "nenhum, cole `kubectl get svc NOME -o yaml` como ele imprime",
    )


class _KubectlLoader(Composer, CParser, SafeConstructor, Resolver):
    """YAML as kubectl prints it, which is JSON data: what kubectl never writes is refused with
    its line rather than read. Aliases ('billion laughs'), merge keys and repeated keys (YAML
    that adds or overrides keys out of sight), keys that are not text and tags such as
    `!!binary` or `!!set` (data that has no JSON form: the chat keeps a Service as JSON).

    libyaml scans and parses (the pure-Python scanner was most of reading a Service); the nodes
    are composed in Python, where aliases are refused before anything is built."""

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[union-attr]
            raise _not_kubectl("a YAML alias", "um alias de YAML", mark.line + 1)  # type: ignore[union-attr]
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key, _ in node.value:
            line = key.start_mark.line + 1
            if key.tag == _MERGE:
                raise _not_kubectl(
                    "a YAML merge key (<<)", "uma chave de mesclagem de YAML (<<)", line
                )
            if not isinstance(key, yaml.ScalarNode) or key.tag != _STR:
                shown = str(key.value)[:40] if isinstance(key, yaml.ScalarNode) else "[…]"
                raise IntakeError(
                    f"the paste has a key {shown} (line {line}) that is not a text: Kubernetes "
                    f'names are texts; quote it ("{shown}") if it is one',
                    f"o texto colado tem uma chave {shown} (linha {line}) que não é um texto: "
                    f'nomes no Kubernetes são textos; coloque entre aspas ("{shown}") se for um',
                )
            if key.value in seen:
                raise IntakeError(
                    f"the key {key.value[:40]} appears twice in one map (line {line}); "
                    "Kubernetes refuses that: keep one",
                    f"a chave {key.value[:40]} aparece duas vezes no mesmo mapa (linha {line}); "
                    "o Kubernetes recusa isso: deixe uma só",
                )
            seen.add(key.value)
        return super().construct_mapping(node, deep)

    def refuse_tag(self, node: yaml.Node) -> Any:
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")[:40]
        raise _not_kubectl(f"the YAML tag {tag}", f"a tag de YAML {tag}", node.start_mark.line + 1)


# A date stays the text it was typed as (kubectl quotes its timestamps): it has no JSON form.
_KubectlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    _KubectlLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _KubectlLoader.refuse_tag)  # type: ignore[type-var]
# Any other tag (`!foo`, `!!python/…`): the same answer, not "could not determine a constructor".
_KubectlLoader.add_constructor(None, _KubectlLoader.refuse_tag)  # type: ignore[type-var]


_YAML_START = re.compile(r"^(apiVersion|kind|metadata|items):", re.MULTILINE)
# `[user@host dir]$`: no `@` before the first one, so a long line of `[@@@…` is read once.
_SHELL_LINE = re.compile(r"^\s*(\$|#|>|\[[^\]@\n]*@[^\]\n]*\][$#]|PS [A-Z]:)")


def looks_like_service(text: str) -> bool:
    """A cheap test used by chat intake before trying a full parse."""
    return bool(re.search(r"kind[\"']?\s*:\s*[\"']?(Service|List)\b", text)) and (
        "apiVersion" in text
    )


def _document_start(text: str) -> int:
    brace = text.find("{")
    yaml_start = _YAML_START.search(text)
    starts = [i for i in (brace, yaml_start.start() if yaml_start else -1) if i != -1]
    return min(starts, default=len(text))


def prose(text: str) -> str:
    """The words around a pasted Service: what the user wrote before the document."""
    if not looks_like_service(text):
        return text
    return text[: _document_start(text)]


def _extract_document(text: str) -> Any:
    """Find the document inside a paste that may carry a prompt, the command and warnings."""
    brace = text.find("{")
    yaml_start = _YAML_START.search(text)
    if brace != -1 and (yaml_start is None or brace < yaml_start.start()):
        try:
            document, _ = _JSON.raw_decode(text[brace:])
            return document
        except json.JSONDecodeError as exc:
            raise IntakeError(
                f"the pasted JSON is broken: {exc}", f"o JSON colado está quebrado: {exc}"
            ) from exc
        except RecursionError as exc:
            raise _too_deep() from exc
        except ValueError as exc:  # an integer of more digits than Python converts
            raise _too_long_number() from exc
    if yaml_start is None:
        raise IntakeError(
            "no Service found in the paste: expected the output of `kubectl get svc NAME -o yaml` "
            "(it starts with apiVersion:)",
            "nenhum Serviço no texto colado: esperava a saída de `kubectl get svc NOME -o yaml` "
            "(começa com apiVersion:)",
        )
    lines = text[yaml_start.start() :].splitlines()
    # Stop at the next shell prompt after the document.
    kept: list[str] = []
    for line in lines:
        if kept and _SHELL_LINE.match(line) and not line.startswith("#"):
            break
        kept.append(line)
    try:
        loader = _KubectlLoader("\n".join(kept))
        try:
            documents = []
            while loader.check_data():  # type: ignore[no-untyped-call]
                document = loader.get_data()
                if document:
                    documents.append(document)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        if "maximum nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own limit
            raise _too_deep() from exc
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        why = getattr(exc, "problem", exc)
        raise IntakeError(
            f"the pasted YAML is broken{where}: {why}",
            f"o YAML colado está quebrado{where.replace('at line', 'na linha')}: {why}",
        ) from exc
    except RecursionError as exc:
        raise _too_deep() from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        raise _too_long_number() from exc
    if len(documents) != 1:
        raise IntakeError(
            f"the paste holds {len(documents)} documents; paste one Service",
            f"o texto colado tem {len(documents)} documentos; cole um único Serviço",
        )
    return documents[0]


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        repeated = next(key for key, _ in pairs if sum(k == key for k, _ in pairs) > 1)
        raise IntakeError(
            f"the key {repeated[:40]} appears twice in one object; Kubernetes refuses that: "
            "keep one",
            f"a chave {repeated[:40]} aparece duas vezes no mesmo objeto; o Kubernetes recusa "
            "isso: deixe uma só",
        )
    return document


# Repeated keys refused as in YAML: the last one would silently win.
_JSON = json.JSONDecoder(object_pairs_hook=_unique_keys)


def _too_long_number() -> IntakeError:
    return IntakeError(
        "the paste has a number thousands of digits long: not a Kubernetes value",
        "o texto colado tem um número com milhares de dígitos: não é um valor do Kubernetes",
    )


def _too_deep() -> IntakeError:
    return IntakeError(
        "the paste is nested too deeply to be a Service",
        "o texto colado tem aninhamento profundo demais para ser um Serviço",
    )


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def parse_service(text: str) -> ServiceInfo:
    """Parse a pasted Service. Raises IntakeError with what was expected."""
    if len(text.encode("utf-8", errors="replace")) > MAX_PASTE_BYTES:
        raise IntakeError(
            f"the paste is larger than {MAX_PASTE_BYTES // 1024} KB; a Service manifest is a few KB: "
            "paste only `kubectl get svc NAME -o yaml`",
            f"o texto colado passa de {MAX_PASTE_BYTES // 1024} KB; um manifesto de Serviço tem "
            "poucos KB: cole só `kubectl get svc NOME -o yaml`",
        )
    document = _extract_document(text)
    if _depth(document) > MAX_DEPTH:
        raise _too_deep()
    if not isinstance(document, dict):
        raise IntakeError(
            "the paste is not a Kubernetes object (expected apiVersion, kind, metadata, spec)",
            "o texto colado não é um objeto do Kubernetes (esperava apiVersion, kind, metadata, spec)",
        )
    if document.get("kind") == "List":
        items = [item for item in document.get("items") or [] if isinstance(item, dict)]
        services = [item for item in items if item.get("kind") == "Service"]
        if len(services) != 1:
            raise IntakeError(
                f"the list holds {len(services)} Services; paste one (`kubectl get svc NAME -o yaml`)",
                f"a lista tem {len(services)} Serviços; cole um só (`kubectl get svc NOME -o yaml`)",
            )
        document = services[0]
    kind = document.get("kind")
    if kind != "Service":
        shown = kind if isinstance(kind, str) else "no kind"
        raise IntakeError(
            f"this is a {shown[:40]}, not a Service: paste `kubectl get svc NAME -o yaml` for the Service "
            "whose load-balancer address fails",
            f"isto é um {shown[:40]}, não um Serviço: cole `kubectl get svc NOME -o yaml` do Serviço "
            "cujo endereço de balanceador falha",
        )
    return _service_info(document)


def _service_info(document: dict[str, Any]) -> ServiceInfo:
    metadata = document.get("metadata")
    spec = document.get("spec")
    if not isinstance(metadata, dict) or not isinstance(spec, dict):
        raise IntakeError(
            "the Service has no metadata or no spec", "o Serviço não tem metadata ou spec"
        )
    metadata = {k: metadata[k] for k in _KEPT_METADATA if k in metadata}
    metadata.setdefault("namespace", "default")
    raw_annotations = metadata.get("annotations") or {}
    if not isinstance(raw_annotations, dict):
        raise IntakeError(
            "metadata.annotations is not a map of names to texts",
            "metadata.annotations não é um mapa de nomes para textos",
        )
    annotations = {
        k: v
        for k, v in raw_annotations.items()
        # A value that is not text is kept, for check_service to name it (and a list cannot
        # be looked up in a set).
        if k not in _SERVER_ANNOTATIONS and not (isinstance(v, str) and (k, v) in _CCE_ANNOTATIONS)
    }
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    if not metadata.get("labels"):
        metadata.pop("labels", None)
    applicable = _applicable_spec(spec, raw_annotations.get(_LAST_APPLIED))
    manifest = {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": applicable}
    check_service(manifest)

    facts = _facts(metadata, spec, raw_annotations)
    # The status is the server's, not applied: what is not shaped as Kubernetes writes it (a
    # text, `ingress: 5`, an address that is none) is ignored rather than refused.
    ingress = _field(document, "status", "loadBalancer", "ingress")
    listed = [
        item
        for item in (ingress if isinstance(ingress, list) else [])
        if isinstance(item, dict) and ip_text(item.get("ip")) is not None
    ]
    ips = tuple(str(ip_text(item["ip"])) for item in listed)
    if listed and spec.get("type") == "LoadBalancer":
        # kube-proxy skips only addresses marked Proxy; an unset ipMode counts as VIP.
        proxied = all(item.get("ipMode") == "Proxy" for item in listed)
        facts["ip_mode"] = "Proxy" if proxied else "VIP"
    return ServiceInfo(
        name=metadata["name"],
        namespace=metadata["namespace"],
        manifest=manifest,
        facts=facts,
        ingress_ips=ips,
        cluster_ip=ip_text(spec.get("clusterIP")),
    )


def _field(document: Any, *path: str) -> Any:
    """The value at `path` through maps, or None where the document is shaped otherwise."""
    for key in path:
        document = document.get(key) if isinstance(document, dict) else None
    return document


def ip_text(value: Any) -> str | None:
    """An IP address as text; anything else (a headless Service's "None", junk) is not one."""
    try:
        return str(ipaddress.ip_address(value)) if isinstance(value, str) else None
    except ValueError:
        return None


def _applicable_spec(spec: dict[str, Any], last_applied: Any) -> dict[str, Any]:
    """The spec without what the API server allocated. A port's nodePort stays where the user
    pinned it (it is in kubectl's last-applied configuration) or where clients call it (a
    NodePort Service: the user told us they use node IP + NodePort)."""
    kept = {key: value for key, value in spec.items() if key not in _SERVER_SPEC}
    if spec.get("type") == "NodePort" or not isinstance(kept.get("ports"), list):
        return kept
    pinned = _pinned_node_ports(last_applied)
    kept["ports"] = [
        {k: v for k, v in port.items() if k != "nodePort" or (isinstance(v, int) and v in pinned)}
        if isinstance(port, dict)
        else port
        for port in kept["ports"]
    ]
    return kept


def _pinned_node_ports(last_applied: Any) -> set[int]:
    try:
        applied = _json_text(last_applied) if isinstance(last_applied, str) else {}
    except json.JSONDecodeError:
        return set()  # kubectl's own record, not the user's: unreadable means nothing pinned
    ports = _field(applied, "spec", "ports")
    return {
        port["nodePort"]
        for port in (ports if isinstance(ports, list) else [])
        if isinstance(port, dict) and isinstance(port.get("nodePort"), int)
    }


def _json_text(text: str) -> Any:
    """json.loads where every failure is a JSONDecodeError: a value nested past the recursion
    limit, or a number too long to convert, is broken JSON in an annotation, not a crash."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None
    except ValueError:
        raise json.JSONDecodeError("a number too long", text, 0) from None


def _facts(
    metadata: dict[str, Any], spec: dict[str, Any], annotations: dict[str, str]
) -> dict[str, str]:
    facts: dict[str, str] = {}
    service_type = spec.get("type", "ClusterIP")
    if service_type == "ClusterIP":
        facts["service_type"] = "clusterip"
        return facts
    if service_type == "NodePort":
        facts["service_type"] = "nodeport"
    elif service_type == "LoadBalancer":
        kind = _load_balancer_kind(metadata, annotations)
        if kind:
            facts["service_type"] = kind
        access = _access_type(annotations)
        if access:
            facts["access_type"] = access
        # "true" as documented (cce_10_0355); CCE itself writes onlyLocal beside a Local policy.
        passing = str(annotations.get("kubernetes.io/elb.pass-through", "")).lower()
        facts["pass_through"] = "enabled" if passing in ("true", "onlylocal") else "disabled"
    else:
        raise IntakeError(
            f"a Service of type {str(service_type)[:40]} has no load-balancer address",
            f"um Serviço do tipo {str(service_type)[:40]} não tem endereço de balanceador",
        )
    # The API server defaults the policy to Cluster for NodePort and LoadBalancer Services.
    policy = spec.get("externalTrafficPolicy") or "Cluster"
    if policy not in ("Local", "Cluster"):
        raise IntakeError(
            f"spec.externalTrafficPolicy is {str(policy)[:40]!r}; Kubernetes accepts Local or Cluster",
            f"spec.externalTrafficPolicy é {str(policy)[:40]!r}; o Kubernetes aceita Local ou Cluster",
        )
    facts["external_traffic_policy"] = policy
    return facts


def _autocreate(annotations: dict[str, str]) -> dict[str, Any]:
    raw = annotations.get("kubernetes.io/elb.autocreate")
    if not raw or not isinstance(raw, str):
        return {}
    try:
        value = _json_text(raw)
    except json.JSONDecodeError as exc:
        raise IntakeError(
            f"the annotation kubernetes.io/elb.autocreate is not valid JSON: {exc.msg}",
            f"a anotação kubernetes.io/elb.autocreate não é um JSON válido: {exc.msg}",
        ) from exc
    return value if isinstance(value, dict) else {}


def _load_balancer_kind(metadata: dict[str, Any], annotations: dict[str, str]) -> str | None:
    elb_class = annotations.get("kubernetes.io/elb.class")
    kind = _ELB_CLASS.get(str(elb_class)) if elb_class else None
    if kind is None and "kubernetes.io/natgateway.id" in annotations:
        kind = "dnat-gateway"
    if kind is None and _DEDICATED_AUTOCREATE_KEYS & set(_autocreate(annotations)):
        kind = "loadbalancer-dedicated"
    labels = " ".join(f"{k}={v}" for k, v in (metadata.get("labels") or {}).items())
    if kind == "loadbalancer-dedicated" and (
        _NGINX_INGRESS.search(str(metadata.get("name", ""))) or _NGINX_INGRESS.search(labels)
    ):
        kind = "nginx-ingress-dedicated"
    return kind


def _access_type(annotations: dict[str, str]) -> str | None:
    created = _autocreate(annotations).get("type")
    if created == "public":
        return "public"
    if created == "inner":
        return "private"
    return None
