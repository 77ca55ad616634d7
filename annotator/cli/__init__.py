"""The command line: ``flask --app app COMMAND`` or ``annotator COMMAND``.

Each area's commands live in a module of their own (database, demo, users, articles, interchange,
search, scale), defined at module level in the ``commands`` group; ``cli.main`` is the ``annotator``
console script. A command that fails exits non-zero with
a one-line message, never a traceback.
"""

from __future__ import annotations

from flask import Flask

from annotator.cli import articles, database, demo, interchange, scale, search, users  # noqa: F401  (define the commands)
from annotator.cli.common import commands


def register(app: Flask) -> None:
    """Offer every command on ``flask --app app`` (and so on ``annotator``)."""
    for command in commands.commands.values():
        app.cli.add_command(command)
