"""How a typed answer is cut and read: clauses, denials, corrections, and what is never guessed."""

from __future__ import annotations

import pytest

from knowledge.errors import PlaybookError
from knowledge.playbook import Playbook, parse_playbook
from knowledge.understanding import AnswerReader
from knowledge.understanding.clauses import clauses, english, hedged, subject
from knowledge.understanding.placement import placement, shell_client, unsaid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("não é túnel, é VPC", [("nao e tunel", True, False), ("e vpc", False, False)]),
        (
            "achei que era ipvs mas é iptables",
            [("achei que era ipvs", False, False), ("e iptables", False, True)],
        ),
        ("no, I meant a pod", [("no", True, False), ("a pod", False, True)]),
        # Portuguese "no" is "in the": not a denial.
        ("no nó do pod", [("no no do pod", False, False)]),
        ("cloud native 2.0", [("cloud native 2.0", False, False)]),
        ("vpc or tunnel", [("vpc", False, False), ("tunnel", False, False)]),
        ("🙂🙂", []),
    ],
)
def test_a_message_is_cut_into_clauses(text: str, expected: list[tuple[str, bool, bool]]) -> None:
    assert [(c.text, c.negated, c.corrects) for c in clauses(text)] == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("a pod on the same node", "container"),
        ("the node where the pod runs", "node"),
        ("de um contêiner no outro nó", "container"),
        ("do outro no onde o pod roda", "node"),
        ("from my laptop", None),
        # A node word that names an app ("the worker deployment") names its pods.
        ("our worker deployment calls it", "container"),
    ],
)
def test_the_client_named_first_decides_container_or_node(text: str, kind: str | None) -> None:
    from knowledge.intake.keywords import fold

    assert subject(fold(text)) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("same node as the pod", None),
        ("o mesmo nó do pod", None),
        ("the same host, via ssh", "node"),
    ],
)
def test_the_same_node_is_a_place_not_the_client(text: str, kind: str | None) -> None:
    from knowledge.intake.keywords import fold

    assert subject(fold(text), places=False) == kind


@pytest.mark.parametrize(
    "text",
    [
        "ipvs, not sure",
        "acho que é túnel, sei lá",
        "both",
        "one of the nodes, haven't checked whether it's the pod's",
        "de um dos nós, não conferi se é o mesmo do pod",
        "dos dois: do nó e de dentro de um pod",
        "one of the nodes, haven't yet checked if it's the pod's",
        # Both tried, each said in its own words.
        "tanto from the node quanto from a pod, mesmo erro",
        "one curl was in a container, the other on the host, both on the same node",
        # A value asked back once given, and doubt that comes later.
        "Local. or was it Cluster? I changed it twice yesterday",
        "ELB dedicado, ou compartilhado? putz, agora fiquei na dúvida",
        "on the pod's node... hmm, actually I'm no longer sure, let me check",
        # Said, but maybe no longer so, or not confirmed.
        "probably the pod's node, but the pod restarts a lot so who knows",
        "pretty sure it's the pod's node? like 80%, the pod may have moved since",
        "acho que é o do pod, mas não confirmei",
        "privado, eu acho, mas não tenho como verificar daqui",
        "I'd say Cluster but I can't check the console today",
        # Clients in more than one place.
        "Uns pods no node-1 e outros no node-3, todos falhando.",
        "umas chamadas vêm de pods, outras do meu notebook",
    ],
)
def test_hedges_are_seen(text: str) -> None:
    assert hedged(text)


@pytest.mark.parametrize(
    "text",
    [
        "a pod on the same node, both were on 10.12.3.8, could have moved but probably not",
        "the one that fails is on the pod's node. The others I haven't checked yet.",
        "public, but I can't curl it from the node",
    ],
)
def test_doubt_about_something_else_is_no_hedge(text: str) -> None:
    assert not hedged(text)


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        # Corrections, denials and refinements.
        ("não é túnel, é VPC", "network_model", "vpc"),
        ("tunnel? no wait, it's the Turbo one", "network_model", "cloud-native-2"),
        ("not the pod's node, another node", "client_location", "other-node"),
        ("some node that ain't the pod's", "nodeport_target", "other-node"),
        # A program of the host's own is the node; a container entered is the client.
        ("It's an entry in root's crontab on 192.168.0.88, and kubectl shows the pod scheduled"
         " on 192.168.0.88 as well.", "client_location", "same-node"),
        ("ssh'd into the pod's node, then docker exec'd into another app container running"
         " there and curled from inside it.", "client_location", "container-same-node"),
        # A bare "não" takes back what came before; it denies nothing after it.
        ("iptables... não, tem a interface kube-ipvs0, então IPVS.", "proxy_mode", "ipvs"),
        ("não tem a interface kube-ipvs0", "proxy_mode", "iptables"),
        # The app's own users are outside the cluster.
        ("end users on their phones lol", "client_location", "outside-cluster"),
        ("os usuários do app no celular, pô", "client_location", "outside-cluster"),
        # Doubt about whether the answer helps is no doubt about the answer.
        ("Not sure this is what you're after, but it's a pod on a different node from the"
         " backend.", "client_location", "container-other-node"),
        ("Não sei bem o que vc precisa, mas o Service é LoadBalancer com"
         " kubernetes.io/elb.class: union.", "service_type", "loadbalancer-shared"),
        ("Not sure it matters, but it's 10.0.1.50, VPC subnet, no EIP.", "access_type", "private"),
        # "Not just any node", and "any node but the pod's".
        ("não é um nó qualquer, é justamente o que roda o pod", "nodeport_target", "pod-node"),
        ("qualquer nó menos o do pod", "nodeport_target", "other-node"),
        # A container's emoji is a container; one after a "no" gesture is the Service's pod.
        ("📦 do ladinho do 🎯, mesmo nó", "client_location", "container-same-node"),
        ("🐳 on another node ➡️ backend pod ❌", "client_location", "container-other-node"),
        ("a node WITHOUT the pod 🙅‍♂️📦 — ssh'd in and curl gets refused 😤", "client_location",
         "other-node"),
        # A correction that only names the place keeps the kind said before it.
        ("a pod on another node... hmm, actually kubectl shows both on np-7, so same node.",
         "client_location", "container-same-node"),
        ("pod em outro nó... na real o kubectl mostra os dois no np-7, então mesmo nó.",
         "client_location", "container-same-node"),
        # The pod said never to land on the client's node, or none of its pods to be there.
        ("O Jenkins roda instalado direto no nó ci-01 (sem container); os pods da app ficam no"
         " pool apps, nenhum no ci-01.", "client_location", "other-node"),
        ("o runner roda direto no SO de um worker, sem container; o pod da app tem nodeSelector"
         " pra outro pool, então nunca cai no worker do runner", "client_location", "other-node"),
        # A script in a host's folder is the client, not the Service's pods named after it.
        ("bom, o cenário: tem um script python de fechamento que roda toda noite em"
         " /opt/fechamento numa das VMs do cluster (sim, devia ser CronJob, tá no backlog kkk)."
         " ele manda o resultado pro serviço de ingestão pelo endereço do ELB. os pods da"
         " ingestão têm afinidade pro node pool 'ingest' e essa VM é do pool default, então"
         " nunca caem na mesma máquina.", "client_location", "other-node"),
        ("nginx ingress addon on a dedicated elb", "service_type", "nginx-ingress-dedicated"),
        # One thing described in two clauses: the add-on, and the ELB it sits on.
        ("o ingress nginx do addon, num ELB dedicado", "service_type", "nginx-ingress-dedicated"),
        # Nodes and addresses in the words settle the option.
        ("I hit node-2's address, the pod lives on node-1", "nodeport_target", "other-node"),
        ("o IP do node-3, e o pod roda no node-3 mesmo", "nodeport_target", "pod-node"),
        (
            "a job in a pod. it gets scheduled on node-4, the backend on node-2",
            "client_location",
            "container-other-node",
        ),
        (
            "the cron script runs on worker-2's host; pod is on worker-5",
            "client_location",
            "other-node",
        ),
        ("public, it's 119.8.x.x", "access_type", "public"),
        ("só o 192.168.x.x da VPC", "access_type", "private"),
        ("no mesmo nó do pod, direto no host", "client_location", "same-node"),
        # Denials, choices and pasted fields.
        # Options named after a denial are ruled out, whatever the model makes of the rest.
        ("no ELB and no node port, a plain internal service with a cluster ip", "service_type",
         "clusterip"),
        # Options listed as a choice give way to the one stated plainly.
        ("na criação dava pra escolher ipvs ou iptables, e a gente manteve iptables por "
         "causa do tutorial", "proxy_mode", "iptables"),
        # A closing question that names no option is not a question back.
        ("Cluster, we never changed it. Is that what you needed?", "external_traffic_policy",
         "Cluster"),
        # Of two clauses after a correction, the one that refines the other.
        ("shared ELB... no, wait: the nginx ingress add-on, sitting on a dedicated ELB",
         "service_type", "nginx-ingress-dedicated"),
        # Evidence comes from what the user stands by.
        # Evidence only from what stands: a denied address or node proves nothing.
        ("not 119.8.1.1, I use the private one", "access_type", "private"),
        ("o IP privado, não o 119.8.1.1", "access_type", "private"),
        ("I don't use node-2, I use node-1 where the pod is", "nodeport_target", "pod-node"),
        # After a correction, only what it says.
        ("it used to be type: NodePort, now it's a ClusterIP", "service_type", "clusterip"),
        # "no" before a named node is Portuguese "on" in a mixed reply.
        ("ssh no worker-3 e curl dali, the pod is on worker-1 though", "client_location",
         "other-node"),
        # Corrections, the client named as such, annotations.
        # The last correction's first value is meant; what follows it gives reasons.
        ("ipvs - no sorry, iptables, the ipvs one is our test cluster", "proxy_mode", "iptables"),
        ("vpc... let me look... no it's tunnel", "network_model", "tunnel"),
        # A client pod and the server on two named nodes: a container on another node.
        ("the client pod lives on worker-7 while the server sits on worker-2", "client_location",
         "container-other-node"),
        ("um pood no mesmo node do backend", "client_location", "container-same-node"),
        # The ELB class annotation names the option inside a long story.
        (
            "long story: the team moved everything last month, the gateway keeps timing out and "
            "the svc is LoadBalancer with kubernetes.io/elb.class: performance, nothing else",
            "service_type",
            "loadbalancer-dedicated",
        ),
        # What stands after a correction.
        # What stands after a correction, read with the kind of client it names.
        ("from the host of node-5... no wait, I meant a pod on a different node", "client_location",
         "container-other-node"),
        ("do próprio nó... não, errei, de um container no mesmo nó", "client_location",
         "container-same-node"),
        # "both" placing two things together is not a choice left open.
        ("the caller and the api pods both run on 10.20.0.9", "client_location",
         "container-same-node"),
        # Closing markers and corrections with an address.
        # A marker that closes the message corrects the clause before it.
        ("ipvs? I looked at the node just now, iptables actually", "proxy_mode", "iptables"),
        # A correction that an address typed after it agrees with.
        ("public - no sorry, we call its private address 10.3.0.4", "access_type", "private"),
        # A denied kind of client, "checked" corrections, table headers.
        # What runs the client, denied: the other kind, where the node is already told.
        ("a script on a different worker, it isn't containerized", "client_location",
         "other-node"),
        ("de outro nó, não é contêiner nenhum", "client_location", "other-node"),
        # "checked" followed by what was checked corrects a first guess; a double dash splits.
        ("ipvs probably. checked the configmap: iptables", "proxy_mode", "iptables"),
        ("Local -- no, checked, Cluster", "external_traffic_policy", "Cluster"),
        # …but one more thing done is no correction.
        ("it's a shared ELB; I restarted the pods and checked the logs too", "service_type",
         "loadbalancer-shared"),
        # kubectl's column headers name nothing (CLUSTER-IP is not a ClusterIP Service).
        ("NAME  TYPE  CLUSTER-IP  EXTERNAL-IP  PORT(S)\napi  NodePort  10.247.1.9  <none>  80:31080/TCP",
         "service_type", "nodeport"),
        # The other of two options, a change back, Kubernetes Jobs.
        # Of two options, denying one is the other, in either language, doubled "não" too.
        ("it's not IPVS", "proxy_mode", "iptables"),
        ("não tá Cluster não", "external_traffic_policy", "Local"),
        ("there is no EIP on it, nothing public at all", "access_type", "private"),
        # ...but denying both, or not knowing, is no answer.
        ("not Local, not Cluster either", "external_traffic_policy", None),
        # A change back told as news corrects.
        ("ipvs... não, voltamos para iptables semana passada", "proxy_mode", "iptables"),
        # A Kubernetes Job runs in a pod; `kubectl get pods` names no client.
        ("a k8s job scheduled on the same node as the backend", "client_location",
         "container-same-node"),
        # Which node, when the words say it.
        ("o IP do worker onde o backend roda", "nodeport_target", "pod-node"),
        ("a container on some other worker", "client_location", "container-other-node"),
        ("from the host that runs the backend pod", "client_location", "same-node"),
        # "sem"/"without" denies what follows: of two options, the other.
        ("sem IP publico", "access_type", "private"),
        ("without any public ip", "access_type", "private"),
        # A parenthesis is a statement of its own: its node stands beside a denied clause's.
        ("the job's pod lands on node-4, not where the api pod lives (that one is pinned to "
         "node-1)", "client_location", "container-other-node"),
        # "no mesmo nó" places the client; the kind comes from the clause that names it.
        ("outro pod em outro nó. errei, é no mesmo nó, os dois no node-2", "client_location",
         "container-same-node"),
        # A value taken back for words the model cannot read is not kept; what the
        # correction says in words ("the other nodes") is.
        ("the pod's node, wait no, the script picks one at random", "nodeport_target", None),
        ("the pod's node, wait no, the script round-robins over the other nodes",
         "nodeport_target", "other-node"),
        # More than one client, a value each: not one answer.
        ("alguns clientes são pods, outros rodam no host", "client_location", None),
        # A command's "-n" flag denies nothing.
        ("kubectl -n kube-system get pods shows cceaddon-nginx-ingress-controller, ELB is "
         "dedicated", "service_type", "nginx-ingress-dedicated"),
        # Pasted `kubectl get pod -o wide` rows: the client pod's node and the backend's.
        ("client-7c9d-abc12   1/1   Running   172.16.2.8    192.168.0.33\n"
         "api-6c8d9-x2l       1/1   Running   172.16.0.34   192.168.0.21", "client_location",
         "container-other-node"),
        # An address given as a node's ("worker é o"), one that ends a sentence.
        ("um script no crontab do worker, fora de contêiner. esse worker é o 10.0.0.23. o pod "
         "do serviço tá no 10.0.0.41.", "client_location", "other-node"),
        # A CronJob is the client even as "the CronJob"; so is what one calls "from inside".
        ("the failing run of the CronJob was on node-4, and the backend only runs on node-1",
         "client_location", "container-other-node"),
        ("do host... wait, não, é de dentro do container do app, que tá no mesmo node do "
         "backend", "client_location", "container-same-node"),
        ("quem falha é o pod do api-gateway. ele tá no node-b. o pod do backend tá no node-c.",
         "client_location", "container-other-node"),
        # "tão no mesmo nó" places; the kind comes from the clause before the correction.
        ("pod em outro nó, não, conferi, tão no mesmo nó", "client_location",
         "container-same-node"),
        # A typed address outweighs a lean of the model that no word names.
        ("o endereço é 94.74.64.2", "access_type", "public"),
        # Not knowing, both tried, Italian: no answer.
        ("I don't know which node the pod is on", "nodeport_target", None),
        ("testamos pelos dois, eip e privado", "access_type", None),
        ("è pubblico, credo", "access_type", None),
        # After a mere "but", the nodes before it still count.
        ("node-2's IP, but the pod lives on node-1", "nodeport_target", "other-node"),
        # In another cluster, or no part of this one: outside (not "another cluster node").
        ("a VM in the same VPC that isn't part of k8s", "client_location", "outside-cluster"),
        ("de um pod de outro cluster CCE nosso, não desse", "client_location", "outside-cluster"),
        ("a script running on another cluster node's OS", "client_location", "other-node"),
        # "tá no" is Portuguese "is on the", not an English "no".
        ("not Local, tá no Cluster padrão", "external_traffic_policy", "Cluster"),
        # A value each, any node, out-of-option modes: no answer.
        ("tem Local e Cluster, depends on which svc", "external_traffic_policy", None),
        ("de um pod no mesmo nó e também de pod em outro nó, tudo falha", "client_location", None),
        ("o ip de um nó qualquer", "nodeport_target", None),
        ("o ip de um node qualquer, não o do pod", "nodeport_target", "other-node"),
        ("nftables", "proxy_mode", None),
        # French is not read.
        ("politique Local, on garde l'IP source", "external_traffic_policy", None),
        # Nor Spanish or German without their listed words: "¿", "red de", compounds.
        ("¿es privada? ni idea", "access_type", None),
        ("la red de túnel", "network_model", None),
        ("Knotenaffinität", "external_traffic_policy", None),
        # A node said not to hold the pod, or the pod gone from it: another node.
        ("the IP of a worker that doesn't run the api pod", "nodeport_target", "other-node"),
        ("o IP de um nó que não tem o pod", "nodeport_target", "other-node"),
        ("the pod's node. no wait, the pod got moved, so another one", "nodeport_target",
         "other-node"),
        # ...but a pod moved *to* the client's node is not another node.
        ("another node... no, the pod was rescheduled to node-4, where I curl from, same node",
         "client_location", "same-node"),
        # Which node said in words, and where it works is not where it fails.
        ("the other node. no wait, a container on the other node", "client_location",
         "container-other-node"),
        # "worker pod"/"pod worker" is a pod; a pod "of" an app named is the client.
        ("from the worker pod, on another node than the api", "client_location",
         "container-other-node"),
        ("de dentro do pod worker que tá em outro nó", "client_location", "container-other-node"),
        ("o pod do grafana, que tá em outro nó, não alcança o ELB", "client_location",
         "container-other-node"),
        # Not a cluster node: outside.
        ("a jump host in the VPC, it isn't a cluster node", "client_location", "outside-cluster"),
        ("uma VM avulsa, não é nó do cluster", "client_location", "outside-cluster"),
        # A pasted row's "pod:" label names no client; ssh says a node.
        ("pod: api-7d9f 1/1 Running 172.16.0.9 192.168.0.5 / rodei no 192.168.0.6, pelo ssh",
         "client_location", "other-node"),
        # Two places at once, or which one not looked at: no answer.
        ("from pods on node-1 and from pods on node-2 too", "client_location", None),
        ("testei nos dois, no do pod e em outro", "nodeport_target", None),
        ("de um pod, não olhei em qual nó", "client_location", None),
        # One address alone compares nothing.
        ("o IP de um worker, 10.0.3.7", "nodeport_target", None),
        # "didn't set X" denies X; a typo of nginx is undone.
        ("we didn't set Local, it's whatever the default is", "external_traffic_policy",
         "Cluster"),
        ("ngnix ingress num elb dedicado", "service_type", "nginx-ingress-dedicated"),
        # A dash ends a clause; the add-on named beside its dedicated ELB is the add-on; what
        # was removed is denied.
        ("not a plain Service – the nginx ingress add-on, its ELB is dedicated", "service_type",
         "nginx-ingress-dedicated"),
        ("cceaddon-nginx-ingress-controller, type: LoadBalancer, elb.class: performance",
         "service_type", "nginx-ingress-dedicated"),
        ("we removed the NodePort, so ClusterIP only", "service_type", "clusterip"),
        # Which node a denial leaves, and the pod's node said in words.
        ("from a worker's shell, not on the backend's node", "client_location", "other-node"),
        ("a cron script on a worker VM, not the one hosting the replica", "client_location",
         "other-node"),
        ("o IP do nó que tem o pod", "nodeport_target", "pod-node"),
        ("one node IP in the config; per -o wide that's where the api pod is running",
         "nodeport_target", "pod-node"),
        ("rodei num nó diferente daquele onde o pod tá", "client_location", "other-node"),
        ("from a worker, a different one from the pod's worker", "client_location", "other-node"),
        ("backend NODE=10.1.0.4; my curl ran in the 10.1.0.5 host shell", "client_location",
         "other-node"),
        ("um agente systemd em cada worker, fora do kubernetes; só falha no nó 3, que é bem "
         "onde tá o pod", "client_location", "same-node"),
        # A shell prompt names its node (CCE names nodes after their address); nodes told
        # apart by order.
        ("[root@node-10-0-0-8 ~]# curl 10.0.0.250 -> refused; the backend pod is on 10.0.0.9",
         "client_location", "other-node"),
        ("[root@cce-worker-03 ~]# curl falha; o pod do app ta no cce-worker-01",
         "client_location", "other-node"),
        ("the IP of the second worker, and the backend pod runs on the first one",
         "nodeport_target", "other-node"),
        # "quando falei X" quotes what is taken back.
        ("me enganei quando falei outro nó: é o próprio nó onde tá o pod", "client_location",
         "same-node"),
        ("primeiro falei que era outro nó, mas é o do pod mesmo", "nodeport_target", "pod-node"),
        ("I first said Local, but it's Cluster", "external_traffic_policy", "Cluster"),
        # A Service's sessionAffinity is no traffic policy; the VPC a cluster sits in is no
        # network model; two Services, a value each.
        ("a afinidade de sessão é ClientIP", "external_traffic_policy", None),
        ("o cluster fica na vpc-core-02", "network_model", None),
        ("tá numa VPC, a vpc-producao", "network_model", None),
        # Where it works (said first) is not where the client fails.
        ("not from outside, from outside it works", "client_location", None),
        ("não é de fora, de fora funciona normal", "client_location", None),
        ("the loadbalancer works fine from outside", "service_type", None),
        # A node "that doesn't have it", the pod "roda em outro": another node.
        ("the pod's node... no, my bad, the pod got evicted and rescheduled, so now the client is "
         "calling a node that doesn't have it", "nodeport_target", "other-node"),
        ("o balanceador do firewall aponta só pro primeiro nó do pool, e o pod roda em outro",
         "nodeport_target", "other-node"),
        ("a VPC é a vpc-prod-sa", "network_model", None),
        ("Turbo. não, Turbo é o outro cluster. esse aqui é rede da VPC.", "network_model", "vpc"),
        # The Service behind the nginx-ingress add-on is ClusterIP: the client reaches the add-on.
        ("a LoadBalancer svc... actually no, the app itself is ClusterIP, traffic comes in "
         "through the nginx-ingress add-on, and that add-on is on a dedicated ELB.",
         "service_type", "nginx-ingress-dedicated"),
        ("ClusterIP, sem ingress", "service_type", "clusterip"),
        # Typos and short forms of the deciding words; tools 'nada em container'.
        ("pod em outo nó, dif do backend", "client_location", "container-other-node"),
        ("diff node from the pods, runnign on the host", "client_location", "other-node"),
        ("um nó utilitário com ferramentas direto na VM (nada em container, tudo rpm); uma delas "
         "chama a API, cujos pods ficam em outro node pool", "client_location", "other-node"),
        ("it's in our VPC", "network_model", None),
        ("vpc-router", "network_model", "vpc"),
        ("um é Local e outro Cluster", "external_traffic_policy", None),
        # "could be": no answer.
        ("acho que é vpc, mas pode ser túnel", "network_model", None),
        # A colon after a bare "não" ends it; a process on a node placed is a cluster node's.
        ("mesmo nó... não: o pod tá em outro worker, testei pelo shell do host", "client_location",
         "other-node"),
        ("um script no systemd de cada worker; falha nos nós que não têm o pod",
         "client_location", "other-node"),
        # "nenhum", "moved off", "didn't buy" deny; "share" is no typo of "shared".
("o cliente é um deployment. nenhum pod dele está no mesmo nó da API, estão todos em "
         "outros workers", "client_location", "container-other-node"),
        ("we moved off the shared ELBs, this one is on a dedicated ELB", "service_type",
         "loadbalancer-dedicated"),
        ("LoadBalancer; we didn't buy a dedicated ELB, it's the shared one", "service_type",
         "loadbalancer-shared"),
        ("the metrics pod runs in another pool, they never share a node with the api",
         "client_location", "container-other-node"),
        # A relative clause that denies is its own clause.
        ("from a debug pod on a node where the api isn't running", "client_location",
         "container-other-node"),
        # Some of each, both kinds, a new pool and an old one: no answer.
        ("some services are Cluster, some are Local", "external_traffic_policy", None),
        ("falha tanto do pod quanto do nó", "client_location", None),
        ("iptables on the old node pool, ipvs on the new one", "proxy_mode", None),
        # Nodes compared ("NODE do pod:", "ssh root@", a `pod/NAME` listing, a row) and the
        # client a shell on a node: a node that is no outsider.
        ("NODE do pod: 10.1.0.7 / eu: ssh root@10.1.0.8 e curl de lá", "client_location",
         "other-node"),
        ("pod/api-6c9b 1/1 Running 10.0.0.45 node 192.168.0.21 -- and my curl was run over ssh "
         "on 192.168.0.21", "client_location", "same-node"),
        ("web-5f7b-2kq   1/1   Running   0   5h   172.16.1.9   192.168.0.11\n"
         "I'm root on 192.168.0.12, curl from there", "client_location", "other-node"),
        # "nobody uses", "ninguém configurou" deny; Portuguese "X nada" denies X.
        ("the public one nobody uses, our pods go to the private address", "access_type",
         "private"),
        ("EIP ninguém configurou, só tem o IP interno da VPC", "access_type", "private"),
        ("no mesmo host nada, é um pod num outro worker", "client_location",
         "container-other-node"),
        # "retificando", "erro meu" correct; "se não me engano" leans, it denies nothing.
        ("ipvs. retificando: iptables", "proxy_mode", "iptables"),
        ("tunnel, erro meu, é vpc", "network_model", "vpc"),
        ("se não me engano é o IP do nó onde o pod roda", "nodeport_target", "pod-node"),
        ("if I'm not mistaken it's Local", "external_traffic_policy", "Local"),
        # A pod a listing names is a pod, whatever its name says ("worker-…"); a row's NODE
        # column is a place.
        ("batch-worker-5d  1/1 Running  10.1.2.3  node-7   api-0  1/1 Running  10.1.0.4  node-7\n"
         "batch-worker-5d is the one calling", "client_location", "container-same-node"),
        # A spec pasted bare names no ELB; every node is no one place.
        ("spec:\n  type: LoadBalancer", "service_type", None),
        ("a log agent that runs on all the nodes", "client_location", None),
        ("pods on all nodes call it, some next to the backend and some elsewhere",
         "client_location", None),
        # What "or" adds to a denial is denied; of three options, the one no clause names.
        ("only a cluster IP, no EIP or nodeport", "service_type", "clusterip"),
        ("não é overlay e também não é CCE Turbo", "network_model", "vpc"),
        # Another project's is not this one's; a Spanish "es" is a third language.
        ("IPVS... no, IPVS is the other project, here it's iptables", "proxy_mode", "iptables"),
        ("es pública", "access_type", None),
        # A node kube-ipvs0 is missing from is not in IPVS mode (domain notes).
        ('ip addr show kube-ipvs0\nDevice "kube-ipvs0" does not exist.', "proxy_mode",
         "iptables"),
        # A root prompt (Red Hat's, Debian's) is a shell on that node; a label selector names
        # no app; a Job "k8s" and an initContainer are containers.
        ("$ kubectl get pod -l app=shop -o wide\nshop-7d9-x2  1/1  Running  0  2d  172.16.2.4  "
         "192.168.3.8\nroot@192.168.3.8:~# curl -v http://192.168.3.200", "client_location",
         "same-node"),
        ("um job k8s que cai sempre num nó diferente do backend", "client_location",
         "container-other-node"),
        ("the initContainer of our seed pod, which lands on the api's own node",
         "client_location", "container-same-node"),
        ("no pods involved: a worker that has no replica of the api, curl over ssh",
         "client_location", "other-node"),
        # On-premises and personal machines are outside; where it works is no client.
        ("an ERP in our on-prem datacenter, over Direct Connect", "client_location",
         "outside-cluster"),
        ("from my laptop at home", "client_location", "outside-cluster"),
        # A pod of a pasted listing, named by its app, that calls or fails is the client.
        ("billing-7f9c-2xk  1/1  Running  172.16.4.2  192.168.1.9\n"
         "mailer-5d4-9zz   1/1  Running  172.16.4.8  192.168.1.9\nmailer calls billing's ELB",
         "client_location", "container-same-node"),
        ("api-0  1/1  Running  10.0.1.2  node-1 | cron-sync-2840-abc  0/1  Error  10.0.2.3  "
         "node-2 | o cron-sync que falha", "client_location", "container-other-node"),
        # A closing "either" and "not from any node" deny; they hedge nothing.
        ("not iptables, not IPVS either... wait, no: iptables", "proxy_mode", "iptables"),
        ("not from any node of ours, from a partner's servers", "client_location",
         "outside-cluster"),
        # The load balancer CCE creates: elb.autocreate's type (domain notes, cce_10_0385).
        ("kubernetes.io/elb.autocreate: '{\"type\": \"inner\", \"name\": \"pay-lb\"}'",
         "access_type", "private"),
        ("elb.autocreate: '{\"type\":\"public\",\"bandwidth_size\":5,\"eip_type\":\"5_bgp\"}'",
         "access_type", "public"),
        # A `kubectl get svc` row's EXTERNAL-IP is the load balancer's; a line break ends a
        # statement; "onde tá o pod" names the pod's node.
        ("NAME  TYPE  CLUSTER-IP  EXTERNAL-IP  PORT(S)\nweb  LoadBalancer  10.247.0.8  "
         "94.74.80.3  80:31000/TCP", "access_type", "public"),
        ("shop  LoadBalancer  10.247.7.1  192.168.40.9  80:30111/TCP\nnothing else on it",
         "access_type", "private"),
        ("é um pod, só que não no worker onde roda o pod do backend", "client_location",
         "container-other-node"),
        # "onde não tem nenhum pod" places it elsewhere; "not from inside the cluster" is
        # outside; "local" typed with a slip is Local.
        ("um script no host de um nó onde não tem nenhuma réplica", "client_location",
         "other-node"),
        ("it's not from inside the cluster at all", "client_location", "outside-cluster"),
        ("lcoal", "external_traffic_policy", "Local"),
        # Nodes told apart by a capital letter, or by order with the noun said once.
        ("a debug pod on worker C, while the api runs on worker A", "client_location",
         "container-other-node"),
        ("curl from the shell of the second node; the backend is on the fourth.",
         "client_location", "other-node"),
        # "nada no…" denies; "a separate worker" is another node; a colon before a sentence
        # ends a clause.
        ("nada no worker do backend: o cliente é um contêiner num nó separado",
         "client_location", "container-other-node"),
        ("nothing on the api's node: it's a pod on a separate worker", "client_location",
         "container-other-node"),
        # The Service's pod as a place, whatever app names it; node names with a zone or pool
        # part, or the last number of an address; a colon before "same node" ends a clause; a
        # pod moved to the client's node; the old datacenter a migration leaves.
        ("ssh to 10.1.2.3 and curl from there; 10.1.2.3 is exactly where the web pod landed",
         "client_location", "same-node"),
        ("a different workload whose pod shares the worker with the service's pod",
         "client_location", "container-same-node"),
        # An arrow or an emoji ends a clause; a short parenthesis that denies is a clause of
        # its own; two addresses are two nodes whatever name the prompt gives one of them.
        ("another node ➡️ not the one with the pod. host level", "client_location", "other-node"),
        ("outro nó 🙄 nenhum pod do serviço nele", "client_location", "other-node"),
        ("an nginx installed with yum on worker 192.168.6.3 (not a pod); the only backend "
         "replica runs on worker 192.168.6.4", "client_location", "other-node"),
        ("rodei do node 192.168.0.15 (host, sem container):\n[root@cce-np-b-01 ~]# curl "
         "192.168.0.240\nbackend pod tá no 192.168.0.14", "client_location", "other-node"),
        ("a java app installed on the ECS (no docker), that ECS is a cluster node; the service "
         "pods are all on the other two nodes", "client_location", "other-node"),
        ("outro workload, o pod dele divide o worker com o pod do serviço", "client_location",
         "container-same-node"),
        ("the api is on cce-node-az2-07 and the curl fails from the host cce-node-az1-03",
         "client_location", "other-node"),
        ("o pod do job no node cce-pool-c-2 falha; o backend fica no cce-pool-a-7",
         "client_location", "container-other-node"),
        ("the caller is a pod on node .52, the backend's pod on node .31", "client_location",
         "container-other-node"),
        ("it's a container, not on a different node: same node as the api pod",
         "client_location", "container-same-node"),
        ("de outro nó, pera: o pod foi reagendado pro mesmo nó onde eu testo, direto no host",
         "client_location", "same-node"),
        ("estamos saindo do datacenter antigo; o script roda via systemd no worker 10.0.3.7 e o"
         " pod tá nesse mesmo 10.0.3.7", "client_location", "same-node"),
        # "that node" after a correction is the node the words taken back placed; a pasted
        # row's label line introduces the row; "not dockerized" denies a container.
        ("a pod on another node... no, it's the host of that node, plain ssh",
         "client_location", "other-node"),
        ("pod:\napi-5d8f-x2x9z   1/1   Running   172.16.0.4   192.168.2.10\nlogado no"
         " 192.168.2.11 via ssh", "client_location", "other-node"),
        ("in a pod - no wait, a binary on the ECS, not dockerized, and that ECS doesn't run"
         " the backend pod", "client_location", "other-node"),
        # Cluster told by what it does; the console's "cluster level"; an empty IPVS table.
        ("the source ip gets lost, the console shows cluster level", "external_traffic_policy",
         "Cluster"),
        ("o ip de origem se perde, afinidade em nivel de cluster", "external_traffic_policy",
         "Cluster"),
        ("iptables? no wait, ipvsadm -Ln is empty, so iptables", "proxy_mode", "iptables"),
        ("o ipvsadm -Ln veio vazio", "proxy_mode", "iptables"),
        # The listing itself, with no virtual service under its header.
        ("[root@cce-w-1 ~]# ipvsadm -Ln\nIP Virtual Server version 1.2.1 (size=4096)\nProt "
         "LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight "
         "ActiveConn InActConn\n[root@cce-w-1 ~]#", "proxy_mode", "iptables"),
        # "away from the pod's node"; a node's short name said after its full one; English
        # "no" before a Portuguese relative clause; "X container is the one failing"; an
        # EXTERNAL-IP column listing both kinds leaves the choice to the words.
        ("a pod scheduled away from the api's node", "client_location", "container-other-node"),
        ("[root@cce-stg-worker-3 ~]# curl 192.168.1.9\ncurl: (7) Failed to connect\no pod da"
         " api tá nesse worker-3 também", "client_location", "same-node"),
        ("sidecar do istio, no pod que tá on the same node as the api", "client_location",
         "container-same-node"),
        ("[root@10.0.0.9 ~]# crictl ps\nabc123   busybox   Running   probe\n\nprobe container"
         " is the one failing, both on this node", "client_location", "container-same-node"),
        ("NAME  TYPE  CLUSTER-IP  EXTERNAL-IP  PORT(S)\nweb  LoadBalancer  10.247.1.2"
         "  192.168.0.9,119.8.7.6  80:31000/TCP\nwe call the EIP", "access_type", "public"),

        # The client named a node outweighs the model's lean to a container from words about
        # the Service's pod ("the pod isn't on it"); a closing "either" carries no denial on;
        # "no X involved" denies in any language; Node.js is no node; an address's last number
        # said again is that address; "where the only nginx replica got scheduled".
        ("a systemd unit on a worker; the api's pod is pinned to another pool, it never runs"
         " there", "client_location", "other-node"),
        ("not a pod and not the api's node either - the shell of another worker",
         "client_location", "other-node"),
        ("curl direto no host do node-4, o pod da api tá no node-2, no containers involved",
         "client_location", "other-node"),
        ("o BFF em node.js roda como deployment e o pod dele tá em outro nó que o da api",
         "client_location", "container-other-node"),
        ("the cronjob pod runs on 10.1.0.23 and the api is on .23 as well", "client_location",
         "container-same-node"),
        ("I ssh into 10.2.0.5 (that's where the only api replica got scheduled) and curl from"
         " the shell", "client_location", "same-node"),
        # Node names people give ("cce-n2"); "no container" said of the client outright; a
        # node "with no api pods"; "both got scheduled on" one node; a pod's hostIP is its
        # node; a bare node name after "mesmo nó" names no client.
        ("a debug pod on cce-n2 fails, the api's only pod is on cce-n1", "client_location",
         "container-other-node"),
        ("o agente roda direto nos nós, sem container; o erro só vem do nó 3, os pods do app"
         " estão no nó 1 e no 2", "client_location", "other-node"),
        ("kubectl run tmp landed on a worker with no api pods, curl from inside it is refused",
         "client_location", "container-other-node"),
        ("the checker pod and the api both got scheduled on 10.0.3.3", "client_location",
         "container-same-node"),
        ("o job roda como pod; mas o job e a api estão no mesmo nó, o cce-node-2",
         "client_location", "container-same-node"),
        ("status:\n  hostIP: 10.0.1.7\n  podIP: 172.16.0.4\nwe call 10.0.1.7:30080",
         "nodeport_target", "pod-node"),
        # A client not in `kubectl get nodes`; "não sei se tem relação" doubts something else.
        ("the jump host is not in the node list, it runs the curl", "client_location",
         "outside-cluster"),
        ("a backup agent installed with yum on each VM, it is not containerized; the api pod runs"
         " on one node and the agent on another node is the one refused", "client_location",
         "other-node"),
        ("é um servidor do parceiro fora do nosso cluster; não sei se tem relação, mas mudaram o"
         " firewall ontem", "client_location", "outside-cluster"),
        # "…but same node as the pod" places the container named before.
        ("um contêiner de outro app, mas mesmo nó que o pod", "client_location",
         "container-same-node"),
        # A node's address with a port of the NodePort range is a NodePort.
        ("sem ELB nenhum, a galera acessa direto no_worker:30080", "service_type", "nodeport"),
        # Where it works beside where it fails: the failing one; "goes through" is a route.
        ("com IP de outro nó dá certo, com o IP do nó do pod dá erro", "nodeport_target",
         "pod-node"),
        ("everything goes through the nginx ingress add-on on a dedicated ELB and it fails",
         "service_type", "nginx-ingress-dedicated"),
        # A command's flag ("--restart=Never") denies nothing.
        ("kubectl run dbg --rm -i --restart=Never --image=busybox -- wget -qO- 10.0.0.9; dbg landed"
         " on node-4 and the api pod is on node-2", "client_location", "container-other-node"),
        # After a correction's reasons, what they conclude to is meant; not after a mere "but".
        ("same node... no wait, the pod was moved to worker-2 last night and I'm on worker-5. So"
         " another node, from its shell", "client_location", "other-node"),
        ("público... opa, não, esse EIP tá no NAT. o ELB em si é privado", "access_type",
         "private"),
        ("it's a plain ClusterIP, but an old LB address is hardcoded in the app. So the"
         " app calls that address", "service_type", "clusterip"),
        # A stranger's review of these rules: curl's report of the address it calls is that
        # node; an ELB's backend port is no NodePort; a conclusion that takes a value back; a
        # value beside a missing ipvsadm; a Service's chain jumped to; "como eu vejo" stated.
        ("curl: (7) Failed to connect to 192.168.0.11 port 31080: Connection refused. the backend"
         " pod is on 192.168.0.12", "nodeport_target", "other-node"),
        ("the ELB backend is 192.168.0.12:31080", "service_type", None),
        ("ipvs. no wait, I checked: the kube-proxy config says iptables. so ipvs was wrong",
         "proxy_mode", "iptables"),
        ("it's ipvs, ipvsadm: command not found though", "proxy_mode", "ipvs"),
        ("ipvsadm not found, and kube-ipvs0 doesn't exist either", "proxy_mode", "iptables"),
        ("-A KUBE-SERVICES -d 10.247.0.10/32 -j KUBE-SVC-XGLOHA7QRQ3V22RZ", "proxy_mode",
         "iptables"),
        # Chains per Service told, even in a clause that denies the IPVS tool.
        ("the ipvsadm tool isn't even there on the workers, and iptables -t nat shows hundreds of"
         " KUBE-SEP chains", "proxy_mode", "iptables"),
        ("não tem nem ipvsadm instalado e o iptables-save mostra centenas de regras KUBE-SVC",
         "proxy_mode", "iptables"),
        ("é VPC, como eu vejo no console", "network_model", "vpc"),
        ("ELB dedicado, compartilhando com outro serviço", "service_type", "loadbalancer-dedicated"),
        # An EIP unbound leaves the private address.
        ("o EIP foi desvinculado, só ficou o endereço privado", "access_type", "private"),
        # A missing ipvsadm tells nothing of the mode; a chain per Service is the iptables mode.
        ("# ipvsadm -L -n\nbash: ipvsadm: command not found", "proxy_mode", None),
        ("o ipvsadm não tá instalado nos nós", "proxy_mode", None),
        ("ipvsadm isn't installed, but kube-proxy's log says Using ipvs Proxier", "proxy_mode",
         "ipvs"),
        ("$ iptables-save | grep KUBE-SVC\n-A KUBE-SVC-QMWWTXBG7KFJQKLO -j KUBE-SEP-ABCDEFGH"
         "12345678", "proxy_mode", "iptables"),
        # From development set 30: a client app's replicas are pods, wherever they are placed.
        ("4 checkout replicas; the ones elsewhere are fine, the checkout replica co-located with"
         " the orders pod times out", "client_location", "container-same-node"),
        ("as réplicas do consumidor que ficam em outro nó, longe do backend, dão erro",
         "client_location", "container-other-node"),
        # The pod whose logs show the failure is the client.
        ("$ kubectl describe pod probe-7x | grep Node:\nNode:  10.0.4.4/10.0.4.4\n"
         "$ kubectl describe pod api-0 | grep Node:\nNode:  10.0.4.4/10.0.4.4\n"
         "$ kubectl logs probe-7x | tail -1\ncurl: (7) Failed to connect to 10.0.9.9 port 80",
         "client_location", "container-same-node"),
        # The pod a `kubectl get pod NAME` names as the client is a container.
        ("client: kubectl get pod sync-0 -o wide -> NODE 10.0.0.7\nserver: kubectl get pod api-0"
         " -o wide -> NODE 10.0.0.9", "client_location", "container-other-node"),
        # A node said to have no replica of the backend is another node.
        ("o script roda direto no nó 10.0.0.8, que não tem réplica nenhuma do backend",
         "client_location", "other-node"),
        # "Without touching the app" leaves undone an action, not what follows it.
        ("a gente resolveu sem mexer no deploy: trocamos a afinidade pra nível de nó",
         "external_traffic_policy", "Local"),
        # From development set 31: "direto no node" is Portuguese "on the node" in a mixed reply.
        ("direto no node where the api pod runs, via ssh, no container", "client_location",
         "same-node"),
        # nslookup's resolver is the cluster's DNS, not the address looked up.
        ("$ nslookup web.example.com\nServer:  10.247.3.10\nAddress: 10.247.3.10#53\n\n"
         "Name: web.example.com\nAddress: 119.8.1.9", "access_type", "public"),
        # The node named is "where the pod is running".
        ("ssh'd into 10.3.0.8 (that's where orders-0 is running) and ran curl right there",
         "client_location", "same-node"),
        # A chain per Service or endpoint in `iptables -L`'s target column.
        ("KUBE-SEP-ABCDEFGHIJKLMNOP  all  --  172.16.0.9  0.0.0.0/0", "proxy_mode", "iptables"),
        # A program installed on a node named first: the pod named after it is the Service's.
        ("the calls come from an agent installed as an RPM directly on node-4; our pod runs on"
         " node-9", "client_location", "other-node"),
        # From development set 29: the NodePort's node is the one whose address is called, not
        # where the client sits; a node named twice and said to hold no replica is another one.
        ("we're on worker-b, but the script calls worker-a's IP on port 30080; the pod is on"
         " worker-a", "nodeport_target", "pod-node"),
        ("eu tô no nó do backend, mas o script chama o IP do worker-c na 30080, e o worker-c não"
         " tem nenhuma réplica", "nodeport_target", "other-node"),
        ("from worker-7's shell, and worker-7 has none of the api's pods", "client_location",
         "other-node"),
        # A stranger's review of this session's rules: each reply was read wrong by them.
        ("I'm on worker-a, which is where the pod runs, and I call worker-b's IP on 30080",
         "nodeport_target", "other-node"),
        ("tô no worker-a, que é onde o pod roda, e o script chama o IP do worker-b",
         "nodeport_target", "other-node"),
        ("we don't have a client pod, it's curl on the api pod's node", "client_location",
         "same-node"),
        ("não tem pod cliente, é curl direto no nó do pod da api", "client_location", "same-node"),
        ("I call 10.0.0.5:30080; the api pod got rescheduled last night and is now on 10.0.0.5",
         "nodeport_target", "pod-node"),
        ("direto do node-1, sem nenhum pod no meio; o pod da api tá no node-1", "client_location",
         "same-node"),
        ("I call node-2's IP on 30080, that's where the problem is", "nodeport_target", None),
        ("$ kubectl get pod orders-0 -o wide -> NODE 10.0.0.9\n$ kubectl logs orders-0 --tail=3 ->"
         " only /healthz hits\ncurl from node 10.0.0.7 itself times out", "client_location",
         "other-node"),
        ("kubectl get pods shows orders-0 on node-1 and the curl from node-2's host fails",
         "client_location", "other-node"),
        ("private, without having an EIP", "access_type", "private"),
        ("pod on 10.2.0.7\ncurl -v http://10.2.0.7:30111\n* connect to 10.2.0.7 port 30111 from"
         " 10.2.0.3 port 40122 failed", "nodeport_target", "pod-node"),
        ("/ # nslookup api.shop.com\nServer:    10.247.3.10\nAddress 1: 10.247.3.10 kube-dns.kube-"
         "system.svc.cluster.local\n\nName:      api.shop.com\nAddress 1: 119.8.7.7", "access_type",
         "public"),
        # A node "that has nothing to do with" the pod's is another node.
        ("tô num nó nada a ver com o do pod, na unha pelo ssh", "client_location", "other-node"),
        # Huawei's "exclusive" ELB is the dedicated one.
        ("an LB-type Service using an exclusive, not shared, ELB instance", "service_type",
         "loadbalancer-dedicated"),
        ("um Service tipo LB que usa uma instância de ELB exclusiva, só nossa", "service_type",
         "loadbalancer-dedicated"),
        # kube-proxy's IPVS tables listed; its per-Service chains with ipvsadm not installed.
        ("[root@192-168-4-19 ~]# ipvsadm -Ln -t 192.168.4.200:443\nProt LocalAddress:Port "
         "Scheduler Flags\n  -> RemoteAddress:Port  Forward Weight ActiveConn InActConn\nTCP  "
         "192.168.4.200:443 rr\n  -> 10.0.1.15:8443  Masq    1      0          0", "proxy_mode",
         "ipvs"),
        ("[root@cce-node-1 ~]# iptables-save -t nat | grep '^:KUBE-SVC' | head -2\n"
         ":KUBE-SVC-ERIFXISQEP7F7OF4 - [0:0]\n:KUBE-SVC-JD5MR3NA4I4DYORP - [0:0]\n"
         "[root@cce-node-1 ~]# ipvsadm -Ln\n-bash: ipvsadm: command not found", "proxy_mode",
         "iptables"),
        # "um nó" in an English reply is a Portuguese node, not an English "no" that denies.
        ("it uses the IP of um nó diferente do pod", "nodeport_target", "other-node"),
        # A script that lives on a node (not said to be in a pod): a process on that node.
        ("The orders service has two healthy replicas on node-1; the failing caller is a python"
         " script that lives on node-3", "client_location", "other-node"),
        # Nodes tried side by side, one said to fail: the others tried are not the client's.
        ("ran curl on worker-4 and on worker-6 over ssh; only worker-6 fails, and worker-6 runs"
         " the backend", "client_location", "same-node"),
        ("testei de um pod no node-2 e de outro no node-5: só o do node-5 falha, e o backend"
         " roda no node-5", "client_location", "container-same-node"),
        ("tested from a pod on node C and one on node D. D is fine, C fails; the backend sits on"
         " node D", "client_location", "container-other-node"),
        ("ran curl on worker-4 and it fails; the backend runs on worker-6", "client_location",
         "other-node"),
        # The last turn of a reply that names both ("…, mas o problema é no outro nó").
        ("fiz o teste do nó do backend e de um outro nó, mas o problema reportado é no outro nó,"
         " direto no host", "client_location", "other-node"),
        ("rodei o curl do nó do pod e de outro nó, mas o ticket é sobre o outro nó, no host mesmo",
         "client_location", "other-node"),
        # "conferi" in parentheses vouches for what it follows; it takes nothing back.
        ("entrei no 10.0.3.7 via ssh (é onde a réplica tá, conferi no kubectl) e rodei curl no"
         " shell do nó", "client_location", "same-node"),
        ("acessei o 192.168.1.40 por ssh (o pod roda lá, verifiquei no get pod) e testei direto"
         " no host", "client_location", "same-node"),
        # A client typed at a shell prompt ran where the prompt says: a node's (CCE names
        # nodes after their address), a laptop's; not one run through kubectl exec.
        ("[root@192-168-3-9 ~]# curl -m 3 http://192.168.3.200\ncurl: (7) Failed to connect to"
         " 192.168.3.200 port 80: Connection refused\n# the api pod is on 192.168.3.14",
         "client_location", "other-node"),
        ("bia@macbook-air-da-bia ~ % curl -v http://121.36.1.2\n* connect to 121.36.1.2 port 80"
         " failed: Operation timed out", "client_location", "outside-cluster"),
        ("[root@192-168-3-9 ~]# kubectl exec -it toolbox -- curl -m 3 http://192.168.3.200\ncurl:"
         " (7) Failed to connect to 192.168.3.200 port 80\ntoolbox runs on 192.168.3.9 and the api"
         " pod on 192.168.3.14", "client_location", "container-other-node"),
        # A two-column listing of pods and their nodes (custom-columns, awk) is a listing.
        ("$ kubectl get po -o wide | awk '{print $1, $7}'\nNAME NODE\nloja-api-5c7d-x8k2p"
         " 10.3.0.12\nrelatorios-6f9b-q2w4e 10.3.0.12\nrelatorios is the one whose curl fails",
         "client_location", "container-same-node"),
        ("kubectl get po checkout-0 toolbox -o custom-columns=NAME:.metadata.name,NODE:.spec."
         "nodeName\nNAME         NODE\ncheckout-0   cce-w-02\ntoolbox      cce-w-05\n\no toolbox é"
         " quem chama o ELB e falha", "client_location", "container-other-node"),
        # From a stranger's review of these rules: a tried node said to hold the pod stays; a
        # laptop's prompt gives way to a pod the words name; a pod's prompt is no laptop's;
        # loopback's and docker0's addresses are no node's own.
        ("tested from node-1 where the pod is and from node-3, node-3 fails", "client_location",
         "other-node"),
        ("from my mac it works (rick@mbp ~ % curl -I http://119.8.44.10 gives 200 OK), but from a"
         " pod on another node it times out", "client_location", "container-other-node"),
        ("rick@mbp ~ % curl http://119.8.44.10\ncurl: (28) timed out\n(this is my laptop, but the"
         " real failing client is a pod on another node, same error)", "client_location",
         "container-other-node"),
        ("kubectl exec -it my-notebook-0 -- bash\njovyan@my-notebook-0:~$ curl"
         " http://10.0.0.5:30080\ncurl: (28) timeout\n(the notebook pod is on a different node than"
         " the backend)", "client_location", "container-other-node"),
        ("[root@192-168-0-45 ~]# ip addr | grep inet\n    inet 127.0.0.1/8 scope host lo\n    inet"
         " 192.168.0.45/24 brd 192.168.0.255 scope global eth0\n[root@192-168-0-45 ~]# curl"
         " 10.247.3.4:8080\ntimeout\napi-0 1/1 Running 0 5m 172.16.0.9 192.168.0.45",
         "client_location", "same-node"),
        ("[root@cce-node-3 ~]# hostname -I\n172.17.0.1 10.1.0.3\n[root@cce-node-3 ~]# curl"
         " 10.1.0.200\ntimeout\napi-0 1/1 Running 172.16.0.9 10.1.0.3", "client_location",
         "same-node"),
        # The pod's node given by address ("the node hosting the backend is …"), and where a
        # test goes out from ("o teste sai do …"), are places compared.
        ("the node hosting the backend is 10.4.0.21, and my script goes out from... well, it"
         " runs on 10.4.0.30, host shell", "client_location", "other-node"),
        ("o nó que roda o pod é o 10.8.1.5, e o teste sai do 10.8.1.9 direto no host",
         "client_location", "other-node"),
        # "ssh'd no node do pod": Portuguese "on the pod's node" in an English sentence.
        ("I'm ssh'd no worker do backend, curl from its shell", "client_location", "same-node"),
        ("logged in via ssh no node do pod, plain curl on the host", "client_location",
         "same-node"),
        ("I checked from the pod's node and from another one, but the broken cron runs on the"
         " other node, on the host", "client_location", "other-node"),
        # A correction to a program of the host's, placed by the host it runs on.
        ("from a pod, sorry, scratch that: a shell script in root's crontab, on the same host as"
         " the web pod", "client_location", "same-node"),
        ("de um pod... não, pera, é o curl do cron no host, no mesmo nó onde o pod roda",
         "client_location", "same-node"),
        ("checagem via /etc/cron.d no nó 10.0.3.7, que é onde tá a única réplica",
         "client_location", "same-node"),
        # A DaemonSet said to be the client: its copies are pods.
        ("it's the node-exporter DaemonSet, one copy per node; only the copy on the backend"
         " pod's node fails", "client_location", "container-same-node"),
        ("our GitLab runners run as pods and land anywhere; the failing one landed on node-3,"
         " which is exactly where the api pod is", "client_location", "container-same-node"),
        # A prompt's host that the listing names as a node, or one of the same shape.
        ("[root@srv-app-03 ~]# kubectl get pod -o wide\nweb-7c9d8-xk2lm 1/1 Running 0 2d"
         " 10.0.2.44 srv-app-03\n[root@srv-app-03 ~]# curl -m 3 http://10.0.0.150",
         "client_location", "same-node"),
        ("[root@srv-app-01 ~]# kubectl get pod -o wide\nweb-7c9d8-xk2lm 1/1 Running 0 2d"
         " 10.0.2.44 srv-app-03\n[root@srv-app-01 ~]# curl -m 3 http://10.0.0.150",
         "client_location", "other-node"),
        # Nodes by their address's last number; a program installed on one of them.
        ("3 workers: .21, .22, .23. the only replica is on .23. I was logged into .21 over ssh,"
         " host shell", "client_location", "other-node"),
        ("a checker installed as a plain binary on node 10.0.5.12; the api pod is on 10.0.5.40",
         "client_location", "other-node"),
        # A network named for the address it holds, not for the network model.
        ("just a VPC IP", "access_type", "private"),
        # A closing restatement of the place keeps the kind said before it.
        ("it's a pod on another node I believe... yep, double-checked, different node",
         "client_location", "container-other-node"),
        # The container denied outright ("e não é container").
        ("não fica no nó do backend não, fica em outro, e não é container", "client_location",
         "other-node"),
        # Which VPC the cluster sits in, by name, is no network model.
        ("fica na VPC vpc-hml, sub-rede 10.1.0.0/24", "network_model", None),
        # Outside the cluster: a hosted CI runner, one's own machine.
        ("a shared GitLab hosted runner", "client_location", "outside-cluster"),
        ("Insomnia rodando na minha máquina", "client_location", "outside-cluster"),
        # The node's own loopback, called at its prompt.
        ("[root@10-0-1-7 ~]# kubectl get po -o wide | grep web\nweb-7c9d8-xk2lm 1/1 Running 0"
         " 6h 172.16.3.4 10.0.1.7\n[root@10-0-1-7 ~]# curl 127.0.0.1:30080", "nodeport_target",
         "pod-node"),
        # Listings with fewer columns than -o wide prints: under their own header, or typed
        # after the command without one.
        ("NAME              READY   STATUS    NODE\npedidos-7c9-abc1   1/1     Running   "
         "10.3.0.8\n[root@10-3-0-8 ~]# curl -m2 http://10.3.0.250\ncurl: (7) Failed to connect",
         "client_location", "same-node"),
        ("NAME            IP            NODE\nfront-5d-q1     172.16.2.9    10.3.0.8\n"
         "pedidos-7c9-x2  172.16.5.1    10.3.0.9\nkubectl exec front-5d-q1 -- curl -s 10.3.0.250",
         "client_location", "container-other-node"),
        ("kubectl get po -o wide | grep pedidos\npedidos-7c9-abc1   Running   172.16.5.1   10.3.0.8"
         "\ncurl 10.3.0.8:31234 -> refused", "nodeport_target", "pod-node"),
        # The Service's container listed at the node's prompt, the client typed at the same one.
        ("[root@node-7 ~]# crictl ps | grep pedidos\n9f8e7d6c5b4a   pedidos   Running   "
         "pedidos-7c9-abc1\n[root@node-7 ~]# curl -m2 http://10.3.0.250\ncurl: (7) refused",
         "client_location", "same-node"),
        # An answer, then a question about what it means.
        ("é Cluster, isso explica o erro?", "external_traffic_policy", "Cluster"),
        ("a pod on the backend's node - does that matter?", "client_location",
         "container-same-node"),
        ("iptables. Com IPVS mudaria alguma coisa?", "proxy_mode", "iptables"),
        ("um pod em outro worker, tá?", "client_location", "container-other-node"),
        ("a pod on some other node, would that still fail?", "client_location",
         "container-other-node"),
        ("o IP do nó que roda o pod, isso dá erro?", "nodeport_target", "pod-node"),
        # A diminutive pod; the node that hosts the Service's pod, said in two languages.
        ("um podinho de teste no mesmo nó da api", "client_location", "container-same-node"),
        ("do host mesmo, the one hosting o pod da api, curl no terminal", "client_location",
         "same-node"),
        # A reason that denies another option denies nothing of the answer.
        ("ficou NodePort porque não quisemos pagar um ELB", "service_type", "nodeport"),
        # A typo of the word that compares the nodes.
        ("from the worker host, a diffrent one than where the pod runs", "client_location",
         "other-node"),
        # A conclusion sums up what came before it: the place stays said.
        ("from the node - no, sorry, from a toolbox pod I started, and it was scheduled on the "
         "backend's node. So a container.", "client_location", "container-same-node"),
        # Of two corrections, the last one's kind of client.
        ("na verdade it's a pod... não, pera, é o host mesmo, num node diferente do pod",
         "client_location", "other-node"),
        # One listed pod calling another, drawn as an arrow.
        ("NAME                 READY   STATUS    RESTARTS   AGE   IP            NODE\n"
         "faturas-6c7d8-kx1p   1/1     Running   0          2d    10.244.2.7    node-b\n"
         "boletos-5f4e3-qw9z   1/1     Running   0          2d    10.244.5.3    node-e\n"
         "faturas -> boletos pelo IP do ELB: refused", "client_location", "container-other-node"),
        # The node's container listing finds none of the Service's; the client is typed there.
        ("[root@node-11 ~]# crictl ps --name boletos\nCONTAINER   IMAGE   CREATED   STATE   NAME"
         "   ATTEMPT   POD ID\n[root@node-11 ~]# curl -m2 10.3.0.250\ncurl: (7) refused",
         "client_location", "other-node"),
        # CCE's node names after their address, and node names glued to their letter.
        ("[root@node-10-1-0-7 ~]# curl -m2 10.1.0.250\ncurl: (7) refused\nthe pod is on "
         "node-10-1-0-9, I'm on .7", "client_location", "other-node"),
        ("backend pod on workerA; I ssh'd into workerC and ran curl on the host", "client_location",
         "other-node"),
        # A listing under a NAMESPACE NAME NODE header; a listed pod that connects is the client.
        ("NAMESPACE   NAME                 NODE\nloja        estoque-0            node-02\n"
         "jobs        carga-noturna-x8k2   node-05\n\ncarga-noturna connects to the ELB and gets "
         "refused", "client_location", "container-other-node"),
        # An app's worker, said to be a pod.
        ("o worker do celery (pod) fica num nó diferente do pod da api", "client_location",
         "container-other-node"),
        # A correction's pod, then a conclusion that only compares the nodes.
        ("a pod on the same node... no, sorry, the client pod is on 10.0.0.4 and the backend on "
         ".5, so different nodes", "client_location", "container-other-node"),
        # Another microservice calls: a pod.
        ("quem chama é outro microsserviço, o faturas-api, no nó 2; o backend tá no nó 5",
         "client_location", "container-other-node"),
        # Co-located with the target, or not.
        ("it's a pod, and it's not co-located with the target", "client_location",
         "container-other-node"),
        # A Portuguese preposition left by another question's phrase is no English "no".
        ("do meu laptop, pela internet, no EIP", "client_location", "outside-cluster"),
    ],
)  # fmt: skip
def test_a_reply_is_read_as_the_value_meant(
    reader: AnswerReader, text: str, fact: str, value: str | None
) -> None:
    assert reader.read_answer(text, fact).value == value


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("vpc or tunnel, not sure", "network_model"),
        ("ou ipvs ou iptables", "proxy_mode"),
        ("public and private, both fail", "access_type"),
        # Where it fails and where it works, two kinds of client: which node is not said.
        ("from the node it fails, from a pod on that same node it works", "client_location"),
        # "n" is "não": "n lembro" doubts.
        ("de um pod, mas n lembro de qual nó", "client_location"),
        # The nginx-ingress add-on is an option on a dedicated ELB only.
        ("o ingress nginx do cluster, e o ELB dele é do tipo compartilhado", "service_type"),
        ("nginx ingress controller behind a shared load balancer", "service_type"),
    ],
)
def test_two_values_are_asked_back_not_guessed(reader: AnswerReader, text: str, fact: str) -> None:
    answer = reader.read_answer(text, fact)
    assert answer.value is None and len(answer.candidates) >= 1


@pytest.mark.parametrize(
    ("text", "fact", "named"),
    [
        ("o svc http tá Local e o grpc tá Cluster, os dois no mesmo ELB",
         "external_traffic_policy", ("Cluster", "Local")),
        ("the http one is Local, the grpc one is Cluster", "external_traffic_policy",
         ("Cluster", "Local")),
        ("num cluster é ipvs e no outro iptables", "proxy_mode", ("iptables", "ipvs")),
        ("o de hml é túnel e o de prod é turbo", "network_model", ("cloud-native-2", "tunnel")),
        ("hml tá Local e prod tá Cluster", "external_traffic_policy", ("Cluster", "Local")),
        ("o svc http que tá Local e o grpc que tá Cluster", "external_traffic_policy",
         ("Cluster", "Local")),
        # Doubt beside a denial is no empty word.
        ("it's not Local, I guess", "external_traffic_policy", ("Cluster", "Local")),
        # One of each, in a clause longer than a short statement.
        ("our team has one cluster with tunnel networking and one with vpc networking and we see"
         " it there", "network_model", ("tunnel", "vpc")),
    ],
)  # fmt: skip
def test_two_values_side_by_side_in_one_clause_are_asked_back(
    reader: AnswerReader, text: str, fact: str, named: tuple[str, ...]
) -> None:
    answer = reader.read_answer(text, fact)
    assert (answer.value, tuple(sorted(answer.candidates))) == (None, named)


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        # A change within the clause, a reason, the options there were to pick from: one value.
        ("mudamos de iptables pra ipvs", "proxy_mode", "ipvs"),
        ("we went with IPVS because iptables rule sync gets slow with thousands of services",
         "proxy_mode", "ipvs"),
        ("o wizard tinha as opções iptables e ipvs e a gente deixou iptables", "proxy_mode",
         "iptables"),
        # A change denied is no correction; "and not …" denies only what follows it.
        ("it's iptables, and no, we never switched to ipvs", "proxy_mode", "iptables"),
        ("nunca mudamos pra ipvs, é iptables", "proxy_mode", "iptables"),
        # A denial beside words that say nothing of the question: the option it leaves.
        ("it's not Local, I checked", "external_traffic_policy", "Cluster"),
        ("não tem EIP nenhum", "access_type", "private"),
        # What a former cluster was is no answer for this one.
        ("túnel. ah não, errei, túnel é o antigo, esse novo é VPC", "network_model", "vpc"),
        # Addresses' last numbers compared ("at .35:31080").
        ("the pod is on .34 but the client config points at .35:31080", "nodeport_target",
         "other-node"),
        # Named side by side, then settled ("mas … então é"): the value settled.
        ("tem o NodePort e o LoadBalancer dedicado pro mesmo app, mas o cliente usa o endereço do"
         " ELB, então é o LoadBalancer dedicado", "service_type", "loadbalancer-dedicated"),
        ("tá Cluster. ah não, mudaram pra Local ontem à noite e não recriaram o serviço",
         "external_traffic_policy", "Local"),
        # A correction means the value it names, whatever words surround it; a bare value
        # that is a noun there ("de dentro do cluster") is none.
        ("Local. quer dizer, era Local, mas recriamos o serviço com Cluster ontem",
         "external_traffic_policy", "Cluster"),
        ("LoadBalancer... sorry, that's prod. The one failing in staging is a NodePort",
         "service_type", "nodeport"),
        ("the staging Service is Local, but the one that's failing is in prod and that's Cluster",
         "external_traffic_policy", "Cluster"),
        # The cluster as a noun, and a value named in passing after "but", correct nothing.
        ("Local, but the cluster has three nodes", "external_traffic_policy", "Local"),
        ("Local, mas o cluster foi recriado ontem", "external_traffic_policy", "Local"),
        ("private, but the EIP is on the NAT", "access_type", "private"),
        ("o pessoal mudou a afinidade de serviço pra nível de nó, o tal do Local. Funcionou. Mas"
         " ninguém testou chamada de dentro do cluster", "external_traffic_policy", "Local"),
    ],
)  # fmt: skip
def test_one_value_among_others_named_is_read(
    reader: AnswerReader, text: str, fact: str, value: str
) -> None:
    assert reader.read_answer(text, fact).value == value


def test_and_not_starts_a_denied_clause() -> None:
    assert [(c.text, c.negated) for c in clauses("mudaram pra Local e não recriaram")] == [
        ("local", False),
        ("e nao recriaram", True),
    ]


@pytest.mark.parametrize("text", ["🤷", "why do you ask?", "ich weiß es nicht", "", "ok"])
def test_non_answers_set_nothing(reader: AnswerReader, text: str) -> None:
    assert reader.read_answer(text, "proxy_mode").value is None


@pytest.mark.parametrize("relation", ["opposite", "refines"])
def test_an_option_relation_must_name_an_option(playbook: Playbook, relation: str) -> None:
    broken = playbook.text.replace(
        "        refines: loadbalancer-dedicated", f"        {relation}: banana", 1
    )
    with pytest.raises(PlaybookError, match=f"{relation}: unknown option 'banana'"):
        parse_playbook(broken)


def test_an_option_fronts_only_options(playbook: Playbook) -> None:
    broken = playbook.text.replace(
        "fronts: [clusterip, nodeport]", "fronts: [clusterip, banana]", 1
    )
    with pytest.raises(PlaybookError, match="fronts: unknown option 'banana'"):
        parse_playbook(broken)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "without" and a relative clause that denies start a denied clause of their own.
        (
            "ClusterIP sem balanceador",
            [("clusterip", False, False), ("sem balanceador", True, False)],
        ),
        (
            "a worker of the cluster that isn't the pod's",
            [("a worker of the cluster", False, False), ("that isn't the pod's", True, False)],
        ),
        (
            "do node, fora de container",
            [("do node", False, False), ("fora de container", True, False)],
        ),
        # "fora do cluster" is a place, not a denial.
        ("fora do cluster", [("fora do cluster", False, False)]),
        ("ipvs... hold on, iptables", [("ipvs", False, False), ("iptables", False, True)]),
    ],
)
def test_without_and_relative_denials_cut_clauses(
    text: str, expected: list[tuple[str, bool, bool]]
) -> None:
    assert [(c.text, c.negated, c.corrects) for c in clauses(text)] == expected


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        # Where it works is no client, a user's own laptop included.
        ("the cron on node-2 fails, while my laptop over the EIP is fine", [False, True]),
        ("o cron do nó 2 falha, do meu notebook pelo EIP funciona", [False, True]),
        # Beside where it fails, where it works is denied.
        ("from a pod on another node it works, from a pod on the backend's node it doesn't",
         [True, False]),
        ("de um pod em outro nó dá certo, de um pod no nó do backend dá erro", [True, False]),
    ],
)  # fmt: skip
def test_where_it_works_is_denied(text: str, negated: list[bool]) -> None:
    assert [c.negated for c in clauses(text)] == negated


def test_english_no_denies_but_portuguese_no_is_in_the() -> None:
    english = clauses("no LB and no nodeport, plain cluster ip", english=True)
    assert [c.negated for c in english] == [True, False]
    assert not clauses("no LB do cluster", english=False)[0].negated


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # The Service's own pod is the reference point, not the client.
        ("from the same node as the pod", "node"),
        ("the pod is on worker-1", None),
        ("backend's on node 1", None),
        ("from a debug pod on node 3", "container"),
        ("um contianer no mesmo nó", "container"),
        ("a hostNetwork pod on that node", "node"),
    ],
)
def test_the_services_own_pod_is_not_the_client(text: str, kind: str | None) -> None:
    from knowledge.intake.keywords import fold

    assert subject(fold(text)) == kind


def test_a_pod_named_worker_in_a_pasted_row_is_no_node() -> None:
    assert subject("worker-sync-1 1/1 running 10.0.3.19 192.168.3.7") is None
    assert subject("from the worker pod") == "container"
    assert subject("from worker-3") == "node"


def test_a_node_named_as_a_place_is_not_the_client_when_asked() -> None:
    assert subject("mas em outro no", places=False) is None
    assert subject("mas em outro no") == "node"


@pytest.mark.parametrize(
    ("denied", "left"),
    [
        ("not on the backend's node", "other"),
        ("nao e o no do pod", "other"),
        ("not another node", "same"),
        ("not the pod", None),
    ],
)
def test_what_a_denied_place_leaves(denied: str, left: str | None) -> None:
    assert unsaid(denied) == left


@pytest.mark.parametrize(
    ("text", "addresses", "placed"),
    [
        ("I ssh'd into node-2; kubectl shows the pod on node-1", False, "other"),
        ("cce-node-01 shell, and the pod is on cce-node-01 too", False, "same"),
        ("worker-a, pod on worker_b", False, "other"),
        ("from node 3", False, None),
        # Addresses count only where every option is a node (the NodePort's address).
        ("curl 10.0.1.15:30800, the pod is on 10.0.1.22", True, "other"),
        ("curl 10.0.1.15:30800, the pod is on 10.0.1.22", False, None),
        ("192.168.0.12:31080, and the pod runs on 192.168.0.12", True, "same"),
        # Without names, what the words say; where it works is not where it fails.
        ("a container on another node", False, "other"),
        ("outro pod no mesmo nó", False, "same"),
        ("on the backend's own node; the copies on other nodes are fine", False, "same"),
        ("on the same node, the copies on other nodes are fine", False, "same"),
        ("same node? other node?", False, None),
    ],
)
def test_two_nodes_named_or_one_named_twice(text: str, addresses: bool, placed: str | None) -> None:
    assert placement(text, addresses=addresses) == placed


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Desde fuera del clúster, desde mi portátil", "client_location"),
        ("c'est en mode iptables", "proxy_mode"),
        ("wir nutzen ein NodePort-Service", "service_type"),
        ("云原生网络", "network_model"),
        ("Local on one Service, Cluster on the other", "external_traffic_policy"),
        ("tem dois, um nodeport e um ingress", "service_type"),
        ("está en Cluster, a nivel de nodo", "external_traffic_policy"),
        ("tanto de um pod em outro nó quanto do notebook, nada", "client_location"),
        ("tentei pelo EIP e pelo privado, nenhum dos dois responde", "access_type"),
        ("on a node, but which one? the pod keeps moving", "client_location"),
    ],
)
def test_other_languages_and_a_value_per_case_set_nothing(
    reader: AnswerReader, text: str, fact: str
) -> None:
    assert reader.read_answer(text, fact).value is None


@pytest.mark.parametrize("field", ["pod_node", "runs_in"])
def test_an_option_placement_must_be_one_of_its_words(playbook: Playbook, field: str) -> None:
    broken = playbook.text.replace("        pod_node: same\n", f"        {field}: banana\n", 1)
    with pytest.raises(PlaybookError):
        parse_playbook(broken)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "instead of" starts the denied clause.
        ("dnat on the nat gw instead of an elb", [("dnat on the nat gw", False, False),
                                                  ("instead of an elb", True, False)]),
        # An interjection before "no" still takes back what came before.
        ("shared, argh no, dedicated", [("shared", False, False), ("argh no", False, False),
                                        ("dedicated", False, True)]),
        # A change told as news: what it is now outranks what it was.
        ("it was Local, we switched it to Cluster", [("it was local", False, False),
                                                      ("we", False, False),
                                                      ("cluster", False, True)]),
        ("a host that's not the pod's", [("a host", False, False), ("that's not the pod's", True, False)]),
    ],
)  # fmt: skip
def test_more_markers_cut_clauses(text: str, expected: list[tuple[str, bool, bool]]) -> None:
    assert [(c.text, c.negated, c.corrects) for c in clauses(text)] == expected


def test_both_sides_of_or_are_alternatives() -> None:
    found = clauses("we had ipvs or iptables to pick, we kept iptables")
    assert [c.alternative for c in found] == [True, True, False]


def test_no_is_english_when_the_other_words_are() -> None:
    assert english("no ELB, no nodeport, reachable only inside")
    assert not english("no nó do pod")


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("is it Local?", "external_traffic_policy"),
        # Only questions, a field's name in one ("affinity? is that the sessionAffinity?").
        ("affinity? tipo o sessionAffinity?", "external_traffic_policy"),
        # Asking whether the answer is right is doubt about it, not a closing tag.
        ("a pod on another node, right?", "client_location"),
        ("é Local, né?", "external_traffic_policy"),
        ("I checked the console. Could it be ipvs?", "proxy_mode"),
        # Spanish "está en", a German "-Modus", Italian "impostato".
        ("il servizio è impostato su Cluster", "external_traffic_policy"),
        ("la policy está en Cluster", "external_traffic_policy"),
        ("Proxy-Modus: iptables", "proxy_mode"),
        # Italian words of the options' own ("rete", "privata", "indirizzo").
        ("Rete tunnel, overlay_l2", "network_model"),
        ("privata, è l'indirizzo interno", "access_type"),
        # A question typed without its mark.
        ("the ip of the pod's node? how can I see that", "nodeport_target"),
        ("o modelo é VPC, onde eu confiro isso", "network_model"),
        # A curl's own report of its address names no node a second time.
        (
            "$ curl -m 5 10.1.0.8:30443\ncurl: (7) Failed to connect to 10.1.0.8 port 30443 after 1"
            " ms",
            "nodeport_target",
        ),
        # Spanish with words Portuguese shares, and Chinese around product names.
        ("Cluster, para tener la IP de origen", "external_traffic_policy"),
        ("ipvs（集群默认）", "proxy_mode"),
        # Which of two is not known yet; Italian "modalità".
        ("é LoadBalancer, mas se é dedicado ou compartilhado eu ainda preciso ver", "service_type"),
        ("la modalità è ipvs", "proxy_mode"),
        ("è in modalità iptables", "proxy_mode"),
        ("Cluster, affinità a livello di cluster", "external_traffic_policy"),
        ("Turbo, die Pods haben eigene ENIs", "network_model"),
        # Short Italian and Polish replies: one word of theirs, or letters ours never write.
        ("Rete VPC.", "network_model"),
        ("Cluster, quello predefinito.", "external_traffic_policy"),
        ("iptables, credo.", "proxy_mode"),
        ("Usługa bramy DNAT.", "service_type"),
        # Where the client is said not to be is no answer.
        ("não é do meu notebook não, é de algum lugar lá dentro", "client_location"),
        # Two things, not one answer.
        ("we run a NodePort and also an nginx ingress for it", "service_type"),
        # iptables rules without a chain per Service: both modes have them.
        (
            "# iptables-save -t nat | head -5\n*nat\n:PREROUTING ACCEPT [0:0]\n"
            ":KUBE-MARK-MASQ - [0:0]\n:KUBE-POSTROUTING - [0:0]",
            "proxy_mode",
        ),
        (
            "# iptables -t nat -L KUBE-SERVICES -n | head -2\nChain KUBE-SERVICES (2 references)\n"
            "target     prot opt source               destination",
            "proxy_mode",
        ),
        # Dutch is a third language; so are Polish, Swedish, Indonesian, Italian without its
        # "è", and a script of its own around product names.
        ("Het is een DNAT-gateway service.", "service_type"),
        ("Het staat op Local, dat is de standaard.", "external_traffic_policy"),
        ("To jest tryb IPVS, domyślny w nowym klastrze.", "proxy_mode"),
        ("Vi använder iptables, det är standard hos oss.", "proxy_mode"),
        ("Kami menggunakan jaringan VPC untuk cluster ini.", "network_model"),
        ("Il cluster usa la rete a tunnel per i pod", "network_model"),
        ("노드 모드는 iptables 입니다", "proxy_mode"),
        ("To jest NodePort, klient łączy się na port węzła.", "service_type"),
        ("Cluster értékre van állítva.", "external_traffic_policy"),
        ("Folosim rețeaua VPC în cluster.", "network_model"),
        # A pasted manifest without the field asked about.
        (
            "apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    app: cart\n  name: cart\n"
            "  namespace: default",
            "external_traffic_policy",
        ),
    ],
)
def test_questions_back_and_third_languages_set_nothing(
    reader: AnswerReader, text: str, fact: str
) -> None:
    assert reader.read_answer(text, fact).value is None


@pytest.mark.parametrize(
    ("text", "fact", "evidence"),
    [
        ("metadata:\n  name: web\nspec:\n  externalTrafficPolicy: Local", "external_traffic_policy",
         {"value": "Local"}),
        ('the kube-proxy configmap has mode: "ipvs" in it', "proxy_mode", {"value": "ipvs"}),
        ("spec:\n  type: ClusterIP", "service_type", {"value": "clusterip"}),
        # Not one of the question's values: no evidence.
        ("spec:\n  type: LoadBalancer", "service_type", {}),
        # Rules counted per endpoint: the iptables mode; none counted tells nothing.
        ("# iptables-save -t nat | grep -c KUBE-SEP\n97", "proxy_mode", {"value": "iptables"}),
        ("# iptables-save -t nat | grep -c KUBE-SEP\n0", "proxy_mode", {}),
    ],
)  # fmt: skip
def test_a_pasted_field_names_the_value(
    reader: AnswerReader, text: str, fact: str, evidence: dict[str, str]
) -> None:
    assert reader._evidence(fact, text, clauses(text)) == evidence


def test_evidence_and_a_denial_that_leave_no_option_ask_again(reader: AnswerReader) -> None:
    # Two nodes named (another node), and "another node" denied: nothing left, nothing set.
    answer = reader.read_answer(
        "node-2's IP with the pod on node-1, not another node", "nodeport_target"
    )
    assert answer.value is None


def test_no_reply_breaks_the_reader_whatever_the_question(reader: AnswerReader) -> None:
    """Every development answer, read as the answer to every question: never an exception."""
    from .answer_metrics import answers, development_sets

    texts = {a["text"] for name in development_sets() for a in answers(name)}
    assert len(texts) > 2500
    for text in sorted(texts):
        for fact in reader.questions:
            reader.read_answer(text, fact)
            reader.mentions(text, fact)


@pytest.mark.parametrize(
    "text",
    ["usamos Red Hat no cluster", "curl via lo no nó", "de outro nodo", "el7 node",
     "é o próprio nó", "the pod is on node 2", "es cluster", "é rede da VPC", "privada"],
)  # fmt: skip
def test_our_users_words_are_not_taken_for_a_third_language(text: str) -> None:
    from knowledge.intake.language import foreign

    assert not foreign(text)


@pytest.mark.parametrize(
    ("text", "addresses", "placed"),
    [
        # Portuguese "no" before a number is not a node; a node and its own address are one.
        ("o pod roda no 10.0.1.15 e eu testo do 10.0.1.15", True, "same"),
        ("node-1 (192.168.0.12), the pod is on node-1 too", True, "same"),
        ("pool-a-node-1, and the pod is on pool-b-node-1", False, "other"),
        ("o do nó 2, o pod tá no nó 1", False, "other"),
        # curl's report of an address is dropped only where that whole address came before.
        ("the pod is on 10.0.0.15. * Trying 10.0.0.1:31080... * Failed to connect to 10.0.0.1",
         True, "other"),
        # curl 8's "connect to … port N from <its own address> port M failed" is its report too.
        ("$ curl -v http://10.2.0.7:30111\n* connect to 10.2.0.7 port 30111 from 10.2.0.3 port"
         " 40122 failed", True, None),
    ],
)  # fmt: skip
def test_nodes_are_compared_by_whole_name_or_address(
    text: str, addresses: bool, placed: str | None
) -> None:
    assert placement(text, addresses=addresses) == placed


def test_words_and_evidence_that_disagree_are_asked_back(reader: AnswerReader) -> None:
    answer = reader.read_answer("private, 119.8.1.1", "access_type")
    assert answer.value is None and set(answer.candidates) == {"private", "public"}


def test_the_pods_node_said_with_its_verb_first_is_a_place() -> None:
    # "…falha em 1, e esse é justamente o nó onde tá rodando o pod": the pod's node.
    assert placement("em 4 nós funciona, em 1 não, esse é o nó onde tá rodando o pod") == "same"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("um pdo no msmo nó", "um pod no mesmo no"),
        ("from anohter nod", "from another node"),
        ("a contaier on the smae host", "a container on the same host"),
        # A stray letter inside a long word; one added at its end makes another word.
        ("num contanier de outro worker", "num container de outro worker"),
        ("o ingresso de dois clusters", "o ingresso de dois clusters"),
        # Slips that are words of their own stay as typed.
        ("onde fica a mesa", "onde fica a mesa"),
    ],
)
def test_typos_of_the_deciding_words_are_undone(typed: str, meant: str) -> None:
    assert [c.text for c in clauses(typed)] == [meant]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An English "no" before what it is instead corrects; "no LB" still denies.
        (
            "iptables... hmm... no it's ipvs",
            [("iptables", False, 0), ("hmm", False, 0), ("it's ipvs", True, 1)],
        ),
        # A marker that ends a clause ("…, I mean") corrects nothing when the next goes on.
        (
            "the dedicated one I mean, and it has an EIP",
            [("the dedicated one", False, 0), ("and it has an eip", False, 0)],
        ),
        (
            "tunnel, sorry, vpc, sorry, tunnel",
            [("tunnel", False, 0), ("vpc", True, 1), ("tunnel", True, 2)],
        ),
        # A dot inside a name does not end a sentence.
        ("kubernetes.io/elb.class: union", [("kubernetes.io/elb.class: union", False, 0)]),
    ],
)
def test_each_correction_starts_a_new_stretch(
    text: str, expected: list[tuple[str, bool, int]]
) -> None:
    assert [(c.text, c.corrects, c.epoch) for c in clauses(text, english=True)] == expected


@pytest.mark.parametrize(
    "text",
    ["the client pod sits on node-3", "o pod cliente fica no worker-2", "pod do cliente no node-1"],
)
def test_a_pod_named_as_the_client_is_the_client(text: str) -> None:
    from knowledge.intake.keywords import fold

    assert subject(fold(text)) == "container"


_REPLICAS = (
    "curl was run on the host {client} (ssh)\n$ kubectl get pods -l app=orders -o wide\n"
    "NAME                     READY   STATUS    RESTARTS   AGE   IP           NODE\n"
    "orders-6b7c5d9f8-2zxkq   1/1     Running   0          1d    10.0.4.12    10.0.0.52\n"
    "orders-6b7c5d9f8-p7wtn   1/1     Running   0          1d    10.0.4.88    10.0.0.61\n"
)


@pytest.mark.parametrize(
    ("text", "placed"),
    [
        # Addresses given as where each pod runs are nodes; a pod's own address is not.
        ("caller pod 10.1.0.7 runs on 192.168.5.10, backend pod on 192.168.5.11", "other"),
        ("both pods run on 192.168.5.10 and on 192.168.5.10", "same"),
        ("curl 192.168.5.100 from a pod on 192.168.5.10", None),
        # A node numbered like an address's first byte is the address, not node 192.
        ("on node 192.168.5.10, and the backend on node 192.168.5.12", "other"),
        # A sentence's full stop ends the address; a shell's login and a node's label place it.
        ("esse worker é o 10.0.0.23. o pod tá no 10.0.0.41.", "other"),
        ("node: 10.1.0.7, ssh root@10.1.0.7", "same"),
        # A `kubectl get pod -o wide` row places its pod on its NODE column.
        (
            "api-6c8d9-x2l   1/1   Running   0   2d   172.16.0.34   192.168.0.21, on 192.168.0.21",
            "same",
        ),
        # Two addresses given as places are two nodes, whatever one name beside them.
        ("from node 192.168.0.15, on cce-np-b-01; backend pod on 192.168.0.14", "other"),
        # A StatefulSet's pod named twice ("prometheus-server-0") is no server named twice.
        ("get po prometheus-server-0 -o wide; prometheus-server-0 192.168.3.14", None),
        # Replicas of one app on several nodes: the client's node runs one of them, or none.
        (_REPLICAS.format(client="10.0.0.61"), "same"),
        (_REPLICAS.format(client="10.0.0.70"), "other"),
        # Rows of two apps (the client's own pod among them): every node compared.
        (_REPLICAS.format(client="10.0.0.61").replace("orders-6b7c5d9f8-p7", "client-5d4c9-p7"),
         "other"),
        (_REPLICAS.format(client="10.0.0.61").replace("orders-6b7c5d9f8-p7wtn", "orders-debug"),
         "other"),
        # The node a jsonpath query prints, and nodes a listing or a query prints, whatever
        # their names look like.
        ("$ kubectl get pod probe -o jsonpath='{.spec.nodeName}'\n10.0.2.8\n$ kubectl get pod"
         " api-0 -o jsonpath='{.spec.nodeName}'\n10.0.2.8", "same"),
        ("$ kubectl get pod probe -o jsonpath='{.spec.nodeName}{\"\\n\"}'\ncce-np2-node-9q4t\n$"
         " kubectl get pod api-0 -o jsonpath='{.spec.nodeName}{\"\\n\"}'\ncce-np2-node-3m8z",
         "other"),
        ("probe-5f9c 1/1 Running 172.16.0.4 k8s-b7x2\napi-0 1/1 Running 172.16.0.9 k8s-b7x2",
         "same"),
        ("$ kubectl get pod api-0 -o jsonpath='{.status.podIP}'\n172.16.0.9", None),
        # A node that prints its own address at its prompt is named by it; the same prompt
        # again names no second node; an address given as a place twice is one node.
        ("api-0 1/1 Running 172.16.0.9 10.1.0.8\n[root@k8s-n3 ~]# hostname -I\n10.1.0.3"
         " 172.16.3.1\n[root@k8s-n3 ~]# curl 10.1.0.200", "other"),
        ("api-0 1/1 Running 172.16.0.9 10.1.0.3\n[root@k8s-n3 ~]# ip -4 -o addr show eth0\n2:"
         " eth0    inet 10.1.0.3/24 brd 10.1.0.255\n[root@k8s-n3 ~]# curl 10.1.0.200", "same"),
        ("[root@cce-node-4 ~]# curl 10.1.0.5\n[root@cce-node-4 ~]# curl 10.1.0.200", None),
        ("$ ssh root@10.1.0.7\n[root@k8s-n7 ~]# curl 10.1.0.200\napi-0 1/1 Running 172.16.0.9"
         " 10.1.0.7", "same"),
    ],
)  # fmt: skip
def test_addresses_given_as_places_are_compared(text: str, placed: str | None) -> None:
    assert placement(text) == placed


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[root@192-168-0-45 ~]# curl -sv 192.168.0.250:8080", "node"),
        ("paas@192.168.1.23:~$ sudo curl -sk https://10.0.5.99/healthz", "node"),
        ("[root@cce-pool-a-7xk2p ~]# curl -m 5 http://192.168.0.201/", "node"),
        ("ana@ana-thinkpad:~$ wget -qO- http://110.238.10.55", "outside"),
        ("rick@mbp ~ % curl -v http://119.8.44.10/", "outside"),
        # Run in a container, or on a host of no known kind, or on two kinds of host.
        ("[root@cce-node-2 ~]# kubectl exec -it toolbox -- curl 10.0.0.5", None),
        ("[root@web-7d9f-x2kq /]# curl http://10.0.0.200", None),
        ("[root@192-168-0-45 ~]# kubectl get po -o wide", None),
        ("[root@192-168-0-45 ~]# curl 10.0.0.5\nrick@mbp ~ % curl 10.0.0.5", None),
        # A busybox or alpine container's bare prompt.
        ("/ # wget -qO- http://10.0.0.9\nwget: can't connect to remote host", "container"),
        ("/app # curl -m 3 10.0.0.9", "container"),
        ("bash-5.1# curl -sv http://10.0.0.9:900", "container"),
    ],
)  # fmt: skip
def test_a_client_typed_at_a_prompt_ran_where_the_prompt_says(text: str, where: str | None) -> None:
    assert shell_client(text) == where


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # Callers listed without saying where they run: asked back.
        (
            "lots of things call it, cron jobs, the web front, a queue worker, some scripts, and "
            "the alert only shows the ELB address",
            "client_location",
        ),
        # One word of a long story ("gateway") is no answer.
        (
            "so the payments gateway calls the orders api and it broke after the migration, we "
            "restarted everything already",
            "service_type",
        ),
    ],
)
def test_a_long_story_that_names_no_option_sets_nothing(
    reader: AnswerReader, text: str, fact: str
) -> None:
    assert reader.read_answer(text, fact).value is None


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("both pods sit on node-4", False),
        ("os dois pods ficam no node-4", False),
        ("both", True),
        ("I tried both the pod's node and another one", True),
    ],
)
def test_both_is_a_hedge_only_when_it_leaves_the_choice_open(text: str, hedge: bool) -> None:
    assert hedged(text) is hedge


def test_a_kubectl_command_names_no_client(reader: AnswerReader) -> None:
    answer = reader.read_answer(
        "kubectl get pods -o wide says the backend is on node-4, and I curl from node-4's shell",
        "client_location",
    )
    assert answer.value != "container-same-node"


@pytest.mark.parametrize(
    ("text", "fact", "candidates"),
    [
        # The kind of client said, which node not: both asked, never the model's default.
        ("it's a container", "client_location", ("container-same-node", "container-other-node")),
        ("rodo do terminal de um worker", "client_location", ("same-node", "other-node")),
        ("the node's address", "nodeport_target", ("pod-node", "other-node")),
        # A word every load balancer option shares: which ELB is asked.
        ("LoadBalancer", "service_type", ("loadbalancer-shared", "loadbalancer-dedicated")),
        ("é um service do tipo loadbalancer", "service_type",
         ("loadbalancer-shared", "loadbalancer-dedicated")),
        ("ELB", "service_type", ("loadbalancer-shared", "loadbalancer-dedicated")),
        # An Ingress, its controller not named: the nginx-ingress add-on is confirmed.
        ("it's behind an ingress", "service_type", ("nginx-ingress-dedicated",)),
        ("é um ingress do ELB (não é nginx)", "service_type", ("nginx-ingress-dedicated",)),
        ("é pelo Ingress", "service_type", ("nginx-ingress-dedicated",)),
        # Only a denial of which node: what runs the client is asked.
        ("not on the same node", "client_location", ("other-node", "container-other-node")),
        # A pod in this cluster is no client outside it.
        ("from pods in the cluster", "client_location",
         ("container-same-node", "container-other-node")),
        ("a pod running in the cluster", "client_location",
         ("container-same-node", "container-other-node")),
        ("de um pod dentro do cluster", "client_location",
         ("container-same-node", "container-other-node")),
        # "the same cluster" places no node.
        ("from a pod in the same cluster", "client_location",
         ("container-same-node", "container-other-node")),
        ("de um pod do mesmo cluster", "client_location",
         ("container-same-node", "container-other-node")),
        # A hostNetwork pod is read as its node, which the user did not say: confirmed.
        ("a pod with hostNetwork: true on the backend's node", "client_location", ("same-node",)),
        ("um pod hostNetwork num nó que não tem o backend", "client_location", ("other-node",)),
    ],
)  # fmt: skip
def test_which_node_is_asked_when_the_words_do_not_say_it(
    reader: AnswerReader, text: str, fact: str, candidates: tuple[str, ...]
) -> None:
    answer = reader.read_answer(text, fact)
    assert answer.value is None and set(answer.candidates) == set(candidates)


def test_an_escape_typed_in_a_command_denies_nothing() -> None:
    # ('{"\\n"}' in a jsonpath: folded, a lone "n", which is Portuguese for "não".)
    found = clauses("kubectl get pod web-0 -o jsonpath='{.spec.nodeName}{\"\\n\"}'")
    assert found and not any(c.negated for c in found)


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        # Replies a stranger's review wrote against this reader's rules: what the rule is not
        # about is left to the rest of the reading (None: asked back or confirmed).
        ("a requisição nunca cai no pod, dá timeout; tô testando do mesmo nó", "client_location",
         "same-node"),
        ("it's a cron script on the pod's node itself, it never runs in a container",
         "client_location", "same-node"),
        # Pods looked at are not the client: "mesmo nó" is read as it is alone.
        ("mesmo nó. olhei os pods, nenhum no CrashLoopBackOff", "client_location", "same-node"),
        ("funciona de qualquer nó menos o do pod", "client_location", "same-node"),
        ("works from any node except the pod's", "nodeport_target", "pod-node"),
        ("é um cronjob do cluster que chama; os clientes finais também reclamam",
         "client_location", None),
        # (The runner read as a process on the pod's node: the model's lean, not a rule's.)
        ("o pod não tem nodeSelector pra outro pool, cai no mesmo nó do runner",
         "client_location", "same-node"),
        # Brazilian "ñ" (não) and "credo!" are Portuguese; Italian "credo" closes a reply.
        ("ñ, é outro nó", "client_location", "other-node"),
        ("Credo, mesmo nó", "client_location", "same-node"),
        ("credo 😱 é ipvs", "proxy_mode", "ipvs"),
        ("iptables, credo.", "proxy_mode", None),
        ("é outro nó, mas não sei se é isso mesmo", "client_location", None),
        ("same node. The SG rules I haven't verified yet", "client_location", "same-node"),
        ("it's not just any node, it's the pod's", "nodeport_target", "pod-node"),
        ("🚫 📦, roda direto no nó do pod", "client_location", "same-node"),
        ("não não, tem a interface kube-ipvs0", "proxy_mode", "ipvs"),
        # "no no" takes back as "no" does; "não no nó" is "not on the node".
        ("iptables? no no, kube-ipvs0 exists", "proxy_mode", "ipvs"),
        ("iptables... não não, é ipvs", "proxy_mode", "ipvs"),
        ("a debug pod... sorry, it's a different host", "client_location", "other-node"),
    ],
)  # fmt: skip
def test_what_a_rule_is_not_about_is_not_read_by_it(
    reader: AnswerReader, text: str, fact: str, value: str | None
) -> None:
    assert reader.read_answer(text, fact).value == value


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        # A node by its name said not to hold the pod, though named twice.
        ("curl no IP do worker-2:31000, e o worker-2 não tem o pod do nginx", "nodeport_target",
         "other-node"),
        ("I call node-4's address on the nodePort and node-4 doesn't run the pod", "nodeport_target",
         "other-node"),
        # "the one on node-4": the clients named before, placed; the backend's node compared.
        ("são vários pods clientes, mas o que falha é o do node-4; o backend roda só no node-2",
         "client_location", "container-other-node"),
        # "w/o" is "without".
        ("ssh to a node w/o the backend pod and curl from the host", "client_location",
         "other-node"),
        # The Service's own pod as the client.
        ("exec'd into the service's pod itself and ran curl there", "client_location",
         "container-same-node"),
        ("rodei o curl de dentro do próprio pod do backend", "client_location",
         "container-same-node"),
        # A pod named after its app placed beside the backend.
        ("o pod de carga tá no node-5 e o backend no node-1", "client_location",
         "container-other-node"),
        ("checked again: the loadgen pod is on node-3 and the backend is on node-1",
         "client_location", "container-other-node"),
        # "box"; "far from where the pod runs" (not "nowhere near the cluster": outside it).
        ("a debug pod on another box, far from where the api pod runs", "client_location",
         "container-other-node"),
        ("a laptop at home over VPN, nowhere near the cluster", "client_location",
         "outside-cluster"),
        # Two node pools by name.
        ("o runner é um pod; os runners ficam no pool de build e o backend no pool de apps",
         "client_location", "container-other-node"),
        # `ipvsadm` that shows nothing.
        ("ipvsadm -Ln doesn't show anything, just KUBE-SVC chains everywhere", "proxy_mode",
         "iptables"),
        # Doubt about whether something matters is no doubt about the answer.
        ("iptables, foi o padrão na criação. não sei se isso importa", "proxy_mode", "iptables"),
        ("Cluster. not sure if that's relevant, we never touched it", "external_traffic_policy",
         "Cluster"),
        # "we have two nodes" tells the cluster, not two answers; "um worker qualquer que nem
        # tem o pod" is another node.
        ("ssh into the worker that doesn't run the pod (we have two nodes in total)",
         "client_location", "other-node"),
        ("o IP de um worker qualquer que nem tem o pod", "nodeport_target", "other-node"),
        # The Service's pods placed ("os pods estão no node-1"): where the pod runs.
        ("do host de um nó sem nenhum pod do serviço; os pods estão todos no node-1",
         "client_location", "other-node"),
        # hostNetwork said to be the node's own network: the node, as the user put it.
        ("a DaemonSet with hostNetwork: true, so it's the host's own network, on the backend's node",
         "client_location", "same-node"),
        ("é um pod com hostNetwork, ou seja, usa a rede do nó; fica no mesmo nó do backend",
         "client_location", "same-node"),
        # Which ELB: a word of it, or one of the other's denied (a slip or a plural kept).
        ("LoadBalancer, só que não é o dedicado", "service_type", "loadbalancer-shared"),
        ("LoadBalancer on one of the account's shared ELBs", "service_type", "loadbalancer-shared"),
        ("LoadBalancer num dos ELBs compartilhados da conta", "service_type", "loadbalancer-shared"),
        ("svc LoadBalancer com elb dedicadu", "service_type", "loadbalancer-dedicated"),
        # A sidecar left out is no denial of the pod or its node.
        ("de um pod sem sidecar, no mesmo nó do backend", "client_location",
         "container-same-node"),
        ("from a pod without the istio sidecar, on the backend's node", "client_location",
         "container-same-node"),
        # "fora do nó do pod", "off the backend pod's node": another node.
        ("um contêiner de outro time, mas fora do nó do pod", "client_location",
         "container-other-node"),
        # "the server only runs on node-2": the Service's side placed, not a node calling.
        ("a pod, I'm fairly sure. this client is on node-4 and the server only runs on node-1",
         "client_location", "container-other-node"),
        # Another Service's pod ("o pod do serviço de cobrança") is the client.
        ("quem chama é o pod do serviço de cobrança, que roda em outro worker", "client_location",
         "container-other-node"),
        # A listing's NODE column misread is no node calling.
        ("a pod on the backend's node... no, I misread the NODE column: the client is on .31 and "
         "the backend on .32", "client_location", "container-other-node"),
        ("dei exec num pod de debug que caiu no mesmo nó da api", "client_location",
         "container-same-node"),
        # Replicas placed one on each node are no value each.
        ("são 2 réplicas, uma no node-a1 e outra no node-a2; o curl é do host do node-a3",
         "client_location", "other-node"),
        # Not knowing why is no doubt about the answer.
        ("the wizard screenshot says iptables. no idea why they chose it", "proxy_mode",
         "iptables"),
        ("é iptables, não sei porque escolheram esse", "proxy_mode", "iptables"),
        # "this one uses iptables rules" is the mode.
        ("ipvs? no, that was the old cluster. this one uses iptables rules", "proxy_mode", "iptables"),
        # "podia ser X ou Y, mas é X": the choice made.
        ("podia ser pod ou o próprio nó, mas aqui é pod, no node-2; o backend tá no node-1",
         "client_location", "container-other-node"),
    ],
)  # fmt: skip
def test_words_that_place_or_name_the_client_and_the_elb(
    reader: AnswerReader, text: str, fact: str, value: str
) -> None:
    assert reader.read_answer(text, fact).value == value


@pytest.mark.parametrize(
    ("text", "fact", "candidates"),
    [
        # Both nodes left open: both asked, not the model's lean.
        ("ou no mesmo nó do pod ou em outro, não dá pra saber", "client_location",
         ("same-node", "other-node")),
        ("from the pod's node or another one, I'd have to check", "client_location",
         ("same-node", "other-node")),
        # `kubectl debug` of a pod runs a container in it; which node is not said.
        ("kubectl debug -it web-7c9 --image=busybox -- wget -qO- 10.0.0.5", "client_location",
         ("container-same-node", "container-other-node")),
        # A LoadBalancer, and words that name neither ELB.
        ("spec:\n  type: LoadBalancer\n\n(there's no elb.class annotation on it)", "service_type",
         ("loadbalancer-shared", "loadbalancer-dedicated")),
        # Words that only deny, and evidence of what they seem to deny: confirmed.
        ("no nó não existe kube-ipvs0 e o iptables -t nat tem centenas de regras KUBE-SVC",
         "proxy_mode", ("iptables",)),
        # A node or a pod, one on each side of an "or": what runs the client is asked.
        ("ou de outro nó ou de um pod num outro nó, preciso perguntar pra quem rodou",
         "client_location", ("other-node", "container-other-node")),
    ],
)  # fmt: skip
def test_what_the_words_leave_open_is_asked(
    reader: AnswerReader, text: str, fact: str, candidates: tuple[str, ...]
) -> None:
    answer = reader.read_answer(text, fact)
    assert answer.value is None and set(answer.candidates) == set(candidates)


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # Languages whose words the intake does not list, in our users' Latin letters.
        ("Ustawione na Cluster, zgodnie z domyslna wartoscia.", "external_traffic_policy"),
        ("Tunatumia mtandao wa tunnel kwenye klasta yetu.", "network_model"),
        ("Vi bruker ipvs-modus i klyngen.", "proxy_mode"),
        # Catalan's "a" is no English word.
        ("Està configurat a Cluster, afinitat a nivell de clúster.", "external_traffic_policy"),
    ],
)
def test_words_none_of_our_users_write_are_a_third_language(
    reader: AnswerReader, text: str, fact: str
) -> None:
    answer = reader.read_answer(text, fact)
    assert answer.value is None and not answer.candidates


@pytest.mark.parametrize(
    "text",
    # Rules of the iptables tool said to exist: both modes have them (KUBE-SERVICES too).
    ["there are iptables rules on the node mentioning KUBE-SERVICES, if that helps",
     "tem umas regras de iptables no nó com KUBE-SERVICES"],
)  # fmt: skip
def test_iptables_rules_said_to_exist_name_no_mode(reader: AnswerReader, text: str) -> None:
    answer = reader.read_answer(text, "proxy_mode")
    assert answer.value is None and not answer.candidates


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        # What a stranger's review wrote against this stop's rules: each is left to the rest of
        # the reading (None: asked back or confirmed).
        ("pod com hostNetwork: false, faz curl no IP do nó do backend", "client_location", None),
        ("um teste foi de um pod e o outro no host", "client_location", None),
        ("far from the cluster's nodes, it's my laptop at home", "client_location",
         "outside-cluster"),
        ("o curl que falha é o do host, no mesmo nó do pod", "client_location", "same-node"),
        ("we don't share the ELB with other clusters, it's a LoadBalancer", "service_type", None),
    ],
)  # fmt: skip
def test_what_this_stops_rules_are_not_about(
    reader: AnswerReader, text: str, fact: str, value: str | None
) -> None:
    assert reader.read_answer(text, fact).value == value


def test_entering_the_backend_pod_to_check_it_is_no_call_from_it(reader: AnswerReader) -> None:
    # (What runs the client is still read from "exec'd into", before this stop.)
    text = "I exec'd into the backend pod to check it listens; the curl runs on node-3's host"
    assert reader.read_answer(text, "client_location").value not in (
        "container-same-node",
        "same-node",
    )


def test_one_node_pool_named_twice_is_no_two_nodes() -> None:
    assert placement("o cliente no pool de apps e o backend também no pool de apps") != "other"
    assert placement("the client is in the ci pool and the backend in the apps pool") == "other"


@pytest.mark.parametrize(
    "text",
    ["loadbalanser com elb dedicadu", "ipvs, ta escrito asism no consloe",
     "kubectl debug -it web-0 -- curl 10.0.0.9", "Local, preservar o IP do cliente"],
)  # fmt: skip
def test_our_users_slips_are_not_a_third_language(text: str) -> None:
    from knowledge.intake.language import unknown
    from knowledge.understanding.written import familiar_words

    assert not unknown(text, familiar_words())


def test_the_familiar_words_leave_out_the_third_language_replies() -> None:
    from knowledge.understanding.written import familiar_words

    # Written as third-language replies only (German, Polish), whatever their sets call the
    # conversation's language.
    assert {"verwenden", "knotens", "glaube"}.isdisjoint(familiar_words())
    assert {"worker", "compartilhado", "dedicated"} <= familiar_words()
