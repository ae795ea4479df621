"""Playbooks: YAML knowledge files, validated against a schema and cross-checked on load."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import yaml

from knowledge import HOME
from knowledge.errors import PlaybookError

__all__ = [
    "BUNDLED_PLAYBOOK",
    "TEMPLATES",
    "Caveat",
    "Check",
    "Condition",
    "Fact",
    "Fix",
    "Option",
    "Outcome",
    "Playbook",
    "Proof",
    "Rule",
    "Source",
    "Text",
    "VersionRange",
    "load_playbook",
    "parse_playbook",
    "parse_version",
]

Lang = Literal["en", "pt"]
LANGS: tuple[Lang, ...] = ("en", "pt")

BUNDLED_PLAYBOOK = "elb-in-cluster-access.yaml"
TEMPLATES = HOME / "templates"


@dataclass(frozen=True)
class Text:
    """A sentence in both languages LB Doctor speaks."""

    en: str
    pt: str

    def get(self, lang: str) -> str:
        return self.pt if lang == "pt" else self.en


@dataclass(frozen=True)
class Source:
    """A document a verdict or a fix rests on, cited with its section."""

    id: str
    title: str
    url: str
    section: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "section": self.section}


def parse_version(text: str) -> tuple[int, ...]:
    """`v1.25` or `v1.25.3` (the `v` is optional) as a tuple of ints."""
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    if not match:
        raise ValueError(f"not a version: {text!r}")
    return tuple(int(part) for part in match.groups() if part is not None)


@dataclass(frozen=True)
class VersionRange:
    """Cluster versions a condition holds for (`cluster_version`)."""

    at_most: tuple[int, ...] | None = None
    at_least: tuple[int, ...] | None = None

    def contains(self, version: str) -> bool:
        got = parse_version(version)
        # A bound without a patch level covers every patch of that minor version.
        if self.at_most is not None and got[: len(self.at_most)] > self.at_most:
            return False
        return not (self.at_least is not None and got[: len(self.at_least)] < self.at_least)


Constraint = frozenset[str] | VersionRange


@dataclass(frozen=True)
class Condition:
    """Every listed fact must have one of the listed values (or lie in the version range)."""

    constraints: Mapping[str, Constraint] = field(default_factory=dict)

    def holds(self, facts: Mapping[str, str]) -> bool | None:
        """True or False when the known facts decide it; None while an unknown fact could."""
        undecided = False
        for name, constraint in self.constraints.items():
            value = facts.get(name)
            if value is None:
                undecided = True
            elif isinstance(constraint, VersionRange):
                if not constraint.contains(value):
                    return False
            elif value not in constraint:
                return False
        return None if undecided else True

    @property
    def facts(self) -> frozenset[str]:
        return frozenset(self.constraints)


@dataclass(frozen=True)
class Caveat:
    """A note shown beside a verdict or a fix when its condition holds."""

    text: Text
    source: str
    when: Condition = Condition()


@dataclass(frozen=True)
class Proof:
    """A command that shows the cause on the user's own node, and what its output means."""

    text: Text
    command: str
    source: str
    when: Condition = Condition()


@dataclass(frozen=True)
class Option:
    """One answer to a question: its value, words and the facts it implies."""

    value: str
    label: Text
    synonyms: tuple[str, ...] = ()
    implies: Mapping[str, str] = field(default_factory=dict)
    # Typed answers meaning this option, per language: training data for the answer model.
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The option meant by "not <this one>, the other one" (two-option facts need none).
    opposite: str | None = None
    # A more general option this one is a case of (the nginx-ingress add-on on a dedicated ELB
    # is a dedicated ELB): naming both means this one.
    refines: str | None = None
    # Options whose Services sit behind this one (an Ingress fronts a ClusterIP Service): named
    # together, this one is what the client reaches.
    fronts: tuple[str, ...] = ()
    # Words the reply must hold for this option to be read without a confirmation: "an Ingress"
    # alone may be another controller than the one the option names.
    decided_by: tuple[str, ...] = ()
    # Where this option is relative to the node that runs the Service's pod (`same`, `other`):
    # a reply naming two different nodes, or one node twice, decides between such options.
    pod_node: str | None = None
    # What runs the client (`container`, `node`): the first of the two a reply names decides.
    runs_in: str | None = None


@dataclass(frozen=True)
class Check:
    """How a user finds the answer to a question: a short text, a command, and its source."""

    text: Text
    source: str
    command: str | None = None


@dataclass(frozen=True)
class Fact:
    """A question the engine may ask, with its options."""

    name: str
    prompt: Text
    kind: Literal["choice", "version", "text"] = "choice"
    ask: bool = True
    options: tuple[Option, ...] = ()
    pattern: str | None = None
    how_to_check: Check | None = None

    # Cached: the engine reads it for every fact of every question.
    @cached_property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    def option(self, value: str) -> Option:
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(value)


@dataclass(frozen=True)
class Outcome:
    """What a rule concludes: the verdict, its explanation and sources."""

    id: str
    verdict: str
    explanation: Text
    sources: tuple[str, ...]
    next_steps: Text | None = None
    caveats: tuple[Caveat, ...] = ()
    fixes: tuple[str, ...] = ()
    proof: tuple[Proof, ...] = ()


@dataclass(frozen=True)
class Rule:
    """When these facts hold, this outcome (the first rule that holds wins)."""

    when: Condition
    outcome: str
    # Where the rule came from, for messages: "rules[4].table.rows[2].cells[3]".
    origin: str
    caveats: tuple[Caveat, ...] = ()
    # A cell of a table block, as opposed to a rule written out on its own.
    table_cell: bool = False


@dataclass(frozen=True)
class Variant:
    """A fix's title and command for some cases (node clients reach the ClusterIP, pods the
    Service's DNS name)."""

    when: Condition
    title: Text | None = None
    command: str | None = None


@dataclass(frozen=True)
class Fix:
    """A change to the user's Service, rendered from a template and checked."""

    id: str
    title: Text
    template: str
    command: str
    sources: tuple[str, ...]
    recommended: bool = False
    caveats: tuple[Caveat, ...] = ()
    when: Condition = Condition()
    unless: tuple[Condition, ...] = ()
    # Paths the fix may change in the user's Service; everything else must come back unchanged.
    changes: tuple[tuple[str, ...], ...] = ()
    # (path, value) pairs the rendered manifest must hold; value None: as in the user's Service.
    expect: tuple[tuple[tuple[str, ...], Any], ...] = ()
    variants: tuple[Variant, ...] = ()

    def for_facts(self, facts: Mapping[str, str]) -> Fix:
        """The fix as told for these facts: the first variant that holds, if any."""
        for variant in self.variants:
            if variant.when.holds(facts):
                return replace(
                    self,
                    title=variant.title or self.title,
                    command=variant.command or self.command,
                    variants=(),
                )
        return self


# eq=False: playbooks are compared and hashed by identity (they hold mappings).
@dataclass(frozen=True, eq=False)
class Playbook:
    """A validated playbook: facts, rules, outcomes, fixes and sources."""

    id: str
    title: Text
    digest: str
    facts: tuple[Fact, ...]
    sources: Mapping[str, Source]
    outcomes: Mapping[str, Outcome]
    rules: tuple[Rule, ...]
    fixes: Mapping[str, Fix]
    text: str = field(repr=False, default="")

    @property
    def version(self) -> str:
        """Content digest: the same YAML always has the same version."""
        return self.digest

    def fact(self, name: str) -> Fact:
        for fact in self.facts:
            if fact.name == name:
                return fact
        raise KeyError(name)

    @cached_property
    def fact_names(self) -> tuple[str, ...]:
        return tuple(fact.name for fact in self.facts)


# --- loading -------------------------------------------------------------------------------------


@cache
def _schema_validator() -> Any:
    # Imported here: a compiled playbook from the cache needs no schema (and the CLI no wait).
    import jsonschema

    schema = json.loads((HOME / "playbooks" / "playbook.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def _json_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_playbook(path: str | Path | None = None) -> Playbook:
    """Load and validate a playbook file; None loads the one shipped with LB Doctor."""
    if path is None:
        resource = HOME / "playbooks" / BUNDLED_PLAYBOOK
        return parse_playbook(resource.read_text(encoding="utf-8"), BUNDLED_PLAYBOOK)
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError(str(file), "", f"cannot read the file: {exc}") from exc
    return parse_playbook(text, str(file))


def parse_playbook(text: str, file: str = "<playbook>") -> Playbook:
    try:
        # The C loader when present: the playbook is parsed at every start of the CLI.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PlaybookError(file, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    errors = sorted(_schema_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        # The deepest error of the first failing branch says most about what to fix.
        error = errors[0]
        from jsonschema.exceptions import best_match

        best = best_match([error]) or error
        raise PlaybookError(file, _json_path(best.absolute_path), best.message)
    return _Builder(file, data, text).build()


class _Builder:
    """Turns validated YAML into the model and checks every cross-reference."""

    def __init__(self, file: str, data: dict[str, Any], text: str) -> None:
        self.file = file
        self.data = data
        self.text = text
        self.facts: dict[str, Fact] = {}
        self.sources: dict[str, Source] = {}

    def fail(self, path: str, problem: str) -> PlaybookError:
        return PlaybookError(self.file, path, problem)

    def build(self) -> Playbook:
        data = self.data
        self.sources = {
            key: Source(key, value["title"], value["url"], value["section"])
            for key, value in data["sources"].items()
        }
        for index, raw in enumerate(data["facts"]):
            fact = self.fact(raw, f"facts[{index}]")
            if fact.name in self.facts:
                raise self.fail(f"facts[{index}].name", f"duplicate fact {fact.name!r}")
            self.facts[fact.name] = fact
        for index, raw in enumerate(data["facts"]):
            for position, option in enumerate(raw.get("options", [])):
                self.condition(
                    option.get("implies", {}), f"facts[{index}].options[{position}].implies"
                )
        fixes = {key: self.fix(key, value) for key, value in data["fixes"].items()}
        outcomes = {key: self.outcome(key, value, fixes) for key, value in data["outcomes"].items()}
        rules = self.rules(data["rules"], outcomes)
        digest = "sha256:" + hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]
        return Playbook(
            id=data["id"],
            title=Text(**data["title"]),
            digest=digest,
            facts=tuple(self.facts.values()),
            sources=self.sources,
            outcomes=outcomes,
            rules=rules,
            fixes=fixes,
            text=self.text,
        )

    def fact(self, raw: dict[str, Any], path: str) -> Fact:
        options = tuple(
            Option(
                value=option["value"],
                label=Text(**option["label"]),
                synonyms=tuple(option.get("synonyms", ())),
                implies=dict(option.get("implies", {})),
                examples={lang: tuple(texts) for lang, texts in option.get("examples", {}).items()},
                opposite=option.get("opposite"),
                refines=option.get("refines"),
                decided_by=tuple(option.get("decided_by", ())),
                fronts=tuple(option.get("fronts", ())),
                pod_node=option.get("pod_node"),
                runs_in=option.get("runs_in"),
            )
            for option in raw.get("options", ())
        )
        kind = raw.get("kind", "choice")
        if kind == "choice" and not options:
            raise self.fail(f"{path}.options", "a choice fact needs options")
        if kind != "choice" and raw.get("ask", True):
            raise self.fail(
                f"{path}.ask", f"a {kind} fact cannot be asked as a question; set ask: false"
            )
        values = [option.value for option in options]
        if len(set(values)) != len(values):
            raise self.fail(f"{path}.options", "duplicate option values")
        pattern = raw.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise self.fail(f"{path}.pattern", f"invalid regular expression: {exc}") from exc
        for position, option in enumerate(options):
            relations = {
                "opposite": (option.opposite,),
                "refines": (option.refines,),
                "fronts": option.fronts,
            }
            for relation, others in relations.items():
                for other in others:
                    if other is not None and other not in values:
                        raise self.fail(
                            f"{path}.options[{position}].{relation}", f"unknown option {other!r}"
                        )
        check = raw.get("how_to_check")
        return Fact(
            name=raw["name"],
            prompt=Text(**raw["prompt"]),
            kind=kind,
            ask=raw.get("ask", True),
            options=options,
            pattern=pattern,
            how_to_check=Check(
                text=Text(**check["text"]),
                source=self.source_refs([check["source"]], f"{path}.how_to_check.source")[0],
                command=check.get("command"),
            )
            if check is not None
            else None,
        )

    def source_refs(self, refs: list[str], path: str) -> tuple[str, ...]:
        for index, ref in enumerate(refs):
            if ref not in self.sources:
                raise self.fail(f"{path}[{index}]", f"unknown source {ref!r}")
        return tuple(refs)

    def condition(self, raw: Mapping[str, Any], path: str) -> Condition:
        constraints: dict[str, Constraint] = {}
        for name, expected in raw.items():
            fact = self.facts.get(name)
            if fact is None:
                raise self.fail(f"{path}.{name}", f"unknown fact {name!r}")
            if isinstance(expected, dict):
                if fact.kind != "version":
                    raise self.fail(f"{path}.{name}", "version bounds apply to version facts only")
                try:
                    bounds = {key: parse_version(value) for key, value in expected.items()}
                except ValueError as exc:
                    raise self.fail(f"{path}.{name}", str(exc)) from exc
                constraints[name] = VersionRange(**bounds)
                continue
            values = [expected] if isinstance(expected, str) else list(expected)
            for value in values:
                if value not in fact.values:
                    raise self.fail(
                        f"{path}.{name}",
                        f"{value!r} is not a value of {name} (valid: {', '.join(fact.values)})",
                    )
            constraints[name] = frozenset(values)
        return Condition(constraints)

    def caveats(self, raw: list[dict[str, Any]], path: str) -> tuple[Caveat, ...]:
        out = []
        for index, item in enumerate(raw):
            self.source_refs([item["source"]], f"{path}[{index}].source")
            out.append(
                Caveat(
                    text=Text(**item["text"]),
                    source=item["source"],
                    when=self.condition(item.get("when", {}), f"{path}[{index}].when"),
                )
            )
        return tuple(out)

    def fix(self, key: str, raw: dict[str, Any]) -> Fix:
        path = f"fixes.{key}"
        if not (TEMPLATES / raw["template"]).is_file():
            raise self.fail(
                f"{path}.template", f"no template {raw['template']!r} in knowledge/templates"
            )
        return Fix(
            id=key,
            title=Text(**raw["title"]),
            template=raw["template"],
            command=raw["command"],
            sources=self.source_refs(raw["sources"], f"{path}.sources"),
            recommended=raw.get("recommended", False),
            caveats=self.caveats(raw.get("caveats", []), f"{path}.caveats"),
            when=self.condition(raw.get("when", {}), f"{path}.when"),
            unless=tuple(
                self.condition(item, f"{path}.unless[{index}]")
                for index, item in enumerate(raw.get("unless", []))
            ),
            changes=tuple(tuple(change) for change in raw.get("changes", [])),
            expect=tuple(
                (tuple(item["path"]), item.get("value")) for item in raw.get("expect", [])
            ),
            variants=tuple(
                Variant(
                    when=self.condition(item["when"], f"{path}.variants[{index}].when"),
                    title=Text(**item["title"]) if "title" in item else None,
                    command=item.get("command"),
                )
                for index, item in enumerate(raw.get("variants", []))
            ),
        )

    def outcome(self, key: str, raw: dict[str, Any], fixes: Mapping[str, Fix]) -> Outcome:
        path = f"outcomes.{key}"
        for index, fix in enumerate(raw.get("fixes", [])):
            if fix not in fixes:
                raise self.fail(f"{path}.fixes[{index}]", f"unknown fix {fix!r}")
        if raw.get("fixes") and raw["verdict"] in ("works", "out-of-scope"):
            raise self.fail(f"{path}.fixes", f"a {raw['verdict']!r} outcome offers no fixes")
        return Outcome(
            id=key,
            verdict=raw["verdict"],
            explanation=Text(**raw["explanation"]),
            sources=self.source_refs(raw["sources"], f"{path}.sources"),
            next_steps=Text(**raw["next_steps"]) if "next_steps" in raw else None,
            caveats=self.caveats(raw.get("caveats", []), f"{path}.caveats"),
            fixes=tuple(raw.get("fixes", ())),
            proof=tuple(
                Proof(
                    text=Text(**item["text"]),
                    command=item["command"],
                    source=self.source_refs([item["source"]], f"{path}.proof[{index}].source")[0],
                    when=self.condition(item.get("when", {}), f"{path}.proof[{index}].when"),
                )
                for index, item in enumerate(raw.get("proof", []))
            ),
        )

    def rules(
        self, raw_rules: list[dict[str, Any]], outcomes: Mapping[str, Outcome]
    ) -> tuple[Rule, ...]:
        rules: list[Rule] = []

        def add(
            when: Condition,
            outcome: str,
            path: str,
            caveats: tuple[Caveat, ...] = (),
            table_cell: bool = False,
        ) -> None:
            if outcome not in outcomes:
                raise self.fail(path, f"unknown outcome {outcome!r}")
            for name in when.facts:
                if self.facts[name].kind == "text":
                    raise self.fail(path, f"rules cannot depend on {name!r}, a free-text fact")
            rules.append(Rule(when, outcome, path, caveats, table_cell))

        for index, raw in enumerate(raw_rules):
            path = f"rules[{index}]"
            if "table" not in raw:
                add(self.condition(raw["when"], f"{path}.when"), raw["outcome"], f"{path}.outcome")
                continue
            table = raw["table"]
            self.source_refs([table["source"]], f"{path}.table.source")
            columns = [
                self.condition(column, f"{path}.table.columns[{position}]")
                for position, column in enumerate(table["columns"])
            ]
            kinds = table.get("cell_kinds", {})
            for name, kind in kinds.items():
                split = self.facts.get(kind["split"])
                if split is None:
                    raise self.fail(
                        f"{path}.table.cell_kinds.{name}.split", f"unknown fact {kind['split']!r}"
                    )
                if set(kind["outcomes"]) != set(split.values):
                    raise self.fail(
                        f"{path}.table.cell_kinds.{name}.outcomes",
                        f"must name an outcome for each value of {split.name}: {', '.join(split.values)}",
                    )
            for row_index, row in enumerate(table["rows"]):
                row_path = f"{path}.table.rows[{row_index}]"
                row_when = self.condition(row["when"], f"{row_path}.when")
                if len(row["cells"]) != len(columns):
                    raise self.fail(
                        f"{row_path}.cells",
                        f"has {len(row['cells'])} cells for {len(columns)} columns",
                    )
                for column_index, (cell, column) in enumerate(
                    zip(row["cells"], columns, strict=True)
                ):
                    cell_path = f"{row_path}.cells[{column_index}]"
                    when = Condition({**row_when.constraints, **column.constraints})
                    if isinstance(cell, dict):
                        caveats = self.caveats(cell.get("caveats", []), f"{cell_path}.caveats")
                        add(when, cell["outcome"], cell_path, caveats, table_cell=True)
                    elif cell in kinds:
                        kind = kinds[cell]
                        for value, outcome in kind["outcomes"].items():
                            split_when = Condition(
                                {**when.constraints, kind["split"]: frozenset([value])}
                            )
                            add(
                                split_when,
                                outcome,
                                f"{cell_path}({kind['split']}={value})",
                                table_cell=True,
                            )
                    else:
                        add(when, cell, cell_path, table_cell=True)
        return tuple(rules)
