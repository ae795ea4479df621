"""Facts that pasted evidence proves: the address a client used, and kube-proxy's mode.

- The IP address in an error or a `curl` line: RFC 1918 and RFC 6598 (100.64.0.0/10) addresses
  are private, other global unicast addresses public; loopback, link-local and the like say
  nothing about the load balancer.
- kube-proxy's mode from `curl localhost:10249/proxyMode` output, a KubeProxyConfiguration
  (`mode: ipvs`), the `--proxy-mode` flag, kube-proxy's start-up log ("Using ipvs Proxier") or
  an `ipvsadm -Ln` listing with a virtual service in it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from knowledge.intake.error_message import first_address, names_a_failure
from knowledge.intake.service import ServiceInfo

__all__ = [
    "ACCESS", "IPVS_SCHEDULERS", "MAX_LINE", "Evidence", "address_kind", "answer_address_kind",
    "read_evidence",
]  # fmt: skip

# The fact an address decides.
ACCESS = "access_type"

_PRIVATE = tuple(
    ipaddress.ip_network(net)
    for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
# The schedulers `ipvsadm -Ln` names after a virtual service ("TCP  192.168.4.200:443 rr").
IPVS_SCHEDULERS = r"(?:rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq)"
_CURL = re.compile(r"\bcurl\b", re.I)
_URL_IP = re.compile(r"\bhttps?://(?P<ip>(?:\d{1,3}\.){3}\d{1,3})\b", re.I)
_PROXY_MODE = (
    # `curl localhost:10249/proxyMode` prints the bare mode on the next line (or the same one).
    re.compile(r"/proxyMode\b[^\n]*\n[ \t]*(?P<mode>ipvs|iptables)[ \t]*$", re.I | re.M),
    re.compile(r"--proxy-mode[= ]\"?(?P<mode>ipvs|iptables)\b", re.I),
    re.compile(r"\bUsing (?P<mode>ipvs|iptables) Proxier", re.I),
    # `ipvsadm -Ln` listing a virtual service ("TCP  192.168.4.200:443 rr"): kube-proxy's IPVS
    # tables, which its iptables mode leaves empty.
    re.compile(
        r"\b(?P<mode>ipvs)adm[ \t]+-L[^\n]*\n(?:[^\n]*\n){0,3}?[ \t]*(?:TCP|UDP|SCTP)[ \t]+"
        rf"\S+:\d+[ \t]+{IPVS_SCHEDULERS}\b",
        re.I,
    ),
)
# A bare `mode:` line: counts only inside kube-proxy's own configuration. Blanks within the
# line only: `\s*` would run over every following blank line from each line start (a message
# of blank lines took minutes).
_MODE_LINE = re.compile(
    r"^[ \t]*mode:[ \t]*[\"']?(?P<mode>ipvs|iptables)[\"']?[ \t]*$", re.M | re.I
)
_KUBE_PROXY_CONFIG = re.compile(r"kind:\s*KubeProxyConfiguration|kube-proxy", re.I)
# Evidence stands on lines of tool output; a longer line is prose or a dump, not read.
MAX_LINE = 4000


def address_kind(ip: str) -> str | None:
    """`private`, `public`, or None for addresses that are neither (loopback, link-local…)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if not isinstance(address, ipaddress.IPv4Address):
        return "public" if address.is_global else None
    if any(address in net for net in _PRIVATE):
        return "private"
    return "public" if address.is_global else None


# An address as people type it in an answer, its hidden octets as x: "119.8.x.x", "10.x".
_TYPED_ADDRESS = re.compile(r"(?<![\w.])(\d{1,3}(?:\.(?:\d{1,3}|x{1,3})){1,3})(?![\w.])", re.I)
# What comes before a version, not an address ("v1.28.x", "CCE 1.25.x", "versão 1.2.3").
_VERSION = re.compile(r"(?:\bv|version|versao|versão|release|cce|k8s|kubernetes)\W{0,2}$", re.I)


# NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S): a LoadBalancer Service's row, with one external
# address (a list, "192.168.0.150,121.37.8.99", names both kinds: the words say which is used).
_SVC_ROW = re.compile(
    r"\bLoadBalancer\s+(?:(?:\d{1,3}\.){3}\d{1,3}|<?none>?)\s+"
    r"(?P<external>(?:\d{1,3}\.){3}\d{1,3})(?![\w.,])",
    re.I,
)


def answer_address_kind(text: str) -> str | None:
    """`private` or `public` when every address typed in an answer is of that kind ("public,
    119.8.x.x"); None when there is none, or they differ. An address is four parts, or a
    network's typed prefix ("10.x", "192.168"); a version ("v1.28.x", "CCE 1.25.x") is not
    one. Hidden octets must not matter: "172.x.x.x" may be private or public, so it says
    nothing."""
    rows = {address_kind(row.group("external")) for row in _SVC_ROW.finditer(text)}
    if rows:
        # A `kubectl get svc` row: its EXTERNAL-IP is the load balancer's, its CLUSTER-IP is not.
        return rows.pop() if len(rows) == 1 else None
    kinds = set()
    for match in _TYPED_ADDRESS.finditer(text):
        parts = match.group(1).lower().split(".")
        prefix = parts == ["10", "x"] or parts[:2] == ["192", "168"]
        if (len(parts) != 4 and not prefix) or _VERSION.search(text[: match.start()]):
            continue
        found = {
            address_kind(".".join((part if part.isdigit() else fill) for part in parts))
            if len(parts) == 4
            else address_kind(".".join([*parts[:2], fill, fill]).replace("x", fill))
            # Values that reach into every private network a hidden octet could hide.
            for fill in ("0", "16", "64", "168", "255")
        }
        if len(found) == 1 and None not in found:
            kinds |= found
    return kinds.pop() if len(kinds) == 1 else None


@dataclass(frozen=True)
class Evidence:
    """Facts read from an error line or a paste, and the address the client used."""

    facts: dict[str, str]
    # The address the client used, when the evidence names one.
    address: str | None = None


def _address(text: str) -> str | None:
    """The address in the first error line or `curl` command: an address elsewhere (a pod's
    IP in a sentence) is not the one the client failed to reach."""
    for line in text.splitlines():
        if names_a_failure(line):
            found = first_address(line)
            if found is not None:
                return found[0]
        address = _curl_address(line)
        if address is not None:
            return address
    return None


def _curl_address(line: str) -> str | None:
    """The first URL's address after the line's first `curl`. (One regex `curl.*?https://…`
    would scan the rest of the line again from every `curl` in it.)"""
    curl = _CURL.search(line)
    url = _URL_IP.search(line, curl.end()) if curl is not None else None
    return url.group("ip") if url is not None else None


def read_evidence(text: str, service: ServiceInfo | None = None) -> Evidence:
    """What an error line, a `curl` command or kube-proxy output proves.

    The address tells public from private only if it is the load balancer's: with a Service
    whose addresses are known, another address (a node's, the ClusterIP) says nothing."""
    facts: dict[str, str] = {}
    text = "\n".join(line for line in text.splitlines() if len(line) <= MAX_LINE)
    address = _address(text)
    kind = address_kind(address) if address else None
    foreign = (
        service is not None and bool(service.ingress_ips) and address not in service.ingress_ips
    )
    if kind is not None and not foreign:
        facts[ACCESS] = kind
    for pattern in _PROXY_MODE:
        match = pattern.search(text)
        if match:
            facts["proxy_mode"] = match.group("mode").lower()
            break
    else:
        match = _MODE_LINE.search(text)
        if match and _KUBE_PROXY_CONFIG.search(text):
            facts["proxy_mode"] = match.group("mode").lower()
    # The address is named only where it decided the fact.
    return Evidence(facts, address if ACCESS in facts else None)
