"""Alembic's entry point: runs the revisions on the connection knowledge.migrations gives it."""

from __future__ import annotations

from alembic import context

from knowledge.store import metadata

if context.is_offline_mode():
    raise SystemExit("LB Doctor's migrations run on a connection (Store.open), not as SQL scripts")

context.configure(connection=context.config.attributes["connection"], target_metadata=metadata())
with context.begin_transaction():
    context.run_migrations()
