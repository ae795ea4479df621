"""Who may post to the Teams endpoint: the Bot Connector service, proven by its JWT.

The checks are Microsoft's "Connector to Bot" list (Authentication with the Bot Connector
API): a Bearer token, RS256 only, signed by a key (by `kid`) of the JWKS that the OpenID
metadata names, issuer `https://api.botframework.com`, audience our app id, within its validity
with five minutes' skew, and a `serviceurl` claim equal to the activity's `serviceUrl`. The last
one matters most: replies carry our own token to that URL.

Errors::

    AuthError            the request is refused: 401, or 403 for a key not endorsed for the
                         activity's channel (as the Bot Framework documents)
      KeysUnavailable    no keys could be fetched yet: 503, nothing can be checked
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
import jwt

__all__ = ["DEFAULT_OPENID_METADATA_URL", "AuthError", "BotFrameworkAuth", "KeysUnavailable"]

log = logging.getLogger(__name__)

DEFAULT_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
ISSUER = "https://api.botframework.com"
LEEWAY = 300  # seconds of clock skew, as the Bot Framework allows
# Keys are stable (the SDKs cache them for days); an unknown kid may mean a rotation, but a
# flood of made-up kids must not turn into a flood of requests to the JWKS.
MAX_KEY_AGE = 24 * 3600
UNKNOWN_KID_REFRESH_INTERVAL = 60
RETRY_AFTER_FAILURE = 10


class AuthError(Exception):
    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.status = status


class KeysUnavailable(AuthError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason, 503)


class BotFrameworkAuth:
    """Validates the Bot Connector's tokens for one app id; keys fetched lazily and cached."""

    def __init__(self, app_id: str, metadata_url: str = DEFAULT_OPENID_METADATA_URL) -> None:
        self.app_id = app_id
        self.metadata_url = metadata_url
        self._keys: dict[str, dict[str, Any]] = {}
        self._next_refresh = 0.0  # monotonic time; the first request fetches the keys
        self._unknown_kid_refresh_at = -float(UNKNOWN_KID_REFRESH_INTERVAL)
        self._lock = asyncio.Lock()

    async def claims(
        self, session: aiohttp.ClientSession, authorization: str, activity: Any
    ) -> dict[str, Any]:
        """The token's claims if `authorization` proves the activity came from the Bot
        Connector; AuthError otherwise."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("no Bearer token")
        try:
            header = jwt.get_unverified_header(token.strip())
        except jwt.PyJWTError as exc:
            raise AuthError(f"not a JWT: {exc}") from exc
        if header.get("alg") != "RS256":
            raise AuthError(f"algorithm {header.get('alg')!r} refused (RS256 only)")
        key = await self._key(session, str(header.get("kid", "")))
        try:
            claims: dict[str, Any] = jwt.decode(
                token.strip(),
                jwt.PyJWK(key, "RS256"),
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=ISSUER,
                leeway=LEEWAY,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"token refused: {exc}") from exc
        if not isinstance(activity, dict):
            raise AuthError("the body is not an activity")
        # Real tokens spell it "serviceurl"; the documentation says "serviceUrl".
        claimed = claims.get("serviceurl", claims.get("serviceUrl"))
        if not claimed or claimed != activity.get("serviceUrl"):
            raise AuthError("the token's serviceurl is not the activity's serviceUrl")
        endorsements = key.get("endorsements")
        channel = activity.get("channelId")
        if channel and isinstance(endorsements, list) and channel not in endorsements:
            raise AuthError(f"the signing key is not endorsed for channel {channel!r}", 403)
        return claims

    async def _key(self, session: aiohttp.ClientSession, kid: str) -> dict[str, Any]:
        async with self._lock:
            now = time.monotonic()
            if now >= self._next_refresh:
                await self._refresh(session)
            elif (
                kid not in self._keys
                and now - self._unknown_kid_refresh_at > UNKNOWN_KID_REFRESH_INTERVAL
            ):
                self._unknown_kid_refresh_at = now
                log.info("Teams: unknown signing key %r, fetching the keys again", kid)
                await self._refresh(session)
        if kid not in self._keys:
            raise AuthError(f"unknown signing key {kid!r}")
        return self._keys[kid]

    async def _refresh(self, session: aiohttp.ClientSession) -> None:
        self._next_refresh = time.monotonic() + RETRY_AFTER_FAILURE
        try:
            metadata = await _get_json(session, self.metadata_url)
            jwks = await _get_json(session, str(metadata["jwks_uri"]))
            keys = {str(key["kid"]): key for key in jwks["keys"] if key.get("kty") == "RSA"}
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError) as exc:
            # The old keys stay; the fetch is tried again a little later.
            log.error("Teams: could not fetch the signing keys from %s: %s", self.metadata_url, exc)
            if not self._keys:
                raise KeysUnavailable("signing keys unavailable") from exc
            return
        self._keys = keys
        self._next_refresh = time.monotonic() + MAX_KEY_AGE


async def _get_json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
        response.raise_for_status()
        return await response.json(content_type=None)
