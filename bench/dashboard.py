"""The lead's pages at scale: /review and /review/queue with 200 articles and 50,000 annotations.

Run: ``.venv/bin/python bench/dashboard.py`` (SQLite in a temporary file), or on PostgreSQL
``.venv/bin/python scripts/with_postgres.py .venv/bin/python bench/dashboard.py --postgres``
(a throwaway cluster, or the empty database in ANNOTATOR_TEST_DATABASE_URL);
``make bench`` runs both. Prints the median server time and SQL statement count of each
page, then the query plan of every statement the pages run (EXPLAIN QUERY PLAN on
SQLite, EXPLAIN on PostgreSQL), so that a full scan shows. Target: under 300 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
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
from sqlalchemy import event

from annotator.extensions import db  # noqa: E402  (data puts the project on the path)
from annotator.services.users import find_user  # noqa: E402

PAGES = ("/review", "/review/queue", "/review/queue?status=disagreement", "/review/queue.csv")
RUNS = 5
MIX = Mix(drafts=0.1, returned=0.05, settled=0.3, sources=1, events=True)


def fill(app, articles: int, annotations: int) -> None:
    users = reviewers(app, 8)
    with app.app_context():
        lead_id = find_user(db.session(), "lead").id
    rng = random.Random(4)
    text = long_text(app, paragraphs=40)
    for n in range(articles):
        article_id, canonical = add_article(app, f"Article {n:03d}", text)
        populate(app, article_id, canonical, annotations // articles, rng.sample(users, 5), rng, MIX, lead_id=lead_id)


def explain(connection, statement: str, parameters, postgres: bool) -> list[str]:
    prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    rows = connection.exec_driver_sql(prefix + statement, parameters).fetchall()
    return [row[0] for row in rows] if postgres else [f"{'  ' * (row[1] > 0)}{row[-1]}" for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_option(parser)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--annotations", type=int, default=50_000)
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
            f"Lead pages, {database}, {args.articles} articles, {args.annotations:,} annotations "
            f"(filled in {time.perf_counter() - started:.1f} s), Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, median of {RUNS} runs; target < 300 ms"
        )
        client = signed_in_client(app, "lead")
        statements: list[tuple[str, object]] = []
        event.listen(
            engine, "before_cursor_execute", lambda _c, _cur, sql, params, *_: statements.append((sql, params))
        )
        print(f"{'page':<36} {'server ms':>10} {'client ms':>10} {'queries':>8} {'KB':>7}")
        plans: dict[str, tuple[str, object]] = {}
        for path in PAGES:
            server, wall = [], []
            for run in range(RUNS + 1):
                statements.clear()
                started = time.perf_counter()
                response = client.get(path)
                body = response.get_data()
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (path, response.status_code)
                if run:
                    server.append(float(response.headers["Server-Timing"].split("dur=")[1]))
                    wall.append(elapsed)
            for sql, params in statements:
                plans.setdefault(" ".join(sql.split()), (sql, params))
            print(
                f"{path:<36} {statistics.median(server):>10.1f} {statistics.median(wall):>10.1f} "
                f"{len(statements):>8} {len(body) / 1024:>7.0f}"
            )
        if not args.no_plans:
            print("\nQuery plans")
            with engine.connect() as connection:
                for flat, (sql, params) in plans.items():
                    if not flat.upper().startswith("SELECT") or "FROM users" in flat and "WHERE users.id =" in flat:
                        continue  # the signed-in user's row, by primary key
                    print(f"\n{flat[:300]}{' …' if len(flat) > 300 else ''}")
                    for line in explain(connection, sql, params, args.postgres):
                        print(f"    {line}")
        engine.dispose()


if __name__ == "__main__":
    main()
