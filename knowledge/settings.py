"""Settings, loaded once from the environment and passed explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings"]


def _default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lbdoctor"


def _default_database_url() -> str:
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{data_home / 'lbdoctor' / 'lbdoctor.db'}"


@dataclass(frozen=True)
class Settings:
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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        playbook = env.get("LBDOCTOR_PLAYBOOK")
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
        )
