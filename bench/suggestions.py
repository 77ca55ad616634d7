"""Suggested claims: how good the default scorer is on the hand-labelled demo article, and how fast.

Run: ``make bench`` or ``.venv/bin/python bench/suggestions.py`` (no database: the scorer is pure).

Quality, on tests/data/seed-article-labels.json (each sentence of the demo article labelled by
hand check-worthy or not, with a reason):
- precision at 5: of the five highest-scoring sentences (ties by position), the share labelled
  check-worthy;
- recall: of the sentences labelled check-worthy, the share whose score reaches the display
  threshold (those the page suggests); with it, the precision of what is suggested.
Speed: the time to split and score the demo article and the long article (the demo text's longer
paragraphs repeated into 400 paragraphs, about 58,000 characters, as the other benches use),
median of 7 runs after a warm-up (the first call builds pysbd's segmenter).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.domain import checkworthiness  # noqa: E402
from annotator.domain.text import canonicalize  # noqa: E402

RUNS = 7


def timed(text: str) -> tuple[float, int]:
    checkworthiness.scored_sentences(text)  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        found = checkworthiness.scored_sentences(text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(found)


def main() -> None:
    seed = canonicalize((ROOT / "annotator" / "data" / "seed-article.txt").read_text(encoding="utf-8"))
    labels = {
        item["sentence"]: item["check_worthy"]
        for item in json.loads((ROOT / "tests" / "data" / "seed-article-labels.json").read_text())["sentences"]
    }
    scored = checkworthiness.scored_sentences(seed)
    missing = [s.quote for s in scored if s.quote not in labels]
    if missing:
        sys.exit(f"sentences without a label (label them in tests/data): {missing}")
    threshold = checkworthiness.DEFAULT_THRESHOLD
    ranked = sorted(scored, key=lambda s: (-s.score, s.start))
    worthy = [s for s in scored if labels[s.quote]]
    suggested = [s for s in scored if s.score >= threshold]
    top5 = ranked[:5]
    p_at_5 = sum(labels[s.quote] for s in top5) / 5
    recall = sum(s.score >= threshold for s in worthy) / len(worthy)
    precision = sum(labels[s.quote] for s in suggested) / len(suggested) if suggested else 0.0

    print(f"Suggested claims, default scorer, threshold {threshold:g}")
    print(f"labelled sentences: {len(scored)}, check-worthy: {len(worthy)}, suggested: {len(suggested)}")
    print(
        f"precision at 5: {p_at_5:.2f}   recall at the threshold: {recall:.2f} "
        f"({sum(s.score >= threshold for s in worthy)}/{len(worthy)})   "
        f"precision at the threshold: {precision:.2f}"
    )
    print("top 5:")
    for s in top5:
        print(f"  {s.score:.2f} {'worthy' if labels[s.quote] else 'not   '} {s.quote[:90]}")

    lines = [line for line in seed.splitlines() if len(line) > 60]
    long_text = "\n".join(f"{lines[i % len(lines)]} ({i})" for i in range(400))
    for name, text in (("demo article", seed), ("long article", long_text)):
        ms, count = timed(text)
        print(f"split + score, {name}: {len(text):,} characters, {count} sentences: {ms:.1f} ms (median of {RUNS})")


if __name__ == "__main__":
    main()
