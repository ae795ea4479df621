"""Conversation progress (what `lbdoctor report` counts) and when a handoff's bundle was purged.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversation_progress",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("started_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("last_question", sa.String(100)),
        sa.Column("questions_asked", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(20)),
        sa.Column("case_id", sa.String(36)),
    )
    for column in ("started_at", "updated_at", "verdict"):
        op.create_index(f"ix_conversation_progress_{column}", "conversation_progress", [column])
    # Null until `lbdoctor purge` replaces the bundle by a stub.
    op.add_column("handoffs", sa.Column("purged_at", _WHEN))


def downgrade() -> None:
    # SQLite drops a column by copying the table: batch mode does that where needed.
    with op.batch_alter_table("handoffs") as handoffs:
        handoffs.drop_column("purged_at")
    op.drop_table("conversation_progress")
