"""users.session_version: session cookies made before a sign-out, a new password or role, or a
deactivation no longer sign anyone in

Every existing account starts at 1; sessions signed in before this release carry no version and
end (their users sign in again once).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
