"""Time to re-anchor 1,000 spans onto a new version of the long article (target < 1 s).

Run: ``make bench`` or ``.venv/bin/python bench/reanchor.py`` (``--postgres`` under
scripts/with_postgres.py for PostgreSQL). Builds the long article (the demo text
repeated into 400 paragraphs, about 58,000 characters) with 1,000 overlapping spans,
then an edited version of it: figures changed in some paragraphs, sentences inserted,
paragraphs deleted, and one paragraph moved, as a quiet correction might do. Prints
the time of the pure re-anchoring (diff and placements) and of the whole new version
as the app stores it (re-anchoring, one SpanAnchor per span, every span updated, the
version row), with what became of the spans.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import tempfile
import time

from data import add_article, add_database_option, bench_app, database_url, long_text, populate, reviewers
from sqlmodel import select

from annotator.db.models import Article, Span
from annotator.domain import reanchoring
from annotator.extensions import db
from annotator.services import versioning

SPANS = 1_000
RUNS = 7
TARGET_S = 1.0


def edited(text: str, rng: random.Random) -> str:
    """A corrected version: about one paragraph in ten touched, one moved."""
    paragraphs = text.split("\n")
    for i in rng.sample(range(len(paragraphs)), len(paragraphs) // 20):  # a figure or a word changed
        paragraphs[i] = paragraphs[i].replace(" the ", " a ", 1).replace("0", "5", 1)
    for i in rng.sample(range(len(paragraphs)), len(paragraphs) // 40):  # a sentence added
        paragraphs[i] += " This sentence was added in a correction."
    for i in sorted(rng.sample(range(len(paragraphs)), len(paragraphs) // 100), reverse=True):  # paragraphs cut
        del paragraphs[i]
    paragraphs.insert(3, paragraphs.pop(len(paragraphs) // 2))  # one paragraph moved up
    return "UPDATE: this article was corrected.\n" + "\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_option(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(database_url(args.postgres, tmp))
        users = reviewers(app, 1)
        article_id, text = add_article(app, "Long article", long_text(app))
        populate(app, article_id, text, SPANS, users, random.Random(1))
        new_text = edited(text, random.Random(2))
        with app.app_context():
            session = db.session()
            spans = [
                reanchoring.OldSpan(s.id, s.start, s.end, s.quote, s.prefix, s.suffix)
                for s in session.exec(select(Span).where(Span.article_id == article_id))
            ]

            pure = []
            for _ in range(RUNS):
                started = time.perf_counter()
                placements = reanchoring.reanchor(text, new_text, spans)
                pure.append(time.perf_counter() - started)

            article = session.get(Article, article_id)
            started = time.perf_counter()
            report = versioning.add_version(
                session=session, article=article, raw_text=new_text, user=None, origin="pasted"
            )
            stored = time.perf_counter() - started

        database = "PostgreSQL" if args.postgres else "SQLite"
        print(
            f"Re-anchoring {len(spans):,} spans onto a new version of the long article "
            f"({len(text):,} -> {len(new_text):,} characters), {database}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores; target < {TARGET_S:.0f} s"
        )
        print(f"  re-anchoring alone (diff + placements), median of {RUNS}: {statistics.median(pure) * 1000:7.1f} ms")
        print(f"  new version stored (re-anchoring + writes), once:       {stored * 1000:7.1f} ms")
        counts = report.counts
        print(f"  spans: {reanchoring.describe(counts)}")
        assert sum(counts.values()) == len(spans) == len(placements)
        verdict = "met" if max(statistics.median(pure), stored) < TARGET_S else "MISSED"
        print(f"  target: {verdict}")


if __name__ == "__main__":
    main()
