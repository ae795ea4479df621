"""The application: settings, store and doctor wired once, shared by the CLI and the actions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from knowledge.diagnosis import Doctor, canonical_facts, gather_facts
from knowledge.intake.service import ServiceInfo
from knowledge.playbook import Playbook, load_playbook
from knowledge.settings import Settings
from knowledge.store import CaseRecord, Store, latest_playbook, publish_playbook, record_case

if TYPE_CHECKING:
    from knowledge.understanding import AnswerReader

__all__ = ["App"]


@dataclass
class App:
    settings: Settings
    store: Store
    doctor: Doctor

    @cached_property
    def reader(self) -> AnswerReader:
        """Reads typed answers; its models load (or train) on first use, or by warm().
        Imported on first use: `lbdoctor diagnose` reads no typed answers."""
        from knowledge.understanding import AnswerReader

        return AnswerReader(self.doctor.playbook, self.settings.cache_dir)

    @classmethod
    def open(cls, settings: Settings) -> App:
        """Open the store, publish the shipped playbook if this text is new, load the latest one."""
        store = Store.open(settings.database_url)
        shipped = load_playbook(settings.playbook_file)
        with store.session() as session:
            publish_playbook(session, shipped)
            latest = latest_playbook(session, shipped.id)
        playbook: Playbook = (
            shipped if latest is None or latest.digest == shipped.digest else latest.load()
        )
        return cls(settings, store, Doctor.create(playbook, settings.kubernetes_version))

    def diagnose(
        self,
        facts: Mapping[str, str],
        lang: str,
        service: ServiceInfo | None = None,
        channel: str = "cli",
        skipped: Iterable[str] = (),
    ) -> dict[str, Any]:
        """The diagnosis report; a reached verdict is recorded as a case."""
        report = self.doctor.report(facts, lang, service, skipped)
        if report["verdict"] is not None:
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
    ) -> dict[str, Any]:
        """What `lbdoctor diagnose` and `POST /v1/diagnose` answer: the facts as given (values
        or synonyms), merged over what the pasted Service and the error reveal, diagnosed."""
        facts, service = gather_facts(
            canonical_facts(self.doctor.playbook, given), service_text, error_text
        )
        return self.diagnose(facts, lang, service, channel, skipped)

    def record(self, report: dict[str, Any], lang: str, channel: str) -> CaseRecord:
        with self.store.session() as session:
            return record_case(
                session,
                playbook_id=report["playbook"],
                playbook_version=report["playbook_version"],
                facts=report["facts"],
                verdict=report["verdict"],
                fixes=[fix["id"] for fix in report["fixes"]],
                language=lang,
                channel=channel,
            )

    def close(self) -> None:
        self.store.close()
