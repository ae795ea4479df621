"""What the Slack and Teams connectors share to reach their APIs: a POST retried on 429, 5xx
and connection errors, waiting as `Retry-After` asks, else with exponential backoff."""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

__all__ = ["ATTEMPTS", "DeliveryError", "post_with_retries", "retry_delay"]

log = logging.getLogger(__name__)

ATTEMPTS = 5
MAX_DELAY = 60.0


class DeliveryError(Exception):
    """The service did not take a request, retries included, or refused it."""


def retry_delay(attempt: int, retry_after: str | None) -> float:
    """Seconds to wait before attempt `attempt + 1`: the server's `Retry-After` (seconds or an
    HTTP date) when it gives one, else exponential backoff."""
    if retry_after:
        try:
            seconds = float(retry_after)
        except ValueError:
            try:
                seconds = parsedate_to_datetime(retry_after).timestamp() - time.time()
            except (TypeError, ValueError):
                seconds = 0.5 * 2**attempt
        return min(max(seconds, 0.0), MAX_DELAY)
    return min(0.5 * 2**attempt, MAX_DELAY)


async def post_with_retries(
    session: aiohttp.ClientSession, url: str, service: str, **kwargs: Any
) -> tuple[int, str]:
    """POST with retries on 429, 5xx and connection errors; the final status and body.
    `service` names the API in the log ("Slack", "Teams")."""
    failure = ""
    for attempt in range(ATTEMPTS):
        retry_after = None
        try:
            async with session.post(
                url, timeout=aiohttp.ClientTimeout(total=30), **kwargs
            ) as answer:
                text = await answer.text()
                if answer.status != 429 and answer.status < 500:
                    return answer.status, text
                retry_after = answer.headers.get("Retry-After")
                failure = f"{answer.status} {text[:200]}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            failure = repr(exc)
        if attempt + 1 < ATTEMPTS:
            delay = retry_delay(attempt, retry_after)
            log.warning("%s: %s answered %s; again in %.1f s", service, url, failure, delay)
            await asyncio.sleep(delay)
    raise DeliveryError(f"{url} failed {ATTEMPTS} times, last: {failure}")
