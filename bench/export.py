"""Streaming exports: W3C JSON-LD and CSV of one article with 100,000 annotations.

Run: ``.venv/bin/python bench/export.py [--annotations N]`` (part of ``make bench``).
Fills a temporary SQLite database, then downloads each export through the app (the
WSGI response read chunk by chunk, as a server would send it) and prints, per format:
the time to the last byte, the size, the peak resident memory (VmHWM) of a fresh
process that serves only that export, its resident memory just before, and the peak
of Python allocations during the export (tracemalloc, in a second, untimed pass).
Targets: under 5 s and under 150 MB peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from data import Mix, add_article, bench_app, long_text, peak_rss_mb, populate, reviewers, signed_in_client

FORMATS = {"W3C JSON-LD": "annotations.jsonld", "CSV": "annotations.csv"}


def download(client, path: str) -> int:
    """Read the streamed body chunk by chunk, keeping none of it; return its size in bytes."""
    response = client.get(path, buffered=False)
    assert response.status_code == 200, response.status_code
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    return size


def export_once(database_url: str, path: str) -> dict:
    """In a fresh process: the export's time, size and the process's peak memory."""
    app = bench_app(database_url)
    client = signed_in_client(app, "lead")
    download(client, "/articles/1/annotations.csv")  # warm-up on the small demo article
    resident = peak_rss_mb()
    started = time.perf_counter()
    size = download(client, path)
    seconds = time.perf_counter() - started
    peak = peak_rss_mb()
    tracemalloc.start()
    download(client, path)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    return {"seconds": seconds, "mb": size / 2**20, "peak": peak, "before": resident, "traced": traced}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("DATABASE_URL", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(export_once(*args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = bench_app(database_url)
        users = reviewers(app, 5)
        article_id, text = add_article(app, "Long article", long_text(app, paragraphs=2000))
        started = time.perf_counter()
        populate(app, article_id, text, args.annotations, users, random.Random(1), Mix(sources=2))
        app.extensions["engine"].dispose()
        print(
            f"Export of {args.annotations:,} annotations (2 sources each), SQLite, Python "
            f"{platform.python_version()}, {os.cpu_count()} cores (filled in {time.perf_counter() - started:.1f} s); "
            f"targets: < 5 s, < 150 MB"
        )
        print(
            f"{'format':<12} {'seconds':>8} {'MB out':>7} {'peak RSS MB':>12} {'RSS before':>11} {'traced peak MB':>15}"
        )
        for name, suffix in FORMATS.items():
            # A fresh process per export, so that its peak memory is the export's, not the fill's.
            child = subprocess.run(
                [sys.executable, __file__, "--child", database_url, f"/articles/{article_id}/{suffix}"],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(child.stdout.splitlines()[-1])
            print(
                f"{name:<12} {r['seconds']:>8.2f} {r['mb']:>7.1f} {r['peak']:>12.1f} {r['before']:>11.1f} "
                f"{r['traced']:>15.1f}"
            )


if __name__ == "__main__":
    main()
