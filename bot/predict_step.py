"""Rasa's TensorFlow models (DIET, for NLU) called through their traced graph directly.

Rasa 3.6 calls its traced `predict_step` as a `tf.function` with an input signature, and every
call matches the dozen input arrays against that signature again in Python (TensorFlow 2.12's
function spec and trace cache): longer than the graph's own run for one short message. The
signature never changes once traced, so the concrete function is taken once; each call converts
the arrays to tensors, checks each against its spec, and runs the graph with them. Arrays that
do not fit the signature, and the first call (which traces), go through Rasa's own method.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf
from keras.utils import tf_utils
from rasa.shared.constants import DIAGNOSTIC_DATA
from rasa.utils.tensorflow import models

_rasa_predict = models.RasaModel._rasa_predict


def rasa_predict(self: models.RasaModel, batch_in: tuple[Any, ...]) -> dict[str, Any]:
    """`RasaModel._rasa_predict`, the same graph with the same inputs and outputs."""
    step = self._tf_predict_step
    if step is None or self._run_eagerly or not self.prepared_for_prediction:
        return _rasa_predict(self, batch_in)
    if "_concrete_predict" not in self.__dict__:
        concrete = step.get_concrete_function()
        self._concrete_predict = (concrete, tf.nest.flatten(concrete.structured_input_signature))
    concrete, specs = self._concrete_predict
    tensors = [tf.convert_to_tensor(array) for array in batch_in]
    if len(tensors) != len(specs) or not all(
        spec.is_compatible_with(tensor) for spec, tensor in zip(specs, tensors, strict=False)
    ):
        return _rasa_predict(self, batch_in)
    outputs: dict[str, Any] = tf_utils.sync_to_numpy_or_python_type(
        concrete._call_flat(tensors, concrete.captured_inputs)
    )
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs
