"""Bench data: a bench app on a throwaway database, a long article, and many annotations fast.

Shared by the in-process benchmarks (article page, export, dashboard). Rows go in with
bulk INSERTs (no ORM objects, no per-row history), since a bench needs 100,000 of them
in seconds; what they hold is what the app itself would have stored.
"""

from __future__ import annotations

import logging
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from annotator import create_app
from annotator.cli.demo import load_demo_data  # noqa: E402
from annotator.db.models import Annotation, Event, FinalVerdict, Source, Span, User, utcnow  # noqa: E402
from annotator.domain.anchoring import context_of  # noqa: E402
from annotator.domain.verdicts import KEYS  # noqa: E402
from annotator.extensions import db  # noqa: E402
from annotator.services.articles import create_article  # noqa: E402
from annotator.services.users import create_or_update_user  # noqa: E402

PASSWORD = "bench-password"
EVENTS_BY_STATUS = {
    "draft": ("created",),
    "submitted": ("created", "submitted"),
    "returned": ("created", "submitted", "returned"),
}


def add_database_option(parser) -> None:
    parser.add_argument("--postgres", action="store_true", help="use the empty database in ANNOTATOR_TEST_DATABASE_URL")


def database_url(postgres: bool, tmp: str) -> str:
    """The bench database: PostgreSQL's test database (scripts/with_postgres.py sets it), or SQLite in ``tmp``."""
    if not postgres:
        return f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
    url = os.environ.get("ANNOTATOR_TEST_DATABASE_URL")
    if not url:
        sys.exit("--postgres needs ANNOTATOR_TEST_DATABASE_URL (scripts/with_postgres.py sets it)")
    return url


def analyze(app) -> None:
    """Fresh planner statistics, as a running server would have."""
    with app.extensions["engine"].connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def bench_app(database_url: str):
    """The app on ``database_url`` with the schema, demo users and demo article in place."""
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": database_url, "DEMO_PASSWORD": PASSWORD})
    logging.getLogger("annotator.requests").setLevel(logging.WARNING)  # keep the printed tables clean
    with app.app_context():
        load_demo_data()
    return app


def reviewers(app, count: int, prefix: str = "bench") -> list[User]:
    with app.app_context():
        session = db.session()
        return [
            create_or_update_user(session=session, username=f"{prefix}{i}", role="reviewer", password=PASSWORD)
            for i in range(count)
        ]


def long_text(app, paragraphs: int = 400) -> str:
    """The demo text's longer paragraphs repeated into ``paragraphs`` numbered paragraphs."""
    seed = Path(app.config["SEED_ARTICLE"]).read_text(encoding="utf-8")
    lines = [line for line in seed.splitlines() if len(line) > 60]
    return "\n".join(f"{lines[i % len(lines)]} ({i})" for i in range(paragraphs))


def add_article(app, title: str, raw_text: str) -> tuple[int, str]:
    with app.app_context():
        article = create_article(session=db.session(), title=title, raw_text=raw_text)
        return article.id, article.text


@dataclass(frozen=True)
class Mix:
    """What share of annotations are drafts or returned, and of spans settled by a lead."""

    drafts: float = 0.0
    returned: float = 0.0
    settled: float = 0.0
    sources: int = 1
    events: bool = False  # the history rows a save writes: created, then submitted (and returned)


def populate(
    app,
    article_id: int,
    text: str,
    annotations: int,
    users: list[User],
    rng: random.Random,
    mix: Mix = Mix(),
    lead_id: int | None = None,
    spans: list[tuple[int, int]] | None = None,
) -> None:
    """Spans of 20-200 characters (many overlapping), each judged by one to all of ``users``;
    ``spans`` gives the ranges to use instead (in turn, while annotations are wanted)."""
    now = utcnow()
    span_rows, judges, seen = [], [], set()
    total = 0
    while total < annotations:
        if spans is not None:
            start, end = spans[len(seen) % len(spans)]
            if (start, end) in seen:
                raise ValueError(f"{len(spans)} ranges hold fewer than {annotations} annotations")
        else:
            start = rng.randrange(0, len(text) - 201)
            end = start + rng.randrange(20, 200)
        if (start, end) in seen:
            continue
        seen.add((start, end))
        prefix, suffix = context_of(text, start, end)
        span_rows.append(
            {
                "article_id": article_id,
                "start": start,
                "end": end,
                "quote": text[start:end],
                "prefix": prefix,
                "suffix": suffix,
                "created_at": now,
            }
        )
        chosen = rng.sample(users, min(rng.randint(1, len(users)), annotations - total))
        judges.append(chosen)
        total += len(chosen)
    with app.app_context():
        session = db.session()
        span_ids = list(session.scalars(insert(Span).returning(Span.id, sort_by_parameter_order=True), span_rows))
        annotation_rows, settled_rows = [], []
        for span_id, chosen in zip(span_ids, judges, strict=False):
            for user in chosen:
                roll = rng.random()
                status = (
                    "draft" if roll < mix.drafts else "returned" if roll < mix.drafts + mix.returned else "submitted"
                )
                annotation_rows.append(
                    {
                        "span_id": span_id,
                        "user_id": user.id,
                        "verdict": rng.choice(KEYS),
                        "note": "bench note",
                        "status": status,
                        "return_note": "",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            if lead_id is not None and rng.random() < mix.settled:
                settled_rows.append(
                    {
                        "span_id": span_id,
                        "verdict": rng.choice(KEYS),
                        "rationale": "settled",
                        "cited_sources": [],
                        "lead_id": lead_id,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        annotation_ids = list(
            session.scalars(insert(Annotation).returning(Annotation.id, sort_by_parameter_order=True), annotation_rows)
        )
        source_rows = [
            {
                "annotation_id": annotation_id,
                "position": position,
                "url": f"https://example.org/evidence/{position}",
                "title": "Evidence",
                "excerpt": "",
            }
            for annotation_id in annotation_ids
            for position in range(mix.sources)
        ]
        if source_rows:
            session.execute(insert(Source), source_rows)
        if settled_rows:
            session.execute(insert(FinalVerdict), settled_rows)
        if mix.events:
            session.execute(
                insert(Event),
                [
                    {
                        "span_id": row["span_id"],
                        "annotation_id": annotation_id,
                        "user_id": row["user_id"],
                        "action": action,
                        "at": now,
                        "before": None,
                        "after": None,
                    }
                    for annotation_id, row in zip(annotation_ids, annotation_rows, strict=False)
                    for action in EVENTS_BY_STATUS[row["status"]]
                ],
            )
        session.commit()


def signed_in_client(app, username: str):
    """A test client signed in as ``username`` (password PASSWORD)."""
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code in (302, 303), response.status_code
    return client


def peak_rss_mb() -> float:
    """The process's peak resident memory (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
