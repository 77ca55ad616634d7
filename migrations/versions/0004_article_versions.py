"""article versions and span anchors

Every text an article has had is kept (article_versions); each span records where it
lies in every version (span_anchors) and its state in the latest one; each final verdict
keeps the words it ruled on. Existing
articles become version 1 of themselves, and their spans its original anchors. A
span orphaned by a new version keeps its old range, so the range is unique only
among spans that are not orphaned.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 05:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from annotator.db.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NOT_ORPHANED = sa.text("anchor_state != 'orphaned'")


def upgrade() -> None:
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "number", name="uq_article_version_number"),
    )
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_versions_article_id"), ["article_id"], unique=False)

    op.create_table(
        "span_anchors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("span_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["span_id"],
            ["spans.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("span_id", "version", name="uq_span_anchor_version"),
    )
    with op.batch_alter_table("span_anchors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_span_anchors_span_id"), ["span_id"], unique=False)

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("current_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("made_on_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("final_verdicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quote", sa.Text(), nullable=True))
    with op.batch_alter_table("spans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "anchor_state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default="original"
            )
        )
        batch_op.add_column(sa.Column("anchored_version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.drop_constraint("uq_span_range", type_="unique")
    op.create_index(
        "uq_span_range",
        "spans",
        ["article_id", "start", "end"],
        unique=True,
        sqlite_where=NOT_ORPHANED,
        postgresql_where=NOT_ORPHANED,
    )

    op.execute(
        "INSERT INTO article_versions (article_id, number, text, origin, source, created_by_id, created_at) "
        "SELECT id, 1, text, 'created', source_url, created_by_id, created_at FROM articles"
    )
    op.execute("UPDATE final_verdicts SET quote = (SELECT quote FROM spans WHERE spans.id = final_verdicts.span_id)")
    op.execute(
        'INSERT INTO span_anchors (span_id, version, state, start, "end", quote, similarity) '
        "SELECT id, 1, 'original', start, \"end\", quote, 100.0 FROM spans"
    )


def downgrade() -> None:
    op.drop_index("uq_span_range", table_name="spans")
    with op.batch_alter_table("spans", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_span_range", ["article_id", "start", "end"])
        batch_op.drop_column("anchored_version")
        batch_op.drop_column("anchor_state")
    with op.batch_alter_table("final_verdicts", schema=None) as batch_op:
        batch_op.drop_column("quote")
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_column("made_on_version")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("current_version")
    with op.batch_alter_table("span_anchors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_span_anchors_span_id"))
    op.drop_table("span_anchors")
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_versions_article_id"))
    op.drop_table("article_versions")
