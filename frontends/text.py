"""The diagnosis as terminal text, and the exit codes of the terminal commands (`lbdoctor
diagnose` and `lbdoctor ask` share both)."""

from __future__ import annotations

from typing import Any, TextIO

__all__ = ["EXIT_BAD_INPUT", "EXIT_ERROR", "EXIT_OK", "render_text"]

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2

_WORDS = {
    "en": {
        "verdict": "Verdict",
        "fixes": "Fixes",
        "recommended": "recommended",
        "caveat": "Caveat",
        "command": "Command",
        "sources": "Sources",
        "manifest": "Manifest",
    },
    "pt": {
        "verdict": "Veredito",
        "fixes": "Correções",
        "recommended": "recomendada",
        "caveat": "Atenção",
        "command": "Comando",
        "sources": "Fontes",
        "manifest": "Manifesto",
    },
}
_VERDICTS = {
    "en": {
        "fails": "access FAILS",
        "works": "access WORKS",
        "unsupported": "UNSUPPORTED configuration",
        "out-of-scope": "OUT OF SCOPE of the FAQ",
        "depends": "it DEPENDS on what you skipped",
    },
    "pt": {
        "fails": "o acesso FALHA",
        "works": "o acesso FUNCIONA",
        "unsupported": "configuração NÃO SUPORTADA",
        "out-of-scope": "FORA DO ESCOPO do FAQ",
        "depends": "DEPENDE do que você pulou",
    },
}


def render_text(report: dict[str, Any], lang: str, out: TextIO) -> None:
    words = _WORDS[lang]
    out.write(
        f"{words['verdict']}: {_VERDICTS[lang][report['verdict']]}\n\n{report['explanation']}\n"
    )
    if report["fixes"]:
        out.write(f"\n{words['fixes']}:\n")
    for number, fix in enumerate(report["fixes"], 1):
        tag = f" ({words['recommended']})" if fix["recommended"] else ""
        out.write(f"\n{number}. {fix['title']}{tag}\n")
        for caveat in fix["caveats"]:
            out.write(f"   {words['caveat']}: {caveat}\n")
        out.write(f"   {words['command']}: {fix['command']}\n   {words['manifest']}:\n")
        out.write("".join(f"     {line}\n" for line in fix["manifest"].splitlines()))
    out.write(f"\n{words['sources']}:\n")
    for source in report["sources"]:
        out.write(f" - {source['title']} ({source['section']}): {source['url']}\n")
