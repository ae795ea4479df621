"""The diagnosis as users get it: the engine's finding, explained, with rendered fixes and sources.

`Doctor.report()` returns the object `lbdoctor diagnose --json` prints and the bot sends as its
diagnosis payload: one builder, so both always agree.
"""

from __future__ import annotations

import shlex
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.compiled import CompiledPlaybook
from knowledge.engine import Engine, Finding
from knowledge.intake.error_message import ErrorReport, classify_error
from knowledge.intake.evidence import read_evidence
from knowledge.intake.keywords import fold
from knowledge.intake.service import ServiceInfo, ip_text, parse_service
from knowledge.playbook import Playbook, Proof
from knowledge.words import catalog, say

if TYPE_CHECKING:
    from knowledge.manifests import ManifestRenderer

__all__ = ["Doctor", "canonical_facts", "gather_facts"]


def canonical_facts(playbook: Playbook, given: Mapping[str, str]) -> dict[str, str]:
    """Each value as the playbook spells it: the value itself in any case, or a synonym
    ("IPVS", "ip-tables"). Unknown facts and values are left as they are, for the engine to
    name with the valid ones."""
    facts = {}
    for name, value in given.items():
        if name in playbook.fact_names:
            wanted = fold(value)
            for option in playbook.fact(name).options:
                if wanted in {fold(option.value), *(fold(synonym) for synonym in option.synonyms)}:
                    value = option.value
                    break
        facts[name] = value
    return facts


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
        for name, value in read_evidence(error_text, service).facts.items():
            facts.setdefault(name, value)  # the Service's own facts win, as in the chat
        facts["error_message"] = error_text
    facts.update(explicit)
    return facts, service


@dataclass(frozen=True)
class Doctor:
    """The playbook, its engine and the fix renderer: builds diagnosis reports."""

    playbook: Playbook
    engine: Engine
    # Kubernetes schema version the manifests are checked against; None: the newest bundled.
    kubernetes_version: str | None = None
    # Compiled templates and manifests already validated, kept between runs; None: none.
    cache_dir: Path | None = None
    # Also keep each rendered fix, which holds the user's Service: for the command line only,
    # where the cache folder is the user's own (a server would keep everyone's Services).
    remember_manifests: bool = False

    @classmethod
    def create(
        cls,
        playbook: Playbook,
        kubernetes_version: str | None = None,
        compiled: CompiledPlaybook | None = None,
        cache_dir: Path | None = None,
        remember_manifests: bool = False,
    ) -> Doctor:
        return cls(
            playbook, Engine(playbook, compiled), kubernetes_version, cache_dir, remember_manifests
        )

    @cached_property
    def renderer(self) -> ManifestRenderer:
        """Built on the first fix shown: Jinja2 and the Kubernetes schemas cost a question, a
        rejected fact or a verdict without fixes nothing."""
        from knowledge.manifests import ManifestRenderer

        return ManifestRenderer(self.kubernetes_version, self.cache_dir, self.remember_manifests)

    def report(
        self,
        facts: Mapping[str, str],
        lang: str = "en",
        service: ServiceInfo | None = None,
        skipped: Iterable[str] = (),
    ) -> dict[str, Any]:
        """The diagnosis object. With skipped questions the verdict may depend on them: then
        `verdict` is "depends" (unless every answer gives the same), `branches` holds each
        answer's verdict, explanation and fix ids, and `fixes` only those that hold in all."""
        finding = self.engine.diagnose(facts, skipped)
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
        if finding.branches:
            return {**result, **self._branched(finding, lang, service)}
        result["explanation"] = self._explain(finding, lang, service)
        result["fixes"] = self._fixes(finding, lang, service)
        result["sources"] = self._sources(finding)
        return result

    def _branched(self, finding: Finding, lang: str, service: ServiceInfo | None) -> dict[str, Any]:
        leaves = finding.leaves()
        first = leaves[0][1]
        shared = tuple(fix for fix in first.fixes if all(fix in f.fixes for _, f in leaves))
        skipped = dict.fromkeys(name for when, _ in leaves for name in when)
        questions = ", ".join(self.playbook.fact(name).prompt.get(lang) for name in skipped)
        # Answers with the same verdict and explanation are told once: "If tunnel or VPC: …".
        told: dict[tuple[str | None, str], list[str]] = {}
        branches = []
        for when, leaf in leaves:
            explanation = self._explain(leaf, lang, service)
            condition = "; ".join(
                self.playbook.fact(name).option(value).label.get(lang)
                for name, value in when.items()
            )
            told.setdefault((leaf.verdict, explanation), []).append(condition)
            branches.append(
                {
                    "when": when,
                    "verdict": leaf.verdict,
                    "explanation": explanation,
                    "fixes": [fix.id for fix in leaf.fixes],
                }
            )
        parts = [say("depends_on", lang, questions=questions)]
        parts += [
            f"{say('if', lang)} {say('or', lang).join(conditions)}: "
            f"{say('phrase_' + (verdict or ''), lang)}. {explanation}"
            for (verdict, explanation), conditions in told.items()
        ]
        if shared:
            parts.append(say("shared_fixes", lang))
        sources = {
            (source["url"], source["section"]): source
            for _, leaf in leaves
            for source in self._sources(leaf)
        }
        return {
            "verdict": finding.verdict,
            "explanation": "\n\n".join(parts),
            "fixes": self._fixes(replace(first, fixes=shared), lang, service),
            "sources": list(sources.values()),
            "branches": branches,
        }

    def _explain(self, finding: Finding, lang: str, service: ServiceInfo | None) -> str:
        assert finding.outcome is not None
        parts = [finding.outcome.explanation.get(lang)]
        report = classify_error(finding.facts.get("error_message", ""))
        if finding.facts.get("error_message"):
            note = f"error_note_{report.kind}"
            if note in catalog() and finding.verdict in ("fails", "unsupported"):
                parts.append(say(note, lang))
            if service is not None and report.ip and report.ip in service.ingress_ips:
                parts.append(say("error_address_is_lb", lang, ip=report.ip))
        proof = self._proof(finding, service, report)
        if proof:
            # Commands, not prose: one per line, each under what its output shows.
            lines = "".join(f"\n- {item.text.get(lang)}\n  $ {command}" for item, command in proof)
            parts.append(f"{say('proof_heading', lang)}:{lines}")
        if finding.outcome.next_steps is not None:
            parts.append(finding.outcome.next_steps.get(lang))
        parts.extend(
            f"{say('note', lang)}: {caveat.text.get(lang)}" for caveat in finding.caveats()
        )
        return "\n\n".join(parts)

    def _fixes(
        self, finding: Finding, lang: str, service: ServiceInfo | None
    ) -> list[dict[str, Any]]:
        if not finding.fixes:
            return []
        from knowledge.manifests import placeholder_service

        target = service or placeholder_service(finding.facts)
        fixes = []
        for fix in finding.fixes:
            told = fix.for_facts(finding.facts)
            rendered = self.renderer.render(told, target, lang)
            fixes.append(
                {
                    "id": fix.id,
                    "title": rendered.title(told, lang),
                    "recommended": fix.recommended,
                    "caveats": [
                        *([say("placeholder_examples", lang)] if target.placeholder else []),
                        *(caveat.text.get(lang) for caveat in finding.fix_caveats(fix)),
                    ],
                    "manifest": rendered.manifest,
                    "command": rendered.command,
                }
            )
        return fixes

    @staticmethod
    def _proof(
        finding: Finding, service: ServiceInfo | None, error: ErrorReport
    ) -> list[tuple[Proof, str]]:
        """The outcome's proof commands for the user's own address and port: the Service's
        load-balancer address, else the one in the error, else a placeholder to fill in."""
        address = ip_text(
            (service.ingress_ips[0] if service and service.ingress_ips else None) or error.ip
        )
        port = error.port or (service.ports[0].get("port") if service and service.ports else None)
        values = {
            "lb_ip": shlex.quote(address) if address else "LB_IP",
            "port": str(port) if isinstance(port, int) else "PORT",
            "name": shlex.quote(service.name) if service else "NAME",
            "namespace": shlex.quote(service.namespace) if service else "NAMESPACE",
        }
        return [
            (item, string.Template(item.command).substitute(values)) for item in finding.proof()
        ]

    def _sources(self, finding: Finding) -> list[dict[str, str]]:
        assert finding.outcome is not None
        ids = list(finding.outcome.sources)
        ids += [caveat.source for caveat in finding.caveats()]
        ids += [item.source for item in finding.proof()]
        for fix in finding.fixes:
            ids += list(fix.sources) + [caveat.source for caveat in finding.fix_caveats(fix)]
        unique = dict.fromkeys(ids)
        return [self.playbook.sources[source].to_dict() for source in unique]
