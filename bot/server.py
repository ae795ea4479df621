"""Rasa's server for LB Doctor: `rasa run`, with the action server's responses validated by a
schema validator built once.

Rasa 3.6 checks every action-server response with `jsonschema.validate(result, spec)`, which
checks the (constant) spec against the metaschema again on every call: about a quarter of a
turn's time in Rasa. The response is validated exactly as before, against the same spec, with
the same error; only the spec's own check is done once. Run with .venv-rasa's Python, in bot/:
`python server.py run --model … [the usual `rasa run` options]`.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

import rasa
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _response_validator() -> Any:
    spec = RemoteAction.action_response_format_spec()
    validator = validators.validator_for(spec)
    validator.check_schema(spec)
    return validator(spec)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    # As `jsonschema.validate` does: the best match among the errors is the one raised.
    error = exceptions.best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def main() -> None:
    # The replaced method is Rasa 3.6's: another version must be looked at again.
    if not rasa.__version__.startswith("3.6."):
        raise SystemExit(f"bot/server.py is written for Rasa 3.6, not {rasa.__version__}")
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
