"""The weekly review's chart: deflection rate per day beside the drop-off per question.

Drawn on a bare `Figure` (no pyplot): no GUI backend and no global figure state, so the
command works on a server without a display; savefig picks the Agg or SVG canvas by suffix.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from knowledge.report import Report

__all__ = ["draw_chart"]


def draw_chart(report: Report, path: Path) -> None:
    figure = Figure(figsize=(12, 5), layout="constrained")
    rate_axes, drop_axes = figure.subplots(1, 2)
    figure.suptitle(f"LB Doctor, {report.since:%Y-%m-%d} to {report.days[-1].day:%Y-%m-%d} (UTC)")

    # Days without an answered diagnosis have no rate: NaN leaves a gap instead of a false 0.
    days = [d.day for d in report.days]
    rates = [float("nan") if d.deflection_rate is None else d.deflection_rate for d in report.days]
    rate_axes.plot(days, rates, marker="o")
    rate_axes.set_title("Deflection rate per day (solved / answered)")
    rate_axes.set_ylim(-0.05, 1.05)
    rate_axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    # matplotlib.dates has no type annotations.
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    rate_axes.xaxis.set_major_locator(locator)
    rate_axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    # Half a day either side, so the first and last days are not cut at the frame.
    margin = timedelta(hours=12)
    rate_axes.set_xlim(_midnight(days[0]) - margin, _midnight(days[-1]) + margin)
    rate_axes.grid(alpha=0.3)

    drop_axes.set_title("Conversations left without a verdict, by last question")
    if report.drop_off:
        # Most frequent at the top.
        shown = list(reversed(report.drop_off))
        labels = [d.question or "(before the first question)" for d in shown]
        bars = drop_axes.barh(labels, [d.conversations for d in shown])
        drop_axes.bar_label(bars, [f" {d.conversations} ({d.share:.1%})" for d in shown])
        drop_axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        drop_axes.set_xlabel("conversations")
    else:
        drop_axes.text(0.5, 0.5, "no drop-offs", ha="center", va="center")
        drop_axes.set_axis_off()
    figure.savefig(path)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), timezone.utc)
