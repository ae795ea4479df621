"""bot/tracker_copy.py gives the trackers Rasa's own copy and a form's temporary tracker give
(run in Rasa's virtualenv against Rasa's replay), after every kind of event, and a copy that
changes leaves the tracker as it was."""

from __future__ import annotations

from .bot_helpers import rasa_scenario


def test_a_tracker_copied_from_its_state_is_the_replayed_copy() -> None:
    seen: dict[str, bool] = rasa_scenario("tracker_copy_scenario.py")
    assert len(seen) == 13
    assert [name for name, holds in seen.items() if not holds] == []
