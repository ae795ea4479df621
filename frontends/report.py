"""`lbdoctor report`: the weekly figures (knowledge.report) as text tables, JSON or a chart."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import TextIO

from frontends.text import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_OK
from knowledge.report import Report, build_report
from knowledge.settings import Settings
from knowledge.store import Store

__all__ = ["run_report"]

CHART_SUFFIXES = (".png", ".svg")
_DEFAULT_DAYS = 7


class _BadInput(ValueError):
    pass


def run_report(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    try:
        since, until = _period(args.since, args.until)
        if args.chart is not None and args.chart.suffix.lower() not in CHART_SUFFIXES:
            raise _BadInput(f"--chart {args.chart}: the file name must end in .png or .svg")
    except _BadInput as exc:
        sys.stderr.write(f"lbdoctor: {exc}\n")
        return EXIT_BAD_INPUT
    if args.chart is not None:
        try:  # matplotlib loads only for a chart; the action server's image has none
            from frontends.report_chart import draw_chart
        except ImportError as exc:
            sys.stderr.write(f"lbdoctor: --chart needs matplotlib, which is missing: {exc}\n")
            return EXIT_ERROR
    # A store that cannot be reached: frontends.cli.main says so (StoreError, EXIT_ERROR).
    store = Store.open(settings.database_url)
    try:
        with store.session() as session:
            report = build_report(session, since, until)
    finally:
        store.close()
    if args.json:
        out.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
    else:
        out.write(_tables(report))
    if args.chart is not None:
        try:
            draw_chart(report, args.chart)
        except OSError as exc:
            sys.stderr.write(
                f"lbdoctor: cannot write the chart to {args.chart}: {exc.strerror or exc}\n"
            )
            return EXIT_ERROR
        # stderr keeps `--json` output one JSON object.
        sys.stderr.write(f"chart written to {args.chart}\n")
    return EXIT_OK


def _day(value: str, option: str) -> date:
    # fromisoformat alone would take other ISO forms on newer Pythons.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise _BadInput(f"{option} {value!r}: expected a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _BadInput(f"{option} {value!r}: {exc}") from None


_LONGEST_DAYS = 3660  # ten years


def _period(since: str | None, until: str | None) -> tuple[datetime, datetime]:
    """[since, until) at UTC midnights; by default the last 7 days, today included."""
    last = _day(until, "--until") if until else datetime.now(timezone.utc).date() + timedelta(1)
    try:
        first = _day(since, "--since") if since else last - timedelta(_DEFAULT_DAYS)
    except OverflowError:  # --until in the first week of year 1
        raise _BadInput(f"--until {last}: give --since too") from None
    if first >= last:
        raise _BadInput(f"--since {first} is not before --until {last}: the period is empty")
    if (last - first).days > _LONGEST_DAYS:
        # One row per day: a period of centuries is a typo, not a review.
        raise _BadInput(f"the period is {(last - first).days} days; at most {_LONGEST_DAYS}")
    return (
        datetime.combine(first, time(), timezone.utc),
        datetime.combine(last, time(), timezone.utc),
    )


# --- text ------------------------------------------------------------------------------------


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"


def _table(title: str, header: Sequence[str] | None, rows: Sequence[Sequence[object]]) -> str:
    """A titled table: the first column left-aligned, the figures right-aligned."""
    if not rows:
        return f"{title}\n  (none)\n"
    cells = ([list(header)] if header else []) + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[n]) for row in cells) for n in range(len(cells[0]))]
    lines = [
        "  "
        + "  ".join(
            cell.ljust(width) if n == 0 else cell.rjust(width)
            for n, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in cells
    ]
    return "\n".join([title, *lines]) + "\n"


def _shares(title: str, counts: dict[str, int], total: int) -> str:
    return _table(
        title,
        ("", "count", "share"),
        [(k, n, _percent(n / total if total else None)) for k, n in counts.items()],
    )


def _tables(report: Report) -> str:
    handoffs = sum(report.handoffs.values())
    summary = [
        ("Diagnoses", report.diagnoses),
        ("Solved by the bot", report.solved),
        ("Not solved", report.not_solved),
        ("No answer", report.no_answer),
        ("Deflection rate (solved / answered)", _percent(report.deflection_rate)),
        ("Handoffs to support", handoffs),
        ("Conversations started", report.conversations),
    ]
    sections = [
        f"LB Doctor report, {report.since:%Y-%m-%d} to {report.days[-1].day:%Y-%m-%d} (UTC)\n",
        _table("Summary", None, summary),
        _shares("Handoffs by reason", report.handoffs, handoffs),
        _shares("Verdicts", report.verdicts, report.diagnoses),
        _shares("Languages", report.languages, report.diagnoses),
        _shares("Channels", report.channels, report.diagnoses),
        _table(
            "Deflection per day",
            ("day", "diagnoses", "solved", "not solved", "deflection"),
            [
                (
                    d.day.isoformat(),
                    d.diagnoses,
                    d.solved,
                    d.not_solved,
                    _percent(d.deflection_rate),
                )
                for d in report.days
            ],
        ),
        _table(
            "Drop-off: conversations left without a verdict, by the last question asked",
            ("question", "conversations", "share of all"),
            [
                (d.question or "(before the first question)", d.conversations, _percent(d.share))
                for d in report.drop_off
            ],
        ),
        _table(
            'Answers most often followed by "no" (the fix did not help)',
            ("answer", '"no"', "with feedback", "rate"),
            [
                (f"{a.fact} = {a.value}", a.not_solved, a.with_feedback, _percent(a.rate))
                for a in report.answers_followed_by_no
            ],
        ),
    ]
    return "\n".join(sections)
