"""DIET's intent scores computed with NumPy, for a DIET that is two dense layers at inference.

With no transformer layers, no hidden layers and no entity recognition (bot/config.yml), DIET
reads the intent from the sentence-level features alone: its sentence vector is those sparse
features through the sparse-to-dense layer, then the text embedding layer, and the scores are
the softmax of its dot products with the labels' embeddings, which Rasa computes once when the
model is loaded (`all_labels_embed`). Rasa still builds a padded batch of every token's
features and runs the TensorFlow graph for each message: about 2 ms of a typed turn, for one
sparse row times two small matrices. Here the same layers' weights are read once and applied
with NumPy in float32, as TensorFlow does. A model of another shape, a message without
sentence features, or a run that wants diagnostic data goes through Rasa's own method;
`tests/graph_runner_scenario.py` compares both on every NLU example.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.utils.tensorflow.constants import (
    ENTITY_RECOGNITION,
    FEATURIZERS,
    INNER,
    INTENT_CLASSIFICATION,
    LABEL,
    SENTENCE,
    SOFTMAX,
)

_rasa_predict = DIETClassifier._predict


class _Layers(NamedTuple):
    sparse_to_dense: np.ndarray
    sparse_to_dense_bias: np.ndarray
    embed: np.ndarray
    embed_bias: np.ndarray
    labels: np.ndarray  # the labels' embeddings, one row per intent


def _layers(classifier: DIETClassifier) -> _Layers | None:
    """The weights, when this DIET is exactly the two dense layers computed here."""
    model = classifier.model
    config = classifier.component_config
    # DIET itself only: a ResponseSelector is a DIETClassifier whose model (DIET2DIET) reads
    # its scores at another position.
    if type(classifier) is not DIETClassifier or type(model) is not DIET:
        return None
    if model.all_labels_embed is None:
        return None
    if not config[INTENT_CLASSIFICATION] or config[ENTITY_RECOGNITION]:
        return None
    sequence = model._tf_layers[f"sequence_layer.{TEXT}"]
    combining = sequence._tf_layers[sequence.FEATURE_COMBINING]._tf_layers
    loss = model._tf_layers[f"loss.{LABEL}"]
    signature = model.data_signature[TEXT][SENTENCE]
    if (
        sequence._has_transformer
        or sequence._tf_layers[sequence.FFNN]._ffn_layers
        or any(name.startswith("unify_dims") for name in combining)
        or loss.similarity_type != INNER
        or loss.model_confidence != SOFTMAX
        or len(signature) != 1
        or not signature[0].is_sparse
    ):
        return None
    dense = combining[f"sparse_dense.{SENTENCE}"]._tf_layers["sparse_to_dense"]
    embed = model._tf_layers[f"embed.{TEXT}"]._dense
    if dense.activation.__name__ != "linear" or embed.activation.__name__ != "linear":
        return None
    return _Layers(
        dense.kernel.numpy(),
        dense.bias.numpy() if dense.use_bias else np.zeros(dense.units, np.float32),
        embed.kernel.numpy(),
        embed.bias.numpy() if embed.use_bias else np.zeros(embed.units, np.float32),
        model.all_labels_embed.numpy(),
    )


def predict(self: DIETClassifier, message: Any) -> dict[str, Any] | None:
    """`DIETClassifier._predict`: the intent scores Rasa's graph computes for `message`."""
    if "_numpy_layers" not in self.__dict__:
        self._numpy_layers = _layers(self)
    layers: _Layers | None = self._numpy_layers
    if layers is None or self._execution_context.should_add_diagnostic_data:
        return _rasa_predict(self, message)
    _, sentence = message.get_sparse_features(TEXT, self.component_config[FEATURIZERS])
    if sentence is None or sentence.features.shape != (1, layers.sparse_to_dense.shape[0]):
        return _rasa_predict(self, message)
    row = sentence.features.tocsr().astype(np.float32)
    text = (row @ layers.sparse_to_dense + layers.sparse_to_dense_bias) @ layers.embed
    similarities = (text + layers.embed_bias) @ layers.labels.T
    exp = np.exp(similarities - similarities.max(axis=-1, keepdims=True))
    return {"i_scores": exp / exp.sum(axis=-1, keepdims=True)}
