"""Rasa's server for LB Doctor: `rasa run`, with three changes made in-process.

- The API token comes from the environment (LBDOCTOR_API_TOKEN), never from the command line,
  which any local user can read in /proc; `--enable-api` without a token or a JWT refuses to
  start rather than serve an open API.
- A message longer than MESSAGE_LIMIT is not given to NLU (about 13 ms per KB on our model, all
  of it on the event loop every user of this server shares): it is logged as an
  `nlu_fallback` with a short excerpt of its text, and `message_too_long` in its parse data for
  the actions to say why, in the user's language, in the channel's normal flow.
- The action server's responses are validated by a schema validator built once.

Rasa 3.6 checks every action-server response with `jsonschema.validate(result, spec)`, which
checks the (constant) spec against the metaschema again on every call: about a quarter of a
turn's time in Rasa. The response is validated exactly as before, against the same spec, with
the same error; only the spec's own check is done once. Run with .venv-rasa's Python, in bot/:
`python server.py run --model … [the usual `rasa run` options]`.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

import rasa
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.trackers import DialogueStateTracker

# Characters. A pasted Service (`kubectl get svc -o yaml`) is 2-10 KB and an error a few lines:
# 64 KB leaves room for both several times over, and bounds a message's NLU to about a second.
MESSAGE_LIMIT = 64 * 1024
# What is kept of a longer message: enough for the actions to tell its language.
EXCERPT = 1000


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


_log_message = MessageProcessor.log_message


async def _log_cut_message(
    self: MessageProcessor, message: UserMessage, should_save_tracker: bool = True
) -> DialogueStateTracker:
    """Every channel's messages pass here before NLU: an over-long one is cut first."""
    text = message.text
    if isinstance(text, str) and len(text) > MESSAGE_LIMIT and not message.parse_data:
        excerpt = text[:EXCERPT]
        message.text = excerpt
        # With parse data set, Rasa skips NLU; the tracker keeps the excerpt, not megabytes.
        message.parse_data = {
            "text": excerpt,
            "intent": {"name": "nlu_fallback", "confidence": 1.0},
            "entities": [],
            "message_too_long": {"size": len(text), "limit": MESSAGE_LIMIT},
        }
    return await _log_message(self, message, should_save_tracker)


def rasa_arguments(argv: list[str], env: dict[str, str]) -> list[str]:
    """`rasa run`'s arguments, with the API token from the environment."""
    if "--auth-token" in argv:
        raise SystemExit("pass the API token in LBDOCTOR_API_TOKEN, not on the command line")
    token = env.get("LBDOCTOR_API_TOKEN")
    if token:
        return [*argv, "--auth-token", token]
    if "--enable-api" in argv and "--jwt-secret" not in argv:
        raise SystemExit("--enable-api needs LBDOCTOR_API_TOKEN (or --jwt-secret)")
    return argv


def main() -> None:
    # The replaced methods are Rasa 3.6's: another version must be looked at again.
    if not rasa.__version__.startswith("3.6."):
        raise SystemExit(f"bot/server.py is written for Rasa 3.6, not {rasa.__version__}")
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    MessageProcessor.log_message = _log_cut_message  # type: ignore[method-assign]
    if timings := os.environ.get("LBDOCTOR_TURN_TIMINGS"):
        import turn_timings  # bot/ is the working directory

        turn_timings.install(Path(timings))
    from rasa.__main__ import main as rasa_main

    # /proc/<pid>/cmdline keeps the original command line: the token is added here only.
    sys.argv = ["rasa", *rasa_arguments(sys.argv[1:], dict(os.environ))]
    rasa_main()


if __name__ == "__main__":
    main()
