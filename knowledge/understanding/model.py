"""The answer model: for one question, how likely a text means each of its options, or none.

One linear classifier per question over character n-grams (typos, accents, both languages)
and word n-grams (word order in "not X"), trained on the playbook's phrasings. The words of a
clause the user denies are features of their own, so "not the pod's node, another one" reads
differently from "the pod's node".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from knowledge.playbook import Playbook
from knowledge.understanding.clauses import clauses, subject
from knowledge.understanding.phrasings import phrasings

__all__ = ["QuestionModel", "features_text"]

# Separates affirmed and denied words in the one string the vectorisers see.
_DENIED = " \x1f "


def features_text(text: str) -> str:
    """The text as the model reads it: affirmed clauses, then denied ones after a marker."""
    found = clauses(text)
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


@dataclass(frozen=True)
class QuestionModel:
    fact: str
    classes: tuple[str, ...]
    pipeline: Any

    @classmethod
    def train(cls, playbook: Playbook, fact: str) -> QuestionModel:
        # Imported here: only reading typed answers needs scikit-learn (the CLI's diagnose not).
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline

        examples = phrasings(playbook, fact)
        texts = [features_text(text) for text, _ in examples]
        labels = [label for _, label in examples]
        features = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=(2, 5),
                        preprocessor=_affirmed,
                        sublinear_tf=True,
                        min_df=1,
                    ),
                ),
                (
                    "words",
                    TfidfVectorizer(
                        analyzer="word",
                        ngram_range=(1, 2),
                        preprocessor=_affirmed,
                        token_pattern=r"[\w'.-]+",
                    ),
                ),
                (
                    "denied",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=(3, 5),
                        preprocessor=_denied,
                        sublinear_tf=True,
                    ),
                ),
            ]
        )
        pipeline = make_pipeline(features, LogisticRegression(C=20.0, max_iter=2000))
        pipeline.fit(texts, labels)
        return cls(fact, tuple(str(c) for c in pipeline.classes_), pipeline)

    def scores(self, text: str) -> dict[str, float]:
        """Probability of each option value (and of NONE) for one text."""
        return self.scores_many([text])[0]

    def scores_many(self, texts: Sequence[str]) -> list[dict[str, float]]:
        rows = self.pipeline.predict_proba([features_text(text) for text in texts])
        return [
            {label: float(p) for label, p in zip(self.classes, row, strict=True)} for row in rows
        ]
