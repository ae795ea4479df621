"""Which language a message is written in: Brazilian Portuguese or English, or too short to tell."""

from __future__ import annotations

import re
from collections.abc import Collection

from knowledge.intake.error_message import strip_tool_output
from knowledge.intake.keywords import fold
from knowledge.intake.service import prose

__all__ = ["detect_language", "foreign", "named_language", "third_language", "unknown"]

# Frequent words of each language in support chats, accents removed; none in both lists, and no
# technical words ("service", "connection refused") that pastes and Portuguese chats share.
_PT = frozenset(
    """
    a o os as um uma de do da dos das no na nos nas em ao para pra por com sem que nao sim e
    eu meu minha voce seu sua esta estou estamos funciona falha quando onde qual como porque
    oi ola obrigado obrigada tchau bom dia tarde noite ajuda preciso tenho acesso acessar
    servico rede outro mesmo dentro fora conexao recusada erro ele ela isso isto aqui la mais
    pelo pela tambem ja ainda so depois antes entao comecar recomecar responda fale portugues
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_EN = frozenset(
    """
    the a an of to in on at for from with without that not yes and or is are was be my your
    it this these i we you when where which how why what does do doesnt dont cant cannot works
    fails failing hi hello hey thanks thank bye help need have another other same inside
    outside get gets got please answer speak english start over again can could would should
    there here
    """.split()  # noqa: SIM905
)
# Letters only Portuguese uses among the two.
_PT_LETTERS = re.compile(r"[ãõçâêôáéíóúà]")
_WORD = re.compile(r"[a-z]+")


def detect_language(text: str) -> str | None:
    """`pt`, `en`, or None when the words do not clearly favour one (a paste, a bare "ok").

    Only the user's own words count: a pasted Service and tool output are English whatever
    the user speaks, so the words before a paste are read and the paste is not."""
    text = _own_words(text)
    if _foreign(text):
        return None  # Spanish is close to Portuguese; neither of ours is what they speak
    words = _WORD.findall(fold(text))
    pt = sum(word in _PT for word in words) + 2 * len(_PT_LETTERS.findall(text.lower()))
    en = sum(word in _EN for word in words)
    # "a" is a word in both; single-word answers like "vpc" say nothing.
    if pt >= en + 2 or (pt >= 1 and en == 0 and any(word in _PT - {"a"} for word in words)):
        return "pt"
    if en >= pt + 2 or (en >= 1 and pt == 0 and any(word in _EN_NOT_A for word in words)):
        return "en"
    return None


# Frequent words of Spanish, French and German (and a few of Italian's: "tramite", "rete", of
# Dutch, Polish, Swedish, Indonesian, Hungarian, Romanian: "het", "jest", "och", "untuk",
# "miatt", "folosim") that
# neither list has and that are not words of English or Portuguese chats ("la" is Portuguese
# "lá", "mais" and "ou" Portuguese, "die" and "so" English, "red" (Hat), "lo" (loopback) and
# "nodo" theirs too): a reply in a third language is asked back, never read as an option.
_FOREIGN = frozenset(
    """
    el los las del fuera mismo misma otro otra pero sin es hay mi mis tengo donde
    cual tambien cuando puerto servicio contenedor tenemos tiene creo ahora muy nuestro nuestra
    le les du des depuis noeud noeuds pas celui celle sur est une avec dans je nous autre meme
    reseau qui pour tourne sont aussi et il ce cette un con una uno compartido entorno tramite
    origen adresse privee defecto cambiamos contenedores politique garde gardons garder avons
    utilisons pubblico privato condiviso dedicato questo sono en afinidad nodo nodos
    der und nicht von auf ist ein eine einem einen knoten dem mit wir ich vom zum anderen
    anderer gleichen aus oder auch nur kein keine nein ahnung brauchen
    rete privata pubblica condivisa dedicata indirizzo della nella dello bilanciatore servizio
    modalita quello quella predefinito predefinita altro stesso diverso livello di affinita
    haben eigene eigenen sind wird
    het een niet wij onze geen ook maar vanaf andere knooppunt dezelfde zelfde
    staat dat zijn wordt gebruiken gebruikt standaard standaardwaarde hebben
    il gli nel sul questa usiamo abbiamo siamo
    jest nie przez uzywamy mamy sie zwykly typu
    det och inte anvander
    kami kita saya pakai untuk adalah yang dengan tidak ini sudah bukan menggunakan
    van miatt allitva beallitva hasznaljuk folosim modul vede avem folosit
    """.split()  # noqa: SIM905
)
# Of those, words no Portuguese or English writer uses even in passing: one is enough in a
# short reply with none of ours beyond one ("La IP pública del ELB").
_STRONG = frozenset(
    """
    del el los fuera depuis noeud reseau contenedores und nicht ist der une est ein eine
    politique gardons utilisons pubblico condiviso impostato impostata privata pubblica
    indirizzo della bilanciatore modalita rete quello predefinito predefinita altro stesso
    livello affinita haben eigene eigenen het een niet knooppunt dezelfde
    staat wordt gebruikt standaardwaarde il gli usiamo abbiamo jest przez uzywamy zwykly
    och inte anvander kami pakai untuk adalah yang dengan tidak menggunakan
    miatt allitva beallitva hasznaljuk folosim
    """.split()  # noqa: SIM905
)
# Signs of a third language that are no single word of its list: Spanish's opening marks,
# "red de" (Portuguese writes "rede"), "está en" ("está em"), German compounds
# ("Tunnelnetzwerk", "IPVS-Modus").
_FOREIGN_SIGNS = re.compile(
    r"[¿¡]|\b(?:red de|la red|est[aá] en|modus)\b|\w*(?:netzwerk|knoten)\w*"
    # Letters of German, Polish, the Nordic and Baltic languages, Czech, Turkish… that neither
    # Portuguese nor English writes ("Usługa bramy DNAT"; not "ñ", Brazilian shorthand for "não").
    r"|[ßłąęśżźćńøåæäöğşıřčšžěůőűăîșț]"
    # Italian "credo" ("I think") closing a reply; Portuguese "credo!" opens one.
    r"|\bcredo\W*$"
    # Italian "è" ("is"), a word of its own: Portuguese writes "é".
    r"|(?<!\S)è(?!\S)"
)


def foreign(text: str) -> bool:
    """Whether the user's words are Spanish, French or German (a few Italian words too), or in
    another script, rather than English or Portuguese: two of their frequent words and more
    than of either of ours; or one that ours never use in a short reply with at most one of
    ours; or one of them in a sentence of three words or more with none of ours."""
    return _foreign(_own_words(text))


_LONG_WORD = re.compile(r"(?<![a-z0-9])[a-z]{3,}(?![a-z0-9])")


def unknown(text: str, known: Collection[str]) -> bool:
    """Whether the user's words are mostly ones `known` (the words English and Portuguese users
    write) lacks: three or more, at least half of the longer words, with at most one of
    English's frequent words and one of Portuguese's ("Ustawione na Local, potrzebujemy adresu
    IP klienta.", "Vi bruker iptables-modus i klyngen"): a third language no list here names."""
    return _unknown(_own_words(text), known)


def third_language(text: str, known: Collection[str]) -> bool:
    """`foreign` or `unknown`, the user's own words cut from the text once."""
    own = _own_words(text)
    return _foreign(own) or _unknown(own, known)


def _unknown(own: str, known: Collection[str]) -> bool:
    folded = fold(own.translate(_UNDECOMPOSED))
    words = _WHOLE_WORD.findall(folded)
    # ("a" is a word of both, and of Catalan, Italian, Spanish…)
    en = sum(word in _EN_NOT_A for word in words)
    if en > 1 or sum(word in _PT_NOT_SPANISH for word in words) > 1:
        return False
    longer = _LONG_WORD.findall(folded)
    unseen = sum(word not in known for word in longer)
    return unseen >= 3 and 2 * unseen >= len(longer)


def _own_words(text: str) -> str:
    """What the user wrote, without a pasted Service or tool output."""
    return strip_tool_output(prose(text)[:2000])


def _foreign(own: str) -> bool:
    letters = [ch for ch in own if ch.isalpha()]
    if letters and sum(ch > "\u024f" for ch in letters) * 2 > len(letters):
        return True  # mostly not Latin letters: Chinese, Japanese, Cyrillic…
    if sum(ch > "\u024f" for ch in letters) >= 2:
        # Words of another script around product names ("云原生网络2.0（CCE Turbo）", "전용 ELB에
        # 연결된 nginx-ingress 애드온입니다")
        return True
    words = _WHOLE_WORD.findall(fold(own.translate(_UNDECOMPOSED)))
    others = sum(word in _FOREIGN for word in words)
    # Words Spanish shares with Portuguese ("de", "la", "para") are no sign of Portuguese here.
    pt = sum(word in _PT_NOT_SPANISH for word in words)
    en = sum(word in _EN for word in words)
    if others >= 2 and others > pt and others > en:
        return True
    strong = sum(word in _STRONG for word in words)
    signs = len(_FOREIGN_SIGNS.findall(own.lower()))
    if strong and en == 0 and pt <= 1:
        return len(words) >= 2
    if signs and en == 0 and pt <= 1:
        return True
    if strong + signs >= 2 and en <= 1 and pt <= 1:
        return True  # "è in modalità ipvs": Italian's "in" is also English's
    if strong >= 2 and en <= 2 and pt == 0:
        return True  # "Il cluster usa la rete a tunnel per i container": Italian's "a", "i" too
    if 1 < len(words) <= 4 and words[0] == "es" and words[1] not in _ES and pt == en == 0:
        return True  # Spanish "es Local", "es privada" ("it is"), not Elasticsearch's "ES cluster"
    return others == 1 and pt == en == 0 and len(words) >= 3


# Letters that folding drops, not strips of a mark ("usługa" would be "us uga").
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "ß": "ss"})
# Words after "ES" that make it Elasticsearch ("ES cluster", "es nodes"), not Spanish "es".
_ES = frozenset(["cluster", "node", "nodes", "pod", "pods", "index", "data", "master"])
# Words not glued to digits: "el7" is a release, not Spanish "el".
_WHOLE_WORD = re.compile(r"(?<![a-z0-9])[a-z]+(?![a-z0-9])")
# Words of Portuguese that Spanish writes the same way.
_SHARED = frozenset(["a", "o", "de", "la", "para", "por", "con", "que", "no", "e", "mas"])
_PT_NOT_SPANISH = _PT - _SHARED
_EN_NOT_A = _EN - {"a"}

_NAMED = {"pt": re.compile(r"portugu|\bpt\b|pt-br"), "en": re.compile(r"ingles|english|\ben\b")}


def named_language(text: str) -> str | None:
    """The language a message asks for ("answer in English", "responda em português")."""
    folded = fold(text)
    named = [lang for lang, pattern in _NAMED.items() if pattern.search(folded)]
    return named[0] if len(named) == 1 else None
