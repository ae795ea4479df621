"""Fix manifests: render from a template, parse back, check structure and schema, then show."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shlex
import string
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from knowledge.cache import read_private, write_private
from knowledge.errors import IntakeError, ManifestError
from knowledge.intake.error_message import classify_error
from knowledge.intake.names import check_service
from knowledge.intake.service import ServiceInfo
from knowledge.playbook import TEMPLATES, Fix

if TYPE_CHECKING:
    import jinja2

__all__ = ["ManifestRenderer", "RenderedFix", "create_problems", "placeholder_service"]

_MISSING = object()

# Annotations a placeholder LoadBalancer Service needs (cce_10_0385).
_PLACEHOLDER_ANNOTATIONS = {
    "loadbalancer-shared": {
        "kubernetes.io/elb.class": "union",
        "kubernetes.io/elb.id": "REPLACE-WITH-ELB-ID",
    },
    "loadbalancer-dedicated": {
        "kubernetes.io/elb.class": "performance",
        "kubernetes.io/elb.id": "REPLACE-WITH-ELB-ID",
    },
    "nginx-ingress-dedicated": {
        "kubernetes.io/elb.class": "performance",
        "kubernetes.io/elb.id": "REPLACE-WITH-ELB-ID",
    },
    "dnat-gateway": {
        "kubernetes.io/elb.class": "dnat",
        "kubernetes.io/natgateway.id": "REPLACE-WITH-NAT-GATEWAY-ID",
    },
}


def placeholder_service(facts: dict[str, str]) -> ServiceInfo:
    """A Service with obvious example values, shaped by what the user told us: its type, its
    policy, and the port of the address in their error."""
    service_type = facts.get("service_type", "loadbalancer-shared")
    port = classify_error(facts.get("error_message", "")).port or 80
    spec: dict[str, Any] = {
        "type": {"nodeport": "NodePort", "clusterip": "ClusterIP"}.get(
            service_type, "LoadBalancer"
        ),
        "selector": {"app": "my-app"},
        "ports": [{"name": "http", "port": port, "protocol": "TCP", "targetPort": port}],
    }
    if spec["type"] != "ClusterIP":
        spec["externalTrafficPolicy"] = facts.get("external_traffic_policy", "Local")
    # The nginx-ingress add-on's controller Service lives in the add-on's namespace (kube-system by
    # default, cce-nginx-ingress-addon); its name here is an example like the others.
    name, namespace = (
        ("nginx-ingress-controller", "kube-system")
        if service_type == "nginx-ingress-dedicated"
        else ("my-service", "default")
    )
    metadata: dict[str, Any] = {"name": name, "namespace": namespace, "labels": {"app": "my-app"}}
    annotations = _PLACEHOLDER_ANNOTATIONS.get(service_type)
    if annotations:
        metadata["annotations"] = dict(annotations)
    manifest = {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec}
    return ServiceInfo(name, namespace, manifest, placeholder=True)


@dataclass(frozen=True)
class RenderedFix:
    """One fix for one Service: the checked manifest and how to apply it."""

    manifest: str
    command: str
    # Where in-cluster clients reach the Service instead of the load balancer's address.
    dns_name: str
    port: int
    # The Service's ClusterIP, or (not pasted) the kubectl command that prints it.
    cluster_ip: str

    def title(self, fix: Fix, lang: str) -> str:
        return fix.title.get(lang).format(
            dns_name=self.dns_name, port=self.port, cluster_ip=self.cluster_ip
        )


def _get(document: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return _MISSING
        document = document[key]
    return document


def _without(document: dict[str, Any], paths: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    for path in paths:
        parent = _get(out, path[:-1]) if len(path) > 1 else out
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    # An emptied map is the same as an absent one.
    metadata = out.get("metadata", {})
    for key in ("annotations", "labels"):
        if key in metadata and not metadata[key]:
            del metadata[key]
    return out


# libyaml's emitter: the pure-Python one was most of the time a diagnosis took.
class _ManifestDumper(yaml.CSafeDumper):
    """Block-style YAML as people write it: keys in the order given, strings quoted only where
    YAML would read them as something else ("true", "80", "a: b"), never an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_BREAKS = re.compile("[\r\n\x85\u2028\u2029]")


def _string(dumper: yaml.CSafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML folds NEL and the Unicode line separators of a single-quoted or plain scalar into
    # spaces when read back; double quotes escape them, so every value comes back unchanged.
    # A backtick is double-quoted too, for _to_yaml to escape it.
    style = '"' if _BREAKS.search(value) or "`" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ManifestDumper.add_representer(str, _string)


def _to_yaml(document: Any) -> str:
    # Wide lines: a JSON annotation (kubernetes.io/elb.autocreate) stays on one line.
    text: str = yaml.dump(
        document,
        Dumper=_ManifestDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=10_000,
    )
    # The manifest is shown in chat code blocks fenced with ```: a value holding backticks
    # (an annotation "a```b") must not close the block. Every backtick is inside a
    # double-quoted scalar (_string), where YAML reads the escape \x60 back as a backtick.
    return text.replace("`", "\\x60")


# The order kubectl users read a Service in; other spec fields follow in alphabetical order.
_SPEC_ORDER = ("type", "selector", "ports", "externalTrafficPolicy")


def _service_manifest(
    name: str,
    namespace: str,
    labels: dict[str, str],
    annotations: dict[str, str],
    spec: dict[str, Any],
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": namespace}
    if labels:
        metadata["labels"] = dict(labels)
    if annotations:
        metadata["annotations"] = dict(sorted(annotations.items()))
    ordered = {key: spec[key] for key in _SPEC_ORDER if key in spec}
    ordered.update(sorted((k, v) for k, v in spec.items() if k not in ordered))
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": ordered}


@cache
def _service_schema(version: str) -> Any:
    """kubernetes-validate's strict v1 Service schema as a validator, built once per version:
    its own `validate()` reads and parses the schema files again on every call."""
    # Imported here: the schema validator is most of a command line's start-up, and a manifest
    # validated before (see ManifestRenderer._schema_error) does not need it.
    import jsonschema
    import kubernetes_validate
    from kubernetes_validate.utils import schema_contents
    from referencing import Registry, Resource

    # Validating a minimal Service resolves the version as kubernetes-validate does (or raises).
    resolved = kubernetes_validate.validate(
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "probe"}}, version, strict=True
    )
    folder = f"kubernetes-json-schema/{_schema_folder(resolved)}-local-strict"
    schema = schema_contents(f"{folder}/service-v1.json", version)
    definitions = schema_contents(f"{folder}/_definitions.json", version)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def _schema_folder(major_minor: str) -> str:
    import kubernetes_validate.utils

    # The newest bundled patch release of that minor version, as kubernetes-validate picks it.
    versions = [
        v for v in kubernetes_validate.utils.all_versions() if v.startswith(major_minor + ".")
    ]
    return f"v{(versions or [major_minor])[-1]}"


def create_problems(document: dict[str, Any]) -> list[str]:
    """Why `kubectl create` would refuse this Service beyond its schema: the API server's
    cross-field rules (pkg/apis/core/validation) and fields only the server may set. A fix
    that says "re-create the Service" must hand over a manifest that can be created."""
    problems = []
    metadata = document.get("metadata") or {}
    spec = document.get("spec") or {}
    for key in ("resourceVersion", "uid", "creationTimestamp"):
        if key in metadata:
            problems.append(f"metadata.{key}: set by the API server, not on create")
    if "status" in document:
        problems.append("status: set by the API server, not on create")
    for key in ("clusterIP", "clusterIPs"):
        if key in spec:
            problems.append(f"spec.{key}: allocated by the API server; a copy pins an old address")
    kind = spec.get("type", "ClusterIP")
    local = spec.get("externalTrafficPolicy") == "Local"
    if spec.get("healthCheckNodePort") and not (kind == "LoadBalancer" and local):
        problems.append(
            "spec.healthCheckNodePort: may only be set when `type` is 'LoadBalancer' and "
            "`externalTrafficPolicy` is 'Local'"
        )
    if kind == "ClusterIP":
        if "externalTrafficPolicy" in spec:
            problems.append(
                "spec.externalTrafficPolicy: may only be set for externally-accessible services"
            )
        for index, port in enumerate(spec.get("ports") or []):
            if isinstance(port, dict) and port.get("nodePort"):
                problems.append(
                    f"spec.ports[{index}].nodePort: may not be used when `type` is 'ClusterIP'"
                )
    return problems


@cache
def _schemas_installed() -> str:
    """Which kubernetes-validate is installed (its file and when it was written), without
    importing it: part of the key of a manifest remembered as valid."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("kubernetes_validate")
    origin = spec.origin if spec is not None and spec.origin else ""
    return f"{origin}:{os.stat(origin).st_mtime_ns if origin else 0}"


@cache
def _renderer_version() -> str:
    """This module and the templates: a remembered manifest from other code is not used."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for template in sorted(TEMPLATES.iterdir(), key=lambda item: item.name):
        digest.update(template.name.encode() + b"\0" + template.read_bytes())
    return digest.hexdigest()


def _with_digest(text: str) -> bytes:
    body = text.encode("utf-8")
    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def _read_text(file: Path) -> str | None:
    """A remembered manifest, or None when absent, not ours or damaged."""
    data = read_private(file)
    if data is None:
        return None
    digest, _, body = data.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != digest:
        return None
    return body.decode("utf-8")


class ManifestRenderer:
    def __init__(
        self,
        kubernetes_version: str | None = None,
        cache_dir: Path | None = None,
        remember: bool = False,
    ) -> None:
        self._requested = kubernetes_version
        self._cache_dir = cache_dir
        self._remember = remember

    @cached_property
    def _env(self) -> jinja2.Environment:
        # Imported here: a manifest remembered from an earlier run (see render) needs no Jinja2,
        # a third of a command line's start.
        import jinja2

        bytecode = None
        if self._cache_dir is not None:
            # Compiled templates kept between processes: compiling them was a third of a
            # command line's diagnosis.
            folder = self._cache_dir / "templates"
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            bytecode = jinja2.FileSystemBytecodeCache(str(folder))
        env = jinja2.Environment(
            loader=jinja2.PackageLoader("knowledge", "templates"),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # YAML, not HTML: the document goes through |yaml, an emitter
            keep_trailing_newline=True,
            bytecode_cache=bytecode,
        )
        env.filters["yaml"] = _to_yaml
        env.globals["service_manifest"] = _service_manifest
        return env

    @cached_property
    def kubernetes_version(self) -> str:
        import kubernetes_validate

        version: str = self._requested or kubernetes_validate.latest_version()
        return version

    @cached_property
    def _schema(self) -> Any:
        return _service_schema(self.kubernetes_version)

    def _schema_error(self, document: dict[str, Any]) -> Any:
        """The first schema error, or None. A document that passed before (the same Service
        diagnosed again, in a script) is remembered in the cache folder and not checked again."""
        marker = None
        if self._cache_dir is not None:
            key = json.dumps([self._requested, _schemas_installed(), document], sort_keys=True)
            digest = hashlib.sha256(key.encode()).hexdigest()
            marker = self._cache_dir / "valid-manifests" / digest
            if marker.is_file():
                return None
        error = next(iter(self._schema.iter_errors(document)), None)
        if error is None and marker is not None:
            try:
                marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                marker.touch()
            except OSError:
                pass  # checked again next time
        return error

    def render(self, fix: Fix, service: ServiceInfo, lang: str = "en") -> RenderedFix:
        """Render one fix for one Service, or raise ManifestError: nothing unchecked is shown."""
        try:
            check_service(service.manifest)
        except IntakeError as exc:
            raise ManifestError(f"{fix.id}: the Service cannot go into a manifest: {exc}") from exc
        port = service.ports[0]["port"] if service.ports else 80
        dns_name = f"{service.name}.{service.namespace}.svc.cluster.local"
        lookup = (
            f"kubectl -n {shlex.quote(service.namespace)} get svc {shlex.quote(service.name)}"
            " -o jsonpath='{.spec.clusterIP}'"
        )
        remembered = self._remembered(fix, service, lang)
        text = _read_text(remembered) if remembered is not None else None
        if text is None:
            text = self._render(fix, service, lang, dns_name, port, lookup)
            self._validate(fix, text, service)
            if remembered is not None:
                write_private(remembered, _with_digest(text))
        # $-placeholders, since commands carry JSON braces; values are shell-quoted.
        command = string.Template(fix.command).substitute(
            name=shlex.quote(service.name),
            namespace=shlex.quote(service.namespace),
            dns_name=shlex.quote(dns_name),
            port=port,
            cluster_ip=shlex.quote(service.cluster_ip) if service.cluster_ip else f'"$({lookup})"',
        )
        return RenderedFix(text, command, dns_name, port, service.cluster_ip or f"({lookup})")

    def _remembered(self, fix: Fix, service: ServiceInfo, lang: str) -> Path | None:
        """Where this fix for this Service is remembered once rendered and checked: a script or
        a CI job diagnosing the same Service again gets it without Jinja2 and the checks. Keyed
        by everything the text depends on: the templates and this code, the fix, the Service,
        the language and the schemas."""
        if self._cache_dir is None or not self._remember:
            return None
        key = json.dumps(
            [
                _renderer_version(),
                # What of the fix shapes and checks its manifest (its conditions hold sets,
                # whose order changes between processes).
                [fix.id, fix.template, fix.changes, fix.expect],
                service.manifest,
                service.placeholder,
                service.cluster_ip,
                lang,
                self._requested,
                _schemas_installed(),
            ],
            sort_keys=True,
            default=repr,
        )
        return self._cache_dir / "manifests" / hashlib.sha256(key.encode()).hexdigest()

    def _render(
        self, fix: Fix, service: ServiceInfo, lang: str, dns_name: str, port: int, lookup: str
    ) -> str:
        import jinja2

        cluster_ports = [
            {key: value for key, value in item.items() if key != "nodePort"}
            for item in service.ports
        ]
        try:
            return self._env.get_template(fix.template).render(
                service={
                    "name": service.name,
                    "namespace": service.namespace,
                    "labels": service.labels,
                    "annotations": service.annotations,
                    "spec": service.spec,
                },
                cluster_ports=cluster_ports,
                dns_name=dns_name,
                port=port,
                cluster_ip=service.cluster_ip or f"`{lookup}`",
                placeholders=service.placeholder,
                lang=lang,
            )
        except jinja2.TemplateError as exc:
            raise ManifestError(f"{fix.id}: template {fix.template} failed: {exc}") from exc

    def _validate(self, fix: Fix, text: str, service: ServiceInfo) -> None:
        try:
            documents = list(yaml.load_all(text, Loader=yaml.CSafeLoader))
        except yaml.YAMLError as exc:
            raise ManifestError(
                f"{fix.id}: the rendered manifest is not valid YAML: {exc}"
            ) from exc
        if len(documents) != 1 or not isinstance(documents[0], dict):
            raise ManifestError(f"{fix.id}: the rendered manifest must be exactly one object")
        document: dict[str, Any] = documents[0]
        if document.get("kind") != "Service" or document.get("apiVersion") != "v1":
            raise ManifestError(f"{fix.id}: the rendered manifest is not a v1 Service")
        try:
            check_service(document)
        except IntakeError as exc:
            raise ManifestError(f"{fix.id}: {exc}") from exc
        # Structure: the user's Service comes back unchanged except where the fix says it changes.
        if _without(document, fix.changes) != _without(service.manifest, fix.changes):
            raise ManifestError(
                f"{fix.id}: the manifest changes more of the Service than the fix allows"
            )
        for path, value in fix.expect:
            wanted = _get(service.manifest, path) if value is None else value
            if _get(document, path) != wanted:
                raise ManifestError(f"{fix.id}: {'.'.join(path)} is not {wanted!r} in the manifest")
        problems = create_problems(document)
        if problems:
            raise ManifestError(f"{fix.id}: kubectl create would refuse it: {problems[0]}")
        error = self._schema_error(document)
        if error is not None:
            where = ".".join(str(part) for part in error.absolute_path) or "(top)"
            raise ManifestError(f"{fix.id}: Kubernetes schema: at {where}: {error.message}")
