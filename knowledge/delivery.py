"""Delivery of the handoff outbox (knowledge.outbox) to `LBDOCTOR_HANDOFF_URL`.

Each attempt is one POST in the configured format with `Idempotency-Key: <case number>`.
Connection errors, time-outs, 408, 429 and 5xx are retried with exponential backoff (capped,
with jitter, never sooner than a Retry-After asks); any other 4xx marks the handoff failed with
the reason (`lbdoctor cases deliver CASE` sends it again once the cause is fixed). Without a
URL, handoffs are only stored.

Whoever hosts a `Deliverer` calls `start()` (a thread that sends what is due now, which is what
a restart left behind, then whatever falls due) and `stop()`; `submit()` stores a bundle and
wakes that thread, or delivers at once when there is none (`lbdoctor cases deliver`).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from knowledge.errors import StoreError
from knowledge.handoff import Bundle
from knowledge.handoff_formats import webhook_body
from knowledge.outbox import (
    HandoffRecord,
    claim,
    due,
    enqueue,
    get_handoff,
    mark_delivered,
    mark_failed,
    next_due,
    reopen,
    schedule_retry,
)
from knowledge.settings import Settings
from knowledge.store import Store

__all__ = ["Backoff", "Deliverer"]

log = logging.getLogger(__name__)

_RETRIED_4XX = (408, 429)
# A Retry-After beyond a day is taken as a day: a bad header must not park a case for ever.
_RETRY_AFTER_LIMIT = 86400.0


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt n+1 after n failed ones: base·2ⁿ⁻¹ capped, with "equal jitter"
    (half fixed, half random) so replicas that failed together do not retry together."""

    base: float = 2.0
    cap: float = 900.0
    rng: Callable[[], float] = random.random

    def delay(self, failures: int) -> float:
        step = min(self.cap, self.base * 2.0 ** max(0, failures - 1))
        return step / 2 + self.rng() * step / 2


@dataclass(frozen=True)
class _Result:
    delivered: bool = False
    retry: bool = False
    error: str = ""
    retry_after: float | None = None


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), _RETRY_AFTER_LIMIT)


def _excerpt(response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:200]
    return f"HTTP {response.status_code}" + (f": {text}" if text else "")


class Deliverer:
    def __init__(
        self,
        store: Store,
        url: str | None,
        fmt: str = "json",
        *,
        timeout: float = 10.0,
        backoff: Backoff | None = None,
        transport: httpx.BaseTransport | None = None,
        poll: float = 30.0,
    ) -> None:
        self.store = store
        self.url = url
        self.fmt = fmt
        self.backoff = backoff or Backoff()
        self.poll = poll
        # An attempt holds its case this long; one cut short by a crash is retried after it.
        self._lease = timedelta(seconds=4 * timeout + 60)
        self._client = httpx.Client(timeout=timeout, transport=transport)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(cls, settings: Settings, store: Store, **options: Any) -> Deliverer:
        return cls(store, settings.handoff_url, settings.handoff_format, **options)

    # --- sending -------------------------------------------------------------------------------

    def submit(self, bundle: Bundle) -> HandoffRecord:
        """Store the bundle (redacted) first, then have it delivered; returns it as stored."""
        with self.store.session() as session:
            record = enqueue(session, bundle)
        if self._thread is not None:
            self._wake.set()
            return record
        try:
            self.deliver_due()
            return self.get(record.case) or record
        except StoreError as exc:
            # Stored is what matters: the next deliver_due() or start() sends it.
            log.warning("handoff %s stored, delivery put off: %s", record.case, exc)
            return record

    def deliver_due(self, *, scheduled: bool = True) -> list[HandoffRecord]:
        """One attempt at each handoff that is due (every pending one with scheduled=False);
        returns them after the attempt. Nothing is sent without a URL."""
        if self.url is None:
            return []
        with self.store.session() as session:
            pending = due(session, scheduled=scheduled)
        done = [self._attempt(record) for record in pending]
        return [record for record in done if record is not None]

    def redeliver(self, cases: Sequence[str]) -> list[HandoffRecord]:
        """These cases (failed ones too) sent now, with every other pending one; a case that
        does not exist is left out of the answer."""
        with self.store.session() as session:
            found = set(reopen(session, cases))
        self.deliver_due(scheduled=False)
        return [record for case in cases if case in found and (record := self.get(case))]

    def get(self, case: str) -> HandoffRecord | None:
        with self.store.session() as session:
            return get_handoff(session, case)

    def _attempt(self, record: HandoffRecord) -> HandoffRecord | None:
        assert self.url is not None
        with self.store.session() as session:
            claimed = claim(session, record, self._lease)
        if claimed is None:
            return None  # another deliverer took it
        result = self._post(self.url, claimed)
        with self.store.session() as session:
            if result.delivered:
                mark_delivered(session, claimed.case)
                log.info("handoff %s delivered", claimed.case)
            elif result.retry:
                delay = max(self.backoff.delay(claimed.attempts), result.retry_after or 0.0)
                at = datetime.now(timezone.utc) + timedelta(seconds=delay)
                schedule_retry(session, claimed.case, result.error, at)
                log.warning(
                    "handoff %s not delivered (%s); retry in %.1fs",
                    claimed.case,
                    result.error,
                    delay,
                )
            else:
                mark_failed(session, claimed.case, result.error)
                log.error("handoff %s refused: %s", claimed.case, result.error)
            return get_handoff(session, claimed.case)

    def _post(self, url: str, record: HandoffRecord) -> _Result:
        try:
            response = self._client.post(
                url,
                json=webhook_body(record.bundle, self.fmt),
                headers={"Idempotency-Key": record.case},
            )
        except httpx.TimeoutException as exc:
            return _Result(retry=True, error=f"timed out ({exc.__class__.__name__})")
        except httpx.HTTPError as exc:
            return _Result(retry=True, error=f"{exc.__class__.__name__}: {exc}")
        if response.is_success:
            return _Result(delivered=True)
        if response.status_code in _RETRIED_4XX or response.is_server_error:
            after = _retry_after(response.headers.get("Retry-After"))
            return _Result(retry=True, error=_excerpt(response), retry_after=after)
        return _Result(error=_excerpt(response))

    # --- the loop ------------------------------------------------------------------------------

    def serve(self) -> None:
        """Deliver what is due until stop(): now, when submit() wakes it, when the next retry
        falls due, and every `poll` seconds for what other processes stored."""
        while not self._stopping.is_set():
            wait = self.poll
            try:
                self.deliver_due()
                with self.store.session() as session:
                    upcoming = next_due(session)
                if upcoming is not None and self.url is not None:
                    until = (upcoming - datetime.now(timezone.utc)).total_seconds()
                    wait = min(wait, max(until, 0.0))
            except StoreError as exc:
                # The database is away: the handoffs wait in it, try again later.
                log.warning("handoff delivery paused: %s", exc)
            except Exception:
                # The loop outlives any one failure: a dead loop would strand every case.
                log.exception("handoff delivery failed; trying again later")
            self._wake.wait(wait)
            self._wake.clear()

    def start(self) -> Deliverer:
        self._thread = threading.Thread(target=self.serve, name="handoff-delivery", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._client.close()
