"""The figures a support lead reviews every week (`lbdoctor report`): how many problems the bot
solved without a person, what it handed over and why, and where conversations stop.

Everything is counted over one period [since, until): cases and handoffs by when they were
created, conversations by when they started. A case counts as solved or not by its latest
feedback, whenever that came (a user may answer days later). Only columns are read, never a
handoff's bundle or a user's free text.

Query functions take a Session and return plain dataclasses; the caller owns the transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.handoff import REASONS
from knowledge.outbox import HandoffRow
from knowledge.progress import ConversationProgress, conversations
from knowledge.retention import FREE_TEXT_FACTS
from knowledge.store import CaseRow, FeedbackRow, as_utc

__all__ = [
    "IDLE",
    "TOP_ANSWERS",
    "AnswerFollowedByNo",
    "Day",
    "DropOff",
    "Report",
    "build_report",
]

# A conversation without a verdict that has been quiet this long was left, not paused.
IDLE = timedelta(minutes=30)
TOP_ANSWERS = 10


@dataclass(frozen=True)
class Day:
    """One UTC day of the period: its diagnoses and how the answered ones went."""

    day: date
    diagnoses: int
    solved: int
    not_solved: int

    @property
    def deflection_rate(self) -> float | None:
        return _rate(self.solved, self.solved + self.not_solved)


@dataclass(frozen=True)
class DropOff:
    """Conversations left without a verdict after this question (None: before any)."""

    question: str | None
    conversations: int
    share: float  # of all the period's conversations


@dataclass(frozen=True)
class AnswerFollowedByNo:
    fact: str
    value: str
    not_solved: int  # cases with this answer whose latest feedback is "not helpful"
    with_feedback: int  # cases with this answer and any feedback

    @property
    def rate(self) -> float:
        return self.not_solved / self.with_feedback


@dataclass(frozen=True)
class Report:
    since: datetime
    until: datetime
    diagnoses: int
    solved: int
    not_solved: int
    no_answer: int
    verdicts: dict[str, int]
    languages: dict[str, int]
    channels: dict[str, int]
    handoffs: dict[str, int]  # by reason, every reason listed
    days: tuple[Day, ...]
    conversations: int
    drop_off: tuple[DropOff, ...]
    answers_followed_by_no: tuple[AnswerFollowedByNo, ...]

    @property
    def deflection_rate(self) -> float | None:
        """Solved / diagnoses with an answer; None when none was answered."""
        return _rate(self.solved, self.solved + self.not_solved)

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "diagnoses": self.diagnoses,
            "solved": self.solved,
            "not_solved": self.not_solved,
            "no_answer": self.no_answer,
            "deflection_rate": self.deflection_rate,
            "verdicts": self.verdicts,
            "languages": self.languages,
            "channels": self.channels,
            "handoffs": {"total": sum(self.handoffs.values()), "by_reason": self.handoffs},
            "deflection_by_day": [
                {**asdict(d), "day": d.day.isoformat(), "deflection_rate": d.deflection_rate}
                for d in self.days
            ],
            "conversations": self.conversations,
            "drop_off": [asdict(d) for d in self.drop_off],
            "answers_followed_by_no": [
                {**asdict(a), "rate": a.rate} for a in self.answers_followed_by_no
            ],
        }


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _utc(moment: datetime) -> datetime:
    # In UTC itself, not only zoned: the report counts UTC days (PostgreSQL may hand back
    # another zone).
    return as_utc(moment).astimezone(timezone.utc)


def _by_count(counter: Counter[str]) -> dict[str, int]:
    """Most frequent first, then by name, so equal runs print the same."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def build_report(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    now: datetime | None = None,
    idle: timedelta = IDLE,
) -> Report:
    """The figures for [since, until); `now` decides which conversations are idle."""
    since, until = _utc(since), _utc(until)
    cases = session.execute(
        select(
            CaseRow.id,
            CaseRow.verdict,
            CaseRow.language,
            CaseRow.channel,
            CaseRow.facts,
            CaseRow.created_at,
        ).where(CaseRow.created_at >= since, CaseRow.created_at < until)
    ).all()
    helpful = _latest_feedback(session, since, until)
    solved = sum(1 for answer in helpful.values() if answer)
    not_solved = len(helpful) - solved
    started = conversations(session, since, until)
    idle_before = _utc(now or datetime.now(timezone.utc)) - idle
    return Report(
        since=since,
        until=until,
        diagnoses=len(cases),
        solved=solved,
        not_solved=not_solved,
        no_answer=len(cases) - len(helpful),
        verdicts=_by_count(Counter(case.verdict for case in cases)),
        languages=_by_count(Counter(case.language for case in cases)),
        channels=_by_count(Counter(case.channel for case in cases)),
        handoffs=_handoffs(session, since, until),
        days=_days(since, until, [(_utc(c.created_at), helpful.get(c.id)) for c in cases]),
        conversations=len(started),
        drop_off=_drop_off(started, idle_before),
        answers_followed_by_no=_answers_followed_by_no(
            [(case.facts, helpful[case.id]) for case in cases if case.id in helpful]
        ),
    )


def _latest_feedback(session: Session, since: datetime, until: datetime) -> dict[str, bool]:
    """Whether each answered case of the period was helpful, by its latest feedback."""
    rows = session.execute(
        select(FeedbackRow.case_id, FeedbackRow.helpful)
        .join(CaseRow, CaseRow.id == FeedbackRow.case_id)
        .where(CaseRow.created_at >= since, CaseRow.created_at < until)
        .order_by(FeedbackRow.created_at, FeedbackRow.id)
    )
    return {case_id: helpful for case_id, helpful in rows}  # later rows overwrite earlier ones


def _handoffs(session: Session, since: datetime, until: datetime) -> dict[str, int]:
    rows = session.execute(
        select(HandoffRow.reason, func.count())
        .where(HandoffRow.created_at >= since, HandoffRow.created_at < until)
        .group_by(HandoffRow.reason)
    )
    counts = {reason: count for reason, count in rows}
    return {reason: counts.get(reason, 0) for reason in REASONS}


def _days(
    since: datetime, until: datetime, cases: list[tuple[datetime, bool | None]]
) -> tuple[Day, ...]:
    """Every UTC day the period touches, empty ones too (a chart shows the gap)."""
    first, last = since.date(), (until - timedelta(microseconds=1)).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    diagnoses: Counter[date] = Counter(created.date() for created, _ in cases)
    solved: Counter[date] = Counter(created.date() for created, answer in cases if answer is True)
    unsolved: Counter[date] = Counter(
        created.date() for created, answer in cases if answer is False
    )
    return tuple(Day(day, diagnoses[day], solved[day], unsolved[day]) for day in days)


def _drop_off(started: list[ConversationProgress], idle_before: datetime) -> tuple[DropOff, ...]:
    left: Counter[str | None] = Counter(
        c.last_question for c in started if c.verdict is None and c.updated_at < idle_before
    )
    ordered = sorted(left.items(), key=lambda item: (-item[1], item[0] or ""))
    return tuple(DropOff(question, n, n / len(started)) for question, n in ordered)


def _answers_followed_by_no(
    answered: list[tuple[dict[str, Any], bool]],
) -> tuple[AnswerFollowedByNo, ...]:
    with_feedback: Counter[tuple[str, str]] = Counter()
    not_solved: Counter[tuple[str, str]] = Counter()
    for facts, helpful in answered:
        pairs = {
            (f, str(v)) for f, v in facts.items() if f not in FREE_TEXT_FACTS and v is not None
        }
        with_feedback.update(pairs)
        if not helpful:
            not_solved.update(pairs)
    found = [AnswerFollowedByNo(f, v, n, with_feedback[f, v]) for (f, v), n in not_solved.items()]
    # Most "no"s first; of equal counts, the answer more often followed by "no".
    found.sort(key=lambda a: (-a.not_solved, -a.rate, a.fact, a.value))
    return tuple(found[:TOP_ANSWERS])
