"""publications, published_claims: an article's fact-check as the public reads it (/p/<slug>)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 02:10:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import annotator.db.models

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("canonical_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("first_published_at", annotator.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", annotator.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["published_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "published_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("span_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("first_published_at", annotator.db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["publication_id"], ["publications.id"]),
        sa.ForeignKeyConstraint(["span_id"], ["spans.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("publication_id", "number"),
        sa.UniqueConstraint("publication_id", "span_id"),
    )
    with op.batch_alter_table("published_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_published_claims_publication_id"), ["publication_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("published_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_published_claims_publication_id"))
    op.drop_table("published_claims")
    op.drop_table("publications")
