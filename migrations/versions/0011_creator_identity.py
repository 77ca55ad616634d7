"""users.creator_identity: which creator of an imported file a user stands for

Imported W3C creators without a nickname get a username derived from their name or IRI; the user
remembers the creator (its IRI, or its name) so that a later import finds the same user, and two
creators whose names give the same username never merge. Existing users have none.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 11:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("creator_identity", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.create_index("uq_users_creator_identity", ["creator_identity"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("uq_users_creator_identity")
        batch_op.drop_column("creator_identity")
