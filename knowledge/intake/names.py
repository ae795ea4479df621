"""Kubernetes naming rules for the values a pasted Service brings into a fix manifest."""

from __future__ import annotations

import re
from typing import Any

from knowledge.errors import IntakeError

__all__ = ["check_service", "is_dns_label"]

_DNS_1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_DNS_1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_PROTOCOLS = ("TCP", "UDP", "SCTP")


# Each rule's words in Portuguese, for users who speak it (the English text is the key).
_RULES_PT = {
    "is not a string": "não é um texto",
    "has a prefix that is not a DNS subdomain": "tem um prefixo que não é um subdomínio DNS",
    "is not a valid Kubernetes key (letters, digits, '-', '_', '.', at most 63)": (
        "não é uma chave válida do Kubernetes (letras, dígitos, '-', '_', '.', no máximo 63)"
    ),
    "is not a map": "não é um mapa",
    "is not a valid label value (at most 63 letters, digits, '-', '_', '.')": (
        "não é um valor de rótulo válido (no máximo 63 letras, dígitos, '-', '_', '.')"
    ),
    "is not a valid Service name (lower-case letters, digits and '-', starting with a letter, at most 63)": (
        "não é um nome de Serviço válido (letras minúsculas, dígitos e '-', começando com letra, "
        "no máximo 63)"
    ),
    "is not a valid namespace (lower-case letters, digits and '-', at most 63)": (
        "não é um namespace válido (letras minúsculas, dígitos e '-', no máximo 63)"
    ),
    "is not a string (quote it)": "não é um texto (coloque entre aspas)",
    "is not a list": "não é uma lista",
    "is not a port number (1-65535)": "não é um número de porta (1-65535)",
    "is not a valid port name": "não é um nome de porta válido",
    "is neither a port number nor a port name": "não é nem número nem nome de porta",
}


def _bad(where: str, value: Any, rule: str) -> IntakeError:
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    rule_pt = _RULES_PT.get(rule) or rule.replace("is not one of", "não é um de")
    return IntakeError(f"{where} is {shown}, which {rule}", f"{where} é {shown}, que {rule_pt}")


def is_dns_label(value: object, *, rfc1035: bool = False) -> bool:
    pattern = _DNS_1035_LABEL if rfc1035 else _DNS_1123_LABEL
    return isinstance(value, str) and len(value) <= 63 and bool(pattern.fullmatch(value))


def _check_qualified_key(where: str, key: object) -> None:
    if not isinstance(key, str):
        raise _bad(where, key, "is not a string")
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _DNS_1123_SUBDOMAIN.fullmatch(prefix)):
        raise _bad(where, key, "has a prefix that is not a DNS subdomain")
    if not name or len(name) > 63 or not _QUALIFIED_NAME.fullmatch(name):
        raise _bad(
            where, key, "is not a valid Kubernetes key (letters, digits, '-', '_', '.', at most 63)"
        )


def _check_labels(where: str, labels: object) -> None:
    if not isinstance(labels, dict):
        raise _bad(where, labels, "is not a map")
    for key, value in labels.items():
        _check_qualified_key(f"{where} key", key)
        if not isinstance(value, str) or len(value) > 63 or not _LABEL_VALUE.fullmatch(value):
            raise _bad(
                f"{where}[{key}]",
                value,
                "is not a valid label value (at most 63 letters, digits, '-', '_', '.')",
            )


def check_service(manifest: dict[str, Any]) -> None:
    """Raise IntakeError naming the first field that breaks Kubernetes' rules."""
    metadata = manifest["metadata"]
    if not is_dns_label(metadata.get("name"), rfc1035=True):
        raise _bad(
            "metadata.name",
            metadata.get("name"),
            "is not a valid Service name (lower-case letters, digits and '-', starting with a letter, at most 63)",
        )
    if not is_dns_label(metadata.get("namespace")):
        raise _bad(
            "metadata.namespace",
            metadata.get("namespace"),
            "is not a valid namespace (lower-case letters, digits and '-', at most 63)",
        )
    if "labels" in metadata:
        _check_labels("metadata.labels", metadata["labels"])
    annotations = metadata.get("annotations", {})
    if not isinstance(annotations, dict):
        raise _bad("metadata.annotations", annotations, "is not a map")
    for key, value in annotations.items():
        _check_qualified_key("metadata.annotations key", key)
        if not isinstance(value, str):
            raise _bad(f"metadata.annotations[{key}]", value, "is not a string (quote it)")
    spec = manifest["spec"]
    if spec.get("selector") is not None:
        _check_labels("spec.selector", spec["selector"])
    ports = spec.get("ports", [])
    if not isinstance(ports, list):
        raise _bad("spec.ports", ports, "is not a list")
    for index, port in enumerate(ports):
        where = f"spec.ports[{index}]"
        if not isinstance(port, dict):
            raise _bad(where, port, "is not a map")
        number = port.get("port")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 65535:
            raise _bad(f"{where}.port", number, "is not a port number (1-65535)")
        if "name" in port and not is_dns_label(port["name"]):
            raise _bad(f"{where}.name", port["name"], "is not a valid port name")
        if port.get("protocol", "TCP") not in _PROTOCOLS:
            raise _bad(
                f"{where}.protocol", port.get("protocol"), f"is not one of {', '.join(_PROTOCOLS)}"
            )
        target = port.get("targetPort", number)
        if isinstance(target, bool) or not (
            (isinstance(target, int) and 1 <= target <= 65535)
            or (isinstance(target, str) and is_dns_label(target) and len(target) <= 15)
        ):
            raise _bad(f"{where}.targetPort", target, "is neither a port number nor a port name")
