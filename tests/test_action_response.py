"""bot/action_response.py accepts exactly the action-server responses Rasa's own validation
accepts (run in Rasa's virtualenv against Rasa's spec), for every event type and for malformed
responses."""

from __future__ import annotations

from .bot_helpers import rasa_scenario


def test_the_quick_validator_agrees_with_rasa_on_every_response() -> None:
    seen: dict[str, list[bool]] = rasa_scenario("action_response_scenario.py")
    # Each case's name says, by hand, whether the response is valid.
    for name, (rasa_accepts, we_accept) in seen.items():
        expected = name.startswith("valid")
        assert (rasa_accepts, we_accept) == (expected, expected), name
    assert sum(name.startswith("invalid") for name in seen) >= 10
    # Every event type of Rasa's schema has a valid case of its own.
    types = {name.split()[1] for name in seen if name.startswith("valid ") and name[-1].isdigit()}
    assert len(types) == 23
