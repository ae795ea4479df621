"""Validating the action server's response against Rasa 3.6's own schema, at a tenth of the cost.

Rasa's spec lists the event types under `events.items.oneOf`, one branch per type, each fixing
`event` to a different constant (the parent requires `event`). jsonschema tries every branch for
every event and builds an error for each one that fails: most of the validation time. With
distinct constants, "exactly one branch matches" is "the branch named by the event's `event`
matches", so each event is checked against that branch only, and the rest of the response
against the spec without the `oneOf`. A response is valid exactly when Rasa's validation says so
(`tests/test_action_response.py` compares both, with Rasa's own code, on valid and invalid
responses); the error raised names the event's own fault rather than "not valid under any".
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction


class ResponseValidator:
    def __init__(self, spec: dict[str, Any]) -> None:
        kind = validators.validator_for(spec)
        kind.check_schema(spec)
        outer = copy.deepcopy(spec)
        branches = outer["properties"]["events"]["items"].pop("oneOf")
        constants = [branch["properties"]["event"]["const"] for branch in branches]
        # The shortcut holds only while every branch names its own event type.
        if len(set(constants)) != len(constants):
            raise ValueError("the action response spec's event branches are not distinct")
        self._outer = kind(outer)
        self._branches = {
            name: kind(branch) for name, branch in zip(constants, branches, strict=True)
        }

    def errors(self, response: Any) -> Iterator[exceptions.ValidationError]:
        yield from self._outer.iter_errors(response)
        events = response.get("events") if isinstance(response, dict) else None
        for event in events if isinstance(events, list) else ():
            name = event.get("event") if isinstance(event, dict) else None
            if not isinstance(name, str):
                continue  # the outer schema reported it (`event` is a required string)
            branch = self._branches.get(name)
            if branch is None:
                yield exceptions.ValidationError(
                    f"{event!r} is not valid under any of the given schemas", validator="oneOf"
                )
            else:
                yield from branch.iter_errors(event)

    def best_error(self, response: Any) -> exceptions.ValidationError | None:
        """The error `jsonschema.validate` would raise, or None for a valid response."""
        return exceptions.best_match(self.errors(response))


@cache
def response_validator() -> ResponseValidator:
    return ResponseValidator(RemoteAction.action_response_format_spec())
