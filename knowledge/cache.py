"""The validated, compiled playbook kept on disk, so a fresh process skips the YAML parser, the
JSON schema and the carving when the playbook has not changed.

A cache file is keyed by the playbook's text and the code that reads it (`code_version()`). It is
read only from our own cache folder, only if we own it and nobody else may write it, and only if
its payload has the digest written beside it; anything else (corrupt, stale, foreign) is ignored
and written again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import cache
from pathlib import Path

import knowledge
from knowledge.compiled import CompiledPlaybook
from knowledge.errors import PlaybookError
from knowledge.lazylog import LazyLogger
from knowledge.playbook import BUNDLED_PLAYBOOK, Playbook, parse_playbook

__all__ = [
    "code_version",
    "compile_playbook",
    "load_compiled",
    "read_playbook_text",
    "read_private",
    "write_private",
]

log = LazyLogger(__name__)

_MAGIC = b"lbdoctor-compiled-playbook 1\n"
# The code whose changes make a cached playbook stale.
_CODE = ("playbook.py", "compiled.py", "cache.py", "playbooks/playbook.schema.json")


@cache
def code_version() -> str:
    digest = hashlib.sha256(f"{knowledge.__version__} {sys.version}".encode())
    for name in _CODE:
        digest.update((knowledge.HOME / name).read_bytes())
    return digest.hexdigest()[:16]


def read_playbook_text(path: str | Path | None) -> tuple[str, str]:
    """A playbook file's text and name for messages (None: the shipped playbook)."""
    if path is None:
        resource = knowledge.HOME / "playbooks" / BUNDLED_PLAYBOOK
        return resource.read_text(encoding="utf-8"), BUNDLED_PLAYBOOK
    file = Path(path)
    try:
        return file.read_text(encoding="utf-8"), str(file)
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError(str(file), "", f"cannot read the file: {exc}") from exc


def load_compiled(
    path: str | Path | None = None, cache_dir: Path | None = None
) -> tuple[Playbook, CompiledPlaybook]:
    """Load a playbook file (None: the shipped one) validated and compiled, from the cache when
    this text was compiled before by this code."""
    text, name = read_playbook_text(path)
    return compile_playbook(text, name, cache_dir)


def compile_playbook(
    text: str, name: str = "<playbook>", cache_dir: Path | None = None
) -> tuple[Playbook, CompiledPlaybook]:
    if cache_dir is None:
        playbook = parse_playbook(text, name)
        return playbook, CompiledPlaybook(playbook)
    key = hashlib.sha256(f"{code_version()}\n{text}".encode()).hexdigest()
    file = cache_dir / "playbooks" / f"{key[:32]}.pickle"
    cached = _read(file, key)
    if cached is not None and cached[0].text == text:
        return cached
    playbook = parse_playbook(text, name)
    compiled = CompiledPlaybook(playbook)
    _write(file, key, (playbook, compiled))
    return playbook, compiled


def read_private(file: Path) -> bytes | None:
    """A file of our cache folder, or None when it is missing, unreadable or not private to
    this user (in a folder others may write): what it holds is trusted, so only we may have
    written it."""
    try:
        with open(file, "rb") as handle:
            status = os.fstat(handle.fileno())
            data = handle.read()
    except OSError:
        return None
    if hasattr(os, "getuid") and (
        status.st_uid != os.getuid() or status.st_mode & 0o022 or file.parent.stat().st_mode & 0o022
    ):
        log.warning("ignoring %s: not private to this user", file)
        return None
    return data


def write_private(file: Path, data: bytes) -> bool:
    """Write a cache file in a folder only this user may write; False (logged) when it cannot."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        file.parent.chmod(0o700)
        import tempfile  # only when writing: most starts only read

        # Written aside and renamed: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, file)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("not cached at %s: %s", file, exc)
        return False
    return True


def _read(file: Path, key: str) -> tuple[Playbook, CompiledPlaybook] | None:
    data = read_private(file)  # unpickling runs code: only a file we wrote
    if data is None:
        return None
    header = _MAGIC + key.encode() + b"\n"
    if not data.startswith(header):
        return None
    digest, payload = data[len(header) : len(header) + 64], data[len(header) + 65 :]
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        log.warning("ignoring %s: damaged", file)
        return None
    try:
        loaded = pickle.loads(payload)
    except Exception:  # a payload from another version of a library: compile again
        return None
    if (
        isinstance(loaded, tuple)
        and len(loaded) == 2
        and isinstance(loaded[0], Playbook)
        and isinstance(loaded[1], CompiledPlaybook)
    ):
        return loaded[0], loaded[1]
    return None


def _write(file: Path, key: str, value: tuple[Playbook, CompiledPlaybook]) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    data = _MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n"
    write_private(file, data + payload)
