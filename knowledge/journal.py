"""Cases waiting for the store.

`lbdoctor diagnose` appends the case as one JSON line and returns: opening the store (SQLAlchemy,
a connection, the schema check) would cost the user more than the diagnosis. The next process that
opens the store (the bot's action server, the knowledge API, `lbdoctor ask`, `lbdoctor knowledge`)
records the waiting cases, with their own id and time. The journal of a SQLite store lies beside
its file; of another database, in the data folder under a name derived from its URL.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from knowledge.lazylog import LazyLogger
from knowledge.settings import data_home

__all__ = ["Journal"]

log = LazyLogger(__name__)


def _uuid4() -> str:
    """A random UUID, as the store's case ids are, without the uuid module (its import, which
    loads `platform`, is a tenth of a command line's start)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_database(cls, database_url: str) -> Journal:
        prefix = "sqlite:///"
        if database_url.startswith(prefix) and len(database_url) > len(prefix):
            return cls(Path(database_url[len(prefix) :].split("?")[0] + ".pending.jsonl"))
        name = hashlib.sha256(database_url.encode()).hexdigest()[:16]
        return cls(data_home() / "pending" / f"{name}.jsonl")

    def append(self, case: dict[str, Any]) -> dict[str, Any]:
        """Write the case (given an id and a time) for the store to take later."""
        entry = {
            "id": _uuid4(),
            "created_at": datetime.now(timezone.utc).isoformat(),
            **case,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write of one line in append mode: concurrent writers do not interleave lines.
        line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode()
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line)
        finally:
            os.close(descriptor)
        return entry

    def take(self) -> tuple[list[dict[str, Any]], list[Path]]:
        """The waiting cases and the files they came from (delete those once stored). The
        journal is renamed first, so cases appended meanwhile wait for the next taker."""
        if self.path.exists():
            try:
                os.replace(self.path, self.path.with_name(f"{self.path.name}.{_uuid4()}.taken"))
            except OSError as exc:
                log.warning("cannot take the case journal %s: %s", self.path, exc)
        files = sorted(self.path.parent.glob(f"{self.path.name}.*.taken"))
        cases = []
        for file in files:
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                try:
                    case = json.loads(line)
                    case["created_at"] = datetime.fromisoformat(case["created_at"])
                except (ValueError, KeyError, TypeError) as exc:
                    log.warning("skipping line %d of %s: %s", number, file, exc)
                    continue
                cases.append(case)
        return cases, files
