"""The database layer: engines (``sql``), models, migrations, schema and backups, and the session
listeners that keep the search index and the live marker current (installed by ``create_app``). No Flask."""
