"""Server time to render the article page with 100, 1,000 and 10,000 annotations.

Run: ``make bench`` (or ``.venv/bin/python bench/article_page.py``). Builds a long
article (the demo text repeated into many paragraphs) in a temporary SQLite
database, adds overlapping spans judged by 5 reviewers, and prints the median
server time (the app's own Server-Timing) and the SQL statement count per size.
"""
from __future__ import annotations

import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert  # noqa: E402

from annotator import create_app, db  # noqa: E402
from annotator.articles import create_article  # noqa: E402
from annotator.auth import create_or_update_user  # noqa: E402
from annotator.cli import load_demo_data  # noqa: E402
from annotator.models import Annotation, Source, Span, utcnow  # noqa: E402
from annotator.verdicts import KEYS  # noqa: E402

SIZES = (100, 1_000, 10_000)
REVIEWERS = 5
RUNS = 7
PASSWORD = "bench-password"


def long_text(seed_text: str, paragraphs: int = 400) -> str:
    lines = [line for line in seed_text.splitlines() if len(line) > 60]
    return "\n".join(f"{lines[i % len(lines)]} ({i})" for i in range(paragraphs))


def populate(app, article_id: int, text: str, annotations: int, rng: random.Random) -> None:
    """Spans of 20-200 characters (many overlapping), each judged by several of 5 reviewers."""
    with app.app_context():
        session = db.session()
        users = [create_or_update_user(session=session, username=f"bench{i}", role="reviewer", password=PASSWORD)
                 for i in range(REVIEWERS)]
        now = utcnow()
        span_rows, annotation_rows, source_rows = [], [], []
        seen = set()
        span_id = annotation_id = 0
        while len(annotation_rows) < annotations:
            start = rng.randrange(0, len(text) - 201)
            end = start + rng.randrange(20, 200)
            if (start, end) in seen:
                continue
            seen.add((start, end))
            span_id += 1
            span_rows.append({"id": span_id, "article_id": article_id, "start": start, "end": end,
                              "quote": text[start:end], "prefix": text[max(0, start - 32):start],
                              "suffix": text[end:end + 32], "created_at": now})
            for user in rng.sample(users, rng.randint(1, REVIEWERS)):
                if len(annotation_rows) >= annotations:
                    break
                annotation_id += 1
                annotation_rows.append({"id": annotation_id, "span_id": span_id, "user_id": user.id,
                                        "verdict": rng.choice(KEYS), "note": "bench note", "status": "submitted",
                                        "version": 1, "created_at": now, "updated_at": now})
                source_rows.append({"annotation_id": annotation_id, "position": 0,
                                    "url": "https://example.org/evidence", "title": "Evidence", "excerpt": ""})
        session.execute(insert(Span), span_rows)
        session.execute(insert(Annotation), annotation_rows)
        session.execute(insert(Source), source_rows)
        session.commit()


def measure(size: int) -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                          "DEMO_PASSWORD": PASSWORD})
        with app.app_context():
            load_demo_data()
            seed = Path(app.config["SEED_ARTICLE"]).read_text(encoding="utf-8")
            article = create_article(session=db.session(), title="Long article", raw_text=long_text(seed))
            article_id, text = article.id, article.text
        populate(app, article_id, text, size, random.Random(size))

        client = app.test_client()
        login_page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        client.post("/login", data={"username": "bench0", "password": PASSWORD, "csrf_token": token})

        statements: list[str] = []
        event.listen(app.extensions["engine"], "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        server_ms, wall_ms = [], []
        for run in range(RUNS + 1):
            statements.clear()
            started = time.perf_counter()
            response = client.get(f"/articles/{article_id}")
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200
            if run == 0:
                continue  # warm-up: templates compiled, caches filled
            server_ms.append(float(response.headers["Server-Timing"].split("dur=")[1]))
            wall_ms.append(elapsed)
        marks = response.get_data(as_text=True).count("<mark ")
        app.extensions["engine"].dispose()
        return statistics.median(server_ms), statistics.median(wall_ms), len(statements), marks


def main() -> None:
    print(f"Article page render, SQLite, Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"median of {RUNS} runs")
    print(f"{'annotations':>12} {'server ms':>10} {'client ms':>10} {'queries':>8} {'<mark>s':>8}")
    for size in SIZES:
        server, wall, queries, marks = measure(size)
        print(f"{size:>12,} {server:>10.1f} {wall:>10.1f} {queries:>8} {marks:>8,}")


if __name__ == "__main__":
    main()
