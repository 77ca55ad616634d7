"""checked before: external fact-checks and "same claim as" links

``external_checks`` holds ClaimReviews published by other fact-checkers (``flask
import-claimreview``), one row per review URL; ``claim_links`` holds a lead's "same claim as"
between two spans of different articles, or between a span and an external check.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-26 09:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import annotator.db.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "external_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("claim_reviewed", sa.Text(), nullable=False),
        sa.Column("rating", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("claim_author", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("appearance_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("imported_at", annotator.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", annotator.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    op.create_table(
        "claim_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("span_id", sa.Integer(), nullable=False),
        sa.Column("other_span_id", sa.Integer(), nullable=True),
        sa.Column("external_check_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", annotator.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", annotator.db.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["external_check_id"],
            ["external_checks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["other_span_id"],
            ["spans.id"],
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["span_id"],
            ["spans.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("claim_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_links_external_check_id"), ["external_check_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_links_other_span_id"), ["other_span_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_links_span_id"), ["span_id"], unique=False)
        # One active link per pair (NULLs differ, so each index binds only its own kind of link).
        for name, other in (("uq_claim_link_span", "other_span_id"), ("uq_claim_link_external", "external_check_id")):
            batch_op.create_index(
                name,
                ["span_id", other],
                unique=True,
                sqlite_where=sa.text("removed_at IS NULL"),
                postgresql_where=sa.text("removed_at IS NULL"),
            )


def downgrade() -> None:
    with op.batch_alter_table("claim_links", schema=None) as batch_op:
        batch_op.drop_index("uq_claim_link_external")
        batch_op.drop_index("uq_claim_link_span")
        batch_op.drop_index(batch_op.f("ix_claim_links_span_id"))
        batch_op.drop_index(batch_op.f("ix_claim_links_other_span_id"))
        batch_op.drop_index(batch_op.f("ix_claim_links_external_check_id"))
    op.drop_table("claim_links")
    op.drop_table("external_checks")
