"""Alembic environment: the app's engine and the SQLModel tables (run through `flask db ...`)."""

from alembic import context
from sqlmodel import SQLModel

from annotator.db import migrations, models  # noqa: F401  (models registers the tables)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=migrations.include_name,
)
with context.begin_transaction():
    context.run_migrations()
