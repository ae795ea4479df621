"""Reading typed answers: the open question's option, a short confirmation, or not an answer.

A wrong value read silently is worse than a question asked twice, so the reader answers in
three ways: `value` when one option clearly wins; `candidates` (two or three options) when
the text is close to more than one, for the user to confirm with buttons; neither when the
text answers nothing. Facts the user mentions besides the answer are taken only where a
playbook synonym names them and the question's model agrees with confidence.

Besides the model, the words themselves settle or rule out options: two different nodes named
(or one named twice), the kind of client named (a pod, a node), a typed address (public or
private), a pasted field (`externalTrafficPolicy: Local`), options named after a denial. A reply
in a third language is not read.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import zipfile
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path

from knowledge.intake.evidence import ACCESS, IPVS_SCHEDULERS, answer_address_kind
from knowledge.intake.keywords import fold, spot
from knowledge.intake.language import third_language
from knowledge.playbook import Playbook
from knowledge.understanding.clauses import (
    MAX_ANSWER_CHARS,
    Clause,
    arrows_as_calls,
    asks,
    clauses,
    conclusions_kept,
    denial,
    denies,
    english,
    hedged,
    last_correction,
    normalise,
    row_pods,
    says_no,
    subject,
    withdrawn,
    without_consequence,
)
from knowledge.understanding.model import QuestionModel
from knowledge.understanding.phrasings import NONE, answered_alike
from knowledge.understanding.placement import (
    as_wide_listing,
    called,
    elsewhere,
    holds_none,
    left_open,
    placement,
    shell_client,
    unsaid,
)
from knowledge.understanding.written import familiar_words

__all__ = ["Answer", "AnswerReader"]

# Tuned on the written answers (understanding/written/; never on the held-out set).
ACCEPT = 0.45
MARGIN = 0.15
CANDIDATE = 0.12
CANDIDATES_MASS = 0.45
# Two values named side by side in one clause, each read at least this likely there.
TORN = 0.02
# A short statement: a story's long clause names options for other reasons.
SIDE_BY_SIDE_WORDS = 14
# A short clause read as no answer at least this surely says nothing of the question.
SAYS_NOTHING = 0.95
# A fact mentioned outside its question: stricter, the model never saw the question asked.
MENTION_ACCEPT = 0.7
MENTION_MARGIN = 0.45
# Words each side of a phrase that names a fact outside its question.
_WINDOW = 3
# Words that say which node (the Service pod's, another): without one (or nodes compared), a
# reading of same or other node is the model's default, not the user's word.
_PLACEMENT = re.compile(
    r"\b(?:same|other|others|another|different|elsewhere|own|separate|distinct|remote|"
    r"neighbou?r\w*|itself|local(?:ly|host)?|where|whose|its|that|this|those|these|the pod'?s?|"
    r"backend'?s?|service'?s?|target|co-?located|together|alongside|next to|shares?|shared|"
    r"mesm[oa]s?|outr[oa]s?|diferentes?|propri[oa]|onde|dele|dela|daquele|desse|deste|nesse|"
    r"neste|naquele|junto|juntos|alvo|separad[oa]|distint[oa]|vizinh[oa]|do pod|do backend|"
    r"do servico|ali|la|aqui|dali|daqui|in ?loco|qualquer|any other|\w+-\d+)\b"
)
# "the same cluster", "another VPC": no node is placed by them.
_NOT_A_NODE = re.compile(
    r"\b(?:same|other|another|different|mesm[oa]|outr[oa])\s+(?:cluster|vpc|namespace|subnet|"
    r"sub-?rede|region|regiao|account|conta)s?\b(?!\s+(?:nodes?|no|nos|workers?|hosts?|members?)\b)"
)
_A_POD = re.compile(r"\b(?:pods?|pod'?s|backend|conta?i?ne?r\w*|conteiner\w*)\b")
_A_NODE = re.compile(r"\b(?:nodes?|node'?s|worker\w*|hosts?|vms?|ecs|maquina|servidor)\b")
_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about which option ("it's a LoadBalancer service", "é do tipo …").
_FILLER = frozenset(
    """
    it s its is a an the type tipo service servico svc e um uma do da de o of kind just only
    so we use usamos using spec yaml manifest
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_NO_TYPED = re.compile(r"\bnós?\b")  # "nó" as typed: folded, it is Portuguese "no" ("in the")
# Words that deny, taken out of a denied clause to read what it denies.
_DENYING = re.compile(
    r"\b(?:not|no|nope|nah|nao|n|nem|never|nunca|nothing|isn'?t|is not|sem|without|nenhum|nenhuma|"
    r"none|any|qualquer)\b"
)
# A pod or a node said to be in this cluster ("a pod in the cluster", "um pod dentro do cluster").
_IN_CLUSTER = re.compile(
    r"\b(?:pods?|containers?|conteiners?|nodes?|no|nos|workers?)\s+(?:(?:running|rodando)\s+)?"
    r"(?:(?:in|inside|within|on)\s+(?:the|our|this|the same)\s+(?:cce\s+|k8s\s+)?cluster"
    r"|(?:dentro\s+)?d[oa]\s+(?:proprio\s+|nosso\s+|mesmo\s+)?cluster"
    r"|n[oa]\s+(?:proprio|mesmo|nosso)\s+cluster)\b"
)
# A client said to be outside the cluster: in another cluster, or no part or node of this one. ("From
# outside it works" is how the failure is told, not where the client runs: not taken.)
_OUTSIDE = re.compile(
    r"\b(?:isn'?t|is not|not|nao e|nao faz|no es)\s+(?:a\s+)?parte?\s+(?:of|do|da|de)\s+"
    r"(?:the\s+|o\s+|a\s+|our\s+|nosso\s+)?(?:cluster|k8s|kubernetes|cce)\b"
    # "isn't a cluster node", "não é nó do cluster", "not a node of the cluster"
    r"|\b(?:isn'?t|is not|not|nao e|nem e)\s+(?:a\s+|um\s+)?(?:(?:cluster|k8s|kubernetes|cce)\s+"
    r"(?:node|no|worker|member|host)|(?:node|no|worker|host)\s+(?:of|in|d[oe]|n[oa])\s+"
    r"(?:the\s+|o\s+|our\s+|nosso\s+)?(?:cluster|k8s|kubernetes|cce))\b"
    # "from a pod of another cluster", "it's a different cluster" (not "e": folded, it is "and")
    r"|\b(?:from|de|in|em|num|numa|on|no|na|it'?s|is|eh)\s+(?:(?:a|an|um|uma|our|nosso)\s+)?"
    r"(?:(?:pod|vm|node|no|maquina|machine|host|ecs)\s+(?:of|in|on|de|do|em|no)\s+)?"
    r"(?:(?:a|an|um|uma|the|o|our|nosso)\s+)?(?:outro|another|other|different|second|segundo|"
    r"separate)\s+(?:cce\s+|k8s\s+|kubernetes\s+)?cluster\b"
    r"(?!\s+(?:nodes?|no|nos|worker|workers|host|member)\b)"  # "another cluster node"
    # Machines of the company's own or a partner's, not in the cloud at all.
    r"|\bnot\s+(?:from\s+)?(?:inside|within|in)\s+(?:the\s+|our\s+)?cluster\b"
    # "o bastião não tá na lista de nós" (kubectl get nodes)
    r"|\b(?:nao|isn'?t|is not|not)\s+(?:ta\s+|esta\s+|aparece\s+|listed\s+)?(?:n[ao]|(?:in|on)\s+the)\s+"
    r"(?:lista de nos|node list|list of nodes)\b"
    # (Not the old datacenter a migration leaves: "migrando tudo do datacenter antigo".)
    r"|(?:(?<!\bold )(?<!\blegacy )\b(?:datacenter|data center)\b(?!\s+(?:antigo|velho|legado)\b)"
    r"|\b(?:on-?prem(?:ise)?s?|direct connect|nosso escritorio|our office|"
    r"partner'?s (?:servers?|systems?|machines?)|servidores? d[oa] parceir[oa]|nothing of ours|"
    r"nada nosso|my (?:mac|macbook|laptop|notebook|pc|workstation)|"
    r"(?:meu|minha) (?:mac|macbook|laptop|notebook|pc|maquina)|(?:at|from) home|de casa|"
    r"home (?:laptop|pc|computer)|on my machine|(?:pela|via|over|through) (?:a |the )?vpn|"
    # CI runners of a hosted service ("a GitHub-hosted runner", "na nuvem deles").
    r"github-hosted|hosted runners?|(?:na|in) (?:the )?(?:nuvem deles|their cloud)|"
    # The app's own users on their phones ("end users on their phones", "os usuários do app
    # no celular"; not "os clientes finais também reclamam", which says who complains).
    r"on their (?:phones?|mobiles?)|no celular)\b)"
    # ("Same curl from my laptop works fine": where it works is no client.)
    r"(?![^.;,]*\b(?:works?|worked|fine|funciona\w*)\b)"
)
# A preposition right before a phrase (of another question's option).
_LEADS_TO = re.compile(
    r"\b(?:no|na|nos|nas|num|numa|pelo|pela|via|on|in|at|over|through|em|do|da)\s+$"
)
# Words that look like an option's but name another thing, taken out before reading: a Service's
# sessionAffinity (ClientIP) is no traffic policy (a question mark after it stays); "in the
# VPC", "vpc-prod-01" name the VPC a cluster sits in (every cluster has one), not the VPC
# network model.
_NOT_ROUTER = r"(?!r(?:outer|oter|outr|uoter|otuer|outre|ouer)\b)"  # vpc-router and its typos
_DECOYS = {
    "external_traffic_policy": re.compile(
        r"(?i)\bsession\s?affinity\b[\s:=\"']{0,3}(?:clientip|none)?|\b(?:afinidade|affinity)\b"
        r"(?=[^.;,]{0,20}\bclientip\b)|\bclientip\b"
    ),
    "network_model": re.compile(
        # "a VPC é a vpc-prod-sa", "our VPC is vpc-core": which VPC, not which network model
        rf"(?i)\bvpc\s+(?:é|e|eh|is|se chama|is called)\s+(?:a\s+|the\s+)?(?=vpc[-_]{_NOT_ROUTER})"
        rf"|\bvpc[-_]{_NOT_ROUTER}[\w-]+"  # a VPC's name, not vpc-router (or its typos)
        r"|(?<!rede )(?<!network )\b(?:in|on|inside|na|no|em|numa|dentro da)\s+(?:the\s+|a\s+|our\s+|nossa\s+)?vpc"
        rf"(?:\s+(?:default|padr[aã]o)|\s+[\w-]*\d[\w-]*|\s+vpc[-_]{_NOT_ROUTER}[\w-]+)?"
        r"(?=\s*(?:$|[.,;!?]))"
    ),
    # nslookup's own resolver ("Server: 10.247.3.10", "Address: 10.247.3.10#53"): the cluster's
    # DNS, not the address looked up.
    "access_type": re.compile(r"(?im)^[ \t]*server:[^\n]*\n[ \t]*address(?:[ \t]+\d+)?:[^\n]*"),
    # A command run at a prompt ("# iptables-save -t nat | head"): both modes have iptables
    # rules; what it prints may tell (a chain per Service), not its name.
    "proxy_mode": re.compile(
        r"(?im)^[ \t]*(?:\[[^\]\n]*\][ \t]*[#$]|[\w.-]+@[\w.-]+:[^\s#$]*[#$]|[$#])[ \t]*"
        r"(?:sudo[ \t]+)?iptables(?:-legacy|-nft)?(?:-save)?\b[^|\n]*"
        # and `iptables -L`'s own lines: a chain's title and the columns' header
        r"|^[ \t]*chain[ \t]+[\w-]+[ \t]+\((?:\d+[ \t]+references?|policy\b)[^)\n]*\)"
        r"|^[ \t]*target[ \t]+prot[ \t]+opt[ \t]+source[ \t]+destination[ \t]*$"
        # and the rules told in words ("there are iptables rules with KUBE-SERVICES", "regras de
        # iptables no nó"): the tool's, which both modes use
        # (not "this one uses iptables rules": the mode)
        r"|\b(?:there[ \t]+are|there'?s|i[ \t]+(?:can[ \t]+)?see|tem|existem|vejo|h[aá])[ \t]+"
        r"(?:some[ \t]+|umas?[ \t]+|algumas?[ \t]+)?(?:iptables(?=[ \t]+(?:rules?|chains?)\b)|"
        r"regras?[ \t]+d[eo][ \t]+iptables\b)"
    ),
}
# `kubectl get`'s column headers, three or more in a row, in capitals as kubectl prints them
# (and `crictl ps`'s, `docker ps`'s: "CONTAINER IMAGE CREATED STATE NAME ATTEMPT POD ID").
_COLUMN = (
    r"(?:NAME|NAMESPACE|TYPE|CLUSTER-IP|EXTERNAL-IP|PORT\(S\)|AGE|READY|STATUS|RESTARTS|IP|"
    r"NODE|NOMINATED NODE|READINESS GATES|SELECTOR|MODE|CONTAINER(?: ID)?|IMAGE|CREATED|STATE|"
    r"ATTEMPT|POD ID|COMMAND|PORTS|NAMES)"
)
_TABLE_HEADER = re.compile(
    rf"\b{_COLUMN}(?:[ \t]+{_COLUMN}){{2,}}(?![\w(])"
    r"|^[ \t]*NAME[ \t]+NODE[ \t]*$",  # custom-columns=NAME:…,NODE:…
    re.MULTILINE,
)
# A pasted Service or kube-proxy setting names the value itself ("externalTrafficPolicy: Local").
# The ELB class annotation names a synonym of its option ("kubernetes.io/elb.class: union").
_FIELDS = {
    "external_traffic_policy": re.compile(r"\bexternaltrafficpolicy\W{0,3}[:=]\W{0,3}(\w+)"),
    "proxy_mode": re.compile(r"\b(?:proxymode|mode)\W{0,3}[:=]\W{0,3}(\w+)"),
    "service_type": re.compile(r"\b(?:type|elb\.class)\W{0,3}[:=]\W{0,3}(\w+)"),
}
# A line of a pasted manifest: a YAML key or a list item.
_YAML_LINE = re.compile(r"[ \t]*(?:[\w./\"'-]+:(?:[ \t].*)?|- .*)")


def _manifest_without(text: str, field: re.Pattern[str]) -> bool:
    """Whether the reply is a pasted manifest (three lines or more, all YAML, nested) without
    `field`."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (
        len(lines) >= 3
        and all(_YAML_LINE.fullmatch(line) for line in lines)
        and any(line[0] in " \t" for line in lines)  # a manifest nests
        and not field.search(fold(text))
    )


# IPVS mode binds the load balancer's addresses to the kube-ipvs0 dummy interface on every node
# (domain notes, upstream kube-proxy) and keeps an IPVS virtual server per Service address, which
# `ipvsadm -Ln` lists: a node without the device, or with an empty table, is not in IPVS mode.
# Neither is one whose pasted iptables rules hold a chain per Service or endpoint (`KUBE-SVC-`,
# `KUBE-SEP-`, `KUBE-FW-`, `KUBE-EXT-<hash>`…), which only the iptables mode writes.
_NO_IPVS_DEVICE = re.compile(
    r"kube-ipvs0\W{0,3}[^\n]{0,40}(?:does not exist|doesn'?t exist|not found|nao existe|no such device)"
    r"|\b(?:nao existe|nao tem|there'?s no|there is no|no|sem)\s+(?:(?:a|an|the|o)\s+)?"
    r"(?:(?:interface|device|dispositivo|iface)\s+)?kube-ipvs0\b"
    r"|\bipvsadm(?:\s+-\w+)?\s+(?:is|esta|ta|veio|returns|shows|mostra|retorna|lists|lista)\s+"
    r"(?:empty|vazio|vazia|nothing|nada)\b"
    r"|\bipvsadm(?:\s+-\w+)?\s+(?:nao|doesn'?t|does not|didn'?t)\s+(?:show|list|return|mostra|"
    r"lista|retorna|traz)\s+(?:nada|anything|any)\b"
    r"|\bipvs(?:adm)?\s+(?:tables?|tabelas?|list|lista)\s+(?:is|are|esta|estao|ta|tao|veio)\s+"
    r"(?:empty|vazi[ao]s?)\b"
)
# `ipvsadm -Ln`'s header with no virtual service after it: an empty table. (Its lines may be
# joined by ", " as a reply's clauses are.)
_EMPTY_IPVS = re.compile(
    r"\bprot\s+localaddress:port\s+scheduler\s+flags\W{0,8}remoteaddress:port\s+forward\s+weight"
    r"\s+activeconn\s+inactconn\b(?!\W{0,8}(?:tcp|udp|sctp|fwm)\b)"
)
# A node's address and a port of the NodePort range (30000-32767) the client calls: a NodePort
# ("bate direto em ip_do_no:32443", "curl 192.168.0.12:31080"); not a Service's "80:30321/TCP".
_NODE_PORT = re.compile(
    r"(?:(?<![\d.:])\d{1,3}(?:\.\d{1,3}){3}"
    r"|\b[\w-]*(?:node|worker|(?<![a-z])no)(?:ip)?(?![a-z])[\w-]*)"
    r":(?:3[0-1]\d{3}|32[0-6]\d{2}|327[0-5]\d|3276[0-7])\b(?!/)"
)
# What sits in front of a node's port (an ELB's backends, a DNAT rule, an ingress): said so, the
# node's port is no NodePort Service.
_IN_FRONT = re.compile(
    r"\b(?:elb|lb|load ?balancer|balanceador|dnat|nat|ingress|listener|port-forward|localhost)\b"
)
# A virtual service `ipvsadm -Ln` lists ("TCP  192.168.4.200:443 rr"): kube-proxy's IPVS tables,
# which its iptables mode leaves empty.
_IPVS_SERVICE = re.compile(
    rf"\b(?:tcp|udp|sctp)\s+(?:\d{{1,3}}\.){{3}}\d{{1,3}}:\d+\s+{IPVS_SCHEDULERS}\b"
)
_SERVICE_CHAINS = re.compile(
    r"(?<![\w-])(?::|-a\s+|-j\s+)kube-(?:svc|sep|fw|ext|xlb|svl)-[a-z0-9]{8,16}\b"
    # `iptables -L`'s target column, then the protocol
    r"|\bkube-(?:svc|sep|fw|ext|xlb|svl)-[a-z0-9]{8,16}\s+(?:tcp|udp|sctp|all)\b"
    # and their count ("| grep -c KUBE-SEP" then "184")
    r"|\bgrep\s+-c\s+kube-(?:svc|sep)\b[\w-]*\W{1,4}[1-9]\d*\b"
    # or told ("thousands of KUBE-SEP rules", "milhares de regras KUBE-SEP")
    r"|\b(?:thousands|hundreds|dozens|lots|tons|milhares|centenas|dezenas|monte)\b[^.\n]{0,40}?"
    r"\bkube-(?:svc|sep)\b"
)
# `ipvsadm` missing from a node says nothing about the mode (the tool is not installed).
_NOT_FOUND = r"command not found|not found|comando nao encontrado|nao encontrado"
_NOT_THERE = r"not installed|isn'?t installed|nao (?:esta |ta )?instalado"
_NO_IPVSADM = re.compile(
    rf"\bipvsadm\W{{0,3}}(?:{_NOT_FOUND})|\bipvsadm\b[^.\n]{{0,20}}\b(?:{_NOT_THERE})"
)
# What is left out when looking for a mode named beside it: the missing tool's report and the
# tool's own name ("ipvsadm -Ln").
_NOT_INSTALLED = re.compile(
    rf"\bipvsadm\b[^\n]{{0,40}}?\b(?:{_NOT_FOUND}|{_NOT_THERE})"
    r"|\b(?:command not found|not installed)\b|\bipvsadm(?:\s+-\w+)*"
)

# Replicas of an app that is not the Service's ("3 frontend replicas", "the failing BFF replica",
# "as réplicas do front"): the client's pods. Folded text.
_NOT_THE_SERVICE = (
    r"(?!(?:backend|back|back-end|api|service|servico|server|target|alvo|destino|healthy|running|"
    r"ready|other|available|active|old|new)\b)"
)
_CLIENT_REPLICAS = re.compile(
    rf"\b(?:\d+|two|three|four|the|a|one|failing)\s+{_NOT_THE_SERVICE}[a-z][\w-]*\s+replicas?\b"
    rf"|\breplicas?\s+d[oa]s?\s+{_NOT_THE_SERVICE}[a-z][\w-]*"
)
# A client said to be pods: a DaemonSet, whose copies are pods on every node ("é o DaemonSet do
# promtail, só falha a cópia que tá no nó do pod do backend"), or what runs as pods ("our
# Jenkins agents run as pods").
_PODS_CLIENT = re.compile(
    r"\b(?:it'?s|is|e|eh)\s+(?:(?:our|the|a|an|o|um|nosso)\s+)?(?:[\w-]+\s+)?daemon ?sets?\b"
    r"|\b(?:run|runs|rodam|roda)\s+(?:as|como)\s+(?:pods|containers|conteineres)\b"
)
# A pod's logs, then the failure itself ("kubectl logs job-x | tail -1" and "curl: (7) Failed…").
_LOGS_FAIL = re.compile(
    r"\bkubectl\s+logs\s+[^\n,]*[\n,]\s*(?:curl:\s*\(\d+|dial tcp|upstream connect error)"
)
# A program installed on the machine itself, not run in a container.
_INSTALLED = re.compile(
    r"\b(?:installed|instalad[oa]s?|rpm|yum|apt|systemd|crontab|binary|binario|"
    r"directly on|direto n[oa]|straight onto)\b"
    # A program in the host's own folders ("um script que roda em /opt/fechamento").
    r"|(?:^|\s)/(?:opt|usr/local|srv|home|root|etc/cron)"
)
# Of those, what only a host runs: a client the words name no other kind of is the node.
_HOST_PROGRAM = re.compile(
    r"\b(?:crontab|systemd|systemctl|yum|apt(?:-get)?|instalad[oa]s? direto|"
    r"installed (?:directly|straight|on the (?:host|node|vm|ecs)))\b|(?:^|\s)/(?:opt/|usr/local/|etc/cron)"
)
# What runs on a host when the words place it there ("o curl do cron no host").
_HOST_SIDE = re.compile(r"\b(?:script|cron|crontab|bash|shell|systemd|binary|binario)\b")
# A word that says which network an address is in ("a VPC IP", "o IP da VPC"), not the option
# it names for another question: kept in the reply.
_AN_ADDRESS_IN = re.compile(r"\s*(?:ips?|address(?:es)?|addr|enderecos?)\b")
_ADDRESS_IN = re.compile(r"\b(?:ips?|address|enderecos?)\s+(?:d[ao]|n[ao]|in the|of the|in)\s+$")
# A clause that only says which place ("so same node", "então mesmo nó", "yeah just
# double-checked, different node"; not "sorry, it's a different host", which names the client
# anew).
_ONLY_A_PLACE = re.compile(
    r"(?:(?:so|then|entao|logo|it'?s|is|e|eh)\s+){0,2}(?:the\s+|o\s+)?(?:same|mesmo)\s+"
    r"(?:node|no|worker|host)[.!]*"
    r"|(?:(?:so|then|entao|logo)\s+)?(?:a\s+|um\s+)?(?:different|another|other|outro|outra|outros)\s+"
    r"(?:nodes?|nos?|workers?)[.!]*"
)
# Entering another container to run the client from inside it ("docker exec'd into another
# app container"; not "kubectl exec no pod do backend", a check of the server).
_EXEC_INTO = re.compile(
    r"\bexec'?(?:e?d|ei)?\s+(?:-it\s+)?(?:(?:into|in|no|na)\s+(?:another|other|a different|an?|some|"
    r"um|uma|outro|outra)|num|numa|noutro|noutra)\b(?!\s+(?:backend|server|servidor)\b)"
    # or into the Service's own pod to call from it ("exec'd into the backend pod itself", "de
    # dentro do próprio pod"; not "exec into the backend pod to check it listens")
    r"|\bexec'?(?:e?d|ei)?\s+(?:-it\s+)?(?:into|in|no|na)\s+(?:the\s+|o\s+)?(?:"
    r"(?:backend|service'?s?|target)\s+pod\s+itself|proprio\s+pod)\b|\bdentro\s+d[oa]\s+proprio\s+pod\b"
)
# The kind of client denied outright ("sem container", "not containerized").
_NO_CONTAINER = re.compile(
    r"(?:(?:it|it'?s|is|e|eh|ele|ta|esta|that'?s|which)\s+){0,2}"
    r"(?:(?:sem|without|no|not|nao|nao e|nao eh|isn'?t|is not|not in|not from|nada em|nada de|"
    r"nothing in)\s+"
    r"(?:a\s+|um\s+|any\s+|nenhum\s+)?"
    r"(?:containers?|conteineres?|docker|pods?|k8s|kubernetes)"
    r"|(?:not|nao)\s+(?:containerized|dockerized|containerizad[oa]|conteinerizad[oa])"
    # "we don't have a client pod", "não tem pod cliente"
    r"|(?:we\s+)?(?:don'?t|do not)\s+have\s+(?:a|any)\s+client\s+pods?|nao\s+tem\s+pod\s+cliente)"
)
# A node named before, pointed back to ("that node", "nesse nó"). Folded text.
_THAT_NODE = re.compile(
    r"\b(?:that|this|esse|este|aquele|nesse|neste|naquele|desse|deste|daquele)\s+"
    r"(?:node|no|host|worker|vm|machine|maquina|ecs)\b"
)
# The word before a bare value that makes it a noun ("dentro do cluster", "the cluster has
# three nodes"); not an indefinite article ("é um NodePort", "the one in staging is a NodePort").
_A_NOUN = re.compile(
    r"\b(?:do|da|no|na|de|of|in|inside|within|outro|outra|other|another|esse|este|essa|"
    r"this|that|each|every|cada|todo|the|o|os|as)\s+$"
)
# The words just before a value that say it is so ("that's Cluster", "é um NodePort", "is on
# Local").
_STATED = re.compile(
    r"\b(?:is|s|are|e|eh|ta|esta|era|was|fica|ficou|on|em|com|with|to|pra|para)\s+"
    r"(?:(?:a|an|um|uma|the|o)\s+)?$"
)
# Two values named in one clause: a change told there ("mudamos de Cluster pra Local", "from
# iptables to ipvs": the later one meant), the options there were to pick from ("between overlay
# and the VPC model"), or two statements joined ("X é A e Y é B"), not a reason ("IPVS because
# iptables would not scale").
_CHANGE = re.compile(r"\b(?:de|from)\b.+\b(?:pra|para|to)\b|->|=>")
# A change told in one clause, its two ends: "we switched from" X "to" Y, "mudamos de" X "pra" Y.
_CHANGED_FROM = re.compile(
    r"\b(?:mud|troc|migr|pass|volt|alter|chang|switch|mov|went|convert)\w*\s+(?:\w+\s+){0,3}?"
    r"(?:de|do|da|from)\s+(?:(?:o|a|um|uma|the|an?)\s+)?$"
)
_CHANGED_TO = re.compile(r"\s*(?:\w+\s+){0,2}?(?:pra|para|pro|to|->|=>)\s")
_CHOICE = re.compile(r"\b(?:between|entre|options?|opcoes|opcao|choices?|escolha)\b")
_SIDE_BY_SIDE = re.compile(r"\b(?:e|and|while|enquanto|whereas)\b")
# Two things of a kind, one each ("one cluster on tunnel and one on VPC", "um tá Local e o outro
# Cluster"): side by side in a clause of any length.
_ONE_AND_ONE = re.compile(
    r"\b(?:one|um|uma)\b[^.;]{1,40}\b(?:and\s+(?:one|another|the other)|e\s+(?:outro|outra|o outro|a outra))\b"
)
_REASON = re.compile(r"\b(?:porque|because|since|pois|than|do que|instead|em vez|rather)\b")
# A conclusion that takes a value back ("so ipvs was wrong", "então esquece o Local").
_TAKES_BACK = re.compile(
    r"\b(?:wrong|errad[oa]|forget|esquece|esqueca|typo|mistake|engano|not|nao|never|nunca)\b"
)
# Doubt, which is no empty word ("it's not Local, I guess").
_DOUBT = re.compile(
    r"\b(?:i guess|i think|i suppose|i believe|acho|suponho|acredito|maybe|talvez|probably|"
    r"provavelmente)\b"
)

# An EIP unbound or released leaves the load balancer its private address ("we unbound the
# EIP", "o EIP foi desvinculado").
_EIP_GONE = re.compile(
    r"\b(?:unbound|unbind|released|detached|removed|deleted|desvinculamos|desassociamos|"
    r"removemos|tiramos|liberamos)\s+(?:the\s+|o\s+|its\s+|our\s+)?eip\b"
    r"|\beip\s+(?:was|got|has been|foi|ja foi)\s+(?:unbound|released|detached|removed|deleted|"
    r"desvinculad[oa]|desassociad[oa]|removid[oa]|liberad[oa]|apagad[oa])\b"
)


# The load balancer CCE creates for a Service: `kubernetes.io/elb.autocreate` is JSON whose
# `type` is `public` or `inner` (domain notes, cce_10_0385).
_AUTOCREATE = re.compile(r"elb\.autocreate\W+\{[^}]*?\btype\W{1,4}(public|inner)\b")


def _autocreated(text: str) -> str | None:
    match = _AUTOCREATE.search(text.lower())
    return None if match is None else "public" if match.group(1) == "public" else "private"


def _third_language(text: str) -> bool:
    """Whether the user writes neither English nor Portuguese: a language whose words the
    intake knows, or words none of the written replies has."""
    return third_language(text, familiar_words())


def _stem(word: str) -> str:
    """A long word's first seven letters: its inflections and slips ("compartilhados",
    "dedicaded") are the word."""
    return word[:7] if len(word) >= 8 else word


# The user saying what hostNetwork means ("so it's really the node's own network stack", "na
# prática é a rede do nó"): the node, as the user put it.
_THE_NODES_NETWORK = re.compile(
    r"\b(?:node|host)'?s\s+(?:own\s+)?(?:network|net|stack|namespace)"
    r"|\b(?:rede|stack|namespace)\s+(?:de rede\s+)?d[oa]\s+(?:proprio\s+)?(?:no|node|host|maquina)\b"
)
_OFF_HOST_NETWORK = re.compile(r"hostnetwork\W{0,3}\s*(?:false|no)\b")


_TRAINED: dict[tuple[str, str, tuple[str, ...] | None], QuestionModel] = {}
log = logging.getLogger(__name__)


@cache
def code_version() -> str:
    """A digest of what shapes a trained model besides the playbook: this package's code and
    data, the intake code it reads with, and the versions of scikit-learn and numpy (from
    their metadata: neither is imported for it)."""
    versions = f"{metadata.version('scikit-learn')} {metadata.version('numpy')}"
    digest = hashlib.sha256(versions.encode())
    package = Path(__file__).parent
    # The intake modules the reading goes through: folding and spotting, and the language
    # tests that decide what "no" means (with the prose and tool-output cuts they use).
    intake = package.parent / "intake"
    read_with = [
        intake / f"{name}.py" for name in ("keywords", "language", "service", "error_message")
    ]
    data = [*package.glob("*.yaml"), *package.glob("written/*.yaml")]
    for path in sorted([*package.glob("*.py"), *data, *read_with]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Answer:
    fact: str
    value: str | None = None
    # Options to confirm when the text is close to more than one; empty otherwise.
    candidates: tuple[str, ...] = ()
    confidence: float = 0.0

    @property
    def understood(self) -> bool:
        return self.value is not None


def _decide(fact: str, scores: dict[str, float], strict: bool = False) -> Answer:
    accept, margin = (MENTION_ACCEPT, MENTION_MARGIN) if strict else (ACCEPT, MARGIN)
    # Evidence and denials may leave one option, or none but "not an answer".
    ranked = [*sorted(scores.items(), key=lambda item: -item[1]), (NONE, 0.0), (NONE, 0.0)]
    (top, p1), (_, p2) = ranked[0], ranked[1]
    if top != NONE and p1 >= accept and p1 - p2 >= margin:
        return Answer(fact, top, confidence=p1)
    options = [(value, p) for value, p in ranked if value != NONE and p >= CANDIDATE][:3]
    if options and sum(p for _, p in options) >= CANDIDATES_MASS:
        if len(options) == 1:
            # One plausible option, not confident enough to take silently: confirm it.
            return Answer(fact, candidates=(options[0][0],), confidence=options[0][1])
        return Answer(fact, candidates=tuple(v for v, _ in options), confidence=p1)
    return Answer(fact, confidence=scores.get(NONE, 0.0))


class AnswerReader:
    """The answer models of a playbook's questions, trained once on first use of each."""

    def __init__(
        self,
        playbook: Playbook,
        cache_dir: Path | None = None,
        written: tuple[str, ...] | None = None,
    ) -> None:
        """`written`: the sets of written answers the models learn from, None for all (some
        only: to read the later sets with models that never saw them, tests/answer_outcomes)."""
        self.playbook = playbook
        self.cache_dir = cache_dir
        self.written = written
        self._models: dict[str, QuestionModel] = {}

    @cached_property
    def questions(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.playbook.facts if f.ask and f.options)

    def model(self, fact: str) -> QuestionModel:
        if fact not in self._models:
            key = (self.playbook.digest, fact, self.written)
            # The same playbook text and code train the same model: an App opened again (a
            # test, a reloaded store) reuses it, and a new process loads it from the cache.
            if key not in _TRAINED:
                _TRAINED[key] = self._cached(fact)
            self._models[fact] = _TRAINED[key]
        return self._models[fact]

    def _cached(self, fact: str) -> QuestionModel:
        if self.cache_dir is None or self.written is not None:
            return QuestionModel.train(self.playbook, fact, self.written)
        digest = self.playbook.digest.removeprefix("sha256:")
        path = self.cache_dir / f"answers-{digest}-{code_version()}-{fact}.npz"
        try:
            return QuestionModel.load(path, fact)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            pass  # not cached yet, or unreadable (a truncated file): train again
        model = QuestionModel.train(self.playbook, fact)
        try:
            model.save(path)
        except OSError as exc:
            log.warning("answer model not cached at %s: %s", path, exc)
        return model

    @staticmethod
    def forget() -> None:
        """Drop the models this process holds (a benchmark then measures loading them)."""
        _TRAINED.clear()

    def warm(self) -> None:
        """Train every question's model now (a server does this before it says it is ready)."""
        for fact in self.questions:
            self.model(fact)
        familiar_words()

    def read_answer(self, text: str, fact: str) -> Answer:
        """The reply `text` read as an answer to the question `fact`.

        Phrases naming another question's option ("…, and it's ipvs") are read as mentions of
        that fact, so they are taken out of the answer before it is read."""
        if _third_language(text):
            return Answer(fact)  # asked again: we read English and Portuguese only
        # "it's Local - is that why it breaks?": the answer, and a question about it.
        text = without_consequence(text)
        # A pasted `kubectl get` table's header names no answer (its CLUSTER-IP column is
        # not a ClusterIP Service).
        text = arrows_as_calls(_TABLE_HEADER.sub(" ", as_wide_listing(text)))
        if fact in _DECOYS:
            text = _DECOYS[fact].sub(" ", text)
        if fact == "proxy_mode" and self._only_no_ipvsadm(text):
            return Answer(fact)  # "ipvsadm: command not found": asked again
        if fact in _FIELDS and _manifest_without(text, _FIELDS[fact]):
            return Answer(fact)  # a pasted manifest without the field: it says nothing
        is_english = english(text)
        found = self._clauses(self._without_other_facts(text, fact), fact, is_english)
        if not found or withdrawn(found):
            return Answer(fact)
        answer = self._read(fact, text, found, is_english)
        if not answer.understood and not answer.candidates:
            return self._on_compared_nodes(fact, text, found, is_english)
        if answer.value is not None and (
            apart := self._refining_apart(fact, text, found, is_english, answer.value)
        ):
            # "nginx-ingress, but on the shared ELB": the add-on where its option is not.
            return Answer(fact, candidates=apart)
        if answer.value is not None and not self._placed(fact, text, answer.value):
            # "from a pod", "o IP do nó": which node is not said; both are asked.
            return Answer(fact, candidates=self._twins(fact, answer.value, "pod_node"))
        if answer.value is not None and not self._kinded(fact, found, answer.value):
            # "not the same node": what runs the client (a pod, the node) is not said.
            return Answer(fact, candidates=self._twins(fact, answer.value, "runs_in"))
        if answer.value is not None and self._doubted_denial(found):
            # "it's not Local, I guess": the option left by a denial, doubted; it and what was
            # denied (of two options, both) are asked.
            values = self.playbook.fact(fact).values
            denied = set(values) if len(values) == 2 else self._denied(fact, found, is_english)
            return Answer(fact, candidates=tuple(sorted({answer.value, *denied})))
        if answer.value is not None and (alike := self._broad(fact, text, answer.value)):
            # "LoadBalancer": a word the option shares with others (which ELB is not said).
            return Answer(fact, candidates=alike)
        if answer.value is not None and self._kind_left_open(fact, found, answer.value):
            # "ou de outro nó ou de um pod em outro nó": a node or a pod, not said which.
            return Answer(fact, candidates=self._twins(fact, answer.value, "runs_in"))
        if answer.value is not None and (undecided := self._undecided(fact, found, answer.value)):
            # "it's behind an Ingress": which controller serves it is not said; "type:
            # LoadBalancer" and more words: which ELB is not said.
            return Answer(fact, candidates=undecided, confidence=answer.confidence)
        if answer.value is not None and (
            # "ipvs, I think, not sure": worth a click to confirm, not a silent value.
            self._hedged(text[-MAX_ANSWER_CHARS:], fact)
            # "a hostNetwork pod": read as its node, which the user did not say.
            or self._on_host_network(fact, text, answer.value)
        ):
            return Answer(fact, candidates=(answer.value,), confidence=answer.confidence)
        return answer

    def _only_no_ipvsadm(self, text: str) -> bool:
        """Whether all the reply tells of the mode is that `ipvsadm` is not installed."""
        folded = "\n".join(fold(line) for line in text.splitlines())
        left = _NOT_INSTALLED.sub(" ", folded)
        return (
            bool(_NO_IPVSADM.search(folded))
            and not self._named("proxy_mode", left)
            and not _NO_IPVS_DEVICE.search(left)
            and not _SERVICE_CHAINS.search(left)
        )

    def _clauses(self, text: str, fact: str, is_english: bool) -> list[Clause]:
        """The clauses of `text`; a conclusion a stretch of its own where it says a value of
        the question."""
        found = clauses(text, english=is_english)
        model = self.model(fact)
        return conclusions_kept(
            found,
            lambda said: (
                not _TAKES_BACK.search(said)
                and (bool(self._named(fact, said)) or _decide(fact, model.scores(said)).understood)
            ),
        )

    @staticmethod
    def _doubted_denial(found: list[Clause]) -> bool:
        """Whether the reply denies, and affirms only doubt ("it's not Local, I guess")."""
        affirmed = [c.text for c in found if not c.negated]
        return (
            len(affirmed) < len(found)
            and bool(affirmed)
            and all(len(text.split()) <= 4 and _DOUBT.fullmatch(text.strip()) for text in affirmed)
        )

    def _on_host_network(self, fact: str, text: str, value: str) -> bool:
        """Whether a pod on its node's own network (`hostNetwork: true`) was read as that node:
        it reaches the address as the node does (domain notes), but the user named a pod."""
        if self.playbook.fact(fact).option(value).runs_in != "node":
            return False
        folded = fold(text)
        return "hostnetwork" in text.lower() and not (
            _THE_NODES_NETWORK.search(folded) and not _OFF_HOST_NETWORK.search(folded)
        )

    def _hedged(self, text: str, fact: str) -> bool:
        """Doubt, or a question back: one that names an option ("is it ipvs?") or is the whole
        reply, not a closing "is that what you needed?"."""
        if hedged(text, questions=False):
            return True
        asked = asks(text)
        return asked is not None and (asked == fold(text).strip() or bool(self._named(fact, asked)))

    def _refined(self, answer: Answer) -> Answer:
        """Two candidates of which one is a case of the other (the nginx-ingress add-on and a
        dedicated ELB): the user described one thing, the more specific."""
        specific = self._specific(answer.fact, answer.candidates)
        if specific is None:
            return answer
        return Answer(answer.fact, specific, confidence=answer.confidence)

    def _finer(self, fact: str, answer: Answer, text: str, denied: set[str]) -> Answer:
        """The reading refined by an option the words name that refines it (a dedicated ELB,
        and the nginx-ingress add-on's name pasted beside it)."""
        if answer.value is None:
            return answer
        question = self.playbook.fact(fact)
        finer = [
            option.value
            for option in question.options
            if option.refines == answer.value and option.value in self._named(fact, text) - denied
        ]
        if len(finer) != 1:
            return answer
        return Answer(fact, finer[0], confidence=answer.confidence)

    def _refining_apart(
        self, fact: str, text: str, found: list[Clause], is_english: bool, value: str
    ) -> tuple[str, ...]:
        """An option that refines another (the nginx-ingress add-on, on a dedicated ELB) and a
        sibling of that other (a shared ELB), both named, the other not, one of them read;
        else empty."""
        refining = [(o.value, o.refines) for o in self.playbook.fact(fact).options if o.refines]
        if not refining:
            return ()
        named = self._named(fact, text) - self._denied(fact, found, is_english)
        names, _ = self._vocabulary(fact)
        for refined, base in refining:
            if refined not in named or base in named:
                continue
            for sibling in named - {refined, base}:
                if names[sibling] & names[base] and value in (refined, sibling):
                    return (sibling, refined)
        return ()

    def _specific(self, fact: str, values: tuple[str, ...]) -> str | None:
        """Of two values, the one that refines or fronts the other, if one does."""
        if len(values) != 2:
            return None
        first, second = (self.playbook.fact(fact).option(value) for value in values)
        for option, other in ((first, second), (second, first)):
            if option.refines == other.value or other.value in option.fronts:
                return option.value
        return None

    def _without_other_facts(self, text: str, fact: str) -> str:
        # Line by line: a line break ends a clause (a pasted row, then what the user says).
        # (spot() folds the breaks to blanks, which keeps its offsets.)
        lines = (fold(line) for line in text[-MAX_ANSWER_CHARS:].splitlines())
        # A line that ends in a colon introduces the next ("pod:\napi-6c9b 1/1 Running …").
        folded = "\n".join(line for line in lines if line).replace(":\n", ": ")
        spans = [
            (start, end)
            for name, _, start, end in spot(folded, self.playbook)
            if name in self.questions
            and not answered_alike(self.playbook, name, fact)
            and not _AN_ADDRESS_IN.match(folded, end)
            and not _ADDRESS_IN.search(folded, 0, start)
        ]
        for start, end in sorted(spans, reverse=True):
            # With the preposition that led to it ("pela internet, no EIP"): left alone, a
            # Portuguese "no" would read as an English one.
            led = _LEADS_TO.search(folded, max(0, start - 12), start)
            folded = folded[: led.start() if led else start] + " " + folded[end:]
        return folded

    def _read(self, fact: str, raw: str, found: list[Clause], is_english: bool) -> Answer:
        model = self.model(fact)
        standing = self._standing(raw, fact, is_english)
        evidence = self._evidence(fact, standing, found)
        denied = self._denied(fact, found, is_english)
        text = ", ".join(c.text for c in found)
        scores = model.scores(text)
        # Only the model's own hesitation is refined: options the user named side by side in
        # separate clauses are asked back (_combine).
        ruled = self._ruled(fact, scores, evidence, denied)
        whole = self._finer(fact, self._refined(_decide(fact, ruled)), text, denied)
        settled = self._settled(fact, evidence, denied)
        if settled is not None and whole.value in (None, settled):
            # Two nodes compared, or an address typed: the words leave one option.
            whole = Answer(fact, settled, confidence=whole.confidence)
        # The words read alone say one option, an address, a field or the kind of client named
        # another ("private, 119.8.1.1"): asked, never settled silently. Two nodes compared
        # are trusted over the model, which cannot compare them. A reading the model itself
        # hardly holds (what is left once the nodes rule out its choice) says nothing.
        placed = {key: said for key, said in evidence.items() if key == "pod_node"}
        plain = self._finer(
            fact, _decide(fact, self._ruled(fact, scores, placed, denied)), text, denied
        )
        conflict = (
            plain.understood
            and whole.understood
            and plain.value != whole.value
            and scores.get(str(plain.value), 0.0) >= CANDIDATE
            and not self._kind_settled(fact, found, evidence, str(plain.value), str(whole.value))
            # Against a typed address or a pasted field, only a value the words name ("private,
            # 119.8.1.1"), not one the model leans to ("o endereço é 94.74.64.2").
            and ("value" not in evidence or plain.value in self._named(fact, text))
        )
        asked_back = Answer(fact, candidates=(str(plain.value), str(whole.value)))
        affirmed = [c for c in found if not c.negated]

        def by_clause() -> list[tuple[Clause, dict[str, float]]]:
            return [
                (clause, self._ruled(fact, model.scores(clause.text), evidence, denied))
                for clause in affirmed
            ]

        if conflict:
            if not any(c.corrects for c in affirmed):
                return asked_back
            # The plain reading may be the words taken back ("the other node. no, I meant a
            # pod on it"): what the correction says, when the evidence agrees with it.
            corrected = self._corrected(fact, by_clause(), evidence, denied)
            if corrected is not None and corrected.value == whole.value:
                return corrected
            return asked_back
        if settled is not None and whole.value == settled:
            return whole
        if not affirmed and evidence.get("value") in denied:
            # The words only deny, and the evidence names what they seem to deny ("não existe a
            # interface kube-ipvs0 e o iptables tem milhares de regras KUBE-SEP": the denial's
            # reach is unclear).
            return Answer(fact, candidates=(evidence["value"],))
        if not affirmed or (
            # What stands besides the denials says nothing of the question ("it's not Local,
            # I checked"): the option the denials leave.
            not whole.understood
            and all(
                len(c.text.split()) <= 4
                and model.scores(c.text).get(NONE, 0.0) >= SAYS_NOTHING
                and not self._named(fact, c.text)
                and not _DOUBT.search(c.text)
                for c in affirmed
            )
        ):
            return (
                self._the_other(fact, [c for c in found if c.negated], is_english, denied) or whole
            )
        together = () if any(c.corrects for c in found) else self._named_together(fact, affirmed)
        if together and whole.value in together:
            # "num cluster é ipvs e no outro iptables": two values said side by side in one
            # clause, not one taken back: which one is asked.
            return Answer(fact, candidates=together)
        if len(found) == 1:
            return whole
        read = by_clause()
        corrected = self._corrected(fact, read, evidence, denied)
        if corrected is not None:
            return corrected
        if whole.understood and any(says_no(clause) for clause in found):
            # "the pod's node, wait no, the script round-robins…": the value read may be taken
            # back for words the model cannot read; then which one is meant is asked.
            taken_back = self._taken_back(fact, read, str(whole.value))
            if taken_back:
                return Answer(fact, candidates=taken_back)
        # What a correction left standing is weighed, not what it took back ("LoadBalancer...
        # sorry, that's prod. The one failing in staging is a NodePort").
        latest = last_correction(clause for clause, _ in read)
        read = [(clause, scores) for clause, scores in read if clause.epoch >= latest]
        leaning = max((v for v in ruled if v != NONE), key=ruled.__getitem__, default=None)
        return self._combine(fact, whole, read, leaning)

    def _named_together(self, fact: str, affirmed: list[Clause]) -> tuple[str, ...]:
        """Two or more values of the question named in one short affirmed clause, joined as
        two statements ("hml tá Local e prod tá Cluster"); not a change, a choice or a reason,
        and not one thing described in more words (the nginx add-on on a dedicated ELB)."""
        model = self.model(fact)
        for clause in affirmed:
            spots = self._spots(fact, clause.text)
            named = tuple(sorted({value for _, _, value in spots}))
            if (
                len(named) < 2
                or (
                    len(clause.text.split()) > SIDE_BY_SIDE_WORDS
                    and not _ONE_AND_ONE.search(clause.text)
                )
                or _CHANGE.search(clause.text)
                or _CHOICE.search(clause.text)
                or self._specific(fact, named)
            ):
                continue
            joined = any(
                value != after
                and _SIDE_BY_SIDE.search(between := clause.text[end:start])
                and not _REASON.search(between)
                for (_, end, value), (start, _, after) in itertools.pairwise(spots)
            )
            scores = model.scores(clause.text)
            if joined and all(scores[value] >= TORN for value in named):
                return named
        return ()

    def _taken_back(
        self, fact: str, by_clause: list[tuple[Clause, dict[str, float]]], value: str
    ) -> tuple[str, ...]:
        """`value` and the option the correction leans to, when `value` is said only before a
        correction whose own clauses say nothing; else empty."""
        corrections = [scores for clause, scores in by_clause if clause.corrects]
        before = [scores for clause, scores in by_clause if not clause.corrects]
        if not corrections or not any(_decide(fact, s).value == value for s in before):
            return ()
        leaning = {
            option: sum(scores.get(option, 0.0) for scores in corrections)
            for option in self.playbook.fact(fact).values
            if option != value
        }
        return (value, max(leaning, key=leaning.__getitem__))

    def _standing(self, raw: str, fact: str, is_english: bool) -> str:
        """The clauses that stand, as typed ("nó 2", "119.8.x.x"): a node or an address the
        user denies ("not 119.8.1.1, the private one") proves nothing; after a correction,
        only what it says ("type: NodePort before, now ClusterIP"), and after a mere "but" what
        came before too ("node-2's IP, but the pod lives on node-1")."""
        typed = [c for c in self._clauses(raw, fact, is_english) if not c.negated]
        # A conclusion sums up the reasons before it, it does not take them back ("…, a busybox
        # pod that landed on the backend's node. So a container").
        latest = last_correction(c for c in typed if not c.concludes)
        return ", ".join(c.typed for c in typed if c.epoch >= latest)

    def _on_compared_nodes(
        self, fact: str, raw: str, found: list[Clause], is_english: bool
    ) -> Answer:
        """Nodes compared where nothing else was read (a pasted row and an address): the
        options on that node, to pick from; the one option left when the words also say what
        runs the client ("kubectl run tmp … landed on a node with no backend pods"), to
        confirm; the options of the kind of client named when no node is placed, to pick
        from."""
        options = self.playbook.fact(fact).options
        standing = self._standing(raw, fact, is_english)
        evidence = self._evidence(fact, standing, found)
        if {"pod_node", "runs_in"} <= set(evidence):
            compatible = self._compatible(fact, evidence)
            if len(compatible) == 1:
                return Answer(fact, candidates=(compatible[0],))
        placed = placement(standing)
        left = tuple(o.value for o in options if placed and o.pod_node == placed)
        if not placed and "pod_node" not in evidence and "runs_in" in evidence:
            # "rodo do terminal de um worker": what runs the client is said, which node is not.
            left = tuple(o.value for o in options if o.runs_in == evidence["runs_in"])
        return Answer(fact, candidates=left if len(left) > 1 else ())

    def _broad(self, fact: str, text: str, value: str) -> tuple[str, ...]:
        """The option read and its siblings, when the reply's words (besides words that say
        nothing) are all in the option's value and theirs ("LoadBalancer"), or, one word, in
        phrases of both ("ELB"); else empty."""
        words = set(_WORD.findall(normalise(text))) - _FILLER
        names, phrases = self._vocabulary(fact)
        if not words or words == names[value]:
            return ()  # the option's own name ("other node") is no broad word
        alike = [
            option
            for option in self.playbook.fact(fact).values
            if option != value
            and (
                words <= names[option] & names[value]
                or (len(words) == 1 and words <= phrases[option] & phrases[value])
            )
        ]
        return (value, *alike) if alike else ()

    @cache  # noqa: B019 (one reader per playbook, kept for the process)
    def _vocabulary(self, fact: str) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
        """Each option's words: of its value ("loadbalancer-shared"), and of its phrases."""
        options = self.playbook.fact(fact).options
        return (
            {o.value: frozenset(_WORD.findall(fold(o.value))) for o in options},
            {o.value: frozenset(_WORD.findall(fold(" ".join(o.synonyms)))) for o in options},
        )

    def _undecided(self, fact: str, found: list[Clause], value: str) -> tuple[str, ...]:
        """The option and its siblings (options of its family: loadbalancer-…), when the reply
        affirms none of the words the option needs to be read silently ("an ELB ingress (not
        nginx)") and denies none of a sibling's ("LoadBalancer, not the dedicated kind");
        else empty."""
        question = self.playbook.fact(fact)
        needed = set(question.option(value).decided_by)
        if not needed:
            return ()
        family = value.split("-")[0]
        siblings = [o for o in question.options if o.value != value and o.value.startswith(family)]
        said = {_stem(word) for c in found if not c.negated for word in _WORD.findall(c.text)}
        denied = {_stem(word) for c in found if c.negated for word in _WORD.findall(c.text)}
        if said & {_stem(word) for word in needed} or any(
            denied & {_stem(word) for word in o.decided_by} for o in siblings
        ):
            return ()
        return (value, *(o.value for o in siblings))

    def _placed(self, fact: str, text: str, value: str) -> bool:
        """Whether a reading that says which node (the pod's, another) rests on words that say
        it: a placement word, or nodes compared."""
        option = self.playbook.fact(fact).option(value)
        if option.pod_node is None:
            return True
        words = normalise(text)  # typos of the deciding words undone
        if left_open(fold(text)) and placement(words, addresses=True, words=False) is None:
            return False  # "no mesmo nó ou em outro" (no nodes compared): both asked
        return (
            bool(_PLACEMENT.search(_NOT_A_NODE.sub(" ", words)))
            # The Service's pod and a node in one reply relate them ("o nó que hospeda o pod").
            or bool(_A_POD.search(words) and (_A_NODE.search(words) or _NO_TYPED.search(text)))
            or placement(words, addresses=True) is not None
        )

    def _kind_left_open(self, fact: str, found: list[Clause], value: str) -> bool:
        """Whether a reading that says what runs the client rests on words that offer both, one
        on each side of an "or"."""
        if self.playbook.fact(fact).option(value).runs_in is None:
            return False
        affirmed = [c for c in found if not c.negated]
        sides = {subject(c.text) for c in affirmed if c.alternative}
        # (Not when another clause says which: "podia ser pod ou o nó, mas no nosso caso é pod")
        said = {subject(c.text) for c in affirmed if not c.alternative} - {None}
        return {"container", "node"} <= sides and not said

    def _kinded(self, fact: str, found: list[Clause], value: str) -> bool:
        """Whether a reading that says what runs the client rests on more than a denial ("not
        the same node" says which node, not whether a pod or the node calls)."""
        return self.playbook.fact(fact).option(value).runs_in is None or not all(
            c.negated for c in found
        )

    def _twins(self, fact: str, value: str, differing: str) -> tuple[str, ...]:
        """The option read and those that differ from it only in `differing`: `pod_node`
        (which node: "from a pod", "o IP do nó") or `runs_in` (what runs the client: "not the
        same node")."""
        question = self.playbook.fact(fact)
        read = question.option(value)
        same = "runs_in" if differing == "pod_node" else "pod_node"
        return tuple(
            o.value
            for o in question.options
            if getattr(o, differing) is not None and getattr(o, same) == getattr(read, same)
        )

    def _the_other(
        self, fact: str, found: list[Clause], is_english: bool, denied: set[str]
    ) -> Answer | None:
        """The option left when every clause denies the others ("it's not Local", "não é
        ipvs"): of two, what follows each denial is read, and must name one option only;
        of more, `denied` (_denied's, already worked out by the caller) must leave one."""
        values = self.playbook.fact(fact).values
        if len(values) != 2:
            # "não é túnel nem vpc-router": of more options, the one no clause names.
            left = set(values) - denied
            return Answer(fact, left.pop()) if len(left) == 1 else None
        model = self.model(fact)
        named = set()
        for clause in found:
            start = denial(clause.text, is_english)
            # The words denied, without the denial ("não é ipvs não": "é ipvs").
            rest = _DENYING.sub(" ", clause.text[start:]).strip() if start is not None else ""
            said = _decide(fact, model.scores(rest)) if rest else Answer(fact)
            if not said.understood:
                return None
            named.add(str(said.value))
        if named == set(values):
            return Answer(fact)  # "not Local, not Cluster either": both denied, asked again
        if len(named) != 1:
            return None
        (other,) = set(values) - named
        return Answer(fact, other)

    def _kind_settled(
        self, fact: str, found: list[Clause], evidence: dict[str, str], plain: str, whole: str
    ) -> bool:
        """The plain reading differs from the evidence's only in what runs the client, and the
        user denied that kind ("another node, not containerized", "não é container") or named
        the client a node ("a systemd service on a worker; … the pod never lands there"): the
        model's lean to a container then comes from the words about the Service's pod."""
        options = self.playbook.fact(fact)
        first, second = options.option(plain), options.option(whole)
        if first.pod_node != second.pod_node:
            return False
        denied_kinds = {subject(c.text) for c in found if c.negated} - {None}
        if first.runs_in in denied_kinds:
            return True
        if second.runs_in == "container" and any(
            _EXEC_INTO.search(c.text) for c in found if not c.negated
        ):
            # "ssh'd into the pod's node, then docker exec'd into another container": the
            # client is the container entered, whatever the words say of the node.
            return True
        if (
            second.runs_in == "node"
            and any(
                "hostnetwork" in c.text and not _OFF_HOST_NETWORK.search(c.text)
                for c in found
                if not c.negated
            )
            and any(_THE_NODES_NETWORK.search(c.text) for c in found if not c.negated)
        ):
            return True  # "a DaemonSet with hostNetwork, so the node's own network": the node
        # Unless a clause the user affirms says the container reading on its own ("o pod desse
        # worker e o da API estão no mesmo nó": a queue worker, not a node).
        model = self.model(fact)
        return (
            evidence.get("node") == "client"
            and second.runs_in == "node"
            and all(
                _decide(fact, model.scores(c.text)).value != plain for c in found if not c.negated
            )
        )

    def _corrected(
        self,
        fact: str,
        by_clause: list[tuple[Clause, dict[str, float]]],
        evidence: dict[str, str],
        denied: set[str],
    ) -> Answer | None:
        """What the last correction says ("…, actually VPC"), which outranks what came before
        it. Of its clauses, the first that says a value is what is meant; the ones after it
        give reasons ("…, sorry, private, the EIP is on another LB"). Where an option joins
        two things (what runs the client and where), the correction's clauses are read
        together: one may say what ("from a pod"), the next where ("on the same node")."""
        said = [
            (clause, answer)
            for clause, scores in by_clause
            if clause.corrects
            and (answer := self._correction_says(fact, clause, scores)).understood
        ]
        if not said:
            return None
        latest = max(clause.epoch for clause, _ in said)
        meant = [answer for clause, answer in said if clause.epoch == latest]
        earlier = [answer for clause, answer in said if clause.epoch < latest]
        first = meant[0]
        options = self.playbook.fact(fact).options
        if len(meant) > 1 and any(o.runs_in or o.pod_node for o in options):
            text = ", ".join(c.text for c, _ in by_clause if c.corrects and c.epoch == latest)
            scores = self._ruled(fact, self.model(fact).scores(text), evidence, denied)
            joint = self._refined(_decide(fact, scores))
            if joint.value in {answer.value for answer in meant}:
                return joint
        for other in [*meant[1:], *earlier]:
            specific = self._specific(fact, (str(first.value), str(other.value)))
            if specific is not None:
                return Answer(fact, specific, confidence=first.confidence)
        return first

    def _correction_says(self, fact: str, clause: Clause, scores: dict[str, float]) -> Answer:
        """A correction's clause: what the model reads, or else the one value it names ("mas
        recriamos o serviço com Cluster", "the one failing in staging is a NodePort"): a
        correction states what is meant, whatever words surround it."""
        answer = _decide(fact, scores)
        if answer.understood:
            return answer
        # After a mere "but", only a value stated ("but the failing one is Cluster"), not one
        # named in passing ("private, but the EIP is on the NAT").
        named = self._named_as_value(fact, clause.text, stated=clause.contrast)
        return Answer(fact, named.pop()) if len(named) == 1 else answer

    def _named_as_value(self, fact: str, text: str, stated: bool = False) -> set[str]:
        """This question's values named in `text`, a bare value ("Cluster", "Local") only where
        it is no noun ("recriamos com Cluster", not "de dentro do cluster"); with `stated`, only
        a value said to be ("that's Cluster", "é um NodePort")."""
        folded = fold(text)
        named = set()
        for start, end, value in self._spots(fact, folded):
            before = folded[:start]
            bare = folded[start:end] in (fold(value), fold(value.replace("-", " ")))
            if not (bare and _A_NOUN.search(before)) and (not stated or _STATED.search(before)):
                named.add(value)
        return named

    def _spots(self, fact: str, folded: str) -> list[tuple[int, int, str]]:
        """(start, end, value) of each of this question's own values named in the folded
        text, bare values and labels included, in order."""
        values = self.playbook.fact(fact).values
        return sorted(
            (start, end, value)
            for _, value, start, end in spot(folded, self.playbook, fact)
            if value in values
        )

    def _evidence(self, fact: str, text: str, found: list[Clause]) -> dict[str, str]:
        """What the words settle besides the model: which node (`pod_node`: two different
        nodes named, or one twice), what runs the client (`runs_in`: the first kind of client
        the standing clauses name; `node`: a node is named as the client, not only as a place)
        and the kind of a typed address (`value`)."""
        options = self.playbook.fact(fact).options
        evidence: dict[str, str] = {}
        latest = last_correction(found)
        if any(option.pod_node for option in options):
            # A question whose every option is a node (the NodePort's address): addresses are
            # nodes too. Elsewhere an address may be the load balancer's.
            addresses = all(option.pod_node for option in options)
            if addresses:
                text = called(text)
            # Nodes compared by name or address first, then a node said not to hold the pod
            # (denied clauses count: "um nó que não tem o pod" denies the pod, not the node),
            # then the words ("another node"), then what a denial leaves ("not the pod's node").
            stands = [c for c in found if c.epoch >= latest]
            left = {unsaid(c.text) for c in stands if c.negated} - {None}
            placed = placement(text, addresses, words=False)
            said = " ".join(c.text for c in stands)
            if (placed is None and elsewhere(said)) or (placed == "same" and holds_none(said)):
                # (One node named twice, and said to hold no pod: "node-3 has no replica".)
                placed = "other"
            placed = placed or placement(text, addresses)
            if placed is None and len(left) == 1:
                placed = left.pop()
            pointed = " ".join(c.text for c in stands if not c.negated)
            turned = max((c.epoch for c in found if c.corrects), default=0)
            if placed is None and turned:
                # "tested from the pod's node and another, but the ticket is about the other
                # one": what the last turn says, where the whole reply says both.
                later = " ".join(c.text for c in found if c.epoch >= turned and not c.negated)
                placed = placement(later, addresses)
            if placed is None and latest and _THAT_NODE.search(pointed):
                # "a pod on another node... no, the host of that node itself": the node the
                # words taken back placed.
                placed = placement(" ".join(c.text for c in found if c.epoch < latest))
            if placed is not None:
                evidence["pod_node"] = placed
        if any(option.runs_in for option in options):
            # The clauses that stand: after the last correction, if any ("the node... actually
            # no, a pod on it"). A container named in one and a node in another is a container
            # on that node ("a job in a pod. It lands on node-3").
            standing = [c for c in found if not c.negated]
            pods = row_pods(text)
            # A correction that only places it ("from a pod, mas em outro nó") names no kind.
            # So does one that only names the place ("…actually both are on node-3, so same
            # node").
            # (The last correction's: "na verdade it's a pod... no wait, é o host mesmo".)
            kinds = {
                subject(c.text, False, pods)
                for c in standing
                if c.corrects and c.epoch >= latest and not _ONLY_A_PLACE.fullmatch(c.text)
            } - {None}
            # A correction that denies a container ("in a pod - no wait, a binary on the ECS,
            # not dockerized") makes the node it names, even as a place, the client.
            # (Not one that denies a place: "nenhum pod dele está no mesmo nó".)
            retracted = "container" in {
                subject(c.text)
                for c in found
                if c.negated and c.corrects and placement(c.text) is None
            }
            if not kinds and retracted:
                kinds = {subject(c.text, pods=pods) for c in standing if c.corrects} & {"node"}
            # A correction to a program of the host's, named by its place ("in a pod - scratch
            # that, a bash script in the host crontab"): that node, not the kind taken back.
            if not kinds and latest:
                retold = [c for c in standing if c.epoch >= latest]
                if any(_HOST_SIDE.search(c.text) for c in retold):
                    kinds = {subject(c.text, pods=pods) for c in retold} & {"node"}
            kinds = kinds or {subject(c.text, pods=pods) for c in standing} - {None}
            # "direto nos nós, sem container": the kind denied outright, so the pods named
            # beside the node are the Service's ("os pods estão todos no nó 1"), and a node is
            # the client where nothing else names one ("we don't have a client pod, it's curl
            # on the api pod's node").
            denied_container = any(c.negated and _NO_CONTAINER.fullmatch(c.text) for c in found)
            if not kinds and denied_container:
                kinds = {"node"}
            # The client named first is a program installed on a node ("an agent installed as
            # an RPM directly on node-4; our pod runs on node-9").
            first = next((c for c in standing if subject(c.text, pods=pods)), None)
            first_installed = (
                first is not None
                and subject(first.text, pods=pods) == "node"
                and bool(_INSTALLED.search(first.text))
            )
            # "an entry in root's crontab on 192.168.0.88", "exporter installed as a plain
            # binary on node 192.168.3.12": a program of the host's own names the node as the
            # client.
            installed = "container" not in kinds and (
                first_installed or any(_HOST_PROGRAM.search(c.text) for c in standing)
            )
            if installed:
                kinds = {"node"}
            # So it does beside a pod named as a place ("…; our pod runs on node-9").
            if kinds == {"node", "container"} and (denied_container or first_installed):
                kinds = {"node"}
            standing_text = " | ".join(c.text for c in standing)
            # The kinds the standing clauses name as the client, not only as a place.
            said_kinds = {subject(c.text, False, pods) for c in standing} | (
                {"node"} if installed else set()
            )
            if "container" not in kinds and (
                (
                    "node" not in said_kinds
                    and _CLIENT_REPLICAS.search(" ".join(c.text for c in found))
                )
                or (_PODS_CLIENT.search(standing_text) and "hostnetwork" not in standing_text)
                or _LOGS_FAIL.search(text.lower())
            ):
                # "3 frontend replicas: … the one on the api pod's node fails": a client app's
                # replicas are its pods, wherever the sentence places them; so is a client said
                # to be pods, and a pod whose logs show the failure.
                kinds = {"container"}
            # A client typed at a prompt: the prompt's node where the words name no client
            # ("[root@192-168-0-45 ~]# curl …"); a laptop's, outside the cluster, unless the
            # words name a pod ("…, but the real failing client is a pod").
            shell = shell_client(text)
            if shell == "node" and not kinds:
                kinds = said_kinds = {"node"}
            elif shell == "container":
                kinds = {"container"}  # ("/ # wget …; esse busybox tá no mesmo nó do pod")
            elif shell == "outside":
                if "container" in kinds:
                    shell = None
                else:
                    kinds = set()  # ("couldn't connect to server" names no node)
            if kinds:
                evidence["runs_in"] = "container" if "container" in kinds else "node"
            if kinds == {"node"} and (retracted or "node" in said_kinds):
                # The client is a node, not only a node named as a place ("no nó 10.0.0.5").
                evidence["node"] = "client"
            outside = [o.value for o in options if o.runs_in is None and o.pod_node is None]
            # Not where the client is said not to be ("não é do meu notebook", "not from my
            # laptop": a denial right before it).
            away = any(
                (match := _OUTSIDE.search(clause.text))
                and not denies(clause.text[max(0, match.start() - 20) : match.start()])
                for clause in found
            )
            if len(outside) == 1 and (away or shell == "outside"):
                # "a VM that isn't part of k8s", "de um pod de outro cluster CCE"
                evidence["value"] = outside[0]
            elif any(_IN_CLUSTER.search(c.text) for c in standing):
                evidence["in_cluster"] = "yes"
        if fact == ACCESS and (
            kind := answer_address_kind(text)
            or _autocreated(text)
            or ("private" if _EIP_GONE.search(fold(text)) else None)
        ):
            evidence["value"] = kind
        elif fact in _FIELDS:
            folded = fold(text)
            values = {
                fold(word): option.value
                for option in self.playbook.fact(fact).options
                for word in (*option.synonyms, option.value)
            }
            # The first field that names an option ("type: LoadBalancer" names none of them,
            # "elb.class: performance" does). A bare `mode:` is kube-proxy's only in its own
            # configuration.
            pasted = [m.group(1) for m in _FIELDS[fact].finditer(folded) if m.group(1) in values]
            if pasted and (fact != "proxy_mode" or "proxy" in folded):
                evidence["value"] = values[pasted[0]]
            # (Read in every clause, each apart: "does not exist" denies its own, "ipvsadm
            # isn't installed and there are thousands of KUBE-SEP rules" only the tool, and the
            # "não" of "iptables… não, tem a interface kube-ipvs0" nothing after it.)
            every_clause = " | ".join(c.text for c in found)
            lowered = text.lower()
            if fact == "proxy_mode" and _IPVS_SERVICE.search(lowered):
                evidence["value"] = "ipvs"
            if fact == "proxy_mode" and (
                _NO_IPVS_DEVICE.search(every_clause)
                or _SERVICE_CHAINS.search(every_clause)
                or _SERVICE_CHAINS.search(lowered)
                or _EMPTY_IPVS.search(lowered)
            ):
                evidence["value"] = "iptables"
            if (
                fact == "service_type"
                and "value" not in evidence
                and _NODE_PORT.search(folded)
                and not any(_IN_FRONT.search(c.text) for c in found if not c.negated)
            ):
                evidence["value"] = "nodeport"
        return evidence

    def _denied(self, fact: str, found: list[Clause], is_english: bool) -> set[str]:
        """Options named only after a denial ("no LB, no nodeport, cluster IP only", "usa
        iptables e não ipvs"): ruled out, whatever the model makes of the words."""
        said: tuple[set[str], set[str]] = (set(), set())
        for clause in found:
            start = denial(clause.text, is_english)
            if start is None and clause.negated:
                start = 0  # denied by the clause before it ("no external address or node port")
            spots = [
                (value, at, end)
                for name, value, at, end in spot(clause.text, self.playbook)
                if answered_alike(self.playbook, name, fact)
            ]
            for value, at, end in spots:
                # "mudamos de iptables pra ipvs": what it was before a change told is not so.
                left = bool(_CHANGED_FROM.search(clause.text, 0, at)) and any(
                    later != value and after > end and _CHANGED_TO.match(clause.text, end, after)
                    for later, after, _ in spots
                )
                said[left or (start is not None and at >= start)].add(value)
        return said[1] - said[0]

    def _compatible(self, fact: str, evidence: dict[str, str]) -> list[str]:
        # A value named also allows the options that refine it (a dedicated ELB's class, and
        # the nginx-ingress add-on on one). A client (pod or process) whose node is compared with
        # the Service pod's runs in the cluster: not an option that is neither container nor node.
        in_cluster = "in_cluster" in evidence or (
            "pod_node" in evidence
            and (evidence.get("runs_in") == "container" or "node" in evidence)
        )
        return [
            option.value
            for option in self.playbook.fact(fact).options
            if all(
                getattr(option, key) in (None, said) or (key == "value" and option.refines == said)
                for key, said in evidence.items()
                if key not in ("node", "in_cluster")
            )
            and not (in_cluster and option.runs_in is None)
        ]

    def _settled(self, fact: str, evidence: dict[str, str], denied: set[str]) -> str | None:
        """The one option left by evidence that compares or names (nodes, an address), unless
        the user denies it."""
        if not evidence.keys() & {"pod_node", "value"}:
            return None
        left = [value for value in self._compatible(fact, evidence) if value not in denied]
        return left[0] if len(left) == 1 else None

    def _ruled(
        self, fact: str, scores: dict[str, float], evidence: dict[str, str], denied: set[str]
    ) -> dict[str, float]:
        """The scores without the options the evidence or a denial rules out, scaled back to
        one."""
        if not evidence and not denied:
            return scores
        left = (set(self._compatible(fact, evidence)) - denied) | {NONE}
        kept = {value: p for value, p in scores.items() if value in left}
        total = sum(kept.values()) or 1.0
        return {value: p / total for value, p in kept.items()}

    def _combine(
        self,
        fact: str,
        whole: Answer,
        by_clause: list[tuple[Clause, dict[str, float]]],
        leaning: str | None = None,
    ) -> Answer:
        """`leaning`: the option the whole message scores highest, however low."""
        readings = [
            (clause, _decide(fact, scores, strict=True).value) for clause, scores in by_clause
        ]
        # Options listed as a choice ("IPVS ou iptables") give way to one stated or named plainly.
        plain = {
            value
            for clause, read in readings
            if not clause.alternative
            for value in {read} | self._named(fact, clause.text)
            if value is not None
        }
        if plain:
            readings = [(c, v) for c, v in readings if not c.alternative or v in plain]
        sure = {value for _, value in readings if value is not None}
        if whole.understood:
            # Another value stated beside the whole message's reading must be named in its
            # clause ("ipvs, iptables"): a fragment the model leans on ("direto no host")
            # is not a second answer.
            sure = {
                value
                for clause, value in readings
                if value is not None and value in self._named(fact, clause.text)
            }
        stated = tuple(sorted(sure | ({whole.value} if whole.value is not None else set())))
        if len(stated) > 1:
            # "the nginx add-on, on a dedicated ELB": one thing described in two clauses.
            specific = self._specific(fact, stated)
            if specific is not None:
                return Answer(fact, specific)
            # Two options stated without a correction: ask which one.
            return Answer(fact, candidates=stated)
        if whole.understood or not sure:
            return whole
        # One clause says it clearly, the message as a whole is blurred by the others (denied
        # options, context): the clear one, if the whole message leaves it possible, and
        # leans to it or the clause names it. A clause the model reads from one word of a long
        # story ("the api gateway talks to…", "worker de fila" in a list of callers) is not
        # what the message says.
        (value,) = sure
        if whole.candidates and value not in whole.candidates:
            return whole

        if value != leaning and not any(
            value == read and value in self._named(fact, clause.text) for clause, read in readings
        ):
            return whole
        return Answer(fact, value)

    def _named(self, fact: str, text: str) -> set[str]:
        """The values of this question that playbook phrases in `text` name, its bare values
        and labels included ("the http one is Local, the grpc one is Cluster")."""
        return {
            value
            for name, value, _, _ in spot(text, self.playbook, fact)
            if answered_alike(self.playbook, name, fact)
        }

    def mentions(self, text: str, asked: str | None = None) -> dict[str, str]:
        """Facts other than `asked` that the text states: named by a playbook phrase whose
        surroundings (a few words each side, within its clause) the fact's own model reads as
        that same value, with confidence. A fact named with two values is left out."""
        read: dict[str, set[str]] = {}
        if asked not in self.questions:
            asked = None
        if hedged(text[-MAX_ANSWER_CHARS:]) or _third_language(text):
            return {}  # "maybe it's public, not sure": nothing is stated
        for clause in clauses(text):
            spots = sorted(spot(clause.text, self.playbook), key=lambda found: found[2])
            for index, (fact, value, start, end) in enumerate(spots):
                # Facts answered in the same words as the open question (another node / the IP
                # of another node) are that question's answer, not a second fact.
                if fact not in self.questions or (
                    asked is not None and answered_alike(self.playbook, fact, asked)
                ):
                    continue
                # A few words each side, not reaching into the phrase of another fact.
                left = spots[index - 1][3] if index else 0
                right = spots[index + 1][2] if index + 1 < len(spots) else len(clause.text)
                before = clause.text[left:start].split()[-_WINDOW:]
                after = list(
                    itertools.takewhile(
                        lambda word: not denies(word), clause.text[end:right].split()[:_WINDOW]
                    )
                )
                window = " ".join([*before, clause.text[start:end], *after])
                if clause.negated and denies(" ".join([*before, clause.text[start:end]])):
                    continue  # "not tunnel": denied, not stated ("o elb não responde" is not)
                answer = _decide(fact, self.model(fact).scores(window), strict=True)
                if answer.value == value:
                    read.setdefault(fact, set()).add(value)
        return {fact: values.pop() for fact, values in read.items() if len(values) == 1}
