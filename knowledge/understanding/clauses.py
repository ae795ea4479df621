"""A typed answer cut into clauses, with the ones that deny or are taken back marked.

"not the pod's node, another one", "não é túnel, é VPC", "achei que era ipvs mas é iptables":
the value a person means is in the clauses they affirm last. Each clause is read on its own
by the model; this module only decides which words belong together and which are withdrawn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.intake.keywords import fold

__all__ = ["Clause", "clauses", "denies", "hedged", "normalise", "subject", "withdrawn"]

# Longer than any answer: a rambling message is cut to its last part (what people conclude
# with); reading stays linear in the message's length.
MAX_ANSWER_CHARS = 600

# Where one statement ends and the next begins. Correction markers start a new clause that
# outranks the earlier ones ("... but", "actually", "na verdade", "quer dizer").
_CORRECTION = (
    r"but|mas|porem|actually|i mean|i meant|meant|na verdade|quer dizer|quis dizer|ou melhor|"
    r"sorry|desculpa|desculpe|foi mal|my bad|wait|pera|opa|"
    r"corrigindo|correcting|correction|scratch that|errei|me enganei|i was wrong|on second thought"
)
# "X instead of Y": what follows is denied, so it starts a clause of its own.
_INSTEAD = r"instead of|rather than|em vez de|ao inves de|no lugar de"
# A clause that only says no ("…, no, …") takes back what came before it.
_ONLY_NO = re.compile(r"^(?:no|nope|nah|nao|n|negative)$")
# Alternatives ("vpc or tunnel", "ou X ou Y") are clauses of their own: two options named side
# by side are a question to ask back, not an answer.
# A full stop ends a clause, not a version's dot ("cloud native 2.0", "v1.25").
_SPLIT = re.compile(rf"\s*(?:[,;!?\n]+|\.(?!\d)|\s/\s|\s-\s|\b(?:{_CORRECTION}|or|ou|either)\b)\s*")
_CORRECTS = re.compile(rf"\b(?:{_CORRECTION})\b")

# A clause that denies what it names. "no" only alone (in Portuguese "no" means "in the"; and
# "no, it's X" takes back what came before, it does not deny X).
_NEGATION = re.compile(
    r"^(?:no|nope|nah|nao|n)$"
    r"|\b(?:not|isn'?t|aren'?t|wasn'?t|don'?t|doesn'?t|never|nao|nem|nunca|n|neither|nor)\b"
    rf"|\b(?:{_INSTEAD})\b"
)
_PUNCTUATION = re.compile(r"[^\w\s./:'-]+")


def normalise(text: str) -> str:
    """Folded (case, accents, blanks), with emoji and odd symbols turned into blanks."""
    folded = fold(_PUNCTUATION.sub(" ", text[-MAX_ANSWER_CHARS:]))
    return folded.replace("’", "'")


@dataclass(frozen=True)
class Clause:
    text: str
    negated: bool
    # After a correction marker ("…, actually", "mas", "quer dizer"): it outranks what came before.
    corrects: bool


def clauses(text: str) -> list[Clause]:
    """The clauses of a message in order; empty ones dropped."""
    folded = fold(text[-MAX_ANSWER_CHARS:]).replace("’", "'")
    found: list[Clause] = []
    position = 0
    corrected = False
    for match in [*_SPLIT.finditer(folded), None]:
        end = match.start() if match is not None else len(folded)
        piece = normalise(folded[position:end]).strip(" .:-'")
        if piece:
            found.append(Clause(piece, bool(_NEGATION.search(piece)), corrected))
        if match is None:
            break
        # Everything after a correction marker outranks what came before it.
        corrected = corrected or bool(_CORRECTS.search(match.group()) or _ONLY_NO.match(piece))
        position = match.end()
    return found


# "both", "either", "tanto faz": the user does not pick one option.
_HEDGE = re.compile(
    r"\b(?:both|either|whichever|any of them|os dois|as duas|ambos|ambas|tanto faz|"
    r"qualquer um|nao lembro|can'?t remember|not sure|nao sei|sei la|talvez|maybe|no idea|"
    r"idk|dunno|unsure|not certain|nao tenho certeza|sem certeza|sometimes|as vezes)\b"
    # A question back ("is it ipvs?") is not an answer given.
    r"|\?\s*$"
)


def hedged(text: str) -> bool:
    return bool(_HEDGE.search(fold(text)))


def withdrawn(found: list[Clause]) -> bool:
    """Whether the message ends by taking back what it said ("ipvs, no")."""
    return len(found) > 1 and bool(_ONLY_NO.match(found[-1].text))


# Who the client is decides between a container and a node location: the first of these words.
_CONTAINER = r"pods?|cont[ae]i?ne?rs?|conteiner(?:es)?|sidecar|deployment|app|aplicacao|job"
_NODE = (
    r"nodes?|host|hosts|worker|workers|vm|vms|maquina|servidor|server|ecs|instancia|instance|"
    r"(?<=outro )no|(?<=mesmo )no|(?<=proprio )no|(?<=um )no|(?<=do )no|(?<=esse )no|"
    r"(?<=num )no|(?<=qualquer )no|(?<=cada )no|(?<=o )no|(?<=no )no|(?<=de )no"
)
_SUBJECT = re.compile(rf"\b(?:(?P<container>{_CONTAINER})|(?P<node>{_NODE}))\b")


def subject(text: str) -> str | None:
    """`container` or `node`: which kind of client the text names first, if any."""
    match = _SUBJECT.search(text)
    if match is None:
        return None
    return "container" if match.group("container") else "node"


def denies(text: str) -> bool:
    """Whether the (folded) words hold a negation."""
    return bool(_NEGATION.search(text))
