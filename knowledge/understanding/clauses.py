"""A typed answer cut into clauses, with the ones that deny or are taken back marked.

"not the pod's node, another one", "não é túnel, é VPC", "achei que era ipvs mas é iptables":
the value a person means is in the clauses they affirm last. Each clause is read on its own
by the model; this module only decides which words belong together and which are withdrawn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from knowledge.intake.keywords import fold
from knowledge.intake.language import detect_language
from knowledge.understanding.placement import FAILS, WORKS, pod_app
from knowledge.understanding.typos import retyped

__all__ = [
    "Clause", "arrows_as_calls", "asks", "clauses", "denial", "denies", "english", "hedged",
    "last_correction", "normalise", "says_no", "subject", "withdrawn", "without_consequence",
]  # fmt: skip

# Longer than any answer: a rambling message is cut to its last part (what people conclude
# with); reading stays linear in the message's length.
MAX_ANSWER_CHARS = 600

# Where one statement ends and the next begins. Correction markers start a new clause that
# outranks the earlier ones ("... but", "actually", "na verdade", "quer dizer").
# Not right after a word that denies (lookbehinds: fixed widths only).
_UNDENIED = "".join(
    rf"(?<!\b{word} )" for word in ("never", "not", "nunca", "nao", "n", "didn't", "didnt", "nem")
)
_CORRECTION = (
    r"but|mas|porem|actually|i mean|i meant|meant|na verdade|quer dizer|quis dizer|ou melhor|"
    r"sorry|desculpa|desculpe|foi mal|my bad|wait|pera|perai|opa|ops|oops|hold on|na real|"
    # "checked" corrects where what was checked comes next ("checked the yaml: Local",
    # "no, checked, iptables"), not as one more thing done ("checked security groups").
    r"ah nao|(?:just |double[- ]?)?checked(?=\s*[,:]|\s+the\s+\S+\s*:)|just checked|"
    # Not inside parentheses: "(que é onde o pod tá, conferi no kubectl)" only vouches for it
    # (a smiley's ":)" closes none).
    r"(?<!nao )(?<!\bn )(?:conferi|verifiquei)(?![^()]{0,40}(?<![:;=8-])\))|corrigindo|correcting|correction|"
    r"scratch that|errei|"
    r"me enganei|i was wrong|on second thought|retificando|retifico|erro meu|melhor dizendo|"
    r"my mistake|i misspoke|strike that|retracting(?: that)?|"
    # A change told as news: what it is now follows ("we changed it back to ClusterIP"); not
    # one denied ("we never switched to ipvs", "nunca mudamos pra Local").
    rf"{_UNDENIED}(?:(?:changed|switched)(?: it)?(?: back)? to|went back to|reverted(?: it)? to|"
    r"recreated(?: it)? with|recriamos|recriei|"
    r"(?:mudamos|mudei|mudaram|trocamos|troquei|trocaram|mudou|voltamos|voltei|voltou|"
    r"voltaram|revertemos|reverti)(?: ele| o)?(?: de volta)? (?:pra|para))|"
    r"now it'?s|now it is|agora e|agora ta|agora esta"
)
# "and not …" starts a clause of its own: the denial is not of what came before ("mudaram pra
# Local e não recriaram o serviço", "ipvs and not iptables").
_AND_NOT = r"(?:and|e)\s+(?:not|never|didn'?t|did not|nao|nunca)"
# "X instead of Y": what follows is denied, so it starts a clause of its own.
_INSTEAD = r"instead of|rather than|em vez de|ao inves de|no lugar de"
# A clause that only says no ("…, no, …", "ugh no") takes back what came before it.
_ONLY_NO = re.compile(
    r"^(?:(?:ugh|argh|oh|ah|hmm+|er+m?|uh+|um+|well|ih|aff|puts|nossa)\s+)?"
    r"(?:no(?:,?\s+no)*|nope|nah|nao(?:,?\s+nao)*|n|negative)$"  # "no no", "não não"
)
# Alternatives ("vpc or tunnel", "ou X ou Y") are clauses of their own: two options named side
# by side are a question to ask back, not an answer.
# A full stop ends a clause, not a dot inside a version or a name ("cloud native 2.0", "v1.25",
# "kubernetes.io/elb.class").
# "without" starts a clause of its own too, the denied one ("ClusterIP sem balanceador").
# So does a relative clause that denies ("a host of the cluster that isn't the pod's").
_WITHOUT = (
    # Not "without touching the app", "sem mexer na aplicação": an action left undone.
    # Nor a sidecar left out ("um pod sem sidecar no mesmo nó"): the pod is still the client.
    r"sem(?!\s+(?:mexer|alterar|mudar|tocar|editar|reiniciar|sidecar|istio|envoy)\b)|"
    r"without(?!\s+(?:touching|changing|modifying|editing|redeploying|restarting|"
    r"(?:an?\s+|the\s+|any\s+)?(?:sidecar|istio|envoy))\b)|"
    r"fora de(?=\s+(?:um\s+|qualquer\s+)?(?:cont|pod))|"
    r"outside\s+(?:of\s+)?(?:a\s+|any\s+)?(?=cont|pod)|"
    r"que\s+n(?:ao|em)|(?:that|which)(?:\s+is\s+not|\s+isn'?t|\s+ain'?t|\s*'s\s+not|\s+does\s+not|\s+doesn'?t)|"
    # "a worker that has no replica of the app", "um nó que tem nenhum pod dele"
    r"(?:that|which|que)\s+(?:has|have|had|tem|tinha)\s+(?:no|nenhum|nenhuma)\b|"
    # "a node where the backend isn't running", "no nó onde o pod não está"
    r"where\s+(?:the\s+)?(?:[\w-]+\s+)?(?:pods?|backend|service|app|api|replica)\s+(?:isn'?t|is\s+not|doesn'?t|does\s+not|wasn'?t)|"
    r"onde\s+(?:o\s+|a\s+)?(?:[\w-]+\s+)?(?:pods?|backend|servico|app|api|replica)\s+n(?:ao|em)|"
    # "onde não tem nenhum pod", "where there's no replica"
    r"onde\s+nao\s+(?:tem|ha|roda|fica|esta|ta)\b|where\s+there(?:'?s|\s+is)\s+no\b"
)
# An English "no" that starts what it is instead ("tunnel... no it's VPC") corrects; "no LB"
# denies. (Portuguese "não é X" denies X, so only English here.)
_NO_ITS = r"(?:no|nope|nah)\s+(?=(?:it'?s|it is|i mean|i meant|its)\b)"
# A parenthesis of a few words or more is a statement of its own ("(that one is pinned to
# node-1)"), not a short gloss ("LoadBalancer (dedicated)").
# (A short one too when it denies: "nginx on worker 192.168.6.3 (not a pod)".)
# ("no" only as English "no", not Portuguese "in the" before a node: "(no nó 2)".)
_PARENTHESIS = (
    r"\s\((?=[^)]{12,}\)|(?:not|nao|sem|without|no(?!\s+(?:nos?|node|worker|host)\b))\s[^)]*\))"
    r"|(?<=\w)\)(?!\w)"
)
# A colon after a bare "no" or before what it is ("não: o pod tá em outro worker", "nem host:
# é um pod"), not a field's ("type: LoadBalancer").
_COLON = (
    r"(?<=\bnao):|(?<=\bno):|(?<=\bnope):|:(?=\s+(?:e|it'?s|its|it is)\s)"
    r"|(?<=\binvolved):|(?<=\benvolvido):|(?<=\benvolvidos):"  # "no pods involved: ssh to …"
    # A colon before a sentence ("nothing on the pod's node: the caller is a pod"), not a
    # field's value ("type: LoadBalancer", "NODE do pod: 10.1.0.7").
    r"|(?<=[\w']):(?=\s+(?:the|a|an|o|um|uma|it'?s|its|e|same|mesmo|mesma|another|outro|outra)\s)"
)
# A reason that denies is a clause of its own: what it denies is the reason's ("NodePort porque
# não tinha orçamento pra ELB"), not the answer's.
_BECAUSE = (
    r"(?:because|porque|pq|ja que|since)(?=[^,.;!?\n]{0,40}\b(?:nao|not|nem|never|nunca|"
    r"didn'?t|don'?t|wasn'?t|isn'?t)\b)"
)
_SPLIT = re.compile(
    # An arrow or an emoji ends a clause too ("another node ➡️ not the one with the pod").
    rf"\s*(?:[,;!?\n—–\u2190-\u21ff\u2600-\u27bf\ufe0f\U0001f300-\U0001faff]+|\.(?!\w)|{_PARENTHESIS}|\s/\s|"
    rf"\s-{{1,2}}>?\s|\s=>\s|{_COLON}|"
    rf"\b(?:{_CORRECTION}|or|ou|either)\b|\b{_NO_ITS}|(?=\b(?:{_WITHOUT}|{_INSTEAD}|{_AND_NOT}|{_BECAUSE})\b))\s*"
)
# ("checked" alone: _SPLIT cut there only where it corrects.)
_CORRECTS = re.compile(rf"\b(?:{_CORRECTION}|checked)\b|^\s*(?:no|nope|nah)(?:,?\s+no)*\s*$")
_BUT = re.compile(r"but|mas|porem")
_CONCLUDES = re.compile(
    r"(?:so|then|therefore|hence|entao|portanto|logo|ou seja|enfim|resumindo|in short|"
    r"this one|esse aqui|este aqui|esse daqui|esse ai|(?:the|o|a)\s+[\w-]+\s+(?:itself|em si))\b"
)
_OR = re.compile(r"\b(?:or|ou|either)\b")
_GOES_ON = re.compile(r"(?:and|also|plus)\b")  # not "e": folded, it is also "é"

# A clause that denies what it names. "no" only alone (in Portuguese "no" means "in the"; and
# "no, it's X" takes back what came before, it does not deny X).
_NEGATION = re.compile(
    r"^(?:no(?:,?\s+no)*|nope|nah|nao(?:,?\s+nao)*|n)$"
    # Not a command's flag ("kubectl -n kube-system").
    r"|(?<!-)\b(?:not|isn'?t|aren'?t|wasn'?t|ain'?t|don'?t|doesn'?t|never|nao|nem|nunca|n|neither|nor|"
    r"nothing|nada de)\b"
    # "we didn't set Local" denies Local; "it didn't work" tells the failure, it denies nothing.
    r"|\b(?:didn'?t|did not|haven'?t|have not)\s+(?:set|change|configure|touch|use|buy|pay for|"
    r"create|pick|choose)\b|\b(?:nenhum|nenhuma)\b"
    # "o privado ninguém usa", "nobody ever attached an EIP"; "nobody can reach it" is the failure.
    r"|\b(?:nobody|no one|ninguem)\s+(?:ever\s+|nunca\s+)?(?:uses?|used|usa|usou|attached|set|"
    r"configured|created|anexou|colocou|configurou|criou|mexeu)\b"
    # "mesmo nó nada": Portuguese puts the denial last; "nada no nó do pod" first.
    r"|\bnada$|^nada\b"
    # "no containers involved" (English, whatever language the rest is in)
    r"|\bno\s+[\w-]+\s+involved\b"
    # "Turbo is the other project", "esse é o de outro time": another thing's, not this one's.
    r"|\b(?:is|e|eh|era|was|that'?s)\s+(?:the\s+|o\s+|a\s+|do\s+|da\s+|de\s+)?(?:other|outro|outra)\s+"
    r"(?:project|projeto|account|conta|environment|ambiente|env|team|time|app)\b"
    # "Turbo é o outro cluster" (not "um tá Local e o outro Cluster": a policy each)
    r"|\b(?:is|eh|era|was|that'?s|(?<!local )(?<!cluster )e)\s+(?:the\s+|o\s+)?(?:other|outro)\s+cluster\b"
    # "túnel é o antigo, esse novo é VPC", "tunnel was the old one": a former cluster's.
    r"|\b(?:is|eh|era|was|e)\s+(?:the\s+|o\s+|do\s+)?(?:old|antigo|velho)(?:\s+(?:one|cluster))?$"
    # What was said before, quoted to take it back ("me enganei quando falei outro nó",
    # "primeiro falei que era outro nó, mas…", "I first said Local").
    r"|\b(?:quando|when|primeiro|antes|earlier|before)\s+(?:eu\s+|i\s+)?(?:first\s+)?"
    r"(?:falei|disse|said|wrote|escrevi|respondi|answered)\b(?!\s+(?:com|with|to)\b)"
    r"|\bi\s+first\s+(?:said|wrote|answered)\b"
    # What was removed is no longer so ("we removed the nodePort").
    r"|(?<!are )(?<!were )(?<!is )(?<!was )(?<!get )(?<!got )(?<!being )"
    r"\b(?:removed|deleted|dropped|got rid of|removemos|tiramos|apagamos|deletamos|moved off|"
    r"moved away from|migrated off|migrated away from|saimos d[oa])\b"
    rf"|\b(?:{_INSTEAD}|{_WITHOUT})\b"
)
# In English, "no" anywhere denies ("no LB, no nodeport"); in Portuguese it means "in the".
# Not before a named node: "ssh no worker-3" is Portuguese "on worker-3" in a mixed message.
# Nor after a Portuguese verb of place: "tá no Cluster padrão" is "is on the default Cluster",
# "direto no node where the pod runs" and "ssh'd no node do pod" are "right on the node".
_ENGLISH_NO = re.compile(
    r"(?<!\bta )(?<!\besta )(?<!\bfica )(?<!\broda )(?<!\bmora )"
    r"(?<!\bdireto )(?<!\blogado )(?<!\brodei )(?<!\btestei )(?<!\bentrei )(?<!\bssh'd )"
    r"(?<!\bsshed )(?<!\bssh )"
    # "um nó diferente do pod", "outro nó": a Portuguese node, its word before it.
    r"(?<!\bum )(?<!\bnum )(?<!\boutro )(?<!\bmesmo )(?<!\besse )(?<!\bcada )(?<!\bproprio )"
    r"\bno\b(?!\s+(?:[a-z0-9]+-)*(?:nodes?|no|worker|host|vm|ecs|servidor)[ _-]?\w*\d)"
    # "a node with no backend pods" describes the node, it denies nothing
    r"(?!(?<=\bwith no)\s+(?:[\w-]+\s+)?(?:pods?|replicas?)\b)"
    r"(?!\s+[\w-]+\s+(?:que|onde)\b)"  # "no pod que tá…": Portuguese "in the pod that…"
)
# "from outside it works", "de fora funciona normal", "while my laptop is fine": where it
# works (the place said first) is where the failing client is not.
_WORKS_THERE = re.compile(
    r"^(?:(?:but|mas|and|e|while|whereas|enquanto|ja)\s+)?"
    r"(?:(?:from|de|do|da|in|on|no|na)\s+(?:outside|fora|other|another|outr[oa]s?)\b"
    r"|(?:(?:from|de|do|da|via|pelo|pela)\s+)?(?:my|meu|minha|o meu|a minha)\s+"
    r"(?:laptop|notebook|machine|maquina|pc|desktop|computer|computador)\b)"
    r"[^,;]*(?<!n't )(?<!not )(?<!nao )\b(?:it works|works|worked|funciona|funcionam|funcionou|"
    r"is fine|was fine|is ok|responde|respondeu)\b"
)
_PUNCTUATION = re.compile(r"[^\w\s./:'-]+")


# "If I'm not mistaken" leans towards what follows: its "not" denies nothing.
# A label selector ("-l app=orders") names no client.
_BLANKED = re.compile(
    r"\b(?:se (?:eu )?nao me engano|se nao estou enganad[oa]|if i'?m not (?:mistaken|wrong)|"
    r"if i am not (?:mistaken|wrong)|unless i'?m (?:mistaken|wrong)|se nao me falha a memoria)\b"
    r"|(?<!\S)(?:-l|--selector)[ =]\S+"
    # A command's flag ("--restart=Never") denies nothing.
    r"|(?<!\S)--[a-z][\w-]*=(?:never|none|no|false)\b"
    # An escape typed in a command ('{"\n"}' in a jsonpath) is no Portuguese "n" (não).
    r"|\\[ntr]\b"
)


def _unleaned(folded: str) -> str:
    """Leaning hedges and label selectors blanked, the length kept (clauses() maps offsets
    to the typed text)."""
    return _BLANKED.sub(lambda m: " " * len(m.group()), folded)


# Emoji people use for a container ("📦 pod no mesmo nó", "🐳 em outro nó"): the word, with
# a blank where it touches another (fold() collapses blanks: the typed text must keep fold's
# length). Not after another emoji ("a node WITHOUT the pod 🙅‍♂️📦", "🚫 📦": no container).
_CONTAINER_EMOJI = re.compile("(?<![^\\w\\s])(?<![^\\w\\s]\\s)[\U0001f4e6\U0001f433]")


def _worded(text: str) -> str:
    def word(match: re.Match[str]) -> str:
        before = match.start() > 0 and not text[match.start() - 1].isspace()
        after = match.end() < len(text) and not text[match.end()].isspace()
        return " " * before + "container" + " " * after

    return _CONTAINER_EMOJI.sub(word, text)


# Chat shorthand for "with" and "without" ("a node w/o the pod").
_SHORTHAND = re.compile(r"(?<![\w/])w/(o\b)?(?![\w/])")


def _written_out(folded: str) -> str:
    return _SHORTHAND.sub(lambda m: "without" if m[1] else "with", folded)


def normalise(text: str) -> str:
    """Folded (case, accents, blanks), with a container's emoji turned into the word, other
    emoji and odd symbols into blanks, "w/o" written out, and the deciding words' typos
    undone."""
    folded = fold(_PUNCTUATION.sub(" ", _worded(text[-MAX_ANSWER_CHARS:])))
    return retyped(fold(_unleaned(_written_out(folded.replace("’", "'")))))


@dataclass(frozen=True)
class Clause:
    text: str
    negated: bool
    # After a correction marker ("…, actually", "mas", "quer dizer"): it outranks what came before.
    corrects: bool
    # One side of "X or Y": a choice listed, not a statement ("IPVS or iptables, I kept iptables").
    alternative: bool = False
    # The clause as typed (case and accents kept: "nó 2", "node B"), where folding kept the length.
    typed: str = ""
    # How many correction markers come before it: the clauses of the last correction say what
    # is meant, the first of them that names a value most directly ("public - sorry, private,
    # the EIP is on another LB").
    epoch: int = 0
    # Its correction marker is only a "but" ("mas", "porém"): it may add to what came before
    # rather than take it back ("node-2's IP, but the pod lives on node-1").
    contrast: bool = False
    # It concludes a correction's reasons ("…, so the pod's node"): a stretch of its own.
    concludes: bool = False


def conclusions_kept(found: list[Clause], names: Callable[[str], bool]) -> list[Clause]:
    """The clauses, a conclusion that `names` no value of ("…, so another one") read as part
    of the reasons before it."""
    shift = 0
    kept = []
    for clause in found:
        if clause.concludes and not names(clause.text):
            shift += 1
        kept.append(replace(clause, epoch=clause.epoch - shift))
    return kept


def clauses(text: str, english: bool = False) -> list[Clause]:
    """The clauses of a message in order; empty ones dropped. `english`: the message is in
    English, where "no" denies."""
    # Case kept: "node B" is a name. (An emoji worded makes it longer: cut again.)
    typed = _worded(text[-MAX_ANSWER_CHARS:])[-MAX_ANSWER_CHARS:]
    # Line by line: a line break ends a statement ("…14d\nno other address").
    lines = (fold(line) for line in typed.splitlines())
    folded = _unleaned(_written_out("\n".join(line for line in lines if line).replace("’", "'")))
    if len(typed) != len(folded):
        typed = folded  # a ligature or the like: offsets differ, the folded text stands in
    found: list[Clause] = []
    position = epoch = 0
    corrected = after_or = pending = closing = contrast = but = concludes = False
    for match in [*_SPLIT.finditer(folded), None]:
        end = match.start() if match is not None else len(folded)
        piece = normalise(folded[position:end]).strip(" .:-'")
        before_or = match is not None and bool(_OR.search(match.group()))
        if piece and pending:
            # A marker that ends what it follows ("the shared one I mean, and …") corrects
            # nothing: the clause after it goes on ("and").
            pending = False
            if not _GOES_ON.match(piece):
                corrected = True
                epoch += 1
                contrast = but
        if (
            piece
            and corrected
            and not contrast
            and found
            and found[-1].epoch == epoch
            and _CONCLUDES.match(piece)
        ):
            # "…no wait, the pod moved yesterday. So the pod's node": a correction's reasons,
            # then what they conclude to, which is what is meant (not after a mere "but").
            epoch += 1
            concludes = True
        if piece:
            closing = False
            # "no external address or node port": what "or" adds to a denial is denied too.
            negated = (
                denial(piece, english) is not None
                or bool(_WORKS_THERE.search(piece))
                or (after_or and bool(found) and found[-1].negated)
            )
            found.append(
                Clause(
                    piece,
                    negated,
                    corrected,
                    after_or or before_or,
                    typed[position:end].strip(),
                    epoch,
                    contrast,
                    concludes,
                )
            )
            concludes = False
        if match is None:
            break
        # (Not a closing "either": "not the pod's node either - it's another worker".)
        after_or = before_or and not re.search(r"\beither\b", match.group())
        # Everything after a correction marker outranks what came before it.
        if _CORRECTS.search(match.group()) or _ONLY_NO.match(piece):
            pending = True
            but = bool(_BUT.fullmatch(match.group().strip(" ,;.!?\n")))
        closing = closing or bool(_CORRECTS.search(match.group()))
        position = match.end()
    if closing and len(found) > 1:
        # A marker that closes the message corrects the clause before it ("iptables? …,
        # it's IPVS actually", "…, é iptables na verdade").
        last = found[-1]
        found[-1] = replace(last, corrects=True, epoch=last.epoch + 1)
    return _failing(found, english)


# Where it works and where it fails, side by side ("from a pod on another node it works, from
# one on the backend's node it doesn't", "com o IP do nó do pod dá certo, com o de outro nó
# falha"): the failing one is the answer, the working one is denied (placement's FAILS and
# WORKS tell them apart).
_A_PLACE = re.compile(
    r"\b(?:same|mesm[oa]|other|outr[oa]|another|different|diferente)\s+"
    r"(?:node|no|worker|host|vm|ecs|maquina|machine)\b"
)


def _failing(found: list[Clause], english: bool) -> list[Clause]:
    fails = [bool(FAILS.search(c.text)) for c in found]
    works = [
        not failed and bool(WORKS.search(c.text)) for c, failed in zip(found, fails, strict=True)
    ]
    if not any(fails) or not any(works):
        return found
    # Two kinds of client, the working one placed ("from the node it fails, from a pod on that
    # same node it works"): which node fails is not said, and the working one is no answer.
    kinds = {subject(c.text) for c, f, w in zip(found, fails, works, strict=True) if f or w}
    placed = any(_A_PLACE.search(c.text) for c, w in zip(found, works, strict=True) if w)
    if len(kinds - {None}) > 1 and placed:
        return [c for c, w in zip(found, works, strict=True) if not w]
    return [
        replace(c, negated=denial(FAILS.sub(" ", c.text), english) is not None)
        if failed
        else replace(c, negated=True)
        if worked
        else c
        for c, failed, worked in zip(found, fails, works, strict=True)
    ]


# "both pods are on node-2", "os dois pods no mesmo node": two things placed together, not a
# choice left open.
_TOGETHER = (
    r"(?!\s+(?:(?:pods|containers|conteineres|deployments|apps)\b(?!'s)"
    r"|(?:are\s+|run\s+|sit\s+|live\s+|landed\s+|(?:ended up|got|were|are)\s+(?:scheduled\s+)?)?on"
    # "both show worker-01 in -o wide", "os dois caíram no mesmo nó"
    r"|show\b|(?:estao|ficam|ficaram|rodam|tao|cairam|foram)\s+(?:no|na|em|pro|para o)|(?:no|na|em)\b))"
)
_ON_THE = r"\b(?:on|in|no|na)\s+(?:the\s+|o\s+|a\s+)?"
# "both", "either", "tanto faz": the user does not pick one option.
_HEDGE = re.compile(
    rf"\b(?:(?:both|os dois|as duas|ambos|ambas){_TOGETHER}|either(?=\s+[a-z])|whichever|any of them|tanto faz|"
    r"qualquer um|(?:nao|n) lembro|can'?t remember|"
    # Not doubt about the answer: "not sure this is what you're after, but…", "não sei se é
    # isso que vc quer saber, mas…", "não sei bem o que vc precisa, mas…"
    r"not sure(?! (?:(?:if|whether) )?(?:this|it|that)(?:'s| is)? (?:matters?|helps?|relevant|"
    r"related|what you)"
    r"| what you)|"
    r"(?:nao|n) sei(?! (?:por ?que|porque|pq)\b)(?! se (?:isso |isto )?(?:tem (?:relacao|a ver)|ajuda|importa|serve|e relevante|"
    r"faz diferenca|e isso que (?:vc|voce) (?:quer|precisa)"
    r")| (?:bem )?o que (?:vc|voce) (?:precisa|quer))|sei la|talvez|maybe|no idea(?! why)|"
    r"(?:don'?t|do not|dont) know|(?:nao|n) faco ideia|no clue|sem ideia|nem ideia|pelos dois|pelas duas|"
    r"tried both|pode ser|could be|might be|may be|"
    # "some are Local, some are Cluster", "falha tanto do pod quanto do host"
    r"some\b[^.;]*(?:,|\band)\s*some|tanto\b[^.;]*\bquanto\b|"
    # "pods on every node fail": every place, not one.
    r"(?:on|from|de|em)\s+(?:every|all|all the|todos os)\s+(?:nodes?|nos|workers?)\s+(?:fail|falh)\w*|"
    # "daemonset pods, they run on every node": a client on each node, not one place.
    r"(?:run|runs|running|rodam|roda|rodando)\s+(?:on|em|in)\s+(?:every|all|all the|todos os|cada)\s+"
    r"(?:nodes?|nos|workers?|hosts?)\b(?!,?\s*(?:but|mas|porem)\b)|"
    r"idk|dunno|unsure|not certain|nao tenho certeza|sem certeza|sometimes|as vezes|"
    # A value asked back after it was given ("Local. or was it Cluster?"), or doubt come later.
    r"or was it|ou era|ou sera que|no longer sure|not so sure|now i'?m not sure|"
    r"(?:fiquei|fico|to|tou|estou|ficou) (?:na|em) duvida|"
    r"both ways|dos dois jeitos|de ambos|de ambas|"
    # ("we have two nodes, the pod is on the first one": the cluster told, not two answers)
    r"(?:tem dois|tem duas|we have two|there are two)(?!\s+(?:nodes|workers|hosts|nos|maquinas)\b)|"
    # "nenhum dos dois funciona": both tried, both fail.
    r"nenhum dos dois|nenhuma das duas|neither of them|neither one)\b"
    # "on the node, but which one?": which is not known.
    r"|\b(?:but which one|mas qual deles|mas qual)\s*\?"
    # "…so who knows", "the pod may have moved since": the value given may no longer hold.
    # ("could have moved but probably not" stands.)
    r"|\b(?:who knows|(?:may|might|could) have (?:moved|changed|been rescheduled)|"
    r"pode ter (?:mudado|migrado|saido))\b(?![^.;]{0,20}\b(?:but|mas)\s+(?:probably|"
    r"provavelmente)\s+(?:not|nao)\b)"
    # "acho que é o do pod, mas não confirmei": said, but not confirmed (not "the SG rules I
    # haven't verified yet", another thing).
    r"|\b(?:mas|but)\s+(?:ainda\s+)?(?:nao|n|not|haven'?t|have not|didn'?t|did not)\s+"
    r"(?:yet\s+)?(?:confirmei|conferi|verifiquei|confirmed|verified|confirm|verify)\b"
    r"(?!\s+(?:se|if|whether|qual|which)\b)"
    # "acho que é público, mas não tenho acesso ao console pra confirmar": no way to check.
    r"|\b(?:mas|but)\s+(?:i\s+)?(?:(?:nao|n)\s+(?:tenho|consigo)|sem|no|(?:don'?t|do not|can'?t|cannot)"
    r"(?:\s+have)?)\b[^.;]{0,30}\b(?:confirmar|conferir|verificar|checar|check|confirm|verify)\b"
    # "tem um LoadBalancer e também um Ingress", "from pods on this node and from pods on other
    # nodes too", "testei nos dois": two things, not one answer.
    r"|\b(?:and also|e tambem|as well as|nos dois|nas duas|on both|from both)\b"
    r"(?!\s+(?:not|isn'?t|nao|nem)\b)"  # "e também não é Turbo" denies one more
    r"|\band\s+(?:from|on|in)\b[^.;]*\btoo\b|\be\s+(?:de|d[oa]s?|em|n[oa]s?)\b[^.;]*\btambem\b"
    # "não olhei em qual nó", "didn't check which node": which one is not known.
    # "haven't checked whether it's the pod's node", "não conferi se é o mesmo": a doubt.
    r"|\b(?:nao|n|not|didn'?t|did not|haven'?t|have not)\s+(?:yet\s+)?(?:olhei|vi|chequei|conferi|"
    r"verifiquei|confirmei|checked|check|verified|confirmed|looked|look)\s+"
    r"(?:at\s+|em\s+|in\s+|on\s+)?(?:qual|which|em que|se|if|whether)\b"
    # "dos dois: do nó e de um pod" (not "o nó dos dois pods")
    r"|^(?:dos dois|das duas)\b(?!\s+(?:pods|nos|nodes|workers))"
    # "um tá local e o outro cluster": a value each.
    r"|\b(?:um|uma|one)\b[^,;]*\b(?:e o outro|e a outra|e outro|e outra|and the other)\b"
    r"(?!\s+(?:no|na|em|on|in)\s+(?:o\s+|the\s+)?[a-z][\w-]*\d\b)"
    # "one curl was in a container, the other on the host"
    r"|\b(?:um|uma|one)\b[^.;,]*,\s*(?:the other|o outro|a outra)\b"
    r"|\b(?:sao dois|sao duas|two services|dois svcs?|duas apps)\b"
    r"(?!\s+(?:nos|nodes|workers|hosts|maquinas)\b)"
    # "o IP de um nó qualquer", "any node": no node in particular.
    # ("um nó qualquer que não tem o pod" is another node.)
    # ("não é um nó qualquer, é o do pod" names one; "qualquer nó menos o do pod" is another.)
    r"|(?:(?<!nao e )(?<!nao e so )\b(?:um|uma)\s+\w+\s+qualquer"
    r"|(?<!nao e )\bqualquer\s+(?:no|node|worker|host)"
    r"|(?<!not from )(?<!not on )(?<!not in )(?<!not just )(?<!not )\bany\s+(?:node|worker|host))\b(?![^;.]{0,40}\b(?:que nao|que nem|nao o|not the|that doesn'?t|"
    r"that isn'?t|without|sem|other than|except|(?<!pelo )menos|exceto|fora o)\b)"
    r"|\b(?:depends|it depends|depende)\b"
    # "whether it's dedicated or shared I need to check", "se é dedicado ou compartilhado"
    r"|\b(?:whether|se)\s+(?:it['’]?s|it is|e|eh)\s+[^.;?]{1,30}\s(?:or|ou)\s"
    # "Local on one Service, Cluster on the other": a value per case, not one answer.
    r"|\b(?:on|in)\s+(?:one|some)\b[^,;]*[,;].*\b(?:on|in)\s+(?:the\s+)?others?\b"
    # "ipvs on the new node pool, iptables on the old one"
    rf"|{_ON_THE}(?:new|novo|nova)\b[^.;]*[,;].*{_ON_THE}(?:old|antigo|antiga|velho|velha)\b"
    rf"|{_ON_THE}(?:old|antigo|antiga|velho|velha)\b[^.;]*[,;].*{_ON_THE}(?:new|novo|nova)\b"
    r"|\b(?:em|no|na)\s+(?:um|uma|alguns|algumas)\b[^,;]*[,;].*\bn(?:o|a|os|as)\s+outr[oa]s?\b"
    # "some clients are pods, others run on the host": more than one client, not one answer.
    r"|\b(?:some|alguns|algumas|uns|umas)\b[^,;.]*(?:[,;]\s*(?:(?:and|e|while|enquanto)\s+)?|"
    r"\s(?:and|e|while|enquanto)\s+)(?:others|outros|outras)\b"
)
# Where a sentence ends (not a version's dot: "cloud native 2.0?").
_SENTENCE_END = re.compile(r"[.!\n](?!\d)")


def hedged(text: str, questions: bool = True) -> bool:
    """Doubt, or (with `questions`) a question back ("is it ipvs?"): not an answer given."""
    return bool(_HEDGE.search(fold(text)) or (questions and asks(text) is not None))


# A question about what the answer means, after the answer ("it's Local - is that why it
# breaks?", "IPVS. Com iptables seria diferente?"), or a mere tag ("um pod no mesmo nó, tá?"):
# no doubt about the answer itself, unlike "ipvs, right?" or "é ipvs, né?".
_CONSEQUENCE = re.compile(
    r"(?:[.;!?]\s+|\s[-—–]+\s*|,\s+|\n)(?P<question>(?:(?:"
    r"is (?:that|this) (?:why|(?:the|a) (?:[\w-]+ )?(?:one|reason|problem|issue|cause|combo|case|"
    r"scenario|culprit)|a problem|bad|expected|normal|related|what)|"
    r"(?:does|would|will|could|can) (?:that|this|it) (?:still |also )?(?:matter|change|make|"
    r"explain|affect|break|fail|work|be (?:the|why|a|related))|"
    r"would (?:\w+ )?(?:behave|be different|work|change|matter|fix|help)|what if|"
    r"isso (?:tamb[eé]m )?(?:faz|muda|explica|importa|quebra|afeta|falha|seria|pode|[eé] o|[eé] a|"
    r"tem|causa|atrapalha|d[aá])|(?:e )?[eé] por isso|ser[aá] que isso|"
    r"(?:esse|este|[eé] esse|[eé] este) (?:[eé] )?o (?:caso|cen[aá]rio)|"
    r"com [\w-]+ seria|(?:com [\w-]+ )?(?:seria diferente|mudaria|funcionaria)|faz diferen[cç]a|"
    r"tem (?:algum )?problema"
    r")[^.!?\n]{0,120}|t[aá](?: vendo)?|blz|beleza|ok|okay|viu|serve)\?)[\s?!]*$",
    re.IGNORECASE,
)


def without_consequence(text: str) -> str:
    """The reply without a closing question about what its answer means."""
    tail = text[-MAX_ANSWER_CHARS:]
    match = _CONSEQUENCE.search(tail)
    return text if match is None else text[: len(text) - len(tail) + match.start()]


# A question typed without its mark ("…? how do I check").
_HOW_DO_I = re.compile(
    r"\b(?:how (?:do|can|would|should) (?:i|we|you) (?:check|see|find|know|tell|verify)|"
    r"where (?:do|can|would) (?:i|we|you) (?:see|check|find|look)|"
    r"(?:como|onde) (?:eu |a gente )?(?:vejo|verifico|confiro|checo|descubro|olho|acho)"
    r"(?:\s+(?:isso|isto|esse valor|essa info)\b|\s*$))[^.!\n]{0,30}$"
)


def asks(text: str) -> str | None:
    """The (folded) last sentence of a message that ends with a question."""
    folded = fold(text).strip(" .!")
    if not folded.endswith("?") and not _HOW_DO_I.search(folded):
        return None
    return _SENTENCE_END.split(folded)[-1].strip()


def last_correction(found: Iterable[Clause]) -> int:
    """The epoch of the last correction that takes back what came before it (not a mere "but"):
    the clauses from it on are what stands; 0 when there is none."""
    return max((c.epoch for c in found if c.corrects and not c.contrast), default=0)


def withdrawn(found: list[Clause]) -> bool:
    """Whether the message ends by taking back what it said ("ipvs, no")."""
    return len(found) > 1 and says_no(found[-1])


def says_no(clause: Clause) -> bool:
    """Whether the clause only says no ("…, wait no, …", "não, pera")."""
    return bool(_ONLY_NO.match(clause.text))


# Who the client is decides between a container and a node location: the first of these words
# that names the client, not the Service's own pod ("the same node as the pod", "o nó do pod").
# A pasted `kubectl get pod` row of a client pod ("client-7c9d 1/1 Running …") names a pod too.
_CONTAINER = r"kubectl (?:run|exec)|kubectl debug(?![^\n|;]*\bnode/)|exec(?:'?d|ed)? into|dei (?:um )?exec|(?:client|cliente|caller|curl|debug|test)[\w.-]*\s+\d+/\d+|(?:kubernetes|k8s) (?:cron)?jobs?|(?:cron)?jobs? (?:(?:do|of|in|no) )?(?:kubernetes|k8s)|cronjobs?|pod(?:zinho|inho)?s?|micro-?s?servi(?:ce|co)s?|(?:init ?)?cont[aei]{1,3}ne?r(?:e?s|ized|izad[oa]s?)?|docker(?:ized|izad[oa])|sidecar|deployment|app(?!-\d)|aplicacao"
_NODE = (
    # (Not Node.js.)
    r"nodes?(?!\.?js\b)|host|hosts|worker|workers|vm|vms|maquina|servidor|server|ecs|instancia|"
    r"instance|"
    # A shell on a node: "via ssh", "I'm root on 10.0.0.5".
    r"box|ssh|systemd|root(?= on| no| em)|"
    # A root shell prompt on a node ("[root@192.168.0.12 ~]#", folded to "root 192.168.0.12"),
    # or on a host of any name where kubectl or a client is typed ("root no-app-02 curl …").
    r"root(?= (?:\d{1,3}\.){3}\d| [\w-]*node| [\w.-]+ (?:kubectl|curl|wget)\b)|"
    # A node's operating system ("rodado no sistema do cce-node-az1-05"), not a system of apps.
    r"sistema operacional|sistema d[oa](?= [\w-]*(?:node|no|worker|host|vm|ecs)\b)|"
    r"(?<=\boutro )no|(?<=\bmesmo )no|(?<=\bproprio )no|(?<=\bum )no|(?<=\bdo )no|(?<=\besse )no|"
    r"(?<=\bnum )no|(?<=\bqualquer )no|(?<=\bcada )no|(?<=\bo )no|(?<=\bno )no|(?<=\bde )no"
)
# The Service's own pod named by what it is ("backend's on node 1"): the clause places it.
_TARGET = r"backend|back-end|backends"
_SUBJECT = re.compile(
    rf"\b(?:(?P<container>{_CONTAINER})|(?P<node>{_NODE})|(?P<target>{_TARGET}))\b"
)
# Words before "pod" that make it the Service's pod, the reference point, not the client.
_THE_POD = re.compile(
    r"(?:\b(?:the|o|do|da|dos|that|this|its|backend|service'?s?|servico|same|mesmo|as|each|"
    r"target|destino|the service'?s)\s+(?:(?:only|single|sole|unico)\s+)?)$"
    # Pods looked at ("olhei os pods", "checked the pods"): what was seen, not who calls.
    r"|\b(?:olhei|vi|verifiquei|conferi|chequei|listei|looked at|checked|listed|saw|inspected)"
    r"\s+(?:(?:os|todos os|all|all the|the)\s+)?$"
    # "on the same host as the web pod": the pod compared with, whatever its app.
    r"|\b(?:same|mesmo)\s+(?:node|no|host|worker|vm)\s+(?:as|que|do|da)\s+(?:the\s+|o\s+|a\s+)?[\w-]+\s+$"
)


# "pod is on worker-5", "pod ta no node-1": a pod placed, without "a"/"another"/"our" before it,
# is the Service's pod.
# ("X container is the one failing" names the client.)
_IS_PLACED = re.compile(
    r"\s*(?:'s\s|is\b(?!\s+(?:the one|the client|the caller)\b)|ta\b|esta\b|fica\b|runs\b|"
    r"roda\b|lives\b|sits\b|estao\b|tao\b|ficam\b|rodam\b)"
)
# A reply that starts "pod no NODE 192.168.2.31", "pod on worker-2": the Service's pod placed.
_POD_ON = re.compile(r"\s+(?:no|na|on|em)\s+(?:nodes?|no|worker|host|vm)\b\W*(?:[\w-]*\d)")
_A_POD = re.compile(
    r"\b(?:a|an|another|um|uma|outro|outra|my|our|meu|nosso|client|cliente|frontend|debug|"
    r"test|teste|some|algum)\s+$"
)
# The user on a node is on its host ("I'm on node-1 itself", "to logado no nó 2"), and so is
# a command run straight on it ("curl direto no nó do pod").
_ME_ON = re.compile(
    r"\b(?:i'?m|i am|we'?re|we are|estou|to|tou|logado|logged in|ssh'?d|direto|diretamente|"
    r"directly|curl)\s+(?:on|in|at|into|"
    r"no|na|em)\s+(?:(?:the|that|this|o|a|esse|este)\s+)?$"
)
_ROW_AFTER = re.compile(r":\s*[\w.-]+\s+\d+/\d+\s")  # "pod: api-6c9b 1/1 Running"
# A pod of an app named ("o pod do prometheus") is the client's; the Service's is "o pod do
# serviço", "the backend's pod".
_OF_AN_APP = re.compile(
    r"\s+(?:do|da|of)\s+(?:(?:the|our)\s+)?"
    # ("o pod do serviço de notificação": another Service's)
    r"(?:(?=(?:servico|service)\s+de\s+(?!(?:destino|backend|api)\b)[a-z])|"
    r"(?!(?:the|our|servico|service|svc|backend|back-end|api|target|"
    r"destino|alvo|elb|lb|balanceador|cluster|no|node|nodes)\b))[a-z][\w-]*\b"
    r"(?!\s*(?:'s\s|is\b|ta\b|esta\b|fica\b|runs\b|roda\b|lives\b|sits\b))"
)
# "onde o pod do nginx tá", "where the pod of the api runs": the Service's pod as a place.
# ("the one hosting the redis pod", "o nó que hospeda o pod do redis")
_WHERE_THE = re.compile(
    r"\b(?:onde|where|que|which|whose|hosting|hosts|hospeda|holds|has|tem)\s+(?:o|a|the)\s+$"
)
# "exactly where the nginx pod got scheduled", "onde o pod da api roda": the Service's pod as a
# place, whatever app it is named after.
# ("no mesmo nó onde tá o pod da aplicação")
_WHERE_A_POD = re.compile(
    r"\b(?:where|onde)\s+(?:(?:ta|esta|fica|is|sits|lives)\s+)?(?:(?:the|o|a|our|nosso)\s+)?"
    r"(?:[\w-]+\s+)?$"
)
_COMMAND = re.compile(r"\b(?:get|describe|logs|exec|top)\s+$")
_THE_ONE_OF = re.compile(r"\b(?:o|a|os|as)\s+(?:do|da|dos|das)\s+$")
_NAMED_NODE = re.compile(r"[a-z][\w-]*\d")
_A_COLUMN = re.compile(r"\s+(?:column|col)\b")
_COLUMN_OF = re.compile(r"\bcoluna\s+(?:d[oa]\s+|de\s+)?$")
# "the server only runs on node-2", "o servidor fica no node-2": the Service's side placed.
_THE_SERVER = re.compile(r"\b(?:the|o|our|nosso)\s+$")
_SERVER_PLACED = re.compile(
    r"\s+(?:only\s+|just\s+|so\s+|also\s+)?(?:runs|roda|is|ta|esta|fica|lives|sits)\s+(?:only\s+|so\s+)?"
    r"(?:on|in|no|na|em)\b"
)
# A pod named after its app placed beside the Service's ("the tester pod is on node-6 and the
# backend is on node-2", "o pod de teste tá no node-6 e o backend no node-2"): the client's.
_BESIDE_THE_TARGET = re.compile(
    r"\b(?:and|e|while|enquanto|but|mas|whereas|ja)\s+(?:the\s+|o\s+|a\s+|os\s+)?"
    r"(?:backend|back-end|backends|target|destino)\b"
)
_NOT_AN_APP = r"(?:backend|back-end|service'?s?|servico|same|mesmo|only|single|unico|target|destino|its|this|that)"
_APP_BEFORE = re.compile(rf"\b(?:the|o|a|my|our|meu|nosso)\s+(?!{_NOT_AN_APP}\s)[a-z][\w-]*\s+$")
_APP_AFTER = re.compile(rf"\s+(?:de|do|da|of the)\s+(?!{_NOT_AN_APP}\b)[a-z][\w-]*")
# A pod named as the client's ("the client pod", "o pod cliente", "pod do cliente").
_CLIENT_BEFORE = re.compile(
    r"\b(?:(?:client|cliente|caller|calling|chamador)'?s?|"
    r"(?:quem falha|o que falha|que falha|who fails|what fails) (?:e|is) (?:o|a|the))\s+$"
)
# "o pod dele" (its pod, the workload just named): the client's, not the Service's.
_CLIENT_AFTER = re.compile(
    r"\s+(?:(?:(?:do|da|of the)\s+)?(?:client|cliente|chamador)|del[ea]s?)\b"
)
# A pod or container the call comes from ("de dentro do container do app", "from inside a
# pod"), not one whose node is meant ("from the pod's node").
_FROM = re.compile(
    r"\b(?:de dentro|dentro|inside|within|from inside|from within|from|de)\s+"
    r"(?:d[oa]s?\s+|of\s+)?(?:(?:the|a|an|um|uma|o|our|nosso)\s+)?$"
)
# ("pod worker" is the pod named worker, as "worker pod" is.)
_ITS_NODE = re.compile(r"'s|s'|\s+(?:own\s+)?(?:nodes?|nos?|host|machine|vm)\b")
# A pod's name in a pasted row ("worker-job-x8k   1/1   Running").
_A_ROW = re.compile(r"[\w.-]*\s+\d+/\d+\s")
# A pod's row: its name, then READY ("1/1"), or its IP then its node ("api-0 10.0.0.9 node-1").
_ROW_POD = re.compile(r"([\w.-]+)\s+(?:\d+/\d+\s|(?:\d{1,3}\.){3}\d{1,3}\s+[a-z][\w.-]*\d)")
# "kubectl get pod loadgen-7f9c -o …", "kubectl -n ci describe po/job-42": the pod asked about.
_POD_COMMAND = re.compile(
    r"\bkubectl\s+(?:-n\s+[\w-]+\s+)?(?:get|describe|logs|exec)\s+(?:-\w+\s+)*"
    r"(?:pods?|po)(?:\s+|/)(?:-n\s+[\w-]+\s+)?([a-z0-9][\w.]*[-\d][\w.-]*)"
)
_ROW_NODE = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}\s+[\w.-]*$")  # "10.0.3.20  cce-node-2"
# What the client does ("sync-job is the one failing", "o consulta-cron que falha").
_LISTED_CLIENT = re.compile(
    r"\b(?:fails?|failing|falha\w*|calls?|calling|chama\w*|can'?t reach|cannot reach|"
    r"connects?|connecting|conecta\w*|"
    r"curl(?:ed)? (?:from|de|do|da)|"
    r"nao (?:acessa|consegue|alcanca)|is the one|e quem|e o cliente|is the client|is the caller)\b"
    # "client: kubectl get pod cart-0 -o wide"
    r"|^\s*(?:client|cliente)\s*:\s*kubectl\s+(?:get|describe)\s+(?:pods?|po)\b"
)


def _short(pods: frozenset[str]) -> set[str]:
    return {short for pod in pods if len(short := pod_app(pod)) >= 3}


_NAME_HEAD, _NAME_TAIL = re.compile(r"[\w.-]*$"), re.compile(r"[\w.-]*")


def _token(text: str, start: int, end: int) -> str:
    """The whole name a word is part of ("worker" in "worker-7c")."""
    head, tail = _NAME_HEAD.search(text[:start]), _NAME_TAIL.match(text, end)
    assert head is not None and tail is not None  # both match the empty string
    return head.group() + text[start:end] + tail.group()


# A node word naming what a pod does, not a node ("the worker pod", "node-exporter pod").
# A clause that is only a node's name ("o cce-node-5", after "no mesmo nó,") says which node,
# not what runs the client.
_NAME_ONLY = re.compile(r"(?:(?:o|a|the|on|no|na|em)\s+)?[a-z][\w.-]*\d[\w.-]*")
_NAMES_A_POD = re.compile(
    # ("worker-7c pod", "worker do airflow (pod)": an app's worker, and the pod it is)
    r"(?:-[\w-]+)?(?:\s+(?:do|da|de|of|of the)\s+(?!(?:cluster|pool|node|no)\b)[\w-]+)?"
    r"\s+(?:pods?|containers?|conteineres?|deployments?|statefulsets?|daemonsets?)\b"
)
# Words before a node that make it a place ("mas em outro nó", "scheduled on another node"):
# the clause says where something runs, not that the client is a node.
_PLACE = re.compile(
    r"\b(?:em|on|in|at|no|na|num|numa|noutro|noutra)\s+(?:(?:the|a|an|um|uma|os|as|outro|outra|"
    r"outros|outras|another|other|others|different|same|mesmo|mesma|that|this|esse|este|algum|"
    r"some|qualquer)\s+){0,2}$"
    # "another container but same node as the pod": the same node is a place too.
    r"|^\s*(?:the\s+|o\s+|a\s+)?(?:same|mesmo|mesma)\s+$"
    # "mas fora do nó do pod", "off the backend's node"
    r"|\bfora\s+d[oa]\s+$|\b(?:off|outside)\s+(?:of\s+)?the\s+(?:[\w-]+\s+)?(?:pod|backend)'?s?\s+$"
)


def row_pods(text: str) -> frozenset[str]:
    """The pods a pasted `kubectl get pod` listing or command names (folded), wherever in the
    message."""
    folded = fold(text)
    return frozenset(_ROW_POD.findall(folded)) | frozenset(_POD_COMMAND.findall(folded))


# "notifier -> smtp-relay via the LB IP": one pod calling another, drawn as an arrow.
_ARROW = re.compile(r"(?m)^([ \t]*)([\w.-]+)[ \t]*(?:-+>|→|=>)(?=[ \t]*[\w.'-])")


def arrows_as_calls(text: str) -> str:
    """A line that starts with a listed pod and an arrow ("notifier -> smtp-relay …") written
    as the call it draws ("notifier calls smtp-relay …"): arrows otherwise cut clauses."""
    if not _ARROW.search(text):
        return text  # (most replies: no listing read for them)
    shorts = _short(row_pods(text))
    if not shorts:
        return text
    return _ARROW.sub(lambda m: f"{m[1]}{m[2]} calls" if fold(m[2]) in shorts else m.group(), text)


def subject(text: str, places: bool = True, pods: frozenset[str] = frozenset()) -> str | None:
    """`container` or `node`: which kind of client the text names first, if any. Without
    `places`, a node named as a place ("on another node") does not count. `pods`: names a
    listing gives to pods ("worker-7c"), which name a container whatever their words."""
    if "hostnetwork" in text:
        return "node"  # a pod on the node's own network reaches the address as the node does
    if not places and _NAME_ONLY.fullmatch(text.strip()):
        return None
    if (
        pods
        and _LISTED_CLIENT.search(text)
        and any(
            re.search(rf"(?<![\w.-]){re.escape(short)}(?![\w.])", text) for short in _short(pods)
        )
    ):
        return "container"  # "sync-job is the one failing": a pod of the listing calls
    # A clause that names the Service's pod before any client ("the pod is on node-1", "o pod
    # do serviço tá no node-1") says where the pod runs, not the client.
    for match in _SUBJECT.finditer(text):
        if match.group("target"):
            return None
        if match.group("node") and pods:
            name = _token(text, match.start(), match.end())
            if _A_ROW.match(text, match.end()) or (
                _ROW_NODE.search(text[: match.start()]) and re.search(r"[\d-]", name)
            ):
                continue  # a listing's pod name, or its NODE column ("10.0.3.20 cce-node-2")
            if any(pod == name or pod.startswith(f"{name}-") for pod in pods):
                return "container"  # "(worker-x is the client)", the worker-x of a pod's row
        if match.group("node"):
            if (
                _NAMES_A_POD.match(text, match.end())
                or _A_ROW.match(text, match.end())
                or text.startswith(":", match.end())  # a column or field ("NODE:.spec.nodeName")
                or _A_COLUMN.match(text, match.end())  # "I misread the NODE column"
                or _COLUMN_OF.search(text, 0, match.start())
            ):
                continue
            before = text[: match.start()]
            if not places and _PLACE.search(before) and not _ME_ON.search(before):
                continue
            if (
                not places
                and _THE_ONE_OF.search(before)
                and _NAMED_NODE.fullmatch(_token(text, match.start(), match.end()))
            ):
                continue  # "o que falha é o do node-6": the one (named before) on that node
            if (
                match.group() in ("server", "servidor")
                and _THE_SERVER.search(before)
                and _SERVER_PLACED.match(text, match.end())
            ):
                return None  # "the server only runs on node-2": the Service's pod placed
            return "node"
        before, after = text[: match.start()], text[match.end() :]
        if _COMMAND.search(before) or after.startswith("/") or _ROW_AFTER.match(after):
            # "kubectl get pods", "pod/api-6c9b", "pod: api-6c9b 1/1 Running": a command or a
            # listing, not a client
            continue
        if _CLIENT_BEFORE.search(before) or _CLIENT_AFTER.match(after):
            return "container"  # "o pod cliente", "the client pod": the client, whatever else
        if "job" in match.group():
            return "container"  # a Job's pod calls; no Service is backed by a Job
        if _FROM.search(before) and not _ITS_NODE.match(after):
            return "container"
        if _WHERE_A_POD.search(before):
            return None
        if _OF_AN_APP.match(after) and not _WHERE_THE.search(before):
            return "container"  # "o pod do prometheus", "the container of the report app"
        if _BESIDE_THE_TARGET.search(after) and (
            _APP_BEFORE.search(before) or _APP_AFTER.match(after)
        ):
            return "container"  # "the tester pod is on node-6 and the backend on node-2"
        if (
            _THE_POD.search(before)
            or (_IS_PLACED.match(after) and not _A_POD.search(before))
            or (not before.strip() and _POD_ON.match(after))
        ):
            return None
        return "container"
    return None


def english(text: str) -> bool:
    """Whether the words are clearly English (the same test, folded, for training phrasings
    and for replies). "no" is a word of both languages: "no LB, no nodeport, reachable inside"
    is English when the other words are."""
    folded = fold(text)
    return "en" in (detect_language(folded), detect_language(_ENGLISH_NO.sub(" ", folded)))


def denial(text: str, english: bool = False) -> int | None:
    """Where the first word that denies starts in the (folded) clause, if one does."""
    starts = [
        m.start() for m in (_NEGATION.search(text), english and _ENGLISH_NO.search(text)) if m
    ]
    return min(starts) if starts else None


def denies(text: str) -> bool:
    """Whether the (folded) words hold a negation."""
    return bool(_NEGATION.search(text))
