"""What users do in a diagnosis conversation, shared by the bot and load benchmarks: an opening
in their own words (an error line, a pasted Service), then every question answered in words.

`expected` holds, written by hand, the facts each conversation must end with: the value each
typed answer means and what the opening shows (the pasted Service's type, policy and private
load-balancer address 192.168.10.36)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SERVICE = (ROOT / "tests" / "data" / "svc-dedicated-local.yaml").read_text()


class Scenario(NamedTuple):
    lang: str
    opening: str
    # The words typed for each question the bot may ask.
    words: dict[str, str]
    expected: dict[str, str]


SCENARIOS = [
    Scenario(
        "en",
        "my curl to the ELB IP fails from inside the cluster, here is the service:\n" + SERVICE,
        {"client_location": "from a pod on the same node as nginx",
         "network_model": "it's a VPC network cluster", "proxy_mode": "kube-proxy runs ipvs"},
        {"service_type": "loadbalancer-dedicated", "external_traffic_policy": "Local",
         "access_type": "private", "client_location": "container-same-node",
         "network_model": "vpc", "proxy_mode": "ipvs"},
    ),
    Scenario(
        "pt",
        "o nodeport não responde de outro nó, dá curl: (7) Failed to connect to 10.0.0.8 port "
        "31900: Connection refused",
        {"service_type": "é um serviço nodeport", "external_traffic_policy": "afinidade local",
         "client_location": "do próprio nó onde o pod roda", "nodeport_target": "o IP de outro nó",
         "network_model": "rede de túnel", "proxy_mode": "modo ipvs", "access_type": "privado"},
        {"service_type": "nodeport", "external_traffic_policy": "Local",
         "client_location": "same-node", "nodeport_target": "other-node",
         "network_model": "tunnel", "proxy_mode": "ipvs"},
    ),
    Scenario(
        "pt",
        "meu pod não alcança o ELB dedicado do serviço, segue:\n" + SERVICE,
        {"client_location": "um pod em outro nó", "network_model": "rede da vpc",
         "proxy_mode": "usamos iptables"},
        {"service_type": "loadbalancer-dedicated", "external_traffic_policy": "Local",
         "access_type": "private", "client_location": "container-other-node",
         "network_model": "vpc", "proxy_mode": "iptables"},
    ),
    Scenario(
        "en",
        "the shared elb of our service refuses connections from the nodes",
        {"service_type": "a LoadBalancer on a shared ELB", "external_traffic_policy": "Local",
         "access_type": "it has an EIP", "client_location": "from another node",
         "network_model": "tunnel network", "proxy_mode": "iptables mode"},
        {"service_type": "loadbalancer-shared", "external_traffic_policy": "Local",
         "access_type": "public", "client_location": "other-node", "network_model": "tunnel",
         "proxy_mode": "iptables"},
    ),
]  # fmt: skip
