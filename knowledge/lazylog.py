"""A logger that imports `logging` on first use.

The modules a `lbdoctor diagnose` loads log only when something goes wrong; importing the logging
package up front cost every start about 8 ms."""

from __future__ import annotations

from typing import Any

__all__ = ["LazyLogger"]


class LazyLogger:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        import logging

        return getattr(logging.getLogger(self._name), attribute)
