"""The answer model as scored in production (plain arrays) equals scikit-learn's own pipeline,
and survives its cache file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import hstack

from knowledge.playbook import Playbook
from knowledge.understanding.model import QuestionModel, features_text, fit

TEXTS = [
    "from a pod on another worker",
    "não é túnel, é VPC",
    "ipvs",
    "",
    "🙂🙂",
    "o cliente roda no mesmo nó do pod, mas não é pod, é o host",
]


@pytest.mark.parametrize("fact", ["client_location", "network_model"])
def test_compiled_scores_equal_the_pipelines(playbook: Playbook, fact: str, tmp_path: Path) -> None:
    vectorisers, classifier = fit(playbook, fact)
    model = QuestionModel.compiled(fact, vectorisers, classifier)
    prepared = [features_text(text) for text in TEXTS]
    matrix = hstack([v.transform(prepared) for v in vectorisers]).tocsr()
    expected = classifier.predict_proba(matrix)
    for text, row in zip(TEXTS, expected, strict=True):
        got = model.scores(text)
        assert np.allclose([got[c] for c in classifier.classes_], row, atol=1e-9), text
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = QuestionModel.load(path, fact)
    for text in TEXTS:
        assert loaded.scores(text) == pytest.approx(model.scores(text), abs=1e-12)
