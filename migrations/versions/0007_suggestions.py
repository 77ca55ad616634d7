"""suggested claims

Every sentence of each article version with its check-worthiness score and the features that
fired (suggestions), and the sentences dismissed on an article, remembered by the SHA-256 of
their words (suggestion_dismissals). Existing articles get their suggestions from
``flask suggest-claims``, not from this migration (it needs the configured scorer).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 09:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import annotator.db.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("quote_hash", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.create_index("ix_suggestions_article_version", ["article_id", "version", "start"], unique=False)
    op.create_table(
        "suggestion_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("quote_hash", sa.String(length=64), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", annotator.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("restored_by_id", sa.Integer(), nullable=True),
        sa.Column("restored_at", annotator.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
        ),
        sa.ForeignKeyConstraint(
            ["dismissed_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["restored_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "quote_hash", name="uq_suggestion_dismissal"),
    )


def downgrade() -> None:
    op.drop_table("suggestion_dismissals")
    with op.batch_alter_table("suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestions_article_version")
    op.drop_table("suggestions")
