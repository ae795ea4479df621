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
from knowledge.understanding.typos import retyped

__all__ = [
    "FAILS",
    "WORKS",
    "as_wide_listing",
    "elsewhere",
    "placement",
    "pod_app",
    "shell_client",
    "unsaid",
]

# node-2, node 2, nó 2, worker-4, host3, vm-1, ecs-02, cce-node-01, pool-a-node-1, node-a (a
# letter only joined by - or _). Read before folding: folded, "nó 2" would be "no 2", and
# Portuguese "no" ("in the") precedes numbers all the time.
_NAMED = re.compile(
    r"\b(?P<prefix>(?:[a-z0-9]+-)*)"
    r"(?:(?P<word>nodes?|nó|nodo|noeud|worker|host|vm|ecs|servidor|server|maquina|máquina|machine)"
    # Not the first number of an address ("node 192.168.0.31"): that is compared as one.
    # "node .52": the last number of an address.
    r"(?:[ _-]?\.?0*(?P<number>\d{1,3})\b(?!\.\d)|[_-](?P<letter>[a-z])\b)"
    # CCE node names with a zone or pool part ("cce-node-az1-01", "cce-pool-b-4",
    # "pool-a-1x2k"): the whole name, two short parts or more with a digit among them (not a
    # pod's "node-exporter-x7k2p", nor a listing's "worker-7c").
    r"|(?P<pool>node|nodepool|pool|worker)(?P<tail>(?=[\w-]*\d)(?:-(?:az\d+|[a-z]|\d[a-z0-9]{0,5})){2,})(?![\w-])"
    # Names people give CCE nodes ("cce-w-01", "cce-n1"), not a cluster's ("cluster cce-prd-01").
    r"|(?<!cluster )(?P<cce>cce-(?:[a-z0-9]+-)*?[a-z]*)-?0*(?P<ordinal>\d{1,3})\b(?![\w-]))"
)
# An address given as where something runs ("server pod on 192.168.0.47", "no nó 10.0.0.5"):
# a node's, unlike an address typed alone, which may be the load balancer's or a pod's.
_NODE_WORD = r"(?:nodes?|nó|host|hostip|worker|vm|ecs|servidor|server|maquina|máquina|machine)"
# "ta no nó .52", "on .31": an address's last number, the rest shared
_LAST = (
    rf"\b(?:on|into|em|no|na|at|pro|para o)\s+(?:(?:{_NODE_WORD}|no)\s+)?(?P<last>\.\d{{1,3}})"
    r"(?!\w|\.\d)"
)
# Any address typed, or its last number as a place ("on .23") to compare with one typed whole.
_ADDRESS = re.compile(rf"(?<![\w.])(?P<address>\d{{1,3}}(?:\.\d{{1,3}}){{3}})(?!\w|\.\d)|{_LAST}")
_PLACED = re.compile(
    # "on 10.0.0.5", "no nó 10.0.0.5", "ssh root@10.0.0.8", "no shell do 10.0.0.32"
    # "nesse mesmo 10.0.2.31", "the same 10.0.0.5": the address said again as a place
    # "meu teste sai do 10.20.3.27": where the test goes out from
    r"(?:\b(?:on|em|no|na|num|numa|ssh|shell d[oae]|shell of|nesse|neste|naquele|mesmo|same|"
    r"sai d[oa]|saindo d[oa])\s+"
    r"(?:(?:the|o|a)\s+)?"
    rf"(?:{_NODE_WORD}\s+)?(?:[\w.-]+@)?"
    # "logged in as root@192.168.1.10": a shell on that node
    r"|\b(?:root|ubuntu|ec2-user|admin|linux|paas|user)@"
    # "NODE do pod: 10.1.0.7", "esse worker é o 10.0.0.23", "node=10.0.0.5"
    # "the worker running the pod is 10.0.3.14"
    rf"|\b{_NODE_WORD}(?:\s+(?:do pod|of the pod|do backend|of the backend|(?:running|hosting|with|"
    r"que roda|que tem|onde roda)\s+(?:the|o|a)\s+(?:pod|backend|replica)))?"
    r"(?:\s*[:=]|\s+(?:is|é|e)(?:\s+(?:o|the))?)?\s*)"
    r"(?P<address>\d{1,3}(?:\.\d{1,3}){3})(?!\w|\.\d)"
    # "from the 192.168.0.12 host shell"
    rf"|(?P<named>\d{{1,3}}(?:\.\d{{1,3}}){{3}})\s+{_NODE_WORD}\b"
    rf"|{_LAST}"
)
# A row of `kubectl get pod -o wide` (NAME READY [STATUS RESTARTS AGE] IP NODE): the pod is
# on the node of its last column.
_ROW = re.compile(
    r"\b[a-z0-9][\w.-]*\s+\d+/\d+\s+(?:[a-z]\w*\s+)?(?:\d+(?:\s+\([^)]*\))?\s+)?"
    r"(?:\d+[smhd]\w*\s+)?(?:\d{1,3}(?:\.\d{1,3}){3}|<none>)\s+(?P<node>[\w.-]+)"
)

# `kubectl get pod NAME -o jsonpath='{.spec.nodeName}'` and the node it printed.
_NODE_QUERY = re.compile(
    r"jsonpath=(?P<path>'[^'\n]{0,200}'|\"[^\"\n]{0,200}\"|[^\s,]{1,200})[^\n,]{0,80}(?:\n|,\s)[ \t]*"
    r"(?P<node>[\w.-]+)"
)

# A pod's generated suffixes ("-6f7d8c9b4-qw8zx", "-28401230", "-0"): what is left names its app
# ("orders-debug" keeps its name).
_POD_SUFFIX = re.compile(r"(?:-(?=[a-z0-9]*\d)[a-z0-9]{1,10})+$")
# A pod's or a Service's address ("podIP: 172.16.7.9", "clusterIP: 10.247.1.2") is no node's.
_NO_NODE_ADDRESS = re.compile(
    r"\b(?:pod ?ips?|cluster-?ip|ip do pod|pod'?s ip)\s*[:=]?\s*\d{1,3}(?:\.\d{1,3}){3}\b"
)
# curl's own report of the address it was given ("Trying 10.0.0.5:31080...", "Failed to
# connect to 10.0.0.5 port 31080", "connect to 10.0.0.5 port 31080 failed"), after the command
# that gave it: no second node.
_CURL_REPORT = re.compile(
    r"\b(?:failed to connect to|trying|connected to)\s+(\d{1,3}(?:\.\d{1,3}){3})\b"
    r"|\bconnect to\s+(\d{1,3}(?:\.\d{1,3}){3})\s+port\s+\d+(?:\s+from\s+\S+\s+port\s+\d+)?\s+failed"
)


def _unechoed(lowered: str) -> str:
    """The text without curl's reports of an address named before them (the whole address:
    10.0.0.1 is not named by 10.0.0.15)."""

    def echo(m: re.Match[str]) -> str:
        named = re.compile(rf"(?<![\d.]){re.escape(m.group(1) or m.group(2))}(?!\.?\d)")
        return " " if named.search(lowered, 0, m.start()) else m.group()

    return _CURL_REPORT.sub(echo, lowered)


# "both pods are on 192.168.0.21", "os dois no node-3": one node named for the two of them.
_BOTH = re.compile(r"\b(?:both|os dois|as duas|ambos|ambas)\b")


# Words (folded) that say a client fails, or works.
FAILS = re.compile(
    r"\b(?:fails?|failed|failing|falha|falham|falhou|da erro|deu erro|dao erro|doesn'?t|does not|"
    r"didn'?t|nao funciona|nao vai|nao responde|nao passa|refused|recusad[oa]|times? out|"
    r"timed out|timeout|quebra|breaks)\b"
)
WORKS = re.compile(
    r"\b(?:works|worked|working|funciona|funcionam|funcionou|da certo|deu certo|responde|"
    r"respondeu|succeeds|(?:is|it'?s|ta|fica|esta)\s+(?:fine|ok))\b"
    r"|\b(?:vai|passa|passou)(?:\s+(?:normal|de boa|ok))?$"  # not "passa pelo ingress"
)
# "I tried from node-1 and node-2, only node-1 fails", "B works, A fails": the nodes tried
# beside the one that fails, or said to work, are not the client's.
_TRIED = re.compile(
    r"\b(?:tried|tested|testing|ran|testei|tentei|testamos|tentamos|rodei|rodamos)\b"
)
_SIDES = re.compile(r"(?<![,;.!?:])[,;.!?:]+\s|\s[—–-]+\s|\s(?:but|mas)\s")
# "A fails", "only B works": a lettered node named by its letter alone.
_LETTER = re.compile(r"^\s*(?:(?:and|e|so|only|just)\s+)?([a-h])\s")


# A shell prompt names the node it runs on ("[root@cce-worker-02 ~]#"); CCE names nodes after
# their address ("node-192-168-0-77"), which is compared as that address.
# "[root@node-1 ~]#" (Red Hat's prompt) and "root@192.168.10.21:~#" (Debian's).
_PROMPT = re.compile(
    r"\[[\w.-]+@(?P<host>[\w.-]+)[^\]\n]{0,40}\]\s*[#$]"
    r"|(?<![\w.-])[\w.-]+@(?P<host2>[\w.-]+):[~/][^\s#$]{0,40}\s*[#$]"
)
# Words that name a node only on their own ("server 3"), not inside an app's name.
_GENERIC = frozenset({"server", "servidor", "machine", "maquina", "máquina"})
_DASHED = re.compile(r"(?:^|\D)(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})$")
# "the first worker", "o terceiro nó": nodes told apart by order.
_ORDINAL = re.compile(
    r"\b(?P<n>first|second|third|fourth|fifth|primeiro|segundo|terceiro|quarto|quinto)\s+"
    r"(?:one|node|worker|host|no|nó)\b"
    # "…on the third worker; the backend pod is on the first": the noun said once.
    r"|\b(?:on|in|no|na|em)\s+(?:the\s+|o\s+)?"
    r"(?P<n2>first|second|third|fourth|fifth|primeiro|segundo|terceiro|quarto|quinto)\b(?=\s*(?:[.,;!]|$))"
)
# "node A", "worker B": nodes told apart by a capital letter (read as node-a, worker-b).
_LETTERED = re.compile(
    r"\b((?i:node|nó|no|worker|host))\s+([A-H])\b(?!['’])|\b((?i:node|worker|host))([A-H])\b"
)
_DASHED_NAME = re.compile(r"(?<![\w.@-])(?:[a-z]+-)+(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\b(?!-)")
_ORDER = {
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
    "primeiro": "1", "segundo": "2", "terceiro": "3", "quarto": "4", "quinto": "5",
}  # fmt: skip


# A macOS zsh prompt ("rick@mbp ~ %"); Red Hat's and Debian's are _PROMPT's.
_ZSH = re.compile(r"(?<![\w.-])[\w.-]+@(?P<host>[\w.-]+)\s+[~/][^\s%]{0,40}\s+%")
# A client run right at the prompt; not "kubectl exec … -- curl", which runs in a container.
_CLIENT_COMMAND = re.compile(r"[ \t]*(?:sudo\s+)?(?:curl|wget|nc|ncat|telnet|ping|http)\b")
# The shell of a busybox or alpine container ("/ # wget -qO- http://10.20.0.77"), or bash's
# own prompt in an image that sets none ("bash-5.1# curl …"), which a node's root shell
# never shows. (A reply's standing clauses join its lines with ", ".)
_CONTAINER_PROMPT = re.compile(r"(?:^|[\n,])[ \t]*(?:/[\w./-]{0,40} |(?:ba)?sh-\d+(?:\.\d+)?)# ")
_PERSONAL = re.compile(r"macbook|\bmbp\b|notebook|laptop|desktop|imac|thinkpad|\bpc\b|-pc\b|\bpc-")
_AN_ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def shell_client(text: str) -> str | None:
    """Where a client typed at a shell prompt ran: `node` when the prompt names a node (by
    name, or by address as CCE names them: "[root@192-168-0-45 ~]#"), `outside` when it names
    a personal computer ("marcos@MacBook-Pro ~ %"), `container` at a container's bare "/ #"
    or "bash-5.1#"; None otherwise, or when prompts disagree."""
    if any(_CLIENT_COMMAND.match(text, m.end()) for m in _CONTAINER_PROMPT.finditer(text)):
        return "container"
    where = set()
    exec_pods = _exec_pods(text)
    listed = _listed_nodes(text.lower())
    for match in (*_PROMPT.finditer(text), *_ZSH.finditer(text)):
        if not _CLIENT_COMMAND.match(text, match.end()):
            continue
        host = (match.group("host") or match.groupdict().get("host2") or "").lower()
        if _DASHED.search(host) or _AN_ADDRESS.fullmatch(host) or _named(host) or host in listed:
            where.add("node")
        # Not a pod's ("jovyan@my-notebook-0", one `kubectl exec` opened).
        elif _PERSONAL.search(host) and not _POD_SUFFIX.search(host) and host not in exec_pods:
            where.add("outside")
        else:
            return None  # a host of no known kind: a pod's, a VM's
    return where.pop() if len(where) == 1 else None


_EXEC = re.compile(r"\bkubectl\s+(?:-n\s+\S+\s+)?exec\s+(?:-\w+\s+)*(?:pod/)?([\w.-]+)")


def _listed_nodes(lowered: str) -> set[str]:
    """The nodes a pod listing names in its NODE column, and their like: a name of the same
    shape but its numbers ("no-app-01" beside a listed "no-app-02") names a node of that pool,
    whatever its words."""
    nodes = {row.group("node") for row in _ROW.finditer(lowered)}
    shapes = {_DIGITS.sub("#", node) for node in nodes if any(c.isdigit() for c in node)}
    hosts = {m.group("host") or m.group("host2") for m in _PROMPT.finditer(lowered)}
    return nodes | {host for host in hosts if _DIGITS.sub("#", host) in shapes}


_DIGITS = re.compile(r"\d+")


def _exec_pods(text: str) -> set[str]:
    """The pods `kubectl exec` opens a shell in."""
    return {name.lower() for name in _EXEC.findall(text)}


# A node's own address, printed at its prompt by `hostname -I` or `ip addr`: the first one on
# its network, not loopback's, docker0's or a link-local one. (Lines are joined by ", " in a
# reply's standing clauses; every quantifier is bounded, so a long line is read in one pass.)
_OWN_COMMAND = re.compile(r"[ \t]*(?:hostname\s+-i|ip\s[^\n,]{0,60}|ifconfig\b[^\n,]{0,60})")
_ADDR = re.compile(r"\baddr\b|\ba\b|\bhostname\b|\bifconfig\b")
_OWN_ADDRESS = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w]|\.\d)")
_NOT_OWN = ("127.", "172.17.", "169.254.", "0.")
# Hosts given their own address: a few (each is one pass over the reply).
_OWN_HOSTS = 3


def _own_address(lowered: str, start: int) -> str | None:
    command = _OWN_COMMAND.match(lowered, start)
    if command is None or not _ADDR.search(command.group()):
        return None
    output = lowered[command.end() : command.end() + 400]
    output = _PROMPT.split(output, maxsplit=1)[0]  # up to the next prompt
    return next((a for a in _OWN_ADDRESS.findall(output) if not a.startswith(_NOT_OWN)), None)


def _undashed(host: str) -> str:
    """A host named by its address as CCE names nodes ("192-168-0-45") as that address."""
    dashed = _DASHED.search(host)
    return ".".join(dashed.groups()) if dashed else host


def _prompts(lowered: str) -> str:
    """Each shell prompt as the node it names ("[root@cce-node-1 ~]#" is " on cce-node-1 "),
    once (the same shell again names no second node). A node that prints its own address
    (`hostname -I`) is named by that address, wherever its name is written: a name is not
    compared with an address."""
    own: dict[str, str] = {}
    for match in _PROMPT.finditer(lowered):
        host = match.group("host") or match.group("host2")
        if len(own) < _OWN_HOSTS and (address := _own_address(lowered, match.end())):
            own[host] = address
    for host, address in own.items():
        if _named(host) or _DASHED.search(host):  # a node's name, not a word of the prose
            lowered = re.sub(rf"(?<![\w.@-]){re.escape(host)}(?![\w.-])", address, lowered)
    seen: set[str] = set()
    # Where a client is typed at a prompt, the containers another lists run on its node
    # ("[root@cce-node-3 ~]# crictl ps | grep api" and a row): the Service's pod is there.
    clients = any(_CLIENT_COMMAND.match(lowered, m.end()) for m in _PROMPT.finditer(lowered))

    def node(match: re.Match[str]) -> str:
        host = match.group("host") or match.group("host2")
        named = f" on {own.get(host) or _undashed(host)} "
        if clients and _CONTAINERS_LISTED.match(lowered, match.end()):
            return named
        if clients and _NONE_LISTED.match(lowered, match.end()):
            # The listing found none there: another node than the pod's, named once.
            first = host not in seen
            seen.add(host)
            return f"{named if first else ' '}(another node than the pod's) "
        if host in seen:
            return " "
        seen.add(host)
        return named

    return _PROMPT.sub(node, lowered)


# `crictl ps` (or docker's, nerdctl's), with any header (lines joined by ", " in a reply's
# standing clauses)…
_LISTING = (
    r"[ \t]*(?:sudo\s+)?(?:crictl|docker|nerdctl)\s+(?:ps|pods|container\s+ls)\b[^\n,]*"
    r"(?:(?:\n|,\s)[ \t]*(?:container|pod id)\b[^\n,]*)?"
)
# …and a container it lists (its id first), or none: the next prompt or the end
# (`crictl ps --name billing`, `| grep app`).
_CONTAINERS_LISTED = re.compile(rf"{_LISTING}(?:\n|,\s)[ \t]*[0-9a-f]{{6,}}\s")
_NONE_LISTED = re.compile(rf"{_LISTING}(?=(?:\n|,\s)[ \t]*(?:\[[\w.-]+@|[\w.-]+@[\w.-]+:)|\s*$)")


# The node's own loopback, called at its prompt ("[root@192-168-5-10 ~]# curl 127.0.0.1:31555").
_LOOPBACK = re.compile(r"(?<![\w.])(?:127\.0\.0\.1|localhost)(?![\w.])")


def _loopback_as_host(lowered: str) -> str:
    """Each command's loopback address as its prompt's node, where the prompt names its
    address (as CCE names nodes, or as an address): that node's own NodePort."""
    lines = lowered.split("\n")
    for index, line in enumerate(lines):
        prompt = _PROMPT.search(line)
        if prompt is None:
            continue
        address = _undashed(prompt.group("host") or prompt.group("host2"))
        if _AN_ADDRESS.fullmatch(address):
            lines[index] = line[: prompt.end()] + _LOOPBACK.sub(address, line[prompt.end() :])
    return "\n".join(lines)


def placement(text: str, addresses: bool = False, words: bool = True) -> str | None:
    """`other` when two different nodes are named, `same` when one is named twice (or once for
    both); else, with `words`, what the words say ("another node", "no mesmo nó"), if they
    say one.
    Nodes are compared by name (its whole name: pool-a-node-1 is not pool-b-node-1) and by
    address: every address where `addresses` is set, else only those given as a place ("on
    192.168.0.31"); two different addresses are two nodes whatever the names say, but a name
    is never compared with an address, which may be that node's own."""
    lettered = _LETTERED.sub(
        lambda m: f"{m.group(1) or m.group(3)}-{(m.group(2) or m.group(4)).lower()}", text
    )
    # CCE names a node after its address ("node-192-168-0-84"): that address, wherever written.
    typed = _DASHED_NAME.sub(lambda m: ".".join(m.groups()), lettered.lower())
    prompted = _prompts(_loopback_as_host(typed) if addresses else typed)
    replicas = _replicas_placement(prompted, addresses)
    if replicas is not None:
        return replicas
    # Nodes a listing or a query prints are nodes, whatever their names look like
    # ("cce-np1-node-2x7k"): compared as they are written.
    listed = [row.group("node") for row in _ROW.finditer(prompted)]
    listed += [q.group("node") for q in _NODE_QUERY.finditer(prompted) if "nodename" in q["path"]]
    lowered = _ROW.sub(lambda row: f" on {row.group('node')} ", prompted)
    lowered = _NODE_QUERY.sub(
        lambda q: f" on {q['node']} " if "nodename" in q["path"] else q.group(), lowered
    )
    lowered = _NO_NODE_ADDRESS.sub(" ", _unechoed(lowered))
    named = _named(lowered)
    # "worker-5" said after "cce-prd-worker-5": the short form of the one full name given.
    full = {(prefix, key) for prefix, key in named if prefix}
    for index, (prefix, key) in enumerate(named):
        longer = {p for p, k in full if k == key}
        if not prefix and len(longer) == 1:
            named[index] = (longer.pop(), key)
    # So are the prompts' hosts that are listed nodes or of their shape ("[root@no-app-01 ~]#").
    listed += [host for host in _listed_nodes(typed) if f" on {host} " in prompted]
    # (A name has a digit: "… 10.0.0.45 node 192.168.0.21" lists no node called "node".)
    named += [
        ("=", node)
        for node in listed
        if any(c.isdigit() for c in node) and not _nodes(f" on {node} ", True)
    ]
    if not named:
        named = [("#", _ORDER[m.group("n") or m.group("n2")]) for m in _ORDINAL.finditer(lowered)]
    located = _located(lowered, addresses)
    apart = _tried_apart(lowered, addresses, set(named))
    named = [key for key in named if key not in apart]
    located = [key for key in located if key not in apart]
    if not named:
        named = located
    if len(set(named)) >= 2 or len(set(located)) >= 2:
        # (Two different addresses are two nodes, whatever one name beside them is.)
        return "other"
    if len(named) >= 2 or len(located) >= 2 or (named and _BOTH.search(lowered)):
        return "same"
    return _said(retyped(fold(lowered))) if words else None


# A listing's header that names a NODE column ("NAME READY STATUS NODE", "NAME IP NODE",
# `-o custom-columns=NAME:…,NODE:…`), in capitals as kubectl prints them; its two-word
# columns count once.
_HEADER = re.compile(r"^[ \t]*[A-Z][A-Z()-]*(?:[ \t]+[A-Z][A-Z()-]*)+[ \t]*$")
_TWO_WORD_COLUMNS = re.compile(r"NOMINATED NODE|READINESS GATES")
# `kubectl get pod … -o wide` typed without the header it prints (`| grep app`, `--no-headers`)
_WIDE_QUERY = re.compile(r"\bkubectl\s+get\s+(?:po|pods?)\b[^\n]*-o\s*wide\b")
# …and a row of it as people paste it, the columns they kept: the pod, the pod's address, the node.
_BARE_ROW = re.compile(
    r"^[ \t]*(?P<pod>[a-z0-9][\w.-]*)(?:[ \t]+[\w/().<>-]+){0,6}?"
    r"[ \t]+(?:\d{1,3}(?:\.\d{1,3}){3}|<none>)[ \t]+(?P<node>[\w.-]+)(?:[ \t]+<none>){0,2}[ \t]*$"
)
# What each column of a row holds, so that a line of prose under a table is not read as a row.
_CELLS = {
    "NAME": re.compile(r"[a-z0-9][\w.-]*"),
    "READY": re.compile(r"\d+/\d+"),
    "STATUS": re.compile(r"[A-Z][A-Za-z]+"),
    "RESTARTS": re.compile(r"\d+"),
    "AGE": re.compile(r"\d+[smhdy]\w*"),
    "IP": re.compile(r"\d{1,3}(?:\.\d{1,3}){3}|<none>"),
    "NODE": re.compile(r"[a-z0-9][\w.]*[-\d][\w.-]*"),
}
_ANY = re.compile(r"\S+")
# A restart count's "(3h ago)": one column.
_AGO = re.compile(r"\s+\([^)\n]{0,20}\)")


def _as_row(pod: str, node: str) -> str:
    return f"{pod} 1/1 Running <none> {node}"


def as_wide_listing(text: str) -> str:
    """The rows of a pod listing with fewer columns than `kubectl get pod -o wide` prints
    ("web-0 Running 10.0.0.5", under a "NAME STATUS NODE" header; or typed after the command,
    without its header) written as its rows ("web-0 1/1 Running <none> 10.0.0.5"), which every
    reading of listings knows. The other lines are kept as they are."""
    lines = text.split("\n")
    columns: list[str] | None = None  # the header's, while its rows follow
    bare = False  # rows after a `-o wide` query typed without its header
    for index, line in enumerate(lines):
        if _HEADER.match(line) and {"NAME", "NODE"} <= set(line.split()):
            columns = _TWO_WORD_COLUMNS.sub(lambda m: m.group().replace(" ", "_"), line).split()
            bare = False
            continue
        if _ROW.search(line.lower()):
            continue  # a row every reading knows already
        cells = _AGO.sub("", line).split()
        if (
            columns is not None
            and len(cells) == len(columns)
            and all(
                _CELLS.get(name, _ANY).fullmatch(cell)
                for name, cell in zip(columns, cells, strict=True)
            )
        ):
            lines[index] = _as_row(cells[columns.index("NAME")], cells[columns.index("NODE")])
            continue
        row = _BARE_ROW.match(line) if bare else None
        if row is not None:
            lines[index] = _as_row(row.group("pod"), row.group("node"))
            continue
        columns = None
        bare = bool(_WIDE_QUERY.search(line))
    return "\n".join(lines)


def _tried_apart(
    lowered: str, addresses: bool, named: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The nodes tried beside the one node said to fail, or said to work, when one fails and
    they are named nowhere else."""
    fails: set[tuple[str, str]] = set()
    works: set[tuple[str, str]] = set()
    tried: set[tuple[str, str]] = set()
    placed: set[tuple[str, str]] = set()  # named otherwise ("the backend sits on node-d")
    for side in _SIDES.split(lowered):
        keys = _nodes(side, addresses)
        if (letter := _LETTER.match(side)) and ("", letter.group(1)) in named:
            keys.add(("", letter.group(1)))
        folded = fold(side)
        failing, working = bool(FAILS.search(folded)), bool(WORKS.search(folded))
        if failing and not working:
            fails |= keys
        elif working and not failing:
            works |= keys
        if _TRIED.search(folded) and not _POD_NODE.search(folded):
            tried |= keys  # (not "tested from node-1, where the pod is, and node-3")
        elif not failing and not working:
            placed |= keys
    if len(fails) != 1:
        return set()
    return (works | tried) - fails - placed


def _named(lowered: str) -> list[tuple[str, str]]:
    return [
        (
            m.group("prefix") + (m.group("pool") or m.group("cce") or ""),
            m.group("number") or m.group("letter") or m.group("tail") or m.group("ordinal"),
        )
        for m in _NAMED.finditer(lowered)
        # "prometheus-server-0" is a StatefulSet's pod, not a server
        if not (m.group("prefix") and m.group("word") in _GENERIC)
    ]


def _nodes(lowered: str, addresses: bool) -> set[tuple[str, str]]:
    return set(_named(lowered)) | set(_located(lowered, addresses))


def _replicas_placement(lowered: str, addresses: bool) -> str | None:
    """Replicas of one app listed on several nodes (`kubectl get pod -o wide` rows whose names
    share the app's), and the client's one node named apart from them ("curl was run on the
    host 10.0.0.61"): `same` when the client's node runs one of them, else `other`. Rows of
    different apps may be the client's own pod: left to the comparison of every node named."""
    rows = list(_ROW.finditer(lowered))
    apps = {pod_app(row.group().split()[0]) for row in rows}
    if len(rows) < 2 or len(apps) != 1:
        return None
    pods = [_nodes(f" on {row.group('node')} ", True) for row in rows]
    if any(len(keys) != 1 for keys in pods) or len(set().union(*pods)) < 2:
        return None
    client = _nodes(_NO_NODE_ADDRESS.sub(" ", _ROW.sub(" ", lowered)), addresses)
    if len(client) != 1:
        return None
    return "same" if client <= set().union(*pods) else "other"


def pod_app(pod: str) -> str:
    """The app a pod's name names, without the suffixes its controller adds."""
    return _POD_SUFFIX.sub("", pod)


def _located(lowered: str, addresses: bool) -> list[tuple[str, str]]:
    """The nodes named by address: every address where `addresses` is set, else those given as
    a place; an address's last number said again (".45" after "192.168.0.45") is that address."""
    where = _ADDRESS if addresses else _PLACED
    found = [
        m.group("address") or m.groupdict().get("named") or m.group("last")
        for m in where.finditer(lowered)
    ]
    whole = {key for key in found if key.count(".") == 3}
    return [
        ("", next(a for a in whole if a.endswith(key)))
        if key.startswith(".") and sum(a.endswith(key) for a in whole) == 1
        else ("", key)
        for key in found
    ]


# Which node, said in words: "on another node", "em outro nó", "on the same node", "no mesmo
# nó". (Folded: "nó" is "no", and "no mesmo no" reads "in the same node".)
# (Not a VM, machine or server: "another VM in the VPC" may be no node at all.)
_NODE = r"(?:nodes?|no|nos|hosts?|workers?|box|boxes)\b"
_WORDS = {
    "other": re.compile(
        rf"\b(?:other|another|a different|different|separate|outr[oa]s?|diferente)\s+"
        rf"(?:(?:two|three|2|3|dois|tres)\s+)?{_NODE}"
        rf"|\b{_NODE}\s+(?:diferente|different|distinto|separado|separada|separate)"
        rf"|\baway from (?:the\s+)?(?:backend|pod|service|api)'?s? {_NODE}"
        r"|\belsewhere\b"
        # "…, e o pod roda em outro", "the pod runs on another one"
        r"|\b(?:pod|backend|replica)s?\s+(?:roda|rodam|ta|esta|fica|runs|is|lives|sits)\s+(?:em|no|on|in)\s+"
        r"(?:outro|outra|another|another one|a different one)\s*$"
        # Two node pools by name ("os agentes ficam no pool de CI e a aplicação no pool de
        # apps", "the runner is in the ci pool, the app in the gpu pool"): different nodes
        r"|\bpool\s+(?:de\s+|do\s+|da\s+)?(?!(?:de|do|da)\b)([a-z][\w-]*)\b[^.;]{0,80}?\bpool\s+"
        r"(?:de\s+|do\s+|da\s+)?(?!\1\b)(?!(?:de|do|da|the|o|a)\b)[a-z][\w-]*"
        r"|\b(?!(?:the|o|a|same|mesmo|node)\b)([a-z][\w-]*)\s+(?:node\s+)?pool\b[^.;]{0,80}?"
        r"\b(?!\2\b)(?!(?:the|o|a|same|mesmo|other|outro|node)\b)[a-z][\w-]*\s+(?:node\s+)?pool\b"
        # "no mesmo nó ou em outro", "on the same node or another one": the other node, unnamed
        r"|\b(?:or|ou)\s+(?:(?:em|no|on|in|from|de)\s+)?(?:another|outr[oa]|a different)"
        r"(?:\s+one)?\s*(?:$|(?=\s+(?:e|and|but|mas|so|entao)\b))"
    ),
    "same": re.compile(
        rf"\b(?:same|mesmo|mesma|msm)\s+{_NODE}"
        # "…, which is exactly where the pod runs", "que é justamente onde tá o pod"
        r"|\b(?:exactly|justamente|precisamente|bem|right)\s+(?:where|onde)\b"
        # "(that's where payment-api-0 is running)", "(que é onde o pod tá)"
        r"|\b(?:that'?s|that is|which is|que e|que eh)\s+(?:where|onde)\s+(?:the\s+|o\s+|a\s+)?"
        r"(?:(?:[\w-]+\s+)?(?:pod|replica|backend)s?|[a-z][\w-]*-\d[\w-]*)\s+"
        r"(?:is running|runs|lives|sits|ta|esta|roda|fica)\b"
        # "a pod that shares the worker with the service's pod"
        r"|(?<!never )(?<!n't )(?<!not )(?<!nunca )(?<!nao )"
        rf"\b(?:shares?|sharing|compartilha|divide)\s+(?:the\s+|a\s+|its\s+|o\s+|um\s+)?{_NODE}"
        r"\s+(?:with|com)\b"
        r"|\bco-?located\s+with\s+(?:the\s+|a\s+|its\s+)?(?:[\w-]+\s+)?"
        r"(?:pod|replica|backend|target|service|server)s?\b"
        # The Service's own pod calling ("exec into the backend pod itself", "de dentro do
        # próprio pod do serviço"): its node is the pod's.
        r"|\b(?:backend|service'?s?|target)\s+pod\s+itself\b"
        r"|\bdentro\s+d[oa]\s+(?:proprio\s+)?pod\s+d[oa]\s+(?:backend|servico|service)\b"
        r"(?!\s+(?:no|node|host|worker)\b)"
        r"|\bproprio\s+pod\s+d[oa]\s+(?:backend|servico|service)\b(?!\s+(?:no|node|host|worker)\b)"
    ),
}


# A part that says it works ("the copies on other nodes are fine") tells where it does not fail.
_PART = re.compile(r"(?<![,;.!?])[,;.!?]+\s")  # (from a run's first mark: linear)
_WORKS = re.compile(
    r"(?<!n't )(?<!not )(?<!nao )\b(?:fine|work|works|worked|working|ok|okay|funciona|funcionam|funcionou|de boa|normal|"
    r"passa|responde)\b"
)


# The Service pod's node named ("the pod's node", "o nó do pod", "node where the pod runs").
_POD = r"(?:[\w-]+\s+)?(?:pod|replica|backend)\b"
_POD_NODE = re.compile(
    r"\b(?:pod|backend|replica)(?:'s|s'|s)?\s+(?:own\s+)?(?:nodes?|hosts?|workers?)\b|"
    rf"\b{_NODE}\s+(?:do|of the|of its)\s+{_POD}"
    rf"|\b(?:{_NODE}|one)\s+(?:where|onde|que tem|que roda|that has|that runs|hosting|running|"
    rf"with|com)\s+(?:the|o|a)\s+{_POD}"
    # "that's where the app pod is running", "o pod tá rodando nele"
    rf"|\b(?:where|onde)\s+(?:the|o|a)\s+{_POD}\s+(?:is|runs|lives|ta|esta|roda|fica)"
    # "no nó onde tá o pod", "where sits the backend": the verb first
    rf"|\b(?:where|onde)\s+(?:ta|esta|fica|roda|mora|is|runs|sits|lives)\s+(?:rodando\s+|running\s+)?"
    rf"(?:the|o|a)\s+{_POD}"
    r"|\bpod\s+(?:ta|esta|is)\s+(?:rodando\s+|running\s+)?(?:nele|nela|there)\b"
    # "that's where the only nginx replica got scheduled"
    r"|\b(?:where|onde)\s+(?:the|o|a)\s+(?:[\w-]+\s+){0,2}(?:pod|replica|backend)s?\s+"
    r"(?:got|was|is|landed|foi|caiu|ficou)\b"
    # "kubectl -o wide shows the pod on that worker": the node just named
    rf"|\b(?:pod|replica|backend)s?\s+(?:(?:is|runs|lives|ta|esta|roda|fica)\s+)?"
    rf"(?:(?:on|in|no|na|em)\s+(?:that|this|esse|este|aquele)|nesse|neste|naquele)\s+{_NODE}"
)


# "other than the one hosting the pod", "diferente daquele onde o pod tá": what follows is the
# node compared with, not the one meant.
_OTHER_THAN = re.compile(
    r"\b(?:other|different|another)\s+(?:one\s+)?(?:than|from)\b|\bdiferente d(?:[oa]|aquel[ea])\b"
    r"|\baway from\b|\blonge d[oa]\b"
    # "fora do nó do pod", "off the backend's node": another node than the pod's
    r"|\bfora d[oa]\s+(?=(?:no|node|host|worker)\b)"
    r"|\b(?:off|outside)\s+(?:of\s+)?the\s+(?=(?:[\w-]+\s+)?(?:pod|backend|replica)'?s?\s+(?:node|host|worker)\b)"
    # "nowhere near where the backend lives" (not "nowhere near the cluster": outside it)
    r"|\b(?:nowhere near|far from)\s+(?=(?:the\s+|where\s+)?(?:[\w'-]+\s+){0,3}?"
    r"(?:pod|backend|replica)s?\b)"
)


def _said(folded: str) -> str | None:
    said: set[str] = set()
    for part in _PART.split(folded):
        if _WORKS.search(part):
            continue
        if (than := _OTHER_THAN.search(part)) is not None:
            said.add("other")
            part = part[: than.start()]
        said |= {which for which, words in _WORDS.items() if words.search(part)}
        if _POD_NODE.search(part):
            said.add("same")
    return said.pop() if len(said) == 1 else None


# A node said to hold none of the Service's pods ("worker-3 has none of this deployment's pods",
# "o node-3 não tem réplica"): another node, even where its name is said twice.
_HOLDS_NONE = re.compile(
    r"\b(?:has|hosts|runs)\s+(?:no|zero|0|none of)\s+(?:(?:the|this|its|our)\s+)?(?:[\w'-]+\s+)?"
    r"(?:pods?|replicas?)\b"
    r"|\b(?:doesn'?t|does not)\s+(?:have|host|run)\s+(?:a|an|any|one)\s+(?:[\w-]+\s+)?replicas?\b"
    r"|\b(?:nao|nem)\s+tem\s+(?:(?:nenhuma|nenhum|uma|um)\s+)?replicas?\b"
    # "node-3 doesn't host the pod", "o node-3 não tem o pod": a node by its name
    r"|(?<![\w.-])[a-z][\w.-]*\d\s+(?:doesn'?t|does not|nao)\s+(?:have|host|run|hold|tem|hospeda|roda)"
    r"\s+(?:the|its|our|any|o|os|a|as|nenhum|nenhuma)\s+(?:[\w-]+\s+)?(?:pods?|replicas?)\b"
)


# A node said not to hold the Service's pod ("a node that doesn't have the pod", "um nó que não
# tem o pod", "the pod isn't there"), or the pod said to have left it ("the pod moved", "o pod
# mudou de nó"; not "moved to node-2", which may be the client's), or one beside it ("next to
# the one hosting the pod"): another node. Folded text.
_ELSEWHERE = re.compile(
    r"\b(?:doesn'?t|does not|don'?t|do not|without|not hosting|not running)\s+"
    r"(?:have\s+|host\s+|run\s+|hold\s+)?(?:the|its|our|any|a|an|one)\s+"
    r"(?:(?!client|cliente|debug|test|teste)[\w-]+\s+)?(?:pods?|replicas?)\b"
    r"|\b(?:node|worker|host) that (?:doesn'?t|does not) (?:have|host|run) (?:it|them)\b"
    r"|\bthe (?:[\w-]+ )?pod (?:isn'?t|is not|wasn'?t|was not|is no longer) (?:there|on it|on that|here)"
    r"|\bpods? (?:has |had |was |got )?(?:moved|rescheduled|migrated)\b(?!\s+(?:to|onto|here|back))"
    r"|\bnext to the (?:one|node|host|worker)\b"
    # "a worker that runs zero pods of that app", "they never share a node"
    rf"|{_HOLDS_NONE.pattern}"
    r"|\b(?:roda|tem)\s+(?:zero|0|nenhum|nenhuma)\s+(?:[\w-]+\s+)?(?:pods?|replicas?)\b"
    r"|\b(?:never|don'?t|do not|nunca)\s+(?:share|compartilham|dividem)\s+(?:a|the same|o mesmo)?\s*(?:node|no)\b"
    r"|\b(?:nao|nem)\s+(?:tem|hospeda|roda|possui|esta com|ta com)\s+(?:o|os|a|as|nenhum|nenhuma|um|uma)\s+"
    r"(?:(?!cliente|debug|teste)[\w-]+\s+)?(?:pods?|replicas?)\b"
    r"|\bsem (?:o|os|nenhum) (?:[\w-]+ )?pods?\b"
    # "it landed on a node with no backend pods"
    r"|\b(?:node|worker|host) with (?:no|zero|0) (?:[\w-]+ )?(?:pods?|replicas?)\b"
    r"|\bo (?:[\w-]+ )?pod nao (?:esta|ta|fica|roda) (?:la|nele|nela|ali|naquele|nesse)\b"
    # ("o pod foi reagendado pro mesmo nó" moved it to the client's.)
    r"|\bpods? (?:mudou|trocou|foi|saiu) (?:de no|de node|pra outro|para outro|reagendado|movido)"
    r"(?!\s+(?:pr[oa]|para)\b)"
    r"|\bao lado d[oa]\b"
    # "um nó nada a ver com o do pod", "a node that has nothing to do with the pod's"
    r"|\b(?:nada a ver com|nothing to do with|unrelated to)\s+(?:o|a|the)\s+(?:(?:no|node|worker)\s+)?"
    r"(?:(?:do|da|of the)\s+(?:[\w-]+\s+)?pods?\b|(?:[\w-]+\s+)?pod'?s\b)"
    # "qualquer nó menos o do pod", "any node except the pod's" (not where it works: "funciona
    # de qualquer nó menos o do pod" fails from the pod's own)
    r"|(?<!funciona de )(?<!funciona em )(?<!works from )(?<!works on )"
    r"\b(?:qualquer|any)\s+(?:no|node|worker|host)\s+(?:menos|exceto|fora|except|other than|but not)"
    r"\s+(?:o|a|the)\s+(?:(?:no|node|worker)\s+)?(?:(?:do|da|of the)\s+(?:[\w-]+\s+)?pods?\b|"
    r"(?:[\w-]+\s+)?pod'?s\b)"
    # "o pod tem nodeSelector pra outro pool, então nunca cai no worker do runner" (not "não tem
    # nodeSelector pra outro pool"; not "a requisição nunca cai no pod")
    r"|(?<!nao tem )(?<!sem )(?<!without )(?<!no )"
    r"\b(?:nodeselector|pinned|preso|presa|fixado|fixada)\b[^.;]{0,30}\b(?:pra|para|to|on|em)\s+"
    r"(?:outro|outra|another|a different|other)\s+(?:pool|node pool|node|no|worker)\b"
    r"|\b(?:pods?|replicas?|backend)\b[^.;]{0,120}\b(?:nunca|never)\s+(?:cai|caem|fica|ficam|lands?|"
    r"is scheduled|gets scheduled)\s+(?:no|na|on|in)\b(?!\s+(?:o\s+|the\s+)?pods?\b)"
    # "os pods ficam no pool apps, nenhum no cce-ci-01": a node by its name (not "nenhum no
    # CrashLoopBackOff", "none in the infra pool")
    r"|\b(?:pods?|replicas?)\b[^.;]{0,60}\b(?:nenhum|nenhuma|none)\s+(?:deles\s+|of them\s+)?"
    r"(?:no|na|on|in)\s+(?:[\w.-]*\d[\w.-]*|(?:the\s+|o\s+)?(?:client'?s|cliente)\b)"
)


# Where the client sits ("the client sits on node-2", "tô logado no nó do pod"), beside the
# node whose address it calls ("…but it calls node-1's IP", "mas chama o IP do node-1"): the
# NodePort's node is the one called.
_SITS = re.compile(
    r"(?i)\b(?:(?:(?:the\s+)?client|(?:o\s+)?cliente|eu)\s+(?:sits|is|runs|lives|t[aá]|est[aá]|fica|roda)"
    r"|(?:i'?m|i\s+am|we'?re|we\s+are|t[oô]|tou|estou)"
    r"(?:\s+(?:(?:logged|ssh'?d)(?:\s+in)?|logad[oa]))?)\s+"
    r"(?:in(?:to)?|on|at|no|na|em)\s+[^,;]*?(?=\s*(?:[,;]|\bbut\b|\bmas\b|\band\b|\be\b|$))"
)
_SITS_WHERE = re.compile(
    r"(?i),?\s*\b(?:which|that|que)\s+(?:is|é|e|eh)\s+(?:exactly\s+|justamente\s+)?(?:where|onde)\b"
)
_CALLS = re.compile(
    r"(?i)\b(?:calls?|calling|targets?|targeting|hits?|hitting|uses?|using|chama|chamo|chamando|usa|uso|"
    r"aponta(?:\s+pr[oa])?|vai\s+pr[oa]|bate\s+n[oa])\s+(?:the\s+|o\s+)?"
    r"(?:(?:ip|address|endere[cç]o)\s+(?:of|do|da|de)\b|[\w.-]+'s\s+(?:ip|address)\b)"
)


def called(text: str) -> str:
    """The text without where the client sits, when it says whose address the client calls;
    not where the place is said to be the pod's ("I'm on worker-a, which is where the pod
    runs"): then the two nodes are compared."""
    if not _CALLS.search(text) or _SITS_WHERE.search(text):
        return text
    return _SITS.sub(" ", text)


def holds_none(text: str) -> bool:
    """Whether the (folded) words say a node holds none of the Service's pods."""
    return bool(_HOLDS_NONE.search(text))


def elsewhere(text: str) -> bool:
    """Whether the (folded) words say a node is not the one the Service's pod runs on."""
    return bool(_ELSEWHERE.search(text))


_OR = re.compile(r"\b(?:or|ou)\b")


def left_open(folded: str) -> bool:
    """Whether the (folded) words leave the node a choice ("ou no mesmo nó ou em outro")."""
    return any(
        _OR.search(part)
        and _WORDS["other"].search(part)
        and (_WORDS["same"].search(part) or _POD_NODE.search(part))
        for part in _PART.split(folded)
    )


def unsaid(denied: str) -> str | None:
    """Which node a denied (folded) clause leaves: "not the pod's node", "não é o mesmo nó"
    leave `other`; "not another node" leaves `same`."""
    return {"same": "other", "other": "same"}.get(_said(denied) or "")
