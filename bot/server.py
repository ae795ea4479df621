"""Rasa's server for LB Doctor: `rasa run`, with these changes made in-process.

- The API token comes from the environment (LBDOCTOR_API_TOKEN), never from the command line,
  which any local user can read in /proc; `--enable-api` without a token or a JWT refuses to
  start rather than serve an open API.
- A message longer than MESSAGE_LIMIT is not given to NLU (about 13 ms per KB on our model, all
  of it on the event loop every user of this server shares): it is logged as an
  `nlu_fallback` with a short excerpt of its text, and `message_too_long` in its parse data for
  the actions to say why, in the user's language, in the channel's normal flow.
- The SQL tracker store keeps recent conversations in memory between turns, checked against
  the database at each turn (bot/tracker_cache.py).
- Calls to the action server (and any other endpoint) share one client session and its pooled
  connections (Rasa 3.6 opens a new session and connection for each call).
- NLU reads the user's words of a message, not a paste, at most NLU_CHARS characters.
- A brand-new conversation starts its session in Rasa, without a call to the action server.
- Rasa's graphs (NLU, the policies) run node by node in order instead of through dask's
  scheduler (bot/graph_runner.py), and DIET's intent scores are computed with NumPy from its
  layers' weights instead of a padded batch through TensorFlow (bot/diet_inference.py).
- A tracker is copied (before each action, and for a form's validation) from its state, not by
  replaying all its events (bot/tracker_copy.py).
- The action server's responses are validated against Rasa's schema by a validator built once
  that checks each event against its own type's branch only (bot/action_response.py).
- A turn the bot cannot finish because the action server, the tracker store or the lock store
  does not answer gets a plain answer in the user's language ("I can't diagnose right now")
  instead of silence, and is not saved: the conversation stays at the same question, and the
  next message is served normally once the part is back (Rasa's own fallback, an empty
  conversation in memory, is turned off). Pooled database connections are checked before use,
  so the first turn after a PostgreSQL restart does not fail too.

Rasa 3.6 checks every action-server response with `jsonschema.validate(result, spec)`, which
checks the (constant) spec against the metaschema again on every call and tries each of the 23
event types' branches for every event: together most of a turn's time in Rasa outside NLU. Run
with .venv-rasa's Python, in bot/:
`python server.py run --model … [the usual `rasa run` options]`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import gc
import logging
import os
import re
import sys
import weakref
from functools import cache
from pathlib import Path
from typing import Any

import aiohttp
import diet_inference
import graph_runner  # bot/ is the working directory
import rasa
import rasa.core.run
import rasa.core.tracker_store
import yaml
from action_response import response_validator
from rasa.core.actions.action import ActionSessionStart, RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.constants import ACTION_SESSION_START_NAME, SESSION_START_METADATA_SLOT
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import InterfaceError, OperationalError
from tracker_cache import CachedSQLTrackerStore
from tracker_copy import copy_tracker, temporary_tracker

# Characters. A pasted Service (`kubectl get svc -o yaml`) is 2-10 KB and an error a few lines:
# 64 KB leaves room for both several times over, and bounds a message's NLU to about a second.
MESSAGE_LIMIT = 64 * 1024
# What is kept of a longer message: enough for the actions to tell its language.
EXCERPT = 1000
# What NLU reads of a message, from both ends: the user's own words, not a paste.
NLU_CHARS = 400
# A line of a paste: YAML or JSON (`key: value`, an indented or `- ` line, braces), a comment,
# a shell prompt, or a table row (`kubectl get` columns).
_PASTED = re.compile(
    r"\s{2,}|\s*(?:[-\w./\"']+\s*:(?:\s|$)|[-{}\[\]#<>]|\$(?:\s|$)|\S+(?:\s{2,}\S+){2,})"
)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    # As `jsonschema.validate` does: the best match among the errors is the one raised.
    error = response_validator().best_error(result)
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


_parse_message = MessageProcessor.parse_message


async def _parse_words(
    self: MessageProcessor, message: UserMessage, *args: Any, **kwargs: Any
) -> dict[str, Any]:
    """NLU reads the user's words, not what they paste: a pasted Service or log costs NLU about
    13 ms per KB and says nothing more about the intent (a paste alone: its beginning). At
    most NLU_CHARS characters, half from each end. The actions read the whole message."""
    text = message.text
    if not isinstance(text, str) or len(text) <= NLU_CHARS:
        return await _parse_message(self, message, *args, **kwargs)
    words = "\n".join(line for line in text.splitlines() if not _PASTED.match(line)).strip()
    if not words:
        words = text[:EXCERPT]  # a paste alone: its beginning says what it is
    elif len(words) > NLU_CHARS:
        words = f"{words[: NLU_CHARS // 2]}\n{words[-NLU_CHARS // 2 :]}"
    read = copy.copy(message)
    read.text = words
    parsed: dict[str, Any] = await _parse_message(self, read, *args, **kwargs)
    parsed["text"] = text
    return parsed


log = logging.getLogger("lbdoctor.server")
# The catalogs the actions speak from (knowledge/messages), read as plain YAML: the knowledge
# package itself lives in the other virtualenv.
MESSAGES = Path(__file__).resolve().parent.parent / "knowledge" / "messages"
# The stores' errors that mean "not reachable now", as opposed to a bug.
STORE_DOWN = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
# Whether this task is answering a user's message (Agent.handle_message): only there is an
# ActionServerDown caught. Rasa's HTTP API and reminders run actions too, and would let it out.
_IN_TURN: contextvars.ContextVar[bool] = contextvars.ContextVar("lbdoctor_in_turn", default=False)


class ActionServerDown(BaseException):
    """The action server did not answer. A BaseException on purpose: Rasa's processor catches
    every Exception from an action, drops its events and goes on predicting, so the turn would
    end in silence (or in one failed call after another); this one reaches `_handle_message`."""

    def __init__(self, language: str | None) -> None:
        super().__init__(language)
        self.language = language


@cache
def _catalog(lang: str) -> dict[str, str]:
    messages: dict[str, str] = yaml.safe_load((MESSAGES / f"{lang}.yaml").read_text("utf-8"))
    return messages


def _say(key: str, language: str | None) -> str:
    default = "pt" if os.environ.get("LBDOCTOR_LANG", "").lower().startswith("pt") else "en"
    return _catalog(language if language in ("en", "pt") else default)[key]


_run_remote_action = RemoteAction.run


async def _run_or_report_down(
    self: RemoteAction, output_channel: Any, nlg: Any, tracker: DialogueStateTracker, domain: Any
) -> Any:
    try:
        return await _run_remote_action(self, output_channel, nlg, tracker, domain)
    except RasaException as exc:
        # Unreachable, gone mid-call, or failing with a 5xx: Rasa raises with the cause chained.
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, (aiohttp.ClientError, asyncio.TimeoutError)) and _IN_TURN.get():
            log.warning("action %s: the action server did not answer: %s", self.name(), cause)
            raise ActionServerDown(tracker.get_slot("language")) from None
        raise


_endpoint_session = EndpointConfig.session
# Per event loop (a session belongs to the loop it was made in), per endpoint.
_SESSIONS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, ...], Any]] = (
    weakref.WeakKeyDictionary()
)
# Seconds an idle connection is kept: below the action server's own keep-alive (Sanic's 5 s),
# so a connection is never reused just as the other side closes it.
KEEP_ALIVE = 2.0


def _kept_session(self: EndpointConfig) -> Any:
    """One client session per endpoint and event loop, its connections pooled. Rasa 3.6 makes a
    new session, and a new connection, for every call to an endpoint (the action server; any
    other endpoint configured, too)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return _endpoint_session(self)
    sessions = _SESSIONS.setdefault(loop, {})
    key = (str(self.url), repr(self.headers), repr(self.basic_auth))
    session = sessions.get(key)
    if session is None or session.closed:
        # Rasa's own settings (EndpointConfig.session); as many connections as turns need
        # (Rasa's one session per call had no shared limit either), kept briefly.
        auth = self.basic_auth
        session = sessions[key] = aiohttp.ClientSession(
            headers=self.headers,
            auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if auth else None,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEP_ALIVE),
        )
    # `async with` it without closing it: the next call uses it again.
    return contextlib.nullcontext(session)


_update_tracker_session = MessageProcessor._update_tracker_session


async def _start_new_conversations_here(
    self: MessageProcessor,
    tracker: DialogueStateTracker,
    output_channel: Any,
    metadata: dict[str, Any] | None = None,
) -> None:
    """A brand-new conversation (not one event yet) has no slot to carry over and no diagnosis
    to ask about: Rasa's own session start does what our action server's would (see
    actions/conversation.py), without a call to it on the first turn. A session that expires
    in a conversation still goes to the action server."""
    if tracker.events:
        return await _update_tracker_session(self, tracker, output_channel, metadata)
    if metadata:
        tracker.update(SlotSet(SESSION_START_METADATA_SLOT, metadata), self.domain)
    await self._run_action(
        action=ActionSessionStart(),
        tracker=tracker,
        output_channel=output_channel,
        nlg=self.nlg,
        prediction=PolicyPrediction.for_action_name(self.domain, ACTION_SESSION_START_NAME),
    )
    return None


_agent_handle_message = Agent.handle_message


async def _handle_message(self: Agent, message: UserMessage) -> Any:
    """Agent.handle_message (lock, then the turn); a part that does not answer gets the user a
    plain answer, and the unfinished turn is not saved."""
    turn = _IN_TURN.set(True)
    try:
        return await _agent_handle_message(self, message)
    except ActionServerDown as down:
        key, language = "unavailable_actions", down.language
    except LockError as exc:
        if isinstance(exc.__context__, STORE_DOWN):  # Rasa wraps Redis's own errors in it
            log.warning("the lock store did not answer; turn not saved")
            key, language = "unavailable_storage", None
        else:  # the wait for the user's previous message, still being answered, ran out
            log.warning("conversation busy; message not taken")
            key, language = "busy", None
    except STORE_DOWN as exc:
        # One line, no traceback: it says which part, and the part's own log says why.
        log.warning("a store did not answer; turn not saved: %s", type(exc).__name__)
        key, language = "unavailable_storage", None
    finally:
        _IN_TURN.reset(turn)
    try:
        await message.output_channel.send_text_message(message.sender_id, _say(key, language))
    except Exception as exc:  # the channel itself is down: nothing more to tell the user
        log.warning("could not tell the user: %s", exc)
    return None


def _raise(self: FailSafeTrackerStore, error: Exception) -> None:
    """Rasa's tracker store wrapper would carry on with an empty conversation in memory: the
    user asked everything again, and what they say meanwhile lost once the database is back.
    Raised instead, the turn gets `_handle_message`'s answer and nothing is kept apart."""
    raise error


_engine_kwargs = rasa.core.tracker_store.create_engine_kwargs


def _engine_kwargs_pre_ping(url: Any) -> dict[str, Any]:
    # A connection from before a database restart is dead; without this the first turn after
    # the restart fails on it.
    return {**_engine_kwargs(url), "pool_pre_ping": True}


_load_agent_on_start = rasa.core.run.load_agent_on_start


async def _load_agent_and_freeze(*args: Any, **kwargs: Any) -> Any:
    """Rasa's model loading at start, then what it loaded (TensorFlow, the graphs: millions of
    objects that live as long as the server) is set apart from the garbage collector. Without
    it, a full collection every few hundred turns walks them all and holds one user's turn for
    about a quarter of a second (measured in this server). A model replaced through the HTTP API
    (`PUT /model`) leaves the old one's frozen objects in memory: LB Doctor changes models by
    restarting Rasa (scripts/serve.py)."""
    agent = await _load_agent_on_start(*args, **kwargs)
    gc.collect()
    gc.freeze()
    return agent


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


def install() -> None:
    """This module's changes to Rasa, in this process."""
    # The replaced methods are Rasa 3.6's: another version must be looked at again.
    if not rasa.__version__.startswith("3.6."):
        raise SystemExit(f"bot/server.py is written for Rasa 3.6, not {rasa.__version__}")
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    DaskGraphRunner.run = graph_runner.run  # type: ignore[method-assign]
    DIETClassifier._predict = diet_inference.predict  # type: ignore[method-assign]
    DialogueStateTracker.copy = copy_tracker  # type: ignore[method-assign]
    FormAction._temporary_tracker = temporary_tracker  # type: ignore[method-assign]
    MessageProcessor.log_message = _log_cut_message  # type: ignore[method-assign]
    MessageProcessor.parse_message = _parse_words  # type: ignore[method-assign]
    MessageProcessor._update_tracker_session = _start_new_conversations_here  # type: ignore[method-assign]
    RemoteAction.run = _run_or_report_down  # type: ignore[method-assign]
    EndpointConfig.session = _kept_session  # type: ignore[method-assign]
    Agent.handle_message = _handle_message  # type: ignore[method-assign]
    # serve_application registers it by this module-level name.
    rasa.core.run.load_agent_on_start = _load_agent_and_freeze
    rasa.core.tracker_store.create_engine_kwargs = _engine_kwargs_pre_ping
    FailSafeTrackerStore.on_tracker_store_error = _raise  # type: ignore[method-assign]
    FailSafeTrackerStore.on_tracker_store_retrieve_error = _raise  # type: ignore[method-assign]
    # `type: SQL` in the endpoints files builds this module-level name's class.
    rasa.core.tracker_store.SQLTrackerStore = CachedSQLTrackerStore  # type: ignore[misc]


def main() -> None:
    install()
    if timings := os.environ.get("LBDOCTOR_TURN_TIMINGS"):
        import turn_timings  # bot/ is the working directory

        turn_timings.install(Path(timings))
    from rasa.__main__ import main as rasa_main

    # /proc/<pid>/cmdline keeps the original command line: the token is added here only.
    sys.argv = ["rasa", *rasa_arguments(sys.argv[1:], dict(os.environ))]
    rasa_main()


if __name__ == "__main__":
    main()
