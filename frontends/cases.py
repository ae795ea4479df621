"""`lbdoctor cases`: the handoffs support works through (knowledge.outbox), from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from frontends.text import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_OK
from knowledge.delivery import Deliverer
from knowledge.outbox import HandoffRecord, get_handoff, list_handoffs, resolve
from knowledge.settings import Settings
from knowledge.store import Store

__all__ = ["run_cases"]


def run_cases(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    store = Store.open(settings.database_url)
    try:
        if args.action == "deliver":
            return _deliver(Deliverer.from_settings(settings, store), args.cases, out)
        with store.session() as session:
            if args.action == "list":
                _list(list_handoffs(session, args.status), args.json, out)
                return EXIT_OK
            record = (
                resolve(session, args.case, args.note)
                if args.action == "resolve"
                else get_handoff(session, args.case)
            )
        if record is None:
            return _unknown(args.case)
        if args.action == "resolve":
            out.write(f"resolved: {record.case}\n")
        elif args.json:
            out.write(json.dumps({**record.summary(), "bundle": record.bundle}, ensure_ascii=False))
            out.write("\n")
        else:
            _show(record, out)
        return EXIT_OK
    finally:
        store.close()


def _unknown(case: str) -> int:
    sys.stderr.write(f"lbdoctor: no handoff case {case!r} (see lbdoctor cases list)\n")
    return EXIT_BAD_INPUT


def _list(records: list[HandoffRecord], as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps([r.summary() for r in records], ensure_ascii=False) + "\n")
        return
    for r in records:
        resolved = f"resolved {r.resolved_at:%Y-%m-%d}" if r.resolved_at else "open"
        out.write(
            f"{r.case}\t{r.created_at:%Y-%m-%d %H:%M}\t{r.status}\t{r.reason}\t"
            f"{r.language}\t{r.channel}\t{resolved}\n"
        )


def _show(record: HandoffRecord, out: TextIO) -> None:
    bundle: dict[str, Any] = record.bundle
    state = f"{record.status}, {record.attempts} attempt(s)"
    if record.last_error:
        state += f"; last error: {record.last_error}"
    lines = [
        f"Case {record.case} ({state})",
        f"Opened {bundle['created']} · {bundle['language']} · {bundle['channel']} · "
        f"reason: {bundle['reason']}",
        f"Verdict: {bundle['verdict'] or 'none'}",
    ]
    if bundle["facts"]:
        lines.append("Facts:")
        lines += [f"  {f['name']} = {f['value']} ({f['source']})" for f in bundle["facts"]]
    if bundle["fixes"]:
        lines.append("Fixes offered:")
        lines += [f"  {fix['id']}: {fix['title']}" for fix in bundle["fixes"]]
    for key in ("error", "service"):
        if bundle[key]:
            lines.append(f"{key.capitalize()}:")
            lines += [f"  {line}" for line in bundle[key].splitlines()]
    if bundle["transcript"]:
        lines.append("Transcript:")
        lines += [f"  [{ln['time']}] {ln['who']}: {ln['text']}" for ln in bundle["transcript"]]
    if record.resolved_at:
        note = f": {record.resolution_note}" if record.resolution_note else ""
        lines.append(f"Resolved {record.resolved_at:%Y-%m-%d %H:%M}{note}")
    out.write("\n".join(lines) + "\n")


def _deliver(deliverer: Deliverer, cases: list[str], out: TextIO) -> int:
    if deliverer.url is None:
        sys.stderr.write("lbdoctor: LBDOCTOR_HANDOFF_URL is not set: handoffs are only stored\n")
        return EXIT_ERROR
    try:
        for case in cases:
            if deliverer.get(case) is None:
                return _unknown(case)
        records = deliverer.redeliver(cases) if cases else deliverer.deliver_due(scheduled=False)
    finally:
        deliverer.stop()
    for r in records:
        out.write(f"{r.case}\t{r.status}" + (f"\t{r.last_error}" if r.last_error else "") + "\n")
    return EXIT_OK if all(r.status == "delivered" for r in records) else EXIT_ERROR
