"""Classify a pasted error message: what kind of failure, and which address and port it names."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "ErrorReport",
    "classify_error",
    "error_line",
    "first_address",
    "names_a_failure",
    "strip_tool_output",
]

# Checked in order: the first kind whose pattern matches wins.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "upstream-reset",
        re.compile(
            r"upstream connect error or disconnect/reset before headers|reset reason: connection failure"
            r"|upstream_reset|\bUF\b,?\s*URX",
            re.IGNORECASE,
        ),
    ),
    (
        "connection-refused",
        re.compile(
            r"connection refused|ECONNREFUSED|curl: \(7\)|conex[aã]o recusada|connect: connection refused"
            r"|recusou a conex[aã]o|no route to host",
            re.IGNORECASE,
        ),
    ),
    (
        "connection-reset",
        re.compile(
            r"connection reset by peer|ECONNRESET|curl: \(56\)|conex[aã]o redefinida", re.IGNORECASE
        ),
    ),
    (
        "timeout",
        re.compile(
            r"timed out|timeout|curl: \(28\)|deadline exceeded|tempo esgotado|tempo limite",
            re.IGNORECASE,
        ),
    ),
)

# Any kind at all, over lower-cased text (much faster than IGNORECASE on a long paste): finds
# the first error line in one pass. The patterns hold only lower-case escapes (\b \d \s \().
_ANY_KIND = re.compile("|".join(f"(?:{pattern.pattern.lower()})" for _, pattern in _KINDS))

_IP = r"(?:\d{1,3}\.){3}\d{1,3}"
_TARGETS = (
    re.compile(rf"(?P<ip>{_IP})\s+port\s+(?P<port>\d{{1,5}})", re.IGNORECASE),  # curl
    re.compile(rf"(?P<ip>{_IP}):(?P<port>\d{{1,5}})\b"),  # dial tcp, URLs, envoy
    re.compile(rf"(?P<ip>{_IP})\s+porta\s+(?P<port>\d{{1,5}})", re.IGNORECASE),
    re.compile(rf"(?P<ip>{_IP})"),
)


@dataclass(frozen=True)
class ErrorReport:
    """What an error line says: its kind and the address and port it names."""

    kind: str  # connection-refused | upstream-reset | connection-reset | timeout | other
    ip: str | None = None
    port: int | None = None

    @property
    def is_faq_symptom(self) -> bool:
        """The two errors the FAQ quotes (an Envoy reset and curl's refused connection)."""
        return self.kind in ("connection-refused", "upstream-reset")


def _valid_ip(ip: str) -> bool:
    return all(0 <= int(part) <= 255 for part in ip.split("."))


def first_address(text: str) -> tuple[str, int | None] | None:
    """The first valid IPv4 address an error names, with its port when it gives one."""
    for pattern in _TARGETS:
        for match in pattern.finditer(text):
            ip = match.group("ip")
            if not _valid_ip(ip):
                continue
            port = match.groupdict().get("port")
            number = int(port) if port and 0 < int(port) <= 65535 else None
            return ip, number
    return None


def classify_error(text: str) -> ErrorReport:
    kind = next((name for name, pattern in _KINDS if pattern.search(text)), "other")
    found = first_address(text)
    return ErrorReport(kind, *found) if found else ErrorReport(kind)


# Tool output is English whatever the user speaks, and says nothing in the user's words.
_TOOL_OUTPUT = re.compile(
    r"(curl: \(\d+\)|upstream connect error|dial tcp|error: connect|wget:|java\.net\.|"
    r"requests\.exceptions|get \"https?:)[^\n]*",
    re.IGNORECASE,
)


def strip_tool_output(text: str) -> str:
    """The text without the lines' tool output (curl's, Envoy's, Go's dial errors…)."""
    return _TOOL_OUTPUT.sub(" ", text)


def names_a_failure(line: str) -> bool:
    """Whether the line is one of the failures an error classifies (refused, reset, …)."""
    return _ANY_KIND.search(line.lower()) is not None


def error_line(text: str, longest: int) -> str | None:
    """The first line (at most `longest` characters; longer ones are prose or dumps) that
    names a failure, stripped."""
    # Line by line: finding each match's line in the whole text was quadratic on a long line
    # full of failures.
    for line in text.split("\n"):
        if len(line) <= longest and names_a_failure(line):
            return line.strip()
    return None
