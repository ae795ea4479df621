"""The schema as `create_all` made it before migrations: playbooks, cases, feedback, handoffs.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "playbook_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("playbook_id", sa.String(100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(80), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("published_at", _WHEN, nullable=False),
        sa.UniqueConstraint("playbook_id", "number"),
        sa.UniqueConstraint("playbook_id", "digest"),
    )
    op.create_index("ix_playbook_versions_playbook_id", "playbook_versions", ["playbook_id"])

    op.create_table(
        "diagnosis_cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("playbook_id", sa.String(100), nullable=False),
        sa.Column("playbook_version", sa.String(80), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("fixes", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_index("ix_diagnosis_cases_verdict", "diagnosis_cases", ["verdict"])
    op.create_index("ix_diagnosis_cases_created_at", "diagnosis_cases", ["created_at"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id",
            sa.String(36),
            sa.ForeignKey("diagnosis_cases.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_index("ix_feedback_case_id", "feedback", ["case_id"])

    op.create_table(
        "handoffs",
        sa.Column("case_number", sa.String(32), primary_key=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("bundle", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _WHEN, nullable=False),
        sa.Column("last_attempt_at", _WHEN),
        sa.Column("last_error", sa.Text()),
        sa.Column("delivered_at", _WHEN),
        sa.Column("resolved_at", _WHEN),
        sa.Column("resolution_note", sa.Text()),
    )
    for column in ("created_at", "reason", "status", "next_attempt_at"):
        op.create_index(f"ix_handoffs_{column}", "handoffs", [column])


def downgrade() -> None:
    for table in ("handoffs", "feedback", "diagnosis_cases", "playbook_versions"):
        op.drop_table(table)
