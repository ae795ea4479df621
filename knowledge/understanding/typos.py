"""The slips of the words that decide between close options, undone ("anohter nod")."""

from __future__ import annotations

import re
from string import ascii_lowercase

__all__ = ["retyped"]

# The words that decide between close options (a pod or a node, the same one or another),
# where one typo makes another reading: "outro pdo no mesmo no", "anohter nod". Each is
# restored from its common slips (two letters swapped, one doubled, one dropped or one stray
# letter typed inside a longer word: "contaniner"), so the model and the rules read the word
# meant. Slips that are words of their own ("onde", "mesa", "ouro", "memo") are left alone.
_KEYWORDS = (
    "pod", "pods", "node", "nodes", "container", "containers", "another", "other", "outside",
    "same", "host", "worker", "mesmo", "mesma", "outro", "outra", "cluster", "different",
    "diferente", "shared", "dedicated", "nginx", "public", "private", "internal", "compartilhado",
    "dedicado", "privado", "publico", "balancer", "nodeport", "clusterip", "ingress", "iptables",
    "local",
)  # fmt: skip
_REAL_WORDS = frozenset(
    ("onde", "ondes", "odes", "memo", "mesa", "esma", "esmo", "meso", "ouro", "oura", "outa",
     "luster", "custer", "ther", "share", "shares", "loca", "loal", "compartilhando", "dedicando",
     "balancear", "privando")
)  # fmt: skip
_EXTRA_SLIPS = {
    "nod": "node",
    "msm": "mesmo",
    "pdos": "pods",
    "diff": "different",
    "dif": "diferente",
}


def _slips(word: str) -> set[str]:
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    doubled = {word[:i] + word[i] + word[i:] for i in range(len(word))}
    dropped = {word[:i] + word[i + 1 :] for i in range(len(word))} if len(word) >= 5 else set()
    # Inside the word only: a letter added at its end is another word ("ingresso", "clusters").
    typed = (
        {word[:i] + letter + word[i:] for i in range(1, len(word)) for letter in ascii_lowercase}
        if len(word) >= 7
        else set()
    )
    return swapped | doubled | dropped | typed


_TYPOS = {
    slip: word
    for word in _KEYWORDS
    for slip in sorted(_slips(word))
    if slip not in _KEYWORDS and slip not in _REAL_WORDS
} | _EXTRA_SLIPS
_TOKEN = re.compile(r"[a-z]+")


def retyped(folded: str) -> str:
    """The folded text with the deciding words' slips undone."""
    return _TOKEN.sub(lambda m: _TYPOS.get(m.group(), m.group()), folded)
