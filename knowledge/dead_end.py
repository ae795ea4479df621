"""When the bot hands a case to a person on its own (handoff reason `dead-end`), and why.

Three causes, each told to the user in their language (message `dead_end_<cause>`):
- `no-verdict`: the diagnosis is `out-of-scope`. The playbook's out-of-scope outcomes (a client
  outside the cluster, a Service without a load-balancer address) are the cases where the FAQ's
  failure does not arise, so the documentation says nothing about what the user sees.
  `unsupported` is not one: the FAQ answers it (that combination is not supported).
- `skipped`: the verdict `depends` on questions the user skipped.
- `not-understood`: the bot failed to understand the same question NOT_UNDERSTOOD_LIMIT times
  in a row (an understood answer or another question starts the count again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["NOT_UNDERSTOOD_LIMIT", "Misunderstood", "verdict_dead_end"]

NOT_UNDERSTOOD_LIMIT = 3

_BY_VERDICT = {"out-of-scope": "no-verdict", "depends": "skipped"}


def verdict_dead_end(verdict: str | None) -> str | None:
    """The dead-end cause a diagnosis with this verdict is, if it is one."""
    return _BY_VERDICT.get(verdict or "")


@dataclass(frozen=True)
class Misunderstood:
    """How many times in a row the open question's answer was not understood (kept in a slot)."""

    question: str
    times: int

    @classmethod
    def from_slot(cls, value: Any) -> Misunderstood | None:
        # The slot is ours, but a tracker can be forged: anything else counts as no count.
        if not isinstance(value, dict):
            return None
        question, times = value.get("question"), value.get("times")
        if isinstance(question, str) and isinstance(times, int) and not isinstance(times, bool):
            return cls(question, times)
        return None

    @classmethod
    def again(cls, previous: Any, question: str) -> Misunderstood:
        """One more failure on `question`: counted on from the last one only if it was the same."""
        last = cls.from_slot(previous)
        return cls(question, last.times + 1 if last and last.question == question else 1)

    @property
    def dead_end(self) -> bool:
        # Exactly at the limit: one handoff, not one per further failure.
        return self.times == NOT_UNDERSTOOD_LIMIT

    def to_slot(self) -> dict[str, Any]:
        return {"question": self.question, "times": self.times}
