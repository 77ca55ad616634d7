"""Checked before at scale: the claim panel's lazy section with many settled claims and external checks.

Run: ``.venv/bin/python bench/checked_before.py`` (SQLite in a temporary file), or on PostgreSQL
``.venv/bin/python scripts/with_postgres.py .venv/bin/python bench/checked_before.py --postgres``.
Fills ``--articles`` articles of the demo text's paragraphs (30 % of their claims settled) and
``--external`` external checks (one in 100 about Russian casualties), then times the section of
the demo claim as a reviewer (htmx fragment; server time from ``Server-Timing``): median, 95th
percentile, SQL statements, matches shown. Target: under 100 ms (it loads after the panel).
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
from sqlalchemy import event, insert

from annotator.db.models import Article, ExternalCheck, utcnow  # noqa: E402
from annotator.domain.anchoring import resolve_target  # noqa: E402
from annotator.extensions import db  # noqa: E402  (data puts the project on the path)
from annotator.services import annotations as annotation_service
from annotator.services.users import find_user  # noqa: E402

TARGET_MS = 100
CLAIM = "more than 600,000 Russian soldiers have been killed or wounded"
TOPICS = (
    "grain exports",
    "energy prices",
    "drone strikes",
    "sanctions",
    "refugee numbers",
    "aid packages",
    "election polls",
    "inflation",
    "troop deployments",
    "peace talks",
)


def fill(app, articles: int, external: int) -> int:
    """The bench data; returns the demo claim's span id."""
    users = reviewers(app, 6)
    rng = random.Random(11)
    with app.app_context():
        lead_id = find_user(db.session(), "lead").id
    text = long_text(app, paragraphs=40)
    for n in range(articles):
        article_id, canonical = add_article(app, f"Article {n:03d}", text)
        populate(app, article_id, canonical, 200, rng.sample(users, 4), rng, Mix(settled=0.3), lead_id=lead_id)
    now = utcnow()
    rows = [
        {
            "url": f"https://checks.example/{i}",
            "publisher": f"Desk {i % 40}",
            "rating": "False",
            "claim_reviewed": (
                f"Over 600,000 Russian troops killed or wounded, report {i} says"
                if i % 100 == 0
                else f"Claim {i} about {rng.choice(TOPICS)} in {rng.choice(TOPICS)}"
            ),
            "claim_author": "",
            "appearance_url": "",
            "imported_at": now,
            "updated_at": now,
        }
        for i in range(external)
    ]
    with app.app_context():
        session = db.session()
        for i in range(0, len(rows), 5000):
            session.execute(insert(ExternalCheck), rows[i : i + 5000])
        session.commit()
        demo = session.get(Article, 1)
        annotation = annotation_service.save_annotation(
            session=session,
            user=users[0],
            article=demo,
            target=resolve_target(demo.text, start=None, end=None, quote=CLAIM),
            verdict="mostly-true",
            note="",
            sources=[],
            submit=True,
        )
        return annotation.span_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_option(parser)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--external", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(database_url(args.postgres, tmp))
        started = time.perf_counter()
        span_id = fill(app, args.articles, args.external)
        analyze(app)
        engine = app.extensions["engine"]
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
        client = signed_in_client(app, "bench0")
        path = f"/articles/1/spans/{span_id}/checked-before"
        server = []
        for run in range(args.runs + 1):
            statements.clear()
            response = client.get(path, headers={"HX-Request": "true"})
            assert response.status_code == 200, response.status_code
            if run:
                server.append(float(response.headers["Server-Timing"].split("dur=")[1]))
        body = response.get_data(as_text=True)
        database = "PostgreSQL" if args.postgres else "SQLite"
        with app.app_context():
            from sqlalchemy import func, select

            from annotator.db.models import FinalVerdict

            settled = db.session().execute(select(func.count()).select_from(FinalVerdict)).scalar_one()
        p95 = sorted(server)[min(len(server) - 1, round(0.95 * (len(server) - 1)))]
        print(
            f"Checked before, {database}: {settled:,} settled claims in {args.articles} articles, "
            f"{args.external:,} external checks (filled in {time.perf_counter() - started:.1f} s), "
            f"Python {platform.python_version()}, {os.cpu_count()} cores, {args.runs} runs"
        )
        print(
            f"median {statistics.median(server):.1f} ms, p95 {p95:.1f} ms, {len(statements)} queries, "
            f"{body.count('<li>')} matches shown; {'within' if p95 < TARGET_MS else 'OVER'} the {TARGET_MS} ms target"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
