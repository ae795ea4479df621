"""Settings, loaded once from the environment and passed explicitly."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from knowledge.errors import LBDoctorError

__all__ = [
    "HANDOFF_FORMATS",
    "TRACKER_FILE",
    "Settings",
    "SettingsError",
    "data_home",
    "redacted_url",
    "state_dir",
]


_PASSWORD_PARAMETER = re.compile(r"(password=)[^&]*", re.IGNORECASE)


def redacted_url(url: str) -> str:
    """A database URL fit for a message or a log: its password shown as ***.

    Done on the text, not with SQLAlchemy's parser, so that a URL it cannot parse (the one
    most likely to be echoed in an error) or a password holding an unescaped `@` is hidden too:
    what comes before the last `@` after the user name is the password."""
    head, at, host = url.rpartition("@")
    if at:
        scheme = head[: head.index("//") + 2] if "//" in head else ""
        user, colon, _ = head[len(scheme) :].partition(":")
        url = f"{scheme}{user}{':***' if colon else ''}@{host}"
    return _PASSWORD_PARAMETER.sub(r"\1***", url)


HANDOFF_FORMATS = ("json", "slack", "teams")


class SettingsError(LBDoctorError):
    """A setting with a value LB Doctor cannot use; the message names the variable."""


def _handoff(env: Mapping[str, str]) -> tuple[str | None, str]:
    url = env.get("LBDOCTOR_HANDOFF_URL") or None
    fmt = (env.get("LBDOCTOR_HANDOFF_FORMAT") or "json").strip().lower()
    if fmt not in HANDOFF_FORMATS:
        raise SettingsError(
            f"LBDOCTOR_HANDOFF_FORMAT is {fmt!r}; valid values: {', '.join(HANDOFF_FORMATS)}"
        )
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            # Not echoed: a webhook URL carries its secret in the path.
            raise SettingsError(
                "LBDOCTOR_HANDOFF_URL must be an http:// or https:// URL with a host"
            )
    return url, fmt


def _retention_days(env: Mapping[str, str]) -> int | None:
    value = (env.get("LBDOCTOR_RETENTION_DAYS") or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"[0-9]+", value) or int(value) == 0:
        raise SettingsError(
            f"LBDOCTOR_RETENTION_DAYS is {value!r}; expected a positive whole number of days"
        )
    return int(value)


def _tracker_url(env: Mapping[str, str]) -> str:
    # Where scripts/serve.py has Rasa keep them: LBDOCTOR_TRACKER_URL, else the state folder.
    if env.get("LBDOCTOR_TRACKER_URL"):
        return env["LBDOCTOR_TRACKER_URL"]
    return f"sqlite:///{state_dir(env) / TRACKER_FILE}"


def _default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lbdoctor"


# Rasa's conversations in the state folder when LBDOCTOR_TRACKER_URL is not set.
TRACKER_FILE = "conversations.db"


def data_home(env: Mapping[str, str] = os.environ) -> Path:
    """LB Doctor's data folder: $XDG_DATA_HOME/lbdoctor, else ~/.local/share/lbdoctor."""
    return Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "lbdoctor"


def state_dir(env: Mapping[str, str]) -> Path:
    """Where the servers keep conversations, logs and the API token: LBDOCTOR_STATE_DIR, else
    the data folder."""
    return Path(env.get("LBDOCTOR_STATE_DIR") or data_home(env))


def _default_database_url() -> str:
    return f"sqlite:///{data_home() / 'lbdoctor.db'}"


@dataclass(frozen=True)
class Settings:
    """LB Doctor's settings (see from_env for the variables)."""

    database_url: str
    # None: the playbook shipped with the package.
    playbook_file: Path | None = None
    language: str = "en"
    # Kubernetes schema version rendered manifests are validated against; None: the newest bundled.
    kubernetes_version: str | None = None
    # The assistant `lbdoctor chat` talks to (Rasa's REST channel).
    rasa_url: str = "http://127.0.0.1:5005"
    # Trained answer models, kept between runs (keyed by the playbook and the code); None: none.
    cache_dir: Path | None = None
    # Publishing a playbook over the HTTP API needs this token (the one Rasa's API uses);
    # None: publishing is off.
    api_token: str | None = None
    # Where handoffs are POSTed, and in which form (HANDOFF_FORMATS); None: they are only stored.
    handoff_url: str | None = None
    handoff_format: str = "json"
    # Rasa's conversations (its SQL tracker store), which `lbdoctor purge` also thins out.
    tracker_url: str | None = None
    # Purge what is older than this many days on every start (`lbdoctor purge`); None: never.
    retention_days: int | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        playbook = env.get("LBDOCTOR_PLAYBOOK")
        handoff_url, handoff_format = _handoff(env)
        return cls(
            database_url=env.get("LBDOCTOR_DATABASE_URL") or _default_database_url(),
            playbook_file=Path(playbook) if playbook else None,
            language="pt" if env.get("LBDOCTOR_LANG", "").lower().startswith("pt") else "en",
            kubernetes_version=env.get("LBDOCTOR_KUBERNETES_VERSION") or None,
            rasa_url=f"http://127.0.0.1:{env.get('LBDOCTOR_RASA_PORT') or 5005}",
            cache_dir=Path(env["LBDOCTOR_CACHE_DIR"])
            if env.get("LBDOCTOR_CACHE_DIR")
            else _default_cache_dir(),
            api_token=env.get("LBDOCTOR_API_TOKEN") or None,
            handoff_url=handoff_url,
            handoff_format=handoff_format,
            tracker_url=_tracker_url(env),
            retention_days=_retention_days(env),
        )
