"""Run by tests/test_tracker_cache.py with .venv-rasa's Python, in bot/: what the cached
tracker store (bot/tracker_cache.py) hands back, next to what Rasa's own SQL store reads from
the same database, in each situation. Prints one JSON object of observations."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from tracker_cache import CachedSQLTrackerStore


def events(tracker: DialogueStateTracker | None) -> list[dict[str, Any]]:
    return [] if tracker is None else [event.as_dict() for event in tracker.events]


async def scenario(options: dict[str, Any]) -> dict[str, Any]:
    domain = Domain.empty()
    cached = CachedSQLTrackerStore(domain=domain, **options)
    rasa = SQLTrackerStore(domain=domain, **options)  # Rasa's own, another server in effect
    seen: dict[str, Any] = {}
    # Read with one query: no event in the session filter, so no tracker, as Rasa reads it.
    statements: list[str] = []

    def executed(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(cached.engine, "before_cursor_execute", executed)
    unknown = await cached.retrieve("nobody")
    sa.event.remove(cached.engine, "before_cursor_execute", executed)
    seen["unknown_conversation"] = [unknown, await rasa.retrieve("nobody"), len(statements)]

    # A new conversation as Rasa's processor starts it: `action_session_start` precedes the
    # `session_started` that Rasa reads back from; what is kept is what Rasa would read.
    tracker = await cached.get_or_create_tracker("ana", append_action_listen=False)
    tracker.update(ActionExecuted("action_session_start", timestamp=time.time() - 2))
    tracker.update(SessionStarted(timestamp=time.time() - 1))
    for number in range(5):
        tracker.update(UserUttered(f"message {number}"))
        tracker.update(ActionExecuted("action_listen"))
    await cached.save(tracker)
    seen["new_conversation_kept"] = "ana" in cached._kept  # its next turn reads no events
    first = await cached.retrieve("ana")
    seen["new_conversation_kept_as_rasa_reads_it"] = (
        events(first) == events(await rasa.retrieve("ana")) and len(events(first)) == 11
    )
    assert first is not None
    await cached.save(first)
    tracker = first

    again = await cached.retrieve("ana")
    seen["kept_after_save"] = again is tracker
    seen["kept_equals_database"] = events(again) == events(await rasa.retrieve("ana"))

    assert again is not None
    again.update(UserUttered("saved by the cached store"))
    await cached.save(again)
    seen["saved_rows_read_by_rasa"] = events(await rasa.retrieve("ana")) == events(again)

    other = await rasa.retrieve("ana")
    assert other is not None
    other.update(UserUttered("answered by another server"))
    await rasa.save(other)
    after_other = await cached.retrieve("ana")
    seen["after_other_server_not_kept"] = after_other is not again
    seen["after_other_server_last"] = after_other.latest_message.text if after_other else None

    assert after_other is not None
    await cached.save(after_other)
    after_other.update(UserUttered("a turn that failed before its save"))
    unsaved = await cached.retrieve("ana")
    seen["after_unsaved_turn_not_kept"] = unsaved is not after_other
    seen["after_unsaved_turn_last"] = unsaved.latest_message.text if unsaved else None

    assert unsaved is not None
    await cached.save(unsaved)
    unsaved.update(ActionExecuted("action_session_start"))
    unsaved.update(SessionStarted())
    unsaved.update(UserUttered("new session"))
    await cached.save(unsaved)
    new_session = await cached.retrieve("ana")
    seen["new_session_equals_database"] = events(new_session) == events(await rasa.retrieve("ana"))
    seen["new_session_events"] = len(events(new_session))

    await cached.save(new_session)  # type: ignore[arg-type]
    # Another server writes while this one's turn is on (no shared lock store): not kept.
    during = await cached.retrieve("ana")
    assert during is not None
    meanwhile = await rasa.retrieve("ana")
    assert meanwhile is not None
    meanwhile.update(UserUttered("written meanwhile by another server"))
    await rasa.save(meanwhile)
    during.update(UserUttered("this server's turn"))
    await cached.save(during)
    after = await cached.retrieve("ana")
    seen["written_during_a_turn_not_kept"] = after is not during
    assert after is not None
    await cached.save(after)
    # A new model's domain: nothing kept from the old one.
    cached.domain = Domain.empty()
    seen["new_domain_not_kept"] = await cached.retrieve("ana") is not after
    new_session = await cached.retrieve("ana")
    await cached.save(new_session)  # type: ignore[arg-type]
    with rasa.session_scope() as session:  # time moved back (a test of session expiry does)
        session.query(rasa.SQLEvent).filter(rasa.SQLEvent.sender_id == "ana").update(
            {rasa.SQLEvent.timestamp: rasa.SQLEvent.timestamp - 2 * 86400}
        )
        session.commit()
    earlier = await cached.retrieve("ana")
    seen["after_times_changed_not_kept"] = earlier is not new_session
    await cached.save(earlier)  # type: ignore[arg-type]
    with rasa.session_scope() as session:  # the conversation purged (lbdoctor purge)
        session.query(rasa.SQLEvent).filter(rasa.SQLEvent.sender_id == "ana").delete()
        session.commit()
    seen["after_purge"] = await cached.retrieve("ana")
    return seen


def main() -> None:
    options = json.loads(sys.argv[1])
    print(json.dumps(asyncio.run(scenario(options)), default=str))


if __name__ == "__main__":
    main()
