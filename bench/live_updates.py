"""Live updates across gunicorn workers: one reviewer saves, others poll; how soon do they see it, and what does
a poll cost?

Run:  .venv/bin/python bench/live_updates.py [--database sqlite|postgresql|both] [--workers 4]
                                             [--pollers 8] [--writes 10] [--interval 1.0] [--gap 2.0]

For each database (a throwaway SQLite file; a throwaway PostgreSQL cluster, skipped with a message when
initdb is missing), gunicorn serves the app with several workers, so a save and the polls that must see
it land on different processes: the change marker has to live in the database. --pollers reviewers
open the demo article and poll its live endpoint every --interval seconds as the page's poller does
(If-None-Match with the entity tag of the last answer; the answer's new poller gives the next address).
One more reviewer submits --writes annotations on new words, --gap seconds apart.

Prints, per database: the delay from each save's acknowledgement until each poller's answer showed its
highlight (p50/p95/max; at most one interval plus a poll's time is expected), the share of polls
answered 304, and poll latency (client round trip and the app's own Server-Timing) for 304 and 200.
Exit status 1 when a poller missed a save or a poll failed.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import live  # noqa: E402

POLLER = re.compile(r'<div id="live-poll"[^>]*>')


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Poller(threading.Thread):
    """One reviewer with the article open: polls until told to stop, noting when each span first shows."""

    def __init__(self, client: live.Client, article_id: int, interval: float):
        super().__init__(daemon=True)
        self.client, self.interval = client, interval
        self.stop = threading.Event()
        self.seen: dict[int, float] = {}  # span id -> when an answer first showed it (perf_counter)
        self.polls: list[tuple[int, float, float | None]] = []  # (status, round trip ms, app ms)
        self.errors: list[str] = []
        page = client.open_page(f"/articles/{article_id}")
        self.take(page.body)

    def take(self, body: str) -> None:
        element = POLLER.search(body)
        if element is None:
            raise RuntimeError("no poller in the answer")
        attributes = {
            name: double or single
            for name, double, single in re.findall(r'([\w-]+)=(?:"([^"]*)"|\'([^\']*)\')', element.group(0))
        }
        self.url = html.unescape(attributes["hx-get"])
        self.etag = json.loads(html.unescape(attributes["hx-headers"]))["If-None-Match"]

    def run(self) -> None:
        self.stop.wait(random.random() * self.interval)  # people open the page at different moments
        while not self.stop.is_set():
            response = self.client.request(
                "GET",
                self.url + "&claims=1",
                headers=self.client.hx_headers("live-poll") | {"If-None-Match": self.etag},
            )
            self.polls.append((response.status, response.ms, live.server_ms(response)))
            if response.status == 200:
                now = time.perf_counter()
                for ids in re.findall(r'data-span-ids="([^"]*)"', response.body):
                    for span_id in map(int, ids.split()):
                        self.seen.setdefault(span_id, now)
                self.take(response.body)
            elif response.status != 304:
                self.errors.append(f"{response.status} {response.body[:200]!r}")
            self.stop.wait(self.interval)


def run(kind: str, args) -> bool:
    with live.database(kind) as url, tempfile.TemporaryDirectory(prefix="annotator-live-") as logs:
        setup = live.prepare(url, reviewers=args.pollers + 1)
        article_id = setup.articles[0]
        with live.serving(url, workers=args.workers, log_dir=logs) as server:
            writer_name, *poller_names = setup.reviewers
            writer = live.Client(server.base)
            if not writer.sign_in(writer_name) or writer.open_page(f"/articles/{article_id}").status != 200:
                raise RuntimeError("the writer could not sign in")
            pollers = []
            for name in poller_names:
                client = live.Client(server.base)
                if not client.sign_in(name):
                    raise RuntimeError(f"{name} could not sign in")
                pollers.append(Poller(client, article_id, args.interval))
            for poller in pollers:
                poller.start()
            saved: dict[int, float] = {}  # span id -> acknowledged at
            spans = iter(live.word_spans(setup.text, max_words=6))
            errors = []
            for n in range(args.writes):
                time.sleep(args.gap)
                target = live.target_of(setup.text, *next(spans))
                fields = [
                    ("csrf_token", writer.csrf),
                    *target.items(),
                    ("verdict", "mixed"),
                    ("note", f"live bench {n}"),
                    ("action", "submit"),
                ]
                response = writer.hx_post(f"/articles/{article_id}/annotations", fields)
                found = re.search(r'data-active-span="(\d+)"', response.body)
                if response.status != 200 or not found:
                    errors.append(f"save {n}: {response.status} {response.body[:200]!r}")
                    continue
                saved[int(found.group(1))] = time.perf_counter()
            time.sleep(args.interval * 3 + 2)  # the last save's polls
            for poller in pollers:
                poller.stop.set()
            for poller in pollers:
                poller.join(args.interval + live.REQUEST_TIMEOUT)
            problems = server.log_problems()

    delays, missed = [], 0
    for poller in pollers:
        errors += poller.errors
        for span_id, acknowledged in saved.items():
            if span_id in poller.seen:
                delays.append(max(0.0, poller.seen[span_id] - acknowledged) * 1000)
            else:
                missed += 1
    polls = [p for poller in pollers for p in poller.polls]
    unchanged = [p for p in polls if p[0] == 304]
    changed = [p for p in polls if p[0] == 200]

    def figures(rows):
        trips = [ms for _, ms, _ in rows]
        app = [a for _, _, a in rows if a is not None]
        return (
            f"round trip p50 {percentile(trips, 0.5):.1f} ms, p95 {percentile(trips, 0.95):.1f} ms; "
            f"app p50 {percentile(app, 0.5):.2f} ms, p95 {percentile(app, 0.95):.2f} ms"
        )

    print(
        f"\n== {kind}: gunicorn {args.workers} workers, {len(pollers)} pollers every {args.interval:g} s, "
        f"{len(saved)} saves {args.gap:g} s apart",
        flush=True,
    )
    if delays:
        print(
            f"seen after save: p50 {percentile(delays, 0.5):.0f} ms, p95 {percentile(delays, 0.95):.0f} ms, "
            f"max {max(delays):.0f} ms ({len(delays)} sightings, {missed} missed)"
        )
    print(
        f"polls: {len(polls)}, 304: {len(unchanged)} ({100 * len(unchanged) / max(1, len(polls)):.1f} %), "
        f"200: {len(changed)}"
    )
    print(f"  304: {figures(unchanged)}")
    print(f"  200: {figures(changed)}")
    for line in errors[:10] + problems[:10]:
        print(f"  problem: {line}")
    return not errors and not missed and not problems and bool(saved)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pollers", type=int, default=8)
    parser.add_argument("--writes", type=int, default=10)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--gap", type=float, default=2.0)
    args = parser.parse_args()
    ok = all([run(kind, args) for kind in live.database_kinds(args.database)])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
