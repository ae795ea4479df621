"""The answer model: for one question, how likely a text means each of its options, or none.

One linear classifier per question over character n-grams (typos, accents, both languages)
and word n-grams (word order in "not X"), trained on the playbook's phrasings and the written
answers (understanding/written.py). The words of a
clause the user denies are features of their own, so "not the pod's node, another one" reads
differently from "the pod's node".

scikit-learn trains it; the trained vocabularies and weights are then kept as plain arrays and
a message is scored by a few dictionary look-ups and one small matrix product (the pipeline's
own transform costs a millisecond a call in validation alone). The arrays are saved to and
loaded from a cache file, so a process that finds one needs neither the training nor sklearn.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.playbook import Playbook
from knowledge.understanding.clauses import clauses, english, subject
from knowledge.understanding.phrasings import phrasings

__all__ = ["QuestionModel", "features_text", "fit", "fit_texts"]

# Separates affirmed and denied words in the one string the vectorisers see.
_DENIED = " \x1f "
# Inverse regularisation strength, tuned on the development set.
REGULARISATION = 2.0
_WORD = re.compile(r"[\w'.-]+")
_BLANKS = re.compile(r"\s\s+")


def features_text(text: str) -> str:
    """The text as the model reads it: affirmed clauses, then denied ones after a marker."""
    found = clauses(text, english=english(text))
    affirmed = " ".join(c.text for c in found if not c.negated)
    denied = " ".join(c.text for c in found if c.negated)
    # The first kind of client named, as a word of its own ("a pod on the node" vs "the node
    # of the pod"): n-grams alone cannot tell which noun is the subject.
    kind = subject(affirmed)
    if kind is not None:
        affirmed += f" subject{kind}"
    return affirmed + _DENIED + denied


def _affirmed(text: str) -> str:
    return text.partition(_DENIED)[0]


def _denied(text: str) -> str:
    return text.partition(_DENIED)[2]


# (name, side of the text, analyzer, n-gram range, sublinear tf): the feature groups, in order.
_GROUPS: tuple[tuple[str, str, str, tuple[int, int], bool], ...] = (
    ("chars", "affirmed", "char_wb", (2, 5), True),
    ("words", "affirmed", "word", (1, 2), False),
    ("denied", "denied", "char_wb", (3, 5), True),
)


def _char_wb(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's `char_wb` analyzer: n-grams inside words padded with a space."""
    grams: list[str] = []
    for word in _BLANKS.sub(" ", text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
            if len(padded) <= n:
                break  # a short word counts once, whole
    return grams


def _words(text: str, low: int, high: int) -> list[str]:
    tokens = _WORD.findall(text)
    return [
        " ".join(tokens[i : i + n])
        for n in range(low, high + 1)
        for i in range(len(tokens) - n + 1)
    ]


def fit(
    playbook: Playbook, fact: str, written: tuple[str, ...] | None = None
) -> tuple[list[Any], Any]:
    """scikit-learn's vectorisers (one per feature group) and classifier, fitted on the
    question's phrasings (`written`: the sets of written answers among them, None: all)."""
    examples = phrasings(playbook, fact, written)
    return fit_texts([text for text, _ in examples], [label for _, label in examples])


def fit_texts(texts: Sequence[str], labels: Sequence[str]) -> tuple[list[Any], Any]:
    """The same, on any texts and labels (cross-validation fits on part of the phrasings)."""
    # Imported here: only training needs scikit-learn.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

    vectorisers = [
        TfidfVectorizer(
            analyzer=analyzer,
            ngram_range=span,
            preprocessor=_affirmed if side == "affirmed" else _denied,
            sublinear_tf=sublinear,
            **({"token_pattern": _WORD.pattern} if analyzer == "word" else {}),
        )
        for _, side, analyzer, span, sublinear in _GROUPS
    ]
    union = FeatureUnion([(group[0], v) for group, v in zip(_GROUPS, vectorisers, strict=True)])
    classifier = LogisticRegression(C=REGULARISATION, max_iter=2000)
    classifier.fit(union.fit_transform([features_text(text) for text in texts]), list(labels))
    return vectorisers, classifier


@dataclass(frozen=True)
class _Group:
    vocabulary: dict[str, int]
    idf: np.ndarray[Any, Any]
    offset: int


@dataclass(frozen=True)
class QuestionModel:
    fact: str
    classes: tuple[str, ...]
    groups: tuple[_Group, ...]
    coef: np.ndarray[Any, Any]  # classes × features
    intercept: np.ndarray[Any, Any]

    @classmethod
    def train(
        cls, playbook: Playbook, fact: str, written: tuple[str, ...] | None = None
    ) -> QuestionModel:
        return cls.compiled(fact, *fit(playbook, fact, written))

    @classmethod
    def compiled(cls, fact: str, vectorisers: list[Any], classifier: Any) -> QuestionModel:
        """The fitted vectorisers' vocabularies and idf, and the classifier's weights."""
        groups = []
        offset = 0
        for vectoriser in vectorisers:
            vocabulary = {str(term): int(column) for term, column in vectoriser.vocabulary_.items()}
            groups.append(_Group(vocabulary, np.asarray(vectoriser.idf_), offset))
            offset += len(vocabulary)
        return cls(
            fact,
            tuple(str(c) for c in classifier.classes_),
            tuple(groups),
            np.asarray(classifier.coef_),
            np.asarray(classifier.intercept_),
        )

    # --- scoring ---------------------------------------------------------------------------------

    def _features(self, text: str) -> tuple[list[int], list[float]]:
        """The tf-idf features of one text, each group l2-normalised, as (columns, values)."""
        prepared = features_text(text)
        columns: list[int] = []
        values: list[float] = []
        for (_, side, analyzer, (low, high), sublinear), group in zip(
            _GROUPS, self.groups, strict=True
        ):
            part = _affirmed(prepared) if side == "affirmed" else _denied(prepared)
            grams = _char_wb(part, low, high) if analyzer == "char_wb" else _words(part, low, high)
            counts = Counter(g for g in grams if g in group.vocabulary)
            weights = {
                group.vocabulary[g]: (1 + math.log(n) if sublinear else n)
                * float(group.idf[group.vocabulary[g]])
                for g, n in counts.items()
            }
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for column, weight in weights.items():
                columns.append(group.offset + column)
                values.append(weight / norm)
        return columns, values

    def scores(self, text: str) -> dict[str, float]:
        """Probability of each option value (and of NONE) for one text."""
        columns, values = self._features(text)
        logits = self.coef[:, columns] @ np.asarray(values) + self.intercept
        exp = np.exp(logits - logits.max())
        probabilities = exp / exp.sum()
        return {label: float(p) for label, p in zip(self.classes, probabilities, strict=True)}

    # --- the cache -------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {
            "classes": np.asarray(self.classes),
            "coef": self.coef,
            "intercept": self.intercept,
        }
        for index, group in enumerate(self.groups):
            terms = sorted(group.vocabulary, key=group.vocabulary.__getitem__)
            arrays[f"terms{index}"] = np.asarray(terms, dtype=str)
            arrays[f"idf{index}"] = group.idf
        path.parent.mkdir(parents=True, exist_ok=True)
        # A file of this process's own, then renamed: whole or not at all, even with two
        # processes writing the same model.
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as out:
            np.savez(out, **arrays)
        Path(out.name).replace(path)

    @classmethod
    def load(cls, path: Path, fact: str) -> QuestionModel:
        with np.load(path, allow_pickle=False) as data:
            groups = []
            offset = 0
            for index in range(len(_GROUPS)):
                terms = [str(t) for t in data[f"terms{index}"]]
                groups.append(
                    _Group({t: i for i, t in enumerate(terms)}, data[f"idf{index}"], offset)
                )
                offset += len(terms)
            return cls(
                fact,
                tuple(str(c) for c in data["classes"]),
                tuple(groups),
                data["coef"],
                data["intercept"],
            )
