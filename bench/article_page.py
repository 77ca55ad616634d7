"""Server time to render the article page with 100, 1,000 and 10,000 annotations.

Run: ``make bench`` (all benchmarks) or ``.venv/bin/python bench/article_page.py``.
Builds a long article (the demo text repeated into 400 paragraphs) in a temporary
SQLite database, adds overlapping spans judged by 5 reviewers, and prints the median
server time (the app's own Server-Timing), the client-side time, the SQL statement
count and the number of highlight segments per size.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from data import add_article, bench_app, long_text, populate, reviewers, signed_in_client
from sqlalchemy import event

SIZES = (100, 1_000, 10_000)
REVIEWERS = 5
RUNS = 7


def measure(size: int) -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        users = reviewers(app, REVIEWERS)
        article_id, text = add_article(app, "Long article", long_text(app))
        populate(app, article_id, text, size, users, random.Random(size))
        client = signed_in_client(app, users[0].username)

        statements: list[str] = []
        event.listen(app.extensions["engine"], "before_cursor_execute", lambda *args: statements.append(args[2]))
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
    print(
        f"Article page render, SQLite, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"median of {RUNS} runs; targets: 1,000 < 50 ms, 10,000 < 300 ms, queries constant"
    )
    print(f"{'annotations':>12} {'server ms':>10} {'client ms':>10} {'queries':>8} {'<mark>s':>8}")
    for size in SIZES:
        server, wall, queries, marks = measure(size)
        print(f"{size:>12,} {server:>10.1f} {wall:>10.1f} {queries:>8} {marks:>8,}")


if __name__ == "__main__":
    main()
