"""spans' counters, kept by triggers: live and shared annotations, their verdicts' range, the ruling

The counters the page and every save show ("N claims · M annotations") were counted over all the
article's annotations on each save (0.44 µs an annotation on SQLite: 4.4 ms at 10,000), and the tones
of a changed paragraph's highlights summed up over all its annotations. Each span now carries what
those need, counted again by triggers in the statement that inserts, deletes, submits, returns,
hides, restores or re-judges one of its annotations (a handful of rows, one per reviewer), or sets a
ruling on it. The article's counters are then a sum over its spans, and a paragraph's tones a read
of its spans and of the viewer's own annotations (``services.highlights``); a reviewer's own drafts
come from the new index on ``annotations (user_id, status)``.

- ``live_annotations``: the span's annotations not deleted;
- ``shared_annotations``: those of them that are not drafts (submitted or returned);
- ``verdict_low``, ``verdict_high``: the least and greatest verdict of those (by key, ignoring an
  empty one): the same when all agree, as the tone needs (``services.spans.tone_of``);
- ``settled``: the span has a final verdict.

The triggers are each database's own (SQLite's ``WHEN`` clauses, PostgreSQL's PL/pgSQL functions),
from the same statement. Counters per span, not per article: on PostgreSQL a row per article, raised
by every save in it, would be locked by a span's trigger after that span's row, and a transaction
touching two spans (an import batch) could then deadlock with a save. A table rebuilt by a later
migration on SQLite (``batch_alter_table`` with ``recreate``) loses its triggers: create them again there.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 16:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


# The span's annotations counted again: a handful of rows (one per reviewer), from the index on span_id.
_RECOUNTED = (
    "(live_annotations, shared_annotations, verdict_low, verdict_high) = ("
    "SELECT count(*), count(CASE WHEN a.status <> 'draft' THEN 1 END), "
    "min(CASE WHEN a.status <> 'draft' AND a.verdict <> '' THEN a.verdict END), "
    "max(CASE WHEN a.status <> 'draft' AND a.verdict <> '' THEN a.verdict END) "
    "FROM annotations a WHERE a.span_id = spans.id AND a.deleted_at IS NULL)"
)


def _recount(row: str) -> str:
    """``UPDATE spans`` counting again the annotations of ``row``'s span (``NEW`` or ``OLD``)."""
    return f"UPDATE spans SET {_RECOUNTED} WHERE id = {row}.span_id"


_COUNTED_COLUMNS = "span_id, status, deleted_at, verdict"


def _changed(differ: str) -> str:
    """Whether an update changed what the span counts, ``differ`` being the null-safe ``<>`` of the database."""
    return " OR ".join(f"OLD.{c} {differ} NEW.{c}" for c in ("status", "deleted_at", "verdict"))


SQLITE_TRIGGERS = {
    "annotations_counted_ai": f"AFTER INSERT ON annotations BEGIN {_recount('NEW')}; END",
    "annotations_counted_ad": f"AFTER DELETE ON annotations BEGIN {_recount('OLD')}; END",
    "annotations_counted_au": f"AFTER UPDATE OF {_COUNTED_COLUMNS} ON annotations "
    f"WHEN OLD.span_id = NEW.span_id AND ({_changed('IS NOT')}) BEGIN {_recount('NEW')}; END",
    "annotations_counted_moved": f"AFTER UPDATE OF {_COUNTED_COLUMNS} ON annotations "
    f"WHEN OLD.span_id <> NEW.span_id BEGIN {_recount('OLD')}; {_recount('NEW')}; END",
    "final_verdicts_counted_ai": "AFTER INSERT ON final_verdicts BEGIN "
    "UPDATE spans SET settled = TRUE WHERE id = NEW.span_id; END",
    "final_verdicts_counted_ad": "AFTER DELETE ON final_verdicts BEGIN "
    "UPDATE spans SET settled = FALSE WHERE id = OLD.span_id; END",
    "final_verdicts_counted_moved": "AFTER UPDATE OF span_id ON final_verdicts WHEN OLD.span_id <> NEW.span_id BEGIN "
    "UPDATE spans SET settled = FALSE WHERE id = OLD.span_id; "
    "UPDATE spans SET settled = TRUE WHERE id = NEW.span_id; END",
}

POSTGRES_FUNCTIONS = {
    "annotations_counted": f"""
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.span_id = NEW.span_id AND NOT ({_changed("IS DISTINCT FROM")}) THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    {_recount("OLD")};
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.span_id <> NEW.span_id) THEN
    {_recount("NEW")};
  END IF;
  RETURN NULL;
END""",
    "final_verdicts_counted": """
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.span_id = NEW.span_id THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    UPDATE spans SET settled = FALSE WHERE id = OLD.span_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE spans SET settled = TRUE WHERE id = NEW.span_id;
  END IF;
  RETURN NULL;
END""",
}
POSTGRES_TRIGGERS = {
    "annotations_counted": f"AFTER INSERT OR DELETE OR UPDATE OF {_COUNTED_COLUMNS} ON annotations",
    "final_verdicts_counted": "AFTER INSERT OR DELETE OR UPDATE OF span_id ON final_verdicts",
}

BACKFILL = (
    f"UPDATE spans SET {_RECOUNTED}, settled = EXISTS (SELECT 1 FROM final_verdicts f WHERE f.span_id = spans.id)"
)


def upgrade() -> None:
    with op.batch_alter_table("spans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_annotations", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("shared_annotations", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("verdict_low", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("verdict_high", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("settled", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.create_index("ix_annotations_user_status", ["user_id", "status"], unique=False)
    connection = op.get_bind()
    connection.exec_driver_sql(BACKFILL)
    if connection.dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            connection.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    else:
        for name, body in POSTGRES_FUNCTIONS.items():
            connection.exec_driver_sql(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}\n$$"
            )
        for name, when in POSTGRES_TRIGGERS.items():
            connection.exec_driver_sql(f"CREATE TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION {name}()")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, when in POSTGRES_TRIGGERS.items():
            table = when.rsplit(" ON ", 1)[1]
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_index("ix_annotations_user_status")
    with op.batch_alter_table("spans", schema=None) as batch_op:
        batch_op.drop_column("settled")
        batch_op.drop_column("verdict_high")
        batch_op.drop_column("verdict_low")
        batch_op.drop_column("shared_annotations")
        batch_op.drop_column("live_annotations")
