"""Redaction of what a handoff carries out of the process: addresses, e-mails, hostnames,
tokens, keys and anything that looks like a secret become placeholders that keep their kind
(`[ipv4-1]`, `[email-2]`); the same value always gets the same placeholder within a case, so a
support engineer can still follow "the address in the error is the load balancer's".

What stays: Service names and namespaces (they have no dots), in-cluster DNS names
(`*.svc.cluster.local`), versions (`v1.25.3`), ports, and the public domains of the
documentation and APIs LB Doctor cites."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

__all__ = ["Redactor", "redact"]

# Hostnames kept: in-cluster names and the public domains of Kubernetes and Huawei Cloud.
_KEPT_DOMAINS = (
    "svc.cluster.local",
    "cluster.local",
    "svc",
    "kubernetes.io",
    "k8s.io",
    "huaweicloud.com",
    "myhuaweicloud.com",
    "github.com",
)
# Names that end like a file, not a host ("svc.yaml", "proxier.go").
_FILE_ENDINGS = frozenset(
    [
        "yaml",
        "yml",
        "json",
        "txt",
        "log",
        "md",
        "sh",
        "py",
        "go",
        "conf",
        "cfg",
        "ini",
        "toml",
        "xml",
        "html",
        "csv",
        "png",
        "svg",
        "tar",
        "gz",
        "tgz",
        "zip",
        "pem",
        "crt",
        "key",
        "j2",
        "lock",
    ]
)

_SECRET_KEY = (
    r"password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|"
    r"secret[_-]?(?:access[_-]?)?key|client[_-]?secret|private[_-]?key|credentials?"
)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # Order matters: the larger shapes first, so their parts are not taken on their own.
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")),
    ("url-password", re.compile(r"(?<=://)([^/\s:@]+):([^/\s@]+)(?=@)")),
    ("bearer", re.compile(r"(?i)(?<=\bbearer )[A-Za-z0-9._~+/-]{8,}=*")),
    (
        "secret",
        re.compile(
            rf"""(?ix)(?<![A-Za-z0-9])(?:{_SECRET_KEY})["']?\s*[:=]\s*["']?"""
            r"""(?P<value>[^\s"',;}]{4,})"""
        ),
    ),
    ("access-key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    # Huawei Cloud access keys: 20 upper-case letters and digits, with both.
    ("access-key", re.compile(r"\b(?=[0-9A-Z]*[0-9])(?=[0-9A-Z]*[A-Z])[0-9A-Z]{20}\b")),
    ("email", re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")),
    (
        "ipv4",
        re.compile(
            r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.]*\d)"
        ),
    ),
    ("ipv6", re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")),
    (
        "hostname",
        re.compile(
            # A host starts a word, or follows a URL's "//" or "@" (not a path's "/").
            r"(?:(?<![\w.@/-])|(?<=//)|(?<=@))"
            r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}\b(?![.-]\w)"
        ),
    ),
    # Long random-looking strings: letters of both cases and digits (hex digests are kept).
    (
        "secret",
        re.compile(
            r"(?<![\w/+=-])(?=[A-Za-z0-9+/_=-]*[a-z])(?=[A-Za-z0-9+/_=-]*[A-Z])(?=[A-Za-z0-9+/_=-]*\d)[A-Za-z0-9+/_=-]{32,}"
        ),
    ),
]


class Redactor:
    """One case's redaction: the same value gets the same placeholder across every call."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def placeholder(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._seen:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            self._seen[key] = f"[{kind}-{self._counts[kind]}]"
        return self._seen[key]

    def text(self, text: str) -> str:
        for kind, pattern in _PATTERNS:
            text = pattern.sub(self._replacer(kind), text)
        return text

    def value(self, value: Any) -> Any:
        """Strings inside any JSON-like value; keys stay (they name fields, not data)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return value

    def _replacer(self, kind: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            found = match.group(0)
            if found.startswith("[") or _is_placeholder_context(match):
                return found
            if kind == "secret" and match.groupdict().get("value"):
                value = match.group("value")
                if value.startswith("["):
                    return found
                start = match.start("value") - match.start()
                return found[:start] + self.placeholder("secret", value)
            if kind == "url-password":
                return f"{match.group(1)}:{self.placeholder('password', match.group(2))}"
            if kind == "ipv6" and not _is_ipv6(found):
                return found
            if kind == "hostname" and _kept_host(found):
                return found
            return self.placeholder(kind, found)

        return replace


def _is_placeholder_context(match: re.Match[str]) -> bool:
    # Inside a placeholder already written ("[ipv4-1]"): its digits are not an address.
    before = match.string[max(0, match.start() - 12) : match.start()]
    return "[" in before and "]" not in before


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _kept_host(name: str) -> bool:
    lowered = name.lower()
    if lowered.rsplit(".", 1)[-1] in _FILE_ENDINGS:
        return True
    return any(lowered == domain or lowered.endswith("." + domain) for domain in _KEPT_DOMAINS)


def redact(text: str) -> str:
    """One text on its own (a new Redactor: placeholders are numbered from 1)."""
    return Redactor().text(text)
