"""Where a save's time goes, in one process: statements per action, app time, and a cProfile summary.

Run: ``.venv/bin/python bench/save_profile.py [--postgres] [--saves 300] [--profile] [--statements]``

The app on a throwaway database (SQLite, or PostgreSQL with --postgres), a signed-in reviewer
posting the save the browser sends (htmx headers, CSRF token, target, verdict, note, two sources,
action=submit) on a new span of the demo article each time, through Flask's test client (no HTTP,
no server: the app's own time). Prints, per action, the SQL statements it runs and the median of
the app's Server-Timing. ``--paragraph`` also times saves in a paragraph that already holds 500
annotations against saves in an empty one. ``--profile`` prints the 25 most expensive functions
(cumulative) over the saves; ``--statements`` prints the statements of one save. ``--idle MS``
also times the same saves with MS milliseconds of idle before each (as a server waits between one
client's requests), by the app's Server-Timing, against saves back to back.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import add_article, bench_app, database_url, populate, reviewers, signed_in_client  # noqa: E402
from sqlalchemy import event  # noqa: E402

from annotator.domain.anchoring import context_of  # noqa: E402

HX = {"HX-Request": "true", "HX-Target": "panel", "HX-Current-URL": "http://localhost/articles/1"}
PARAGRAPH_ANNOTATIONS = 500


def csrf_of(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)


def save_fields(text: str, start: int, end: int, n: int, token: str) -> dict:
    prefix, suffix = context_of(text, start, end)
    return {
        "csrf_token": token,
        "start": str(start),
        "end": str(end),
        "quote": text[start:end],
        "prefix": prefix,
        "suffix": suffix,
        "verdict": ("true", "mostly-false", "misleading")[n % 3],
        "note": f"Save {n}: the ministry’s figures match — see both sources. ✓",
        "sources-0-url": f"https://example.org/evidence/{n}",
        "sources-0-title": f"Evidence {n}",
        "sources-0-excerpt": "The passage that supports it.",
        "sources-1-url": f"https://example.com/report-{n}",
        "sources-1-title": "Ministry report",
        "sources-1-excerpt": "",
        "action": "submit",
    }


def word_ranges(text: str, lo: int, hi: int, longest: int = 4) -> list[tuple[int, int]]:
    """Every range of one to ``longest`` whole words inside ``[lo, hi)``."""
    words = [(m.start() + lo, m.end() + lo) for m in re.finditer(r"\S+", text[lo:hi])]
    return [(words[i][0], words[j][1]) for i in range(len(words)) for j in range(i, min(i + longest, len(words)))]


class Meter:
    """Counts the statements the engine runs."""

    def __init__(self, app):
        self.statements: list[str] = []
        event.listen(app.extensions["engine"], "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)


def server_ms(response) -> float:
    return float(response.headers["Server-Timing"].split("dur=")[1])


def time_saves(client, article_id: int, text: str, ranges, token: str, meter: Meter, label: str, idle: float = 0):
    """Saves on ``ranges``: (CPU ms of each, statements of each). CPU time (of this thread: the test client
    and the app) rather than wall time, which other work on a shared machine inflates. ``idle``: seconds
    of sleep before each; the app's Server-Timing of each is kept in ``time_saves.server``."""
    times, counts, size, server = [], [], 0, []
    for n, (start, end) in enumerate(ranges):
        meter.statements.clear()
        if idle:
            time.sleep(idle)
        fields = save_fields(text, start, end, n, token)
        started = time.thread_time()
        response = client.post(f"/articles/{article_id}/annotations", data=fields, headers=HX)
        elapsed = (time.thread_time() - started) * 1000
        assert response.status_code == 200, (label, response.status_code, response.get_data(as_text=True)[:300])
        times.append(elapsed)
        server.append(server_ms(response))
        counts.append(len([s for s in meter.statements if s != "BEGIN IMMEDIATE"]))
        size = max(size, len(response.get_data()))
    time_saves.largest = size  # type: ignore[attr-defined]  # the largest response, for the paragraph row
    time_saves.server = server  # type: ignore[attr-defined]
    return times, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--statements", action="store_true")
    parser.add_argument("--idle", type=float, default=0, metavar="MS", help="also time saves after MS ms idle each")
    parser.add_argument("--paragraph", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(database_url(args.postgres, tmp))
        users = reviewers(app, 6)
        text = "\n".join(Path(app.config["SEED_ARTICLE"]).read_text(encoding="utf-8").split("\n") * 3)
        article_id, text = add_article(app, "Save bench", text)
        client = signed_in_client(app, users[0].username)
        token = csrf_of(client, f"/articles/{article_id}")
        meter = Meter(app)
        bounds = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.end() - m.start() > 200]
        ranges = [r for lo, hi in bounds for r in word_ranges(text, lo, hi)]
        random.Random(7).shuffle(ranges)
        spare, ranges = ranges[args.saves + 20], ranges[: args.saves + 20]
        time_saves(client, article_id, text, ranges[:20], token, meter, "warm-up")
        profiler = cProfile.Profile() if args.profile else None
        if profiler and not args.paragraph:
            profiler.enable()
        times, counts = time_saves(client, article_id, text, ranges[20:], token, meter, "save")
        if profiler:
            profiler.disable()
        print(
            f"save (new span, 2 sources, submit): {len(times)} saves, CPU p50 {statistics.median(times):.2f} ms, "
            f"statements {min(counts)}–{max(counts)}"
        )
        if args.idle:
            idle_row(client, article_id, text, ranges[20:], token, meter, args.idle)
        if args.statements:
            meter.statements.clear()
            start, end = spare
            client.post(f"/articles/{article_id}/annotations", data=save_fields(text, start, end, 1, token), headers=HX)
            print("\n".join(f"  {s[:150]}" for s in meter.statements))
        if args.paragraph:
            paragraph_row(app, client, users, token, meter, profiler)
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            print(out.getvalue())
        app.extensions["engine"].dispose()
    return 0


def idle_row(client, article_id: int, text: str, ranges, token: str, meter: Meter, idle_ms: float) -> None:
    """The same saves back to back and after idle, alternating in batches of 25: a reviewer's second
    save on a range takes the general way, so this row saves on a fresh copy of the article."""
    copy_id, copy_text = add_article(client.application, "Idle bench", text)
    busy: list[float] = []
    rested: list[float] = []
    for n in range(0, len(ranges) - 49, 50):
        for pause, into in ((0.0, busy), (idle_ms / 1000, rested)):
            batch = ranges[n : n + 25] if pause == 0 else ranges[n + 25 : n + 50]
            time_saves(client, copy_id, copy_text, batch, token, meter, "idle", idle=pause)
            into.extend(time_saves.server)  # type: ignore[attr-defined]
    print(
        f"idle: app p50 {statistics.median(busy):.2f} ms back to back, {statistics.median(rested):.2f} ms after "
        f"{idle_ms:g} ms idle each ({len(busy)} and {len(rested)} saves)"
    )


def paragraph_row(app, client, users, token, meter, profiler) -> None:
    """Saves in a paragraph holding 500 annotations against saves in an empty one (new article each)."""
    text = "\n".join(Path(app.config["SEED_ARTICLE"]).read_text(encoding="utf-8").split("\n") * 2)
    full_id, full_text = add_article(app, "Full paragraph", text)
    empty_id, empty_text = add_article(app, "Empty paragraph", text)
    lo, hi = next((m.start(), m.end()) for m in re.finditer(r"[^\n]+", full_text) if m.end() - m.start() > 300)
    ranges = word_ranges(full_text, lo, hi, longest=12)
    random.Random(3).shuffle(ranges)
    taken, free = ranges[60:], ranges[:60]
    populate(app, full_id, full_text, PARAGRAPH_ANNOTATIONS, users[1:], random.Random(5), spans=taken)
    results = {}
    for label, article_id, article_text in (("empty", empty_id, empty_text), ("500", full_id, full_text)):
        time_saves(client, article_id, article_text, free[:10], token, meter, label)
        if profiler and label == "500":
            profiler.enable()
        times, counts = time_saves(client, article_id, article_text, free[10:], token, meter, label)
        if profiler:
            profiler.disable()
        results[label] = (statistics.median(times), max(counts))
        print(f"  {label}: largest response {time_saves.largest:,} bytes")  # type: ignore[attr-defined]
    ratio = results["500"][0] / results["empty"][0]
    print(
        f"paragraph: empty CPU p50 {results['empty'][0]:.2f} ms ({results['empty'][1]} statements), "
        f"500 annotations p50 {results['500'][0]:.2f} ms ({results['500'][1]} statements), ratio {ratio:.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
