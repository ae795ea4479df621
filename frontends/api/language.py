"""The answer's language: the request's own choice, else the browser's Accept-Language."""

from __future__ import annotations

__all__ = ["pick_language"]

LANGS = ("en", "pt")


def pick_language(chosen: str | None, accept_language: str | None, default: str) -> str:
    if chosen in LANGS:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGS and quality > 0:
            ranked.append((-quality, position, primary))
    return sorted(ranked)[0][2] if ranked else default
