"""search documents and their full-text index; annotations indexed by time of last change

One search document per annotation (its claim's quote, its note, its current sources'
titles and URLs), built here for the annotations that exist (backfill) and kept current
by annotator.db.search_index from then on. The full-text index is each database's own:

- SQLite: the FTS5 table ``search_fts`` over the documents (external content: it stores
  only the index), kept in step by triggers on ``search_documents``; Porter stemming,
  diacritics folded.
- PostgreSQL: a generated ``search_vector`` column (configuration ``annotator_search``: English,
  accents folded by the unaccent extension where it can be created; the quote weighs most,
  then the note, then the sources) with a GIN index. Punctuation is read as
  a space first, so that words inside URLs are words, as on SQLite.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 05:30:00
"""

import string

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TRIGGERS = {
    "search_documents_ai": "AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, quote, note, sources) "
    "VALUES (new.annotation_id, new.quote, new.note, new.sources); END",
    "search_documents_ad": "AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, quote, note, sources) "
    "VALUES ('delete', old.annotation_id, old.quote, old.note, old.sources); END",
    "search_documents_au": "AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, quote, note, sources) "
    "VALUES ('delete', old.annotation_id, old.quote, old.note, old.sources); "
    "INSERT INTO search_fts(rowid, quote, note, sources) "
    "VALUES (new.annotation_id, new.quote, new.note, new.sources); END",
}


# Read as spaces before PostgreSQL's parser sees the text: ASCII punctuation (so that the words of a URL
# are words), and the typographic marks and spaces that a cluster in the C locale would glue into words.
SEPARATORS = (
    string.punctuation + "\u00a0\u2009\u202f\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f"
    "\u00ab\u00bb\u2039\u203a\u2010\u2011\u2012\u2013\u2014\u2015\u2026\u00b7\u2022\u2032\u2033"
)


def _words_only(column: str) -> str:
    """``column`` with every separator made a space (as escapes: no quoting trouble)."""
    escaped = "".join(f"\\x{ord(c):02x}" if ord(c) < 128 else f"\\u{ord(c):04x}" for c in SEPARATORS)
    return f"translate({column}, E'{escaped}', '{' ' * len(SEPARATORS)}')"


CONFIGURATION = "annotator_search"  # annotator.db.search_index reads the same name


def _create_configuration(connection) -> None:
    """The text search configuration: English stemming and stop words, accents folded with the unaccent
    extension (PostgreSQL's contrib) where it can be had, as SQLite's tokenizer folds them."""
    if connection.exec_driver_sql(f"SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIGURATION}'").first():
        return
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        folding = True
    except sa.exc.DBAPIError:  # not installed, or not allowed: accents then count
        folding = False
    connection.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {CONFIGURATION} (COPY = english)")
    if folding:
        connection.exec_driver_sql(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIGURATION} "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem"
        )


def _vector() -> str:
    parts = [
        f"setweight(to_tsvector('{CONFIGURATION}'::regconfig, {_words_only(column)}), '{weight}')"
        for column, weight in (("quote", "A"), ("note", "B"), ("sources", "C"))
    ]
    return " || ".join(parts)


def upgrade() -> None:
    # The search page's listing (no words) is newest first: its first page comes from this index.
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.create_index("ix_annotations_updated_at_id", ["updated_at", "id"], unique=False)
    op.create_table(
        "search_documents",
        sa.Column("annotation_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotations.id"],
        ),
        sa.PrimaryKeyConstraint("annotation_id"),
    )
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE search_fts USING fts5(quote, note, sources, content='search_documents', "
            "content_rowid='annotation_id', tokenize='porter unicode61 remove_diacritics 2')"
        )
        for name, body in TRIGGERS.items():
            connection.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
        sources = (
            "coalesce((SELECT group_concat(line, char(10)) FROM (SELECT title || ' ' || url AS line "
            "FROM sources WHERE annotation_id = a.id AND removed_at IS NULL ORDER BY position, id)), '')"
        )
    else:
        _create_configuration(connection)
        connection.exec_driver_sql(
            f"ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({_vector()}) STORED"
        )
        connection.exec_driver_sql(
            "CREATE INDEX ix_search_documents_search_vector ON search_documents USING gin (search_vector)"
        )
        sources = (
            "coalesce((SELECT string_agg(title || ' ' || url, E'\\n' ORDER BY position, id) "
            "FROM sources WHERE annotation_id = a.id AND removed_at IS NULL), '')"
        )
    connection.exec_driver_sql(
        "INSERT INTO search_documents (annotation_id, quote, note, sources) "
        f"SELECT a.id, s.quote, a.note, {sources} FROM annotations a JOIN spans s ON s.id = a.span_id"
    )


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for name in TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_documents")
    if connection.dialect.name != "sqlite":
        connection.exec_driver_sql(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIGURATION}")
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_index("ix_annotations_updated_at_id")
