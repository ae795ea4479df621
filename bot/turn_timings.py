"""Where a turn's server time goes: one JSON line per handled message, for `make bench`.

Turned on by `LBDOCTOR_TURN_TIMINGS=<file>` (bot/server.py). The turn is Rasa's
`MessageProcessor.handle_message`; inside it are timed the NLU (`parse_message`), the calls to
the action server (`RemoteAction.run`) and the SQL tracker store (reads and `save`). What is
left is Rasa's own work: the policies, the events, the channel. Timings of one turn are kept in
a context variable, so concurrent conversations do not mix.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import rasa.core.tracker_store
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor

_PARTS = ("nlu", "action_server", "tracker_store")
_turn: ContextVar[dict[str, float] | None] = ContextVar("lbdoctor_turn", default=None)

AsyncMethod = Callable[..., Awaitable[Any]]


def _timed(part: str, method: AsyncMethod) -> AsyncMethod:
    @functools.wraps(method)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await method(*args, **kwargs)
        finally:
            spent = _turn.get()
            if spent is not None:
                spent[part] += time.perf_counter() - started

    return wrapper


def _turns(method: AsyncMethod, out: Path) -> AsyncMethod:
    @functools.wraps(method)
    async def wrapper(self: MessageProcessor, message: Any) -> Any:
        spent = dict.fromkeys(_PARTS, 0.0)
        token = _turn.set(spent)
        started = time.perf_counter()
        try:
            return await method(self, message)
        finally:
            total = time.perf_counter() - started
            _turn.reset(token)
            line = {"total_ms": total * 1000} | {f"{p}_ms": spent[p] * 1000 for p in _PARTS}
            line["rasa_other_ms"] = line["total_ms"] - sum(spent.values()) * 1000
            # One short line per turn, appended: a benchmark's file, not a log to rotate.
            with out.open("a", encoding="utf-8") as file:
                file.write(json.dumps({k: round(v, 3) for k, v in line.items()}) + "\n")

    return wrapper


def install(out: Path) -> None:
    MessageProcessor.handle_message = _turns(MessageProcessor.handle_message, out)  # type: ignore[method-assign]
    MessageProcessor.parse_message = _timed("nlu", MessageProcessor.parse_message)  # type: ignore[method-assign]
    RemoteAction.run = _timed("action_server", RemoteAction.run)  # type: ignore[method-assign]
    # The class `type: SQL` builds, once bot/server.py has installed its own (bot/tracker_cache.py).
    store = rasa.core.tracker_store.SQLTrackerStore
    for name in ("retrieve", "retrieve_full_tracker", "save"):
        setattr(store, name, _timed("tracker_store", getattr(store, name)))
