"""index events by annotation, action and time

The review queue asks, per annotation, when it was first submitted; a composite index
answers that from the index alone. It starts with annotation_id, so it replaces the
single-column index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 21:53:45.558949
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_annotation_id"))
        batch_op.create_index("ix_events_annotation_action_at", ["annotation_id", "action", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_annotation_action_at")
        batch_op.create_index(batch_op.f("ix_events_annotation_id"), ["annotation_id"], unique=False)
