"""live updates: each article's change counter and the log of what each change touched

``article_revisions`` holds one counter per article, raised in the transaction of every change
to its claims; ``live_changes`` says what each revision touched, so that a poll re-renders only
that (see annotator/live_marker.py). Existing articles start at revision 0.

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-26 09:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import annotator.db.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_revisions",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", annotator.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("article_id"),
    )
    op.create_table(
        "live_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("span_id", sa.Integer(), nullable=True),
        sa.Column("annotation_id", sa.Integer(), nullable=True),
        sa.Column("private_to", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_changes", schema=None) as batch_op:
        batch_op.create_index("ix_live_changes_article_revision", ["article_id", "revision"], unique=False)
    op.execute(
        "INSERT INTO article_revisions (article_id, revision, changed_at) SELECT id, 0, CURRENT_TIMESTAMP FROM articles"
    )


def downgrade() -> None:
    with op.batch_alter_table("live_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_live_changes_article_revision")
    op.drop_table("live_changes")
    op.drop_table("article_revisions")
