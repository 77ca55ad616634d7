"""final_verdicts: the claim on record (claimant, claim date, first appearance, summary, tags)

What a published fact-check says of the claim beside its rating (ClaimReview's itemReviewed):
recorded by the lead when settling. Existing rulings have none: empty values.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:10:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("final_verdicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimant", _TEXT(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("claimant_kind", _TEXT(length=20), nullable=False, server_default="person"))
        batch_op.add_column(sa.Column("claimant_url", _TEXT(length=2000), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("claim_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("first_appeared", _TEXT(length=2000), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("summary", _TEXT(length=120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("final_verdicts", schema=None) as batch_op:
        for column in ("tags", "summary", "first_appeared", "claim_date", "claimant_url", "claimant_kind", "claimant"):
            batch_op.drop_column(column)
