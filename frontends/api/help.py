"""The self-service help page: the decision tree as a guided form, one question per page.

Every answer lives in the page's address (`/help?service_type=nodeport&lang=pt`), so pages can
be bookmarked, shared and gone back through; plain forms and links, no JavaScript needed (a
small script adds the fix tabs and Copy). A pasted Service travels in the address too, cleaned
and compressed (`svc`), so the fixes are personalised without any state on the server."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from frontends.api.language import pick_language
from frontends.api.metrics import Metrics
from frontends.api.questions import question_view
from frontends.render.html import diagnosis_html, template
from frontends.wording import fact_value_label, say
from knowledge.app import App
from knowledge.diagnosis import canonical_facts, gather_facts
from knowledge.engine import MAX_TEXT_CHARS
from knowledge.errors import FactError, IntakeError
from knowledge.intake.service import (
    MAX_PASTE_BYTES,
    ServiceInfo,
    looks_like_service,
    parse_service,
)
from knowledge.settings import Settings

__all__ = ["help_router"]

_CONTROL = ("lang", "skip", "svc", "error", "pasted", "problem")
_STATIC = {"help.css": "text/css", "help.js": "text/javascript"}


def encode_service(service: ServiceInfo) -> str:
    raw = json.dumps(service.document(), sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode_service(token: str) -> str:
    """The Service's JSON text; IntakeError when it is damaged or not a Service."""
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_PASTE_BYTES)
        if inflater.unconsumed_tail:
            raise IntakeError("the Service in the address is too large")
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise IntakeError(
            "the Service in the address is damaged", "o Serviço no endereço está danificado"
        ) from exc
    text = raw.decode("utf-8", "replace")
    parse_service(text)
    return text


@dataclass
class Walk:
    """Where a reader is: their answers, skips and paste, read from the address."""

    lang: str
    params: list[tuple[str, str]]
    given: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    service_text: str | None = None
    error: str | None = None
    problems: list[str] = field(default_factory=list)

    def url(self, drop: str | None = None, **extra: str) -> str:
        """This page's address without the answer `drop`, with `extra` parameters."""
        kept = [(k, v) for k, v in self.params if k not in (drop, "pasted", *extra)]
        return "/help?" + urlencode([*kept, *extra.items()])


def read_walk(opened: App, params: list[tuple[str, str]], lang: str) -> Walk:
    walk = Walk(lang, [(k, v) for k, v in params if k != "lang"] + [("lang", lang)])
    engine = opened.doctor.engine
    askable = {fact.name for fact in engine.askable}
    answers = {k: v for k, v in params if k not in _CONTROL}
    for name, value in canonical_facts(opened.doctor.playbook, answers).items():
        try:
            engine.normalize({**walk.given, name: value})
        except FactError as exc:
            valid = ", ".join(exc.valid)
            walk.problems.append(
                say("help_bad_answer", lang, value=value, fact=name, problem=exc.get(lang))
                + (f" ({valid})" if valid else "")
            )
            walk.params.remove((name, answers[name]))
            continue
        walk.given[name] = value
    walk.skipped = [v for k, v in params if k == "skip" and v in askable]
    token = dict(params).get("svc")
    if token:
        try:
            walk.service_text = decode_service(token)
        except IntakeError as exc:
            walk.problems.append(exc.get(lang))
    error = dict(params).get("error")
    walk.error = error[:MAX_TEXT_CHARS] if error else None
    return walk


def help_router(settings: Settings, metrics: Metrics) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/help", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        opened: App = request.app.state.knowledge
        params = list(request.query_params.multi_items())
        lang = pick_language(
            request.query_params.get("lang"),
            request.headers.get("accept-language"),
            settings.language,
        )
        walk = read_walk(opened, params, lang)
        facts, service = gather_facts(walk.given, walk.service_text, walk.error)
        try:
            report = opened.doctor.report(facts, lang, service, walk.skipped)
        except FactError as exc:
            # The paste says something the answers contradict: the answers win, as in the CLI.
            walk.problems.append(f"{exc.fact}: {exc.get(lang)}")
            facts, service = gather_facts(walk.given, None, None)
            report = opened.doctor.report(facts, lang, service, walk.skipped)
        if report["verdict"] is not None:
            metrics.diagnoses.labels(report["verdict"]).inc()
        return HTMLResponse(render_page(opened, walk, report))

    @router.post("/help/paste")
    async def paste(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        state = parse_qsl(form.get("state", ""))
        text = form.get("paste", "").strip()
        kept = [(k, v) for k, v in state if k not in ("svc", "error", "pasted", "problem")]
        lang = dict(state).get("lang") or settings.language
        if looks_like_service(text):
            try:
                kept.append(("svc", encode_service(parse_service(text))))
            except IntakeError as exc:
                return _redirect([*kept, ("problem", exc.get(lang))])
        elif text:
            kept.append(("error", text[:MAX_TEXT_CHARS]))
        return _redirect([*kept, ("pasted", "1")])

    @router.get("/help/static/{name}")
    def static(name: str) -> Response:
        if name not in _STATIC:
            return Response(status_code=404)
        body = (resources.files("frontends") / "static" / name).read_bytes()
        return Response(
            body, media_type=_STATIC[name], headers={"Cache-Control": "public, max-age=3600"}
        )

    return router


def _redirect(params: list[tuple[str, str]]) -> RedirectResponse:
    return RedirectResponse("/help?" + urlencode(params), status_code=303)


def render_page(opened: App, walk: Walk, report: dict[str, Any]) -> str:
    playbook = opened.doctor.playbook
    lang = walk.lang
    answered = [
        {
            "label": playbook.fact(name).prompt.get(lang),
            "value": fact_value_label(playbook, name, value, lang),
            "change": walk.url(drop=name) if name in walk.given else None,
        }
        for name, value in report["facts"].items()
        if name in playbook.fact_names and playbook.fact(name).ask
    ]
    question = (
        question_view(playbook, report["next_question"], lang) if report["next_question"] else None
    )
    pasted = dict(walk.params).get("pasted") == "1"
    from_paste = [
        fact_value_label(playbook, name, value, lang)
        for name, value in report["facts"].items()
        if name not in walk.given and name != "error_message"
    ]
    words = {
        key: say(key, lang)
        for key in (
            "help_title", "help_intro", "help_skip_link", "help_language", "help_answered",
            "help_change", "help_from_paste", "help_start_over", "help_paste_heading",
            "help_paste_label", "help_paste_button", "help_source", "how_to_check_button",
            "skip_button", "help_paste_nothing",
        )
    }  # fmt: skip
    hidden = [(k, v) for k, v in walk.params if k not in ("pasted", "problem")]
    notices = [*walk.problems, *(v for k, v in walk.params if k == "problem")]
    return template("help.html.j2").render(
        lang=lang,
        other_lang="en" if lang == "pt" else "pt",
        words=words,
        walk=walk,
        answered=answered,
        question=question,
        number=len(answered) + 1,
        question_heading=say("help_question", lang, number=len(answered) + 1),
        pasted=pasted,
        paste_read=say("help_paste_read", lang, facts="; ".join(from_paste)) if from_paste else "",
        skipped=say("help_skipped", lang, questions=", ".join(walk.skipped))
        if walk.skipped
        else "",
        notices=notices,
        card=Markup(diagnosis_html(report, lang))
        if report["verdict"]
        else None,  # our own autoescaped render
        state=urlencode(hidden),
        hidden=hidden,
        api_note=Markup(
            say("help_api", lang, docs='<a href="/docs">/docs</a>')
        ),  # the catalog's own text
        start_over=f"/help?lang={lang}",
        switch=walk.url(lang="en" if lang == "pt" else "pt"),
    )
