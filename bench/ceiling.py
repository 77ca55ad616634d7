"""The ceiling of bench/save_throughput.py: the same save as the app's, with raw SQL and nothing else.

A bare Flask app (no templates, no WTForms, no sign-in, no CSRF) on the app's database. POST
/articles/<id>/annotations takes the same form fields as the app's save and writes the same rows
in one transaction (BEGIN IMMEDIATE on SQLite, as the app does): the span (reused when it exists),
the annotation, its sources, the "created" event and, with action=submit, the "submitted" event.
The author is the user id in the ``X-Bench-User`` header. It answers ``saved annotation N``.

Run under gunicorn as the benchmark does (same settings as the app):
    ANNOTATOR_DATABASE_URL=sqlite:////tmp/x.sqlite3 ANNOTATOR_BIND=127.0.0.1:8001 \\
        .venv/bin/gunicorn -c gunicorn.conf.py bench.ceiling:app
or alone: ``ANNOTATOR_DATABASE_URL=... .venv/bin/python bench/ceiling.py`` (Flask's server, port 5001).
The database must hold the app's schema (``flask --app app load-demo``).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, Response, request  # noqa: E402
from sqlalchemy import JSON, bindparam, text  # noqa: E402
from sqlalchemy.exc import IntegrityError  # noqa: E402

from annotator.db.models import UTCDateTime  # noqa: E402  (timestamps stored as the app stores them)
from annotator.db.sql import begin_immediate, make_engine  # noqa: E402  (the app's engine, pool, pragmas, lock wait)

app = Flask(__name__)
engine = make_engine(os.environ.get("ANNOTATOR_DATABASE_URL", "sqlite:///instance/annotator.sqlite3"))
SQLITE = engine.dialect.name == "sqlite"
MAX_SOURCES = 20

# Ranges are unique among spans that are not orphaned (a partial index): the conflict target says so.
FIND_SPAN = text(
    'SELECT id FROM spans WHERE article_id = :article AND start = :start AND "end" = :end '
    "AND anchor_state != 'orphaned'"
)
INSERT_SPAN = text(
    'INSERT INTO spans (article_id, start, "end", quote, prefix, suffix, created_at) '
    "VALUES (:article, :start, :end, :quote, :prefix, :suffix, :now) "
    """ON CONFLICT (article_id, start, "end") WHERE anchor_state != 'orphaned' DO NOTHING RETURNING id"""
).bindparams(bindparam("now", type_=UTCDateTime()))
INSERT_ANNOTATION = text(
    "INSERT INTO annotations (span_id, user_id, verdict, note, status, return_note, version, created_at, updated_at) "
    "VALUES (:span, :user, :verdict, :note, :status, '', 1, :now, :now) RETURNING id"
).bindparams(bindparam("now", type_=UTCDateTime()))
INSERT_SOURCE = text(
    "INSERT INTO sources (annotation_id, position, url, title, excerpt) "
    "VALUES (:annotation, :position, :url, :title, :excerpt)"
)
INSERT_EVENT = text(
    'INSERT INTO events (span_id, annotation_id, user_id, action, "at", "before", "after") '
    "VALUES (:span, :annotation, :user, :action, :now, :before, :after)"
).bindparams(
    bindparam("now", type_=UTCDateTime()),
    bindparam("before", type_=JSON(none_as_null=True)),
    bindparam("after", type_=JSON()),
)


def form_sources() -> list[dict]:
    """The filled-in source rows, in order (the app's form drops empty rows the same way)."""
    rows = []
    for i in range(MAX_SOURCES):
        row = {key: request.form.get(f"sources-{i}-{key}", "").strip() for key in ("url", "title", "excerpt")}
        if any(row.values()):
            rows.append(row)
    return rows


@app.post("/articles/<int:article_id>/annotations")
def save(article_id: int):
    form = request.form
    user_id = int(request.headers["X-Bench-User"])
    start, end = int(form["start"]), int(form["end"])
    sources, submit = form_sources(), form.get("action") == "submit"
    snapshot = {"verdict": form["verdict"], "note": form.get("note", ""), "status": "draft", "sources": sources}
    now = datetime.now(UTC)
    with engine.connect() as connection:
        if SQLITE:
            # The write lock up front, waiting for it as the app's begin_write does.
            begin_immediate(connection.connection.dbapi_connection)
        span_id = connection.execute(
            INSERT_SPAN,
            {
                "article": article_id,
                "start": start,
                "end": end,
                "quote": form["quote"],
                "prefix": form.get("prefix", ""),
                "suffix": form.get("suffix", ""),
                "now": now,
            },
        ).scalar()
        if span_id is None:  # the span exists: reuse it
            span_id = connection.execute(FIND_SPAN, {"article": article_id, "start": start, "end": end}).scalar()
        try:
            annotation_id = connection.execute(
                INSERT_ANNOTATION,
                {
                    "span": span_id,
                    "user": user_id,
                    "verdict": form["verdict"],
                    "note": snapshot["note"],
                    "status": "submitted" if submit else "draft",
                    "now": now,
                },
            ).scalar()
        except IntegrityError:
            connection.rollback()
            return Response("this reviewer has an annotation on this span already", 409, mimetype="text/plain")
        if sources:
            connection.execute(
                INSERT_SOURCE, [{"annotation": annotation_id, "position": i, **row} for i, row in enumerate(sources)]
            )
        event = {"span": span_id, "annotation": annotation_id, "user": user_id, "now": now}
        connection.execute(INSERT_EVENT, event | {"action": "created", "before": None, "after": snapshot})
        if submit:
            connection.execute(
                INSERT_EVENT,
                event | {"action": "submitted", "before": snapshot, "after": snapshot | {"status": "submitted"}},
            )
        connection.commit()
    return Response(f"saved annotation {annotation_id}", 200, mimetype="text/plain")


@app.get("/healthz")
def healthz():
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5001")))
