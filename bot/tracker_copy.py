"""Rasa 3.6's `DialogueStateTracker.copy` (and a form's temporary tracker), without replaying
the conversation.

Rasa copies the tracker before running each action (and before a form's activation): a new
tracker that applies every event of the conversation again, one by one. The state those
events produce is the tracker's own state, so the copy here takes that state directly: the
same event objects in a new list, each slot copied (as Rasa's copy copies them), the active
loop and every dict and list copied one level deep (events change the active loop in place),
everything else shared as the replay shares it (the latest message is the event itself).
What Rasa's copy leaves out is left out here too: the model and assistant ids, the sender
source. A tracker whose events were trimmed (`max_event_history`) or whose slots are not a
plain dict (a tracker without a domain) is copied by Rasa's replay.
`tests/tracker_copy_scenario.py` compares both copies, and both temporary trackers, on
trackers built from every kind of event.
"""

from __future__ import annotations

import copy
from collections import deque
from typing import Any

from rasa.core.actions.forms import FormAction
from rasa.shared.core.constants import REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, TrackerActiveLoop

_replayed = DialogueStateTracker.copy

# Set by `DialogueStateTracker.__init__` from its arguments, not by the events: Rasa's copy
# (`init_copy`) passes on the sender id, the slots and `is_rule_tracker` and nothing else.
_NOT_COPIED = {"model_id": None, "assistant_id": None, "sender_source": None}


def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker Rasa's `copy` returns, built from this tracker's state."""
    if (
        type(self) is not DialogueStateTracker
        or self._max_event_history is not None
        or type(self.slots) is not dict
    ):
        return _replayed(self)
    state: dict[str, Any] = {}
    for name, value in self.__dict__.items():
        if isinstance(value, dict | list | TrackerActiveLoop):
            value = copy.copy(value)
        state[name] = value
    state["slots"] = {name: copy.copy(slot) for name, slot in self.slots.items()}
    state["events"] = deque(self.events)
    state.update(_NOT_COPIED)
    # Since the last reset, no message: the replay's reset makes a new empty one.
    for name, empty in (("latest_message", UserUttered), ("latest_bot_utterance", BotUttered)):
        if not any(event is state[name] for event in reversed(self.events)):
            state[name] = empty.empty()
    tracker = DialogueStateTracker.__new__(DialogueStateTracker)
    tracker.__dict__.update(state)
    return tracker


_rasa_temporary_tracker = FormAction._temporary_tracker


def temporary_tracker(
    self: FormAction,
    current_tracker: DialogueStateTracker,
    additional_events: list[Event],
    domain: Domain,
) -> DialogueStateTracker:
    """Rasa's `FormAction._temporary_tracker` (the tracker a form's validation is sent with:
    the conversation, the requested slot, the form's run, the new events) from a copy of the
    tracker instead of a replay of the conversation. Rasa replays the events after the latest
    restart onto the domain's slots: a conversation restarted, a rule tracker, or slots that
    are not the domain's go through Rasa's replay."""
    slots = {slot.name: type(slot) for slot in domain.slots}
    if (
        current_tracker.is_rule_tracker
        or current_tracker.idx_after_latest_restart() != 0
        or type(current_tracker.slots) is not dict
        or slots != {name: type(slot) for name, slot in current_tracker.slots.items()}
    ):
        return _rasa_temporary_tracker(self, current_tracker, additional_events, domain)
    tracker = copy_tracker(current_tracker)
    requested = SlotSet(REQUESTED_SLOT, self.get_slot_to_fill(current_tracker))
    for event in [requested, ActionExecuted(self.name()), *additional_events]:
        tracker.update(event)
    return tracker
