"""`lbdoctor`: diagnose from the command line, walk the questions in a terminal, manage playbooks."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from frontends.text import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_OK
from knowledge.errors import FactError, IntakeError, LBDoctorError, PlaybookError
from knowledge.settings import Settings

# Each command imports what it needs when it runs: `--help` and a rejected fact return before
# the store (SQLAlchemy), the manifests (Jinja2, the schemas) or the HTTP client are loaded.
if TYPE_CHECKING:
    from knowledge.app import App
    from knowledge.playbook import Playbook

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line naming the problem, as the contract asks for bad input.
        self.exit(EXIT_BAD_INPUT, f"lbdoctor: {message} (see {self.prog} --help)\n")


def _intake_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--lang", choices=("en", "pt"), default=None, help="answer language")
    command.add_argument(
        "--service-file", type=Path, help="kubectl get svc NAME -o yaml|json output"
    )
    command.add_argument("--error", help="the error message the client gets")


def _diagnose_arguments(diagnose: argparse.ArgumentParser) -> None:
    diagnose.add_argument(
        "--json", action="store_true", help="print the diagnosis as one JSON object"
    )
    diagnose.add_argument(
        "--no-record",
        action="store_true",
        help="do not keep this case (by default it waits in a journal the store records later)",
    )
    diagnose.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="FACT",
        help="a question you cannot answer: the verdict is given for each of its answers",
    )
    _intake_options(diagnose)
    diagnose.add_argument("facts", nargs="*", metavar="FACT=VALUE")


def _chat_arguments(chat: argparse.ArgumentParser) -> None:
    chat.add_argument("--lang", choices=("en", "pt"), default=None, help="language to start in")
    chat.add_argument(
        "--url", default=None, help="Rasa server (default: http://127.0.0.1:$LBDOCTOR_RASA_PORT)"
    )
    chat.add_argument("--sender", default=None, help="conversation id, to resume one")


def _knowledge_arguments(knowledge: argparse.ArgumentParser) -> None:
    actions = knowledge.add_subparsers(dest="action", required=True, parser_class=_Parser)
    validate = actions.add_parser(
        "validate", help="validate playbook files (default: the shipped one)"
    )
    validate.add_argument("files", nargs="*", type=Path)
    publish = actions.add_parser("publish", help="publish a playbook file to the store")
    publish.add_argument("file", nargs="?", type=Path)
    actions.add_parser("list", help="list published playbook versions")


def _cases_arguments(cases: argparse.ArgumentParser) -> None:
    case_actions = cases.add_subparsers(dest="action", required=True, parser_class=_Parser)
    listing = case_actions.add_parser("list", help="list handoffs, newest first")
    listing.add_argument("--status", choices=("pending", "delivered", "failed"))
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    show = case_actions.add_parser("show", help="show a handoff's bundle (redacted)")
    show.add_argument("case", metavar="CASE")
    show.add_argument("--json", action="store_true", help="print one JSON object")
    resolve = case_actions.add_parser("resolve", help="mark a case resolved by a person")
    resolve.add_argument("case", metavar="CASE")
    resolve.add_argument("--note", default="", help="what solved it")
    deliver = case_actions.add_parser(
        "deliver", help="send pending handoffs now (and these CASEs, failed ones too)"
    )
    deliver.add_argument("cases", nargs="*", metavar="CASE")


def _report_arguments(report: argparse.ArgumentParser) -> None:
    report.add_argument("--since", metavar="DATE", help="from this day (YYYY-MM-DD, UTC)")
    report.add_argument("--until", metavar="DATE", help="up to this day, excluded (YYYY-MM-DD)")
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.add_argument(
        "--chart", type=Path, metavar="FILE", help="also draw the figures to FILE.png or FILE.svg"
    )


def _purge_arguments(purge: argparse.ArgumentParser) -> None:
    purge.add_argument(
        "--older-than", required=True, metavar="AGE", help="an age such as 30d, 12h or 90m"
    )


# Each command's help line and the function adding its arguments.
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "diagnose": ("diagnose from facts, a Service file and an error", _diagnose_arguments),
    "ask": ("interactive terminal walk through the questions", _intake_options),
    "chat": ("talk to the running assistant over its REST channel", _chat_arguments),
    "knowledge": ("validate, publish and list playbooks", _knowledge_arguments),
    "cases": ("handoffs to support: list, show, resolve, deliver", _cases_arguments),
    "report": (
        "weekly figures: deflection, handoffs, verdicts, drop-off per question",
        _report_arguments,
    ),
    "purge": (
        "delete transcripts, pastes and bundles older than an age (counts stay)",
        _purge_arguments,
    ),
}


def _parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for this command line. A command given first gets only its own subparser:
    building all of them (and argparse's message lookups for each) cost every `lbdoctor
    diagnose` about 10 ms; `lbdoctor --help` and a wrong command still see them all."""
    parser = _Parser(prog="lbdoctor", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    chosen = [argv[0]] if argv and argv[0] in _COMMANDS else list(_COMMANDS)
    for name in chosen:
        help_line, add_arguments = _COMMANDS[name]
        add_arguments(commands.add_parser(name, help=help_line))
    return parser


def _parse_pairs(playbook: Playbook, pairs: Sequence[str]) -> dict[str, str]:
    facts: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise FactError(pair, "expected FACT=VALUE", playbook.fact_names)
        facts[name.strip()] = value.strip()
    return facts


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else exc
        raise IntakeError(f"cannot read {path}: {why}", f"não consigo ler {path}: {why}") from exc


# --- commands ----------------------------------------------------------------------------------


def _diagnose(app: App, args: argparse.Namespace, lang: str, out: TextIO) -> int:
    report = app.diagnose_input(
        _parse_pairs(app.doctor.playbook, args.facts),
        lang,
        _read(args.service_file) if args.service_file else None,
        args.error,
        skipped=args.skip,
        record=not args.no_record,
    )
    if args.json:
        out.write(json.dumps(report, ensure_ascii=False) + "\n")
    elif report["verdict"] is None:
        fact = app.doctor.playbook.fact(report["next_question"])
        out.write(
            f"{report['explanation']}\n  {report['next_question']}=" + "|".join(fact.values) + "\n"
        )
    else:
        from frontends.text import render_text

        render_text(report, lang, out)
    return EXIT_OK


def _knowledge(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from knowledge.playbook import load_playbook
    from knowledge.store import Store, list_playbooks, publish_playbook

    if args.action == "validate":
        for file in args.files or [None]:
            playbook = load_playbook(file)
            out.write(
                f"ok: {file or 'shipped playbook'}: {playbook.id} {playbook.version}, "
                f"{len(playbook.rules)} rules, {len(playbook.outcomes)} outcomes, {len(playbook.fixes)} fixes\n"
            )
        return EXIT_OK
    store = Store.open(settings.database_url)
    published = False
    try:
        with store.session() as session:
            if args.action == "publish":
                version, new = publish_playbook(session, load_playbook(args.file))
                state = "published" if new else "already published"
                out.write(f"{state}: {version.playbook_id} v{version.number} {version.digest}\n")
                published = True
            else:
                for version in list_playbooks(session):
                    out.write(
                        f"{version.playbook_id}\tv{version.number}\t{version.digest}\t"
                        f"{version.published_at:%Y-%m-%d %H:%M:%S}\n"
                    )
    finally:
        store.close()
    if published:
        from knowledge.app import App

        # Opening the app remembers the latest version for `lbdoctor diagnose`, which answers
        # without the store.
        App.open(settings).close()
    return EXIT_OK


def _cases(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from frontends.cases import run_cases

    return run_cases(settings, args, out)


def _report(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from frontends.report import run_report

    return run_report(settings, args, out)


def _purge(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from frontends.purge import run_purge

    return run_purge(settings, args, out)


def _chat(
    settings: Settings, args: argparse.Namespace, lang: str, stdin: TextIO, out: TextIO
) -> int:
    from frontends.chat import ChatSession, RestChat

    chat = RestChat(args.url or settings.rasa_url, args.sender)
    try:
        return ChatSession(chat, lang, stdin, out).run()
    finally:
        chat.close()


def main(
    argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser(argv).parse_args(argv)
    out = stdout or sys.stdout
    try:
        settings = Settings.from_env()
        lang = getattr(args, "lang", None) or settings.language
        if args.command == "cases":
            return _cases(settings, args, out)
        if args.command == "knowledge":
            return _knowledge(settings, args, out)
        if args.command == "report":
            return _report(settings, args, out)
        if args.command == "purge":
            return _purge(settings, args, out)
        if args.command == "chat":
            return _chat(settings, args, lang, stdin or sys.stdin, out)
        from knowledge.app import App

        # `diagnose` answers without the store; `ask` records feedback, so it opens it.
        app = App.open_local(settings) if args.command == "diagnose" else App.open(settings)
        try:
            if args.command == "diagnose":
                return _diagnose(app, args, lang, out)
            from frontends.ask import Walk

            return Walk(app, lang, stdin or sys.stdin, out).run(
                _read(args.service_file) if args.service_file else None, args.error
            )
        finally:
            app.close()
    except (FactError, IntakeError, PlaybookError) as exc:
        sys.stderr.write(f"lbdoctor: {exc}\n")
        return EXIT_BAD_INPUT
    except LBDoctorError as exc:
        sys.stderr.write(f"lbdoctor: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
