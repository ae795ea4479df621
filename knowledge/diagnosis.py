"""The diagnosis as users get it: the engine's finding, explained, with rendered fixes and sources.

`Doctor.report()` returns the object `lbdoctor diagnose --json` prints and the bot sends as its
diagnosis payload: one builder, so both always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.engine import Engine, Finding
from knowledge.intake.error_message import classify_error
from knowledge.intake.evidence import read_evidence
from knowledge.intake.service import ServiceInfo, parse_service
from knowledge.manifests import ManifestRenderer, placeholder_service
from knowledge.playbook import Playbook, Text

__all__ = ["Doctor", "gather_facts"]

_ERROR_NOTES = {
    "timeout": Text(
        en="Your error is a timeout, not the FAQ's symptom (connection refused or an upstream reset): "
        "a timeout usually means a security group or network ACL drops the traffic, so check those too.",
        pt="O seu erro é um tempo esgotado, não o sintoma do FAQ (conexão recusada ou reset do upstream): "
        "um tempo esgotado costuma indicar que um grupo de segurança ou ACL de rede descarta o tráfego; "
        "verifique-os também.",
    ),
    "other": Text(
        en="Your error is not one of the FAQ's symptoms (connection refused or an upstream reset); "
        "the diagnosis below holds for the access you described, but the error may have another cause.",
        pt="O seu erro não é um dos sintomas do FAQ (conexão recusada ou reset do upstream); o "
        "diagnóstico abaixo vale para o acesso descrito, mas o erro pode ter outra causa.",
    ),
    "connection-reset": Text(
        en="Your error is a connection reset by the peer, close to but not exactly the FAQ's symptoms.",
        pt="O seu erro é uma conexão redefinida pelo par, próximo, mas não igual, aos sintomas do FAQ.",
    ),
}
_NOTE = Text(en="Note", pt="Observação")


def gather_facts(
    explicit: Mapping[str, str],
    service_text: str | None = None,
    error_text: str | None = None,
) -> tuple[dict[str, str], ServiceInfo | None]:
    """Facts from a pasted Service and an error message, overridden by the explicit ones.

    The error is read as evidence the way the chat reads it: the address it names tells a
    public from a private load balancer (only if it is the Service's, when the Service's
    addresses are known), and kube-proxy output names the mode."""
    facts: dict[str, str] = {}
    service = parse_service(service_text) if service_text is not None else None
    if service is not None:
        facts.update(service.facts)
    if error_text is not None:
        facts.update(read_evidence(error_text, service).facts)
        facts["error_message"] = error_text
    facts.update(explicit)
    return facts, service


@dataclass(frozen=True)
class Doctor:
    playbook: Playbook
    engine: Engine
    renderer: ManifestRenderer

    @classmethod
    def create(cls, playbook: Playbook, kubernetes_version: str | None = None) -> Doctor:
        return cls(playbook, Engine(playbook), ManifestRenderer(kubernetes_version))

    def report(
        self, facts: Mapping[str, str], lang: str = "en", service: ServiceInfo | None = None
    ) -> dict[str, Any]:
        finding = self.engine.diagnose(facts)
        result: dict[str, Any] = {
            "playbook": self.playbook.id,
            "playbook_version": self.playbook.version,
            "facts": finding.facts,
            "verdict": finding.verdict,
            "next_question": finding.next_question.name if finding.next_question else None,
            "explanation": "",
            "fixes": [],
            "sources": [],
        }
        if finding.next_question is not None:
            result["explanation"] = finding.next_question.prompt.get(lang)
            return result
        result["explanation"] = self._explain(finding, lang, service)
        result["fixes"] = self._fixes(finding, lang, service)
        result["sources"] = self._sources(finding)
        return result

    def _explain(self, finding: Finding, lang: str, service: ServiceInfo | None) -> str:
        assert finding.outcome is not None
        parts = [finding.outcome.explanation.get(lang)]
        error = finding.facts.get("error_message")
        if error:
            report = classify_error(error)
            note = _ERROR_NOTES.get(report.kind)
            if note is not None and finding.verdict in ("fails", "unsupported"):
                parts.append(note.get(lang))
            if service is not None and report.ip and report.ip in service.ingress_ips:
                parts.append(
                    Text(
                        en=f"The address in your error, {report.ip}, is the Service's load-balancer address.",
                        pt=f"O endereço no seu erro, {report.ip}, é o endereço do balanceador do Serviço.",
                    ).get(lang)
                )
        if finding.outcome.next_steps is not None:
            parts.append(finding.outcome.next_steps.get(lang))
        parts.extend(f"{_NOTE.get(lang)}: {caveat.text.get(lang)}" for caveat in finding.caveats())
        return "\n\n".join(parts)

    def _fixes(
        self, finding: Finding, lang: str, service: ServiceInfo | None
    ) -> list[dict[str, Any]]:
        target = service or placeholder_service(finding.facts)
        fixes = []
        for fix in finding.fixes:
            rendered = self.renderer.render(fix, target)
            fixes.append(
                {
                    "id": fix.id,
                    "title": fix.title.get(lang).format(dns_name=rendered.dns_name),
                    "recommended": fix.recommended,
                    "caveats": [caveat.text.get(lang) for caveat in finding.fix_caveats(fix)],
                    "manifest": rendered.manifest,
                    "command": rendered.command,
                }
            )
        return fixes

    def _sources(self, finding: Finding) -> list[dict[str, str]]:
        assert finding.outcome is not None
        ids = list(finding.outcome.sources)
        ids += [caveat.source for caveat in finding.caveats()]
        for fix in finding.fixes:
            ids += list(fix.sources) + [caveat.source for caveat in finding.fix_caveats(fix)]
        unique = dict.fromkeys(ids)
        return [self.playbook.sources[source].to_dict() for source in unique]
