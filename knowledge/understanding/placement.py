"""Whether a reply names the pod's node and another one, or the same node twice.

"I use node-2's IP, the pod is on node-1", "curl 10.0.1.15:30800, pod on 10.0.1.22", "ssh
into cce-node-01; -o wide shows the pod on cce-node-01 too": people answer "where, relative to
the pod's node" with names and addresses, which n-grams cannot compare. Two different nodes
named mean "another node"; one node named twice means "the same node". Options say which
they are with `pod_node` in the playbook.
"""

from __future__ import annotations

import re

from knowledge.intake.keywords import fold

__all__ = ["placement"]

# node-2, node 2, nó 2, worker-4, host3, vm-1, ecs-02, cce-node-01, node-a (a letter only
# joined by - or _), and, where `addresses` is set, IPv4 addresses (a NodePort is reached on a
# node's address; elsewhere an address may be the load balancer's).
_NAMED = re.compile(
    r"\b(?:[a-z0-9]+-)*(?:nodes?|no|nodo|noeud|worker|host|vm|ecs|servidor|server|maquina|machine)"
    r"(?:[ _-]?0*(?P<number>\d{1,3})\b|[_-](?P<letter>[a-z])\b)"
)
_ADDRESS = re.compile(r"\b(?P<address>\d{1,3}(?:\.\d{1,3}){3})\b")


def placement(text: str, addresses: bool = False) -> str | None:
    """`other` when two different nodes are named, `same` when one is named twice, else None."""
    folded = fold(text)
    named = [m.group("number") or m.group("letter") for m in _NAMED.finditer(folded)]
    if addresses:
        named += [m.group("address") for m in _ADDRESS.finditer(folded)]
    if len(set(named)) >= 2:
        return "other"
    if len(named) >= 2:
        return "same"
    return None
