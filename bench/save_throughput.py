"""Complete saves per second: the app under gunicorn, against a raw-SQL ceiling (bench/ceiling.py).

Run:  .venv/bin/python bench/save_throughput.py [--database sqlite|postgresql|both] [--seconds 10]
                                                [--clients 8] [--workers N]

For each database (a throwaway SQLite file; a throwaway PostgreSQL cluster, skipped with a message
when initdb is missing) the app is served by gunicorn (gunicorn.conf.py, ANNOTATOR_WORKERS = N,
default 2 x cores + 1) and saves are timed with 1 client, then with --clients concurrent clients,
each a different signed-in reviewer. A save is the htmx POST the browser sends (CSRF token, target,
verdict, note, two sources, action=submit), on a span nobody used before, so every save makes a
new annotation; it counts once the app answers 2xx with the saved annotation in its panel. The
ceiling app then gets the same requests on the same database, workers and clients. Each phase
(after an untimed warm-up per server) saves on an article of its own and is checked afterwards:
the article holds as many annotations as there were 2xx answers, each with what was sent.

Prints one row per database and client count: saves/s of the app and of the ceiling, their ratio
(flagged when under the 0.5 target), median save latency of each (and the app's own share, from
its Server-Timing header), and the errors (non-2xx answers, missing or different rows). Exit
status 1 on any error; the ratio alone does not fail the run.
The clients run on the same machine as the servers, so on 2 cores they take CPU from both alike.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text as sql  # noqa: E402

from bench import live  # noqa: E402

TARGET_RATIO = 0.5
MAX_SAVES_PER_PHASE = 50_000  # a bound on every loop, far above what 2 cores can do in a minute
VERDICTS = ("true", "mostly-true", "mixed", "misleading", "mostly-false", "false", "unverifiable")


@dataclass
class Phase:
    """One timed run: acknowledged saves, their latencies, what each sent, and what went wrong."""

    saves: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    app_ms: list[float] = field(default_factory=list)  # the app's Server-Timing (the ceiling sends none)
    expected: dict[int, live.Saved] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.saves / self.seconds if self.seconds else 0.0


def save_content(username: str, n: int) -> tuple[str, str, list[tuple[str, str, str]]]:
    """Verdict, note and two sources of a user's n-th save (non-ASCII on purpose: stored as sent)."""
    note = f"Checked by {username}, save {n}: the ministry’s figures match — see both sources. ✓"
    sources = [
        (f"https://example.org/evidence/{username}/{n}", f"Evidence {n}", "The passage that supports it."),
        (f"https://example.com/report-{n}", "Ministry report", ""),
    ]
    return VERDICTS[n % len(VERDICTS)], note, sources


def make_client(base: str, setup: live.Setup, username: str, article_id: int, ceiling: bool) -> live.Client:
    """A reviewer with the article page open (the app) or just its id in a header (the ceiling)."""
    if ceiling:
        return live.Client(base, headers={"X-Bench-User": str(setup.users[username])})
    client = live.Client(base)
    if not client.sign_in(username) or client.open_page(f"/articles/{article_id}").status != 200:
        raise RuntimeError(f"{username} could not sign in and open article {article_id}")
    return client


def save_once(
    client: live.Client,
    setup: live.Setup,
    username: str,
    article_id: int,
    span,
    n: int,
    ceiling: bool,
    phase: Phase,
    lock: threading.Lock,
) -> None:
    """One save as the browser posts it; recorded in ``phase`` when acknowledged with the annotation id."""
    verdict, note, sources = save_content(username, n)
    target = live.target_of(setup.text, *span)
    fields = [
        ("csrf_token", client.csrf),
        *target.items(),
        ("verdict", verdict),
        ("note", note),
        *live.source_fields(sources).items(),
        ("action", "submit"),
    ]
    response = client.hx_post(f"/articles/{article_id}/annotations", fields)
    if ceiling:
        found = re.fullmatch(r"saved annotation (\d+)", response.body)
        annotation_id = int(found.group(1)) if found else None
    else:
        annotation_id = live.own_annotation_id(response.body)
    with lock:
        if 200 <= response.status < 300 and annotation_id:
            phase.saves += 1
            phase.latencies.append(response.ms)
            if (app_ms := live.server_ms(response)) is not None:
                phase.app_ms.append(app_ms)
            phase.expected[annotation_id] = live.Saved(
                annotation_id, username, target["start"], target["end"], target["quote"], verdict, note, sources
            )
        else:
            phase.errors.append(f"{username}: {response.status} {response.body[:200]!r}")


def run_phase(base: str, setup: live.Setup, article_id: int, clients: int, seconds: float, ceiling: bool) -> Phase:
    """``clients`` threads saving distinct spans on the article for ``seconds`` (timed from a common start)."""
    users = setup.reviewers[:clients]
    sessions = [make_client(base, setup, name, article_id, ceiling) for name in users]
    feed, phase, lock = live.SpanFeed(setup.text), Phase(), threading.Lock()
    clock = {}
    barrier = threading.Barrier(clients, action=lambda: clock.update(start=time.perf_counter()))
    finished = []

    def work(client: live.Client, username: str) -> None:
        barrier.wait()
        deadline, n = clock["start"] + seconds, 0
        while time.perf_counter() < deadline and n < MAX_SAVES_PER_PHASE // clients:
            span = feed.next()
            if span is None:
                break
            save_once(client, setup, username, article_id, span, n, ceiling, phase, lock)
            n += 1
        finished.append(time.perf_counter())

    threads = [threading.Thread(target=work, args=(c, u)) for c, u in zip(sessions, users, strict=False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + live.REQUEST_TIMEOUT + 30)
    phase.seconds = max(finished, default=clock.get("start", 0)) - clock.get("start", 0)
    return phase


def check_phase(url: str, article_id: int, phase: Phase) -> None:
    """Every acknowledged save is there as sent, and the article holds no other annotation."""
    with live.connect(url) as connection:
        count = connection.execute(
            sql("SELECT count(*) FROM annotations a JOIN spans s ON s.id = a.span_id WHERE s.article_id = :id"),
            {"id": article_id},
        ).scalar()
        phase.errors += live.check_saved(connection, phase.expected)
    if count != phase.saves:
        phase.errors.append(f"article {article_id}: {count} annotations in the database, {phase.saves} acknowledged")


def measure_app(
    url: str, setup: live.Setup, articles: list[int], wsgi: str, client_counts: list[int], args, logs: str
) -> tuple[dict[int, Phase], list[str]]:
    """Warm-up, then one phase per client count; returns the phases and the server log's problem lines."""
    ceiling = wsgi != "app:app"
    phases = {}
    with live.serving(url, wsgi, workers=args.workers, log_dir=logs) as server:
        warm = run_phase(server.base, setup, articles[0], max(client_counts), min(2.0, args.seconds), ceiling)
        check_phase(url, articles[0], warm)
        for clients, article_id in zip(client_counts, articles[1:], strict=False):
            phases[clients] = run_phase(server.base, setup, article_id, clients, args.seconds, ceiling)
            check_phase(url, article_id, phases[clients])
        phases[client_counts[-1]].errors += [f"warm-up: {e}" for e in warm.errors]
        problems = server.log_problems()
    return phases, problems


def measure_database(kind: str, args) -> list[tuple]:
    client_counts = [1, args.clients]
    rows = []
    with live.database(kind) as url, tempfile.TemporaryDirectory(prefix="annotator-bench-logs-") as logs:
        per_app = 1 + len(client_counts)
        setup = live.prepare(url, reviewers=args.clients, articles=2 * per_app)
        print(f"{kind}: measuring the app ({args.seconds:g} s per phase) ...", flush=True)
        ours, ours_log = measure_app(url, setup, setup.articles[:per_app], "app:app", client_counts, args, logs)
        print(f"{kind}: measuring the ceiling ...", flush=True)
        top, top_log = measure_app(url, setup, setup.articles[per_app:], "bench.ceiling:app", client_counts, args, logs)
        for name, lines in (("app", ours_log), ("ceiling", top_log)):
            if lines:
                print(f"{kind}: {len(lines)} problem line(s) in the {name}'s gunicorn log, first ones:")
                print("\n".join("    " + line for line in lines[:5]))
        for clients in client_counts:
            rows.append((kind, clients, ours[clients], top[clients]))
    return rows


def print_table(rows: list[tuple], workers: int) -> int:
    print(f"\nComplete saves/s under gunicorn ({workers} workers), each save a new submitted annotation with 2 sources")
    print(
        f"{'database':<11}{'clients':>8}{'ours/s':>9}{'ceiling/s':>11}{'ratio':>7}{'':10}"
        f"{'ours p50 ms':>12}{'(in app)':>9}{'ceil p50 ms':>12}{'saves':>8}{'errors':>8}"
    )
    errors = 0
    for kind, clients, ours, top in rows:
        ratio = ours.rate / top.rate if top.rate else 0.0
        flag = "ok" if ratio >= TARGET_RATIO else "< target"
        failed = len(ours.errors) + len(top.errors)
        errors += failed
        print(
            f"{kind:<11}{clients:>8}{ours.rate:>9.1f}{top.rate:>11.1f}{ratio:>7.2f}  {flag:<8}"
            f"{live.percentiles(ours.latencies)[0]:>12.1f}{live.percentiles(ours.app_ms)[0]:>9.1f}"
            f"{live.percentiles(top.latencies)[0]:>12.1f}"
            f"{ours.saves + top.saves:>8}{failed:>8}"
        )
        for error in (ours.errors + top.errors)[:5]:
            print(f"    error: {error}")
    print(f"Target: ours/ceiling >= {TARGET_RATIO}. Errors: {errors}.")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per phase (default 10)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the second phase (default 8)")
    parser.add_argument(
        "--workers",
        type=int,
        default=live.default_workers(),
        help="gunicorn workers for both apps (default 2 x cores + 1)",
    )
    args = parser.parse_args()
    rows = []
    for kind in live.database_kinds(args.database):
        rows += measure_database(kind, args)
    if not rows:
        return 1
    return 1 if print_table(rows, args.workers) else 0


if __name__ == "__main__":
    sys.exit(main())
