"""Schema migrations: `flask db upgrade` gives the models' schema, from empty and from the previous release."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from annotator import create_app, db, migrations
from tests.conftest import POSTGRES_URL, empty_postgres


def fresh_app(tmp_path, name):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "DATABASE_URL": POSTGRES_URL or f"sqlite:///{tmp_path / name}"})
    if POSTGRES_URL:
        with app.app_context():
            empty_postgres()
    return app


def schema(app) -> dict:
    """Every table with its columns, indexes and unique constraints, as the database reports them."""
    with app.app_context():
        inspector = inspect(db.engine())
        return {t: ({c["name"] for c in inspector.get_columns(t)},
                    {i["name"] for i in inspector.get_indexes(t)},
                    {tuple(u["column_names"]) for u in inspector.get_unique_constraints(t)})
                for t in inspector.get_table_names() if t != "alembic_version"}


def differences(app) -> list:
    with app.app_context(), db.engine().connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                SQLModel.metadata)


def head() -> str:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations.MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def test_upgrade_on_an_empty_database_gives_the_models_schema(tmp_path):
    app = fresh_app(tmp_path, "empty.sqlite3")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert differences(app) == []
    with app.app_context():
        assert migrations.current_revision() == head()
    app.extensions["engine"].dispose()


def test_upgrade_on_a_database_of_the_previous_release_gives_the_same_schema(tmp_path):
    migrated = fresh_app(tmp_path, "migrated.sqlite3")
    migrated.test_cli_runner().invoke(args=["db", "upgrade"])
    expected = schema(migrated)
    migrated.extensions["engine"].dispose()

    previous = fresh_app(tmp_path, "previous.sqlite3")
    with previous.app_context():  # the previous release made its tables with create_all, no migrations
        SQLModel.metadata.create_all(db.engine())
    result = previous.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert schema(previous) == expected
    assert differences(previous) == []
    with previous.app_context():
        assert migrations.current_revision() == head()
    previous.extensions["engine"].dispose()


def test_upgrade_twice_changes_nothing(tmp_path):
    app = fresh_app(tmp_path, "twice.sqlite3")
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    before = schema(app)
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and schema(app) == before
    assert runner.invoke(args=["db", "current"]).output.strip() == head()
    app.extensions["engine"].dispose()
