"""The diagnosis as terminal text, and the exit codes of the terminal commands (`lbdoctor
diagnose` and `lbdoctor ask` share both)."""

from __future__ import annotations

from typing import Any, TextIO

__all__ = ["EXIT_BAD_INPUT", "EXIT_ERROR", "EXIT_OK", "render_text"]

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


def render_text(report: dict[str, Any], lang: str, out: TextIO) -> None:
    # Imported here: the exit codes above are all `lbdoctor --help` needs from this module.
    from frontends.wording import say

    headline = say("headline_" + report["verdict"], lang)
    out.write(f"{say('verdict', lang)}: {headline.upper()}\n\n{report['explanation']}\n")
    if report["fixes"]:
        out.write(f"\n{say('fixes', lang)}:\n")
    for number, fix in enumerate(report["fixes"], 1):
        tag = f" ({say('recommended', lang)})" if fix["recommended"] else ""
        out.write(f"\n{number}. {fix['title']}{tag}\n")
        for caveat in fix["caveats"]:
            out.write(f"   {say('caveat', lang)}: {caveat}\n")
        out.write(f"   {say('command', lang)}: {fix['command']}\n   {say('manifest', lang)}:\n")
        out.write("".join(f"     {line}\n" for line in fix["manifest"].splitlines()))
    out.write(f"\n{say('sources', lang)}:\n")
    for source in report["sources"]:
        out.write(f" - {source['title']} ({source['section']}): {source['url']}\n")
