"""The application: settings, store and doctor wired once, shared by the CLI and the actions.

Two ways to open it:
- `App.open`: the store opened, the shipped playbook published if its text is new, the latest
  published one loaded; cases recorded in the store (the action server, the API, `lbdoctor ask`).
- `App.open_local`: no store, for `lbdoctor diagnose` (it answers before SQLAlchemy would have
  loaded): the playbook the store last gave `App.open` for the same shipped text (remembered in
  the cache folder), else the shipped one; cases go to the journal (knowledge.journal) that the
  store records when it is next opened.
Both load the playbook compiled, from the cache folder when this text was compiled before.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.cache import compile_playbook, read_playbook_text
from knowledge.diagnosis import Doctor, canonical_facts, gather_facts
from knowledge.intake.service import ServiceInfo
from knowledge.journal import Journal
from knowledge.lazylog import LazyLogger
from knowledge.settings import Settings

if TYPE_CHECKING:
    from knowledge.store import CaseRecord, Store
    from knowledge.understanding import AnswerReader

__all__ = ["App"]

log = LazyLogger(__name__)


def _remembered(settings: Settings, shipped_text: str) -> Path | None:
    """Where the store's latest playbook is remembered, for this store and this shipped text (a
    new shipped text is published as the latest on the next `App.open`)."""
    if settings.cache_dir is None:
        return None
    key = hashlib.sha256(f"{settings.database_url}\n{shipped_text}".encode()).hexdigest()[:24]
    return settings.cache_dir / "published" / f"{key}.yaml"


class App:
    def __init__(self, settings: Settings, doctor: Doctor, store: Store | None = None) -> None:
        self.settings = settings
        self.doctor = doctor
        self._store = store
        self._opening = threading.Lock()
        self.journal = Journal.for_database(settings.database_url)

    @property
    def store(self) -> Store:
        """The store, opened on first use (then the journal's waiting cases are recorded)."""
        with self._opening:  # the action server's worker threads share the app
            if self._store is None:
                from knowledge.store import Store

                self._store = Store.open(self.settings.database_url)
                self._record_waiting()
        return self._store

    @property
    def opened_store(self) -> Store | None:
        """The store if it is open, without trying to open it (what may wait for it)."""
        return self._store

    @cached_property
    def reader(self) -> AnswerReader:
        """Reads typed answers; its models load (or train) on first use, or by warm().
        Imported on first use: `lbdoctor diagnose` reads no typed answers."""
        from knowledge.understanding import AnswerReader

        return AnswerReader(self.doctor.playbook, self.settings.cache_dir)

    @classmethod
    def open(cls, settings: Settings, shipped_facts_only: bool = False) -> App:
        """Open the store, publish the shipped playbook if this text is new, load the latest one.

        `shipped_facts_only` (the bot): a published playbook with a fact the shipped one lacks
        is not used. The bot has a slot for each shipped fact and no other (bot/domain/facts.yml
        is generated from the shipped playbook): such a fact could be asked but never answered,
        so that playbook waits for a bot built from it."""
        from knowledge.store import Store, latest_playbook, publish_playbook

        store = Store.open(settings.database_url)
        text, name = read_playbook_text(settings.playbook_file)
        shipped, shipped_compiled = compile_playbook(text, name, settings.cache_dir)
        with store.session() as session:
            publish_playbook(session, shipped)
            latest = latest_playbook(session, shipped.id)
        playbook, compiled = shipped, shipped_compiled
        if latest is not None and latest.digest != shipped.digest:
            playbook, compiled = compile_playbook(
                latest.content, f"{latest.playbook_id} v{latest.number} (store)", settings.cache_dir
            )
        # What the store published, for `lbdoctor diagnose` (whatever this process serves).
        remembered = _remembered(settings, text)
        if remembered is not None:
            try:
                if playbook is shipped:
                    remembered.unlink(missing_ok=True)
                else:
                    remembered.parent.mkdir(parents=True, exist_ok=True)
                    remembered.write_text(playbook.text, encoding="utf-8")
            except OSError as exc:
                log.warning("cannot remember the published playbook at %s: %s", remembered, exc)
        unknown = sorted({f.name for f in playbook.facts} - {f.name for f in shipped.facts})
        if shipped_facts_only and unknown:
            assert latest is not None
            log.error(
                "playbook %s v%s not used: the bot has no slot for its facts %s; serving "
                "the shipped playbook until the bot is rebuilt from it",
                latest.playbook_id, latest.number, ", ".join(unknown),
            )  # fmt: skip
            playbook, compiled = shipped, shipped_compiled
        doctor = Doctor.create(playbook, settings.kubernetes_version, compiled, settings.cache_dir)
        app = cls(settings, doctor, store)
        app._record_waiting()
        return app

    @classmethod
    def open_local(cls, settings: Settings, local: bool = True) -> App:
        """The doctor without the store: cases wait in the journal. `local`: a command line run
        by the user, whose cache folder may keep the fixes rendered for their Services."""
        text, name = read_playbook_text(settings.playbook_file)
        remembered = _remembered(settings, text)
        if remembered is not None and remembered.is_file():
            text, name = remembered.read_text(encoding="utf-8"), "published playbook"
        playbook, compiled = compile_playbook(text, name, settings.cache_dir)
        doctor = Doctor.create(
            playbook, settings.kubernetes_version, compiled, settings.cache_dir, local
        )
        return cls(settings, doctor)

    def diagnose(
        self,
        facts: Mapping[str, str],
        lang: str,
        service: ServiceInfo | None = None,
        channel: str = "cli",
        skipped: Iterable[str] = (),
        record: bool = True,
    ) -> dict[str, Any]:
        """The diagnosis report; a reached verdict is recorded as a case (in the journal while
        the store is not open)."""
        report = self.doctor.report(facts, lang, service, skipped)
        if report["verdict"] is not None and record:
            if self._store is None:
                self.journal.append(_case(report, lang, channel))
            else:
                self.record(report, lang, channel)
        return report

    def diagnose_input(
        self,
        given: Mapping[str, str],
        lang: str,
        service_text: str | None = None,
        error_text: str | None = None,
        channel: str = "cli",
        skipped: Iterable[str] = (),
        record: bool = True,
    ) -> dict[str, Any]:
        """What `lbdoctor diagnose` and `POST /v1/diagnose` answer: the facts as given (values
        or synonyms), merged over what the pasted Service and the error reveal, diagnosed."""
        facts, service = gather_facts(
            canonical_facts(self.doctor.playbook, given), service_text, error_text
        )
        return self.diagnose(facts, lang, service, channel, skipped, record)

    def record(self, report: dict[str, Any], lang: str, channel: str) -> CaseRecord:
        from knowledge.store import record_case

        with self.store.session() as session:
            return record_case(session, **_case(report, lang, channel))

    def _record_waiting(self) -> None:
        from knowledge.store import record_waiting_cases

        assert self._store is not None
        try:
            cases, files = self.journal.take()
            if cases:
                with self._store.session() as session:
                    record_waiting_cases(session, cases)
            for file in files:
                file.unlink()
        except Exception as exc:  # the journal waits for the next opening; serving goes on
            log.warning("waiting cases in %s not recorded yet: %s", self.journal.path, exc)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _case(report: dict[str, Any], lang: str, channel: str) -> dict[str, Any]:
    return {
        "playbook_id": report["playbook"],
        "playbook_version": report["playbook_version"],
        "facts": report["facts"],
        "verdict": report["verdict"],
        "fixes": [fix["id"] for fix in report["fixes"]],
        "language": lang,
        "channel": channel,
    }
