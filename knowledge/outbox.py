"""The handoff outbox: every bundle is written to the store, redacted, before anyone tries to
deliver it, so a webhook that is down or a restart loses nothing (knowledge.delivery sends it).

A delivery is claimed by a conditional UPDATE (pending, due, and the attempt count just read):
two deliverers over one database, in one process or in replicas, never both send an attempt.
The claim also moves the next attempt past the request's time-out, so an attempt cut short by
a crash is retried; the receiver drops that rare repeat by its `Idempotency-Key`.

Query functions take a Session and return plain dataclasses; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.handoff import Bundle, new_case_number
from knowledge.store import Base, as_utc, utc_now

__all__ = [
    "DELIVERED",
    "FAILED",
    "PENDING",
    "HandoffRecord",
    "claim",
    "due",
    "enqueue",
    "get_handoff",
    "list_handoffs",
    "mark_delivered",
    "mark_failed",
    "next_due",
    "reopen",
    "resolve",
    "schedule_retry",
]

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
_ERROR_LIMIT = 500


class HandoffRow(Base):
    __tablename__ = "handoffs"

    case_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Kept beside the bundle for listing and counting without reading it.
    reason: Mapped[str] = mapped_column(String(20), index=True)
    language: Mapped[str] = mapped_column(String(5))
    channel: Mapped[str] = mapped_column(String(40))
    bundle: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # When `lbdoctor purge` replaced the bundle by a stub (knowledge.retention).
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class HandoffRecord:
    case: str
    created_at: datetime
    reason: str
    language: str
    channel: str
    bundle: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_error: str | None
    delivered_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str | None

    def summary(self) -> dict[str, Any]:
        """Everything but the bundle, as JSON."""
        return {
            "case": self.case,
            "created": self.created_at.isoformat(),
            "reason": self.reason,
            "language": self.language,
            "channel": self.channel,
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt": self.next_attempt_at.isoformat() if self.status == PENDING else None,
            "last_error": self.last_error,
            "delivered": _iso(self.delivered_at),
            "resolved": _iso(self.resolved_at),
            "resolution_note": self.resolution_note,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _record(row: HandoffRow) -> HandoffRecord:
    return HandoffRecord(
        case=row.case_number,
        created_at=as_utc(row.created_at),
        reason=row.reason,
        language=row.language,
        channel=row.channel,
        bundle=dict(row.bundle),
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=as_utc(row.next_attempt_at),
        last_attempt_at=as_utc(row.last_attempt_at),
        last_error=row.last_error,
        delivered_at=as_utc(row.delivered_at),
        resolved_at=as_utc(row.resolved_at),
        resolution_note=row.resolution_note,
    )


def enqueue(session: Session, bundle: Bundle) -> HandoffRecord:
    """Store the bundle, redacted, as pending and due now. A case number already stored (five
    random characters a day: rare, not impossible) is drawn again, so no handoff is refused."""
    safe = bundle.redacted()
    while session.get(HandoffRow, safe.case) is not None:
        safe = replace(safe, case=new_case_number(safe.created))
    row = HandoffRow(
        case_number=safe.case,
        created_at=safe.created,
        reason=safe.reason,
        language=safe.language,
        channel=safe.channel,
        bundle=safe.to_json(),
        status=PENDING,
        attempts=0,
        next_attempt_at=safe.created,
    )
    session.add(row)
    session.flush()
    return _record(row)


def get_handoff(session: Session, case: str) -> HandoffRecord | None:
    row = session.get(HandoffRow, case)
    return _record(row) if row is not None else None


def list_handoffs(
    session: Session, status: str | None = None, limit: int = 100
) -> list[HandoffRecord]:
    query = select(HandoffRow).order_by(HandoffRow.created_at.desc()).limit(limit)
    if status is not None:
        query = query.where(HandoffRow.status == status)
    return [_record(row) for row in session.scalars(query)]


def due(session: Session, *, scheduled: bool = True, limit: int = 50) -> list[HandoffRecord]:
    """Pending handoffs whose next attempt has come; every pending one with scheduled=False."""
    query = select(HandoffRow).where(HandoffRow.status == PENDING)
    if scheduled:
        query = query.where(HandoffRow.next_attempt_at <= utc_now())
    query = query.order_by(HandoffRow.next_attempt_at).limit(limit)
    return [_record(row) for row in session.scalars(query)]


def next_due(session: Session) -> datetime | None:
    """When the earliest pending handoff is due; None when none is pending."""
    return as_utc(
        session.scalar(
            select(func.min(HandoffRow.next_attempt_at)).where(HandoffRow.status == PENDING)
        )
    )


def claim(session: Session, record: HandoffRecord, lease: timedelta) -> HandoffRecord | None:
    """Take one attempt at delivering `record` as read; None when another deliverer took it."""
    now = utc_now()
    taken = session.execute(
        update(HandoffRow)
        .where(
            HandoffRow.case_number == record.case,
            HandoffRow.status == PENDING,
            HandoffRow.attempts == record.attempts,
        )
        .values(attempts=record.attempts + 1, last_attempt_at=now, next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return get_handoff(session, record.case)


def _set(session: Session, case: str, **values: Any) -> None:
    session.execute(
        update(HandoffRow)
        .where(HandoffRow.case_number == case)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def mark_delivered(session: Session, case: str) -> None:
    _set(session, case, status=DELIVERED, delivered_at=utc_now(), last_error=None)


def schedule_retry(session: Session, case: str, error: str, at: datetime) -> None:
    _set(session, case, next_attempt_at=at, last_error=error[:_ERROR_LIMIT])


def mark_failed(session: Session, case: str, error: str) -> None:
    _set(session, case, status=FAILED, last_error=error[:_ERROR_LIMIT])


def reopen(session: Session, cases: Sequence[str]) -> list[str]:
    """Failed or pending cases made due now (after the URL or the receiver was fixed); returns
    the case numbers found."""
    rows = session.scalars(select(HandoffRow).where(HandoffRow.case_number.in_(cases))).all()
    for row in rows:
        if row.status != DELIVERED:
            row.status, row.next_attempt_at = PENDING, utc_now()
    session.flush()
    return [row.case_number for row in rows]


def resolve(session: Session, case: str, note: str = "") -> HandoffRecord | None:
    """A person solved the case; None when there is no such case."""
    row = session.get(HandoffRow, case)
    if row is None:
        return None
    row.resolved_at, row.resolution_note = utc_now(), note[:2000] or None
    session.flush()
    return _record(row)
