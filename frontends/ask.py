"""`lbdoctor ask`: the terminal walk for self-service users without a chat."""

from __future__ import annotations

from typing import TextIO

from frontends.text import EXIT_BAD_INPUT, EXIT_OK, render_text
from frontends.wording import fact_value_label, say
from knowledge.app import App
from knowledge.diagnosis import gather_facts
from knowledge.errors import FactError, IntakeError
from knowledge.intake.keywords import fold
from knowledge.intake.service import ServiceInfo, looks_like_service
from knowledge.playbook import Fact
from knowledge.store import add_feedback
from knowledge.understanding import read_message

__all__ = ["Walk"]

_YES = {"y", "yes", "s", "sim"}
_NO = {"n", "no", "nao"}


def menu_number(text: str, count: int) -> int | None:
    """The option a typed number picks, 1 to `count`. Decimal digits only: "²".isdigit() is
    true but int("²") fails; and a number a few digits long, not thousands (int() refuses
    those too)."""
    if not (text.isdecimal() and len(text) <= 3):
        return None
    number = int(text)
    return number if 1 <= number <= count else None


class Walk:
    def __init__(self, app: App, lang: str, stdin: TextIO, out: TextIO) -> None:
        self.app = app
        self.lang = lang
        self.stdin = stdin
        self.out = out
        self.playbook = app.doctor.playbook

    def say(self, key: str, **values: object) -> None:
        self.out.write(say(f"walk_{key}", self.lang, **values) + "\n")

    def line(self) -> str | None:
        self.out.write("> ")
        self.out.flush()
        text = self.stdin.readline()
        return None if text == "" else text.rstrip("\n")

    def run(self, service_text: str | None, error_text: str | None) -> int:
        self.say("hello")
        try:
            if error_text is None:
                self.say("error")
                typed = self.line()
                if typed is None:
                    return self.ended()
                error_text = typed.strip() or None
            if service_text is None:
                service_text = self.paste()
            facts, service = gather_facts({}, service_text, error_text)
        except IntakeError as exc:
            self.out.write(f"{exc}\n")
            return EXIT_BAD_INPUT
        if error_text and not service:
            said = read_message(error_text, self.app.reader).facts
            facts.update({k: v for k, v in said.items() if k != "error_message"})
        if service_text or error_text:
            shown = {k: v for k, v in facts.items() if k != "error_message"}
            if shown:
                self.out.write(
                    f"{say('walk_read', self.lang)}: "
                    + ", ".join(f"{k}={v}" for k, v in shown.items())
                    + "\n"
                )
        return self.walk(facts, service)

    def paste(self) -> str | None:
        self.say("service")
        lines: list[str] = []
        while True:
            typed = self.line()
            if typed is None or not typed.strip():
                break
            lines.append(typed)
        text = "\n".join(lines)
        return text if text.strip() else None

    def walk(self, facts: dict[str, str], service: ServiceInfo | None) -> int:
        skipped: set[str] = set()
        while True:
            finding = self.app.doctor.engine.diagnose(facts, skipped)
            if finding.next_question is None:
                break
            answer = self.ask(finding.next_question)
            if answer is None:
                return self.ended()
            if finding.next_question.name not in answer:
                skipped.add(finding.next_question.name)
            facts.update(answer)
        report = self.app.doctor.report(facts, self.lang, service, skipped)
        case = self.app.record(report, self.lang, channel="terminal")
        self.out.write("\n")
        render_text(report, self.lang, self.out)
        self.feedback(case.id)
        return EXIT_OK

    def ask(self, fact: Fact) -> dict[str, str] | None:
        """Ask until the answer names one option; other facts the answer names are kept too.
        "?" shows how to check the answer; "-" skips the question (an answer without it)."""
        while True:
            self.out.write(f"\n{fact.prompt.get(self.lang)}\n")
            for number, option in enumerate(fact.options, 1):
                self.out.write(f"  {number}. {option.label.get(self.lang)}\n")
            self.say("help_keys")
            typed = self.line()
            if typed is None:
                return None
            text = typed.strip()
            if text == "-":
                self.out.write(
                    say("skipped", self.lang, question=fact.prompt.get(self.lang)) + "\n"
                )
                return {}
            if text == "?" and fact.how_to_check is not None:
                check = fact.how_to_check
                source = self.playbook.sources[check.source]
                command = f"\n\n  {check.command}" if check.command else ""
                self.out.write(
                    say(
                        "how_to_check",
                        self.lang,
                        text=check.text.get(self.lang),
                        command=command,
                        source=f"{source.title}: {source.url}",
                    )
                    + "\n"
                )
                continue
            picked = menu_number(text, len(fact.options))
            if picked is not None:
                return {fact.name: fact.options[picked - 1].value}
            if looks_like_service(text):
                self.out.write("(paste a Service at the start of the walk)\n")
                continue
            reading = read_message(text, self.app.reader, asked=fact.name)
            found = {k: v for k, v in reading.facts.items() if k != "error_message"}
            if fact.name in found:
                try:
                    self.app.doctor.engine.normalize(found)
                except FactError as exc:
                    self.out.write(f"{exc}\n")
                    continue
                labels = [
                    fact_value_label(self.playbook, k, v, self.lang) for k, v in found.items()
                ]
                self.out.write(say("understood", self.lang, facts="; ".join(labels)) + "\n")
                return found
            if reading.unsure is not None:
                confirmed = self.confirm(fact, reading.unsure.candidates)
                if confirmed is not None:
                    return {fact.name: confirmed}
                continue
            self.say("choose", n=len(fact.options))

    def confirm(self, fact: Fact, candidates: tuple[str, ...]) -> str | None:
        """ "Did you mean …?": a number picks one; anything else asks the question again."""
        self.out.write(say("walk_confirm", self.lang) + "\n")
        for number, value in enumerate(candidates, 1):
            self.out.write(
                f"  {number}. {fact_value_label(self.playbook, fact.name, value, self.lang)}\n"
            )
        typed = (self.line() or "").strip()
        picked = menu_number(typed, len(candidates))
        return candidates[picked - 1] if picked is not None else None

    def feedback(self, case_id: str) -> None:
        self.out.write("\n")
        self.say("helpful")
        typed = self.line()
        if typed is None or fold(typed) not in _YES | _NO:
            return
        with self.app.store.session() as session:
            add_feedback(session, case_id, fold(typed) in _YES)
        self.say("thanks")

    def ended(self) -> int:
        self.out.write("\n")
        self.say("eof")
        return EXIT_BAD_INPUT
