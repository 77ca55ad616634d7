"""The search page at scale: /search with 50,000 annotations over 100 articles.

Run: ``.venv/bin/python bench/search.py`` (SQLite in a temporary file), or on PostgreSQL
``.venv/bin/python scripts/with_postgres.py .venv/bin/python bench/search.py --postgres``;
``make bench`` runs both. Times representative searches (a common word, a rare word, a
filter-only listing, a word with a verdict filter, the unfiltered listing, a phrase with an
exclusion) as a lead and as a reviewer under blind review, and prints the median and 95th
percentile of the server time, the SQL statements per page and the results found, then the
plan of the search statement. Target: under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import tempfile
import time

from data import (
    Mix,
    add_article,
    add_database_option,
    analyze,
    bench_app,
    database_url,
    long_text,
    populate,
    reviewers,
    signed_in_client,
)
from sqlalchemy import bindparam, event, update

from annotator.db import search_index  # noqa: E402  (data puts the project on the path)
from annotator.db.models import Annotation  # noqa: E402
from annotator.extensions import db
from annotator.services.users import find_user  # noqa: E402

TARGET_MS = 200
RUNS = 20
MIX = Mix(drafts=0.1, returned=0.05, settled=0.3, sources=1)
VOCABULARY = (
    "figure",
    "estimate",
    "ministry",
    "report",
    "independent",
    "confirmed",
    "unclear",
    "context",
    "casualties",
    "statement",
    "official",
    "source",
    "briefing",
    "analysis",
    "records",
    "claim",
    "missing",
    "misleading",
    "accurate",
    "partly",
    "satellite",
    "imagery",
    "interview",
    "transcript",
)
RARE = "ombudsman"  # in one note in 5,000
SEARCHES = (
    ("common word", "q=Putin"),
    ("rare word", f"q={RARE}"),
    ("filter-only listing", "verdict=false&status=submitted"),
    ("word + verdict", "q=Russia&verdict=false"),
    ("everything (no words)", ""),
    ("phrase, exclusion", 'q="peace negotiations" -Trump'),
)


def fill(app, articles: int, annotations: int) -> None:
    users = reviewers(app, 8)
    with app.app_context():
        lead_id = find_user(db.session(), "lead").id
    rng = random.Random(7)
    text = long_text(app, paragraphs=40)
    for n in range(articles):
        article_id, canonical = add_article(app, f"Article {n:03d}", text)
        populate(app, article_id, canonical, annotations // articles, rng.sample(users, 5), rng, MIX, lead_id=lead_id)
    with app.app_context():
        session = db.session()
        ids = session.execute(Annotation.__table__.select().with_only_columns(Annotation.id)).scalars().all()
        notes = [
            {"row_id": i, "new_note": " ".join(rng.sample(VOCABULARY, 6)) + (f" {RARE}" if i % 5000 == 0 else "")}
            for i in ids
        ]
        session.connection().execute(
            update(Annotation.__table__)
            .where(Annotation.__table__.c.id == bindparam("row_id"))
            .values(note=bindparam("new_note")),
            notes,
        )
        search_index.rebuild(session)  # bulk rows bypass the ORM, and so the listener
        session.commit()


def explain(connection, statement: str, parameters, postgres: bool) -> list[str]:
    prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    rows = connection.exec_driver_sql(prefix + statement, parameters).fetchall()
    return [row[0] for row in rows] if postgres else [f"{'  ' * (row[1] > 0)}{row[-1]}" for row in rows]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_option(parser)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--annotations", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--no-plans", action="store_true", help="print the timings only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(database_url(args.postgres, tmp))
        started = time.perf_counter()
        fill(app, args.articles, args.annotations)
        analyze(app)
        engine = app.extensions["engine"]
        database = "PostgreSQL" if args.postgres else "SQLite"
        print(
            f"Search page, {database}, {args.articles} articles, {args.annotations:,} annotations "
            f"(filled in {time.perf_counter() - started:.1f} s), Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, {args.runs} runs each; target < {TARGET_MS} ms"
        )
        statements: list[tuple[str, object]] = []
        event.listen(
            engine, "before_cursor_execute", lambda _c, _cur, sql, params, *_: statements.append((sql, params))
        )
        print(f"{'viewer':<9} {'search':<24} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'found':>8} {'KB':>5}")
        plans: dict[str, tuple[str, object]] = {}
        worst = 0.0
        for viewer in ("lead", "bench0"):
            client = signed_in_client(app, viewer)
            for name, query in SEARCHES:
                path = f"/search?{query}"
                server = []
                for run in range(args.runs + 1):
                    statements.clear()
                    response = client.get(path)
                    body = response.get_data(as_text=True)
                    assert response.status_code == 200, (path, response.status_code)
                    if run:
                        server.append(float(response.headers["Server-Timing"].split("dur=")[1]))
                heading = body.split('id="search-count">', 1)[1]
                found = re.match(r"\s*(more than [\d,]+|[\d,]+)", heading).group(1).replace("more than ", ">")
                for sql, params in statements:
                    if "search_fts" in sql or "search_vector" in sql or "count(*) OVER" in sql:
                        plans.setdefault(f"{viewer}: {name}", (sql, params))
                p95 = percentile(server, 0.95)
                worst = max(worst, p95)
                print(
                    f"{viewer:<9} {name:<24} {statistics.median(server):>10.1f} {p95:>8.1f} {len(statements):>8} "
                    f"{found:>8} {len(body) / 1024:>5.0f}"
                )
        print(f"worst p95 {worst:.1f} ms: {'within' if worst < TARGET_MS else 'OVER'} the {TARGET_MS} ms target")
        if not args.no_plans:
            print("\nQuery plans of the search statement")
            with engine.connect() as connection:
                for name, (sql, params) in plans.items():
                    print(f"\n{name}")
                    for line in explain(connection, sql, params, args.postgres):
                        print(f"    {line}")
        engine.dispose()


if __name__ == "__main__":
    main()
