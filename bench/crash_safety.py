"""Crash safety: SIGKILL gunicorn (master and workers) in the middle of saves; nothing acknowledged is lost.

Run:  .venv/bin/python bench/crash_safety.py [--database sqlite|postgresql|both] [--rounds 3]
                                             [--clients 4] [--workers N]

On a SQLite file in a temporary directory (default; PostgreSQL on a throwaway cluster with --database),
each round starts gunicorn, lets --clients signed-in reviewers save new annotations in a loop (the htmx
POST the browser sends: target, verdict, note, two sources, submit), and 1 to 3 s later kills the
gunicorn process group with SIGKILL, mid-request. Then it starts gunicorn again on the same database
and checks: PRAGMA integrity_check is "ok" and PRAGMA foreign_key_check is empty (SQLite); every save
acknowledged with a 2xx in any round so far is there with what it sent; no save is there by half
(each annotation has its two sources and its history events); and the restarted app saves again.

Prints one row per round (saves acknowledged, requests cut by the kill, acknowledged saves found,
half-written saves, integrity, foreign keys, save after restart) and the totals. Exit status 1 on
any failure.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text as sql  # noqa: E402

from bench import live  # noqa: E402
from bench.save_throughput import save_content  # noqa: E402  (the same notes and sources)

SOURCES_PER_SAVE = 2
MAX_SAVES_PER_CLIENT = 10_000  # a bound besides the kill


@dataclass
class Round:
    acknowledged: int = 0
    cut: int = 0  # requests without an answer: in flight when the server died
    other: list[str] = field(default_factory=list)  # non-2xx answers before the kill
    checks: dict[str, str] = field(default_factory=dict)


def save(client: live.Client, username: str, article_id: int, article_text: str, span, n: int):
    """One browser save; the Saved record when acknowledged, else the response."""
    verdict, note, sources = save_content(username, n)
    target = live.target_of(article_text, *span)
    fields = [
        ("csrf_token", client.csrf),
        *target.items(),
        ("verdict", verdict),
        ("note", note),
        *live.source_fields(sources).items(),
        ("action", "submit"),
    ]
    response = client.hx_post(f"/articles/{article_id}/annotations", fields)
    annotation_id = live.own_annotation_id(response.body) if 200 <= response.status < 300 else None
    if annotation_id is None:
        return response
    return live.Saved(annotation_id, username, target["start"], target["end"], target["quote"], verdict, note, sources)


def load_then_kill(
    server: live.Server,
    setup: live.Setup,
    feed: live.SpanFeed,
    clients: int,
    kill_after: float,
    acknowledged: dict[int, live.Saved],
) -> Round:
    """``clients`` reviewers saving until the whole gunicorn process group is SIGKILLed."""
    result, lock, stop = Round(), threading.Lock(), threading.Event()
    article_id = setup.articles[0]
    sessions = []
    for name in setup.reviewers[:clients]:
        client = live.Client(server.base)
        if not client.sign_in(name) or client.open_page(f"/articles/{article_id}").status != 200:
            raise RuntimeError(f"{name} could not sign in")
        sessions.append((client, name))

    def work(client: live.Client, username: str) -> None:
        for n in range(MAX_SAVES_PER_CLIENT):
            span = feed.next()
            if stop.is_set() or span is None:
                return
            outcome = save(client, username, article_id, setup.text, span, n)
            with lock:
                if isinstance(outcome, live.Saved):
                    acknowledged[outcome.annotation_id] = outcome
                    result.acknowledged += 1
                elif outcome.status == 0:
                    result.cut += 1
                elif not stop.is_set():
                    result.other.append(f"{username}: {outcome.status} {outcome.body[:200]!r}")

    threads = [threading.Thread(target=work, args=session) for session in sessions]
    for t in threads:
        t.start()
    time.sleep(kill_after)
    stop.set()  # no new saves: the ones in flight are cut by the kill
    server.kill()
    for t in threads:
        t.join(live.REQUEST_TIMEOUT + 10)
    return result


def sqlite_checks(url: str) -> dict[str, str]:
    """SQLite's own verdicts on the file: integrity and foreign keys."""
    path = url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    return {
        "integrity": "ok" if integrity == [("ok",)] else repr(integrity[:5]),
        "foreign keys": "ok" if not foreign else f"{len(foreign)} violation(s): {foreign[:5]}",
    }


def half_saves(connection) -> list[int]:
    """Annotations without their sources or history: a save that was stored in part."""
    rows = connection.execute(
        sql(
            "SELECT a.id, (SELECT count(*) FROM sources s WHERE s.annotation_id = a.id) AS sources, "
            "(SELECT count(*) FROM events e WHERE e.annotation_id = a.id AND e.action IN ('created', 'submitted')) "
            "AS events FROM annotations a"
        )
    )
    return [r.id for r in rows if r.sources != SOURCES_PER_SAVE or r.events != 2]


def save_after_restart(
    server: live.Server, setup: live.Setup, feed: live.SpanFeed, acknowledged: dict[int, live.Saved]
) -> str:
    """The restarted app takes a new save ("ok"), or what went wrong."""
    client, name, article_id = live.Client(server.base), setup.reviewers[0], setup.articles[0]
    if not client.sign_in(name) or client.open_page(f"/articles/{article_id}").status != 200:
        return "no sign-in"
    span = feed.next()
    if span is None:
        return "no span left"
    outcome = save(client, name, article_id, setup.text, span, 99_999)
    if not isinstance(outcome, live.Saved):
        return str(outcome.status)
    acknowledged[outcome.annotation_id] = outcome
    return "ok"


def check_round(
    url: str,
    kind: str,
    server: live.Server,
    setup: live.Setup,
    feed: live.SpanFeed,
    acknowledged: dict[int, live.Saved],
    result: Round,
) -> list[str]:
    """After the restart: the file, every acknowledged save so far, no half saves, and a new save."""
    failures = [f"answer before the kill: {line}" for line in result.other]
    checks = sqlite_checks(url) if kind == "sqlite" else {"integrity": "n/a", "foreign keys": "n/a"}
    with live.connect(url) as connection:
        missing = live.check_saved(connection, acknowledged)
        partial = half_saves(connection)
    found = f"{len(acknowledged) - len(missing)}/{len(acknowledged)}"
    after = save_after_restart(server, setup, feed, acknowledged)
    result.checks = checks | {"found": found, "partial": str(len(partial)), "save after": after}
    failures += [f"{name}: {value}" for name, value in checks.items() if value not in ("ok", "n/a")]
    failures += missing + [f"half-written annotation {i}" for i in partial]
    if after != "ok":
        failures.append(f"save after restart: {after}")
    return failures


def run(kind: str, args) -> bool:
    rng = random.Random(3)
    with live.database(kind) as url, tempfile.TemporaryDirectory(prefix="annotator-bench-logs-") as logs:
        setup = live.prepare(url, reviewers=args.clients)
        feed, acknowledged, failures = live.SpanFeed(setup.text), {}, []
        print(
            f"crash safety on {kind}: {args.rounds} rounds, {args.clients} clients, {args.workers} workers, "
            "SIGKILL to gunicorn's process group 1-3 s into the saves"
        )
        print(
            f"{'round':>5}{'acked':>7}{'cut':>5}{'found':>11}{'partial':>9}{'integrity':>11}"
            f"{'fkeys':>7}{'save after':>12}"
        )
        server = live.Server(url, workers=args.workers, log_dir=logs).start()
        try:
            for number in range(1, args.rounds + 1):
                result = load_then_kill(server, setup, feed, args.clients, rng.uniform(1.0, 3.0), acknowledged)
                server = live.Server(url, workers=args.workers, log_dir=logs).start()
                round_failures = check_round(url, kind, server, setup, feed, acknowledged, result)
                failures += [f"round {number}: {f}" for f in round_failures]
                c = result.checks
                print(
                    f"{number:>5}{result.acknowledged:>7}{result.cut:>5}{c['found']:>11}{c['partial']:>9}"
                    f"{c['integrity']:>11}{c['foreign keys']:>7}{c['save after']:>12}",
                    flush=True,
                )
        finally:
            server.stop()
    print(
        f"{kind}: {len(acknowledged)} saves acknowledged over {args.rounds} rounds; "
        f"{'all found, nothing half-written' if not failures else f'{len(failures)} failure(s)'}"
    )
    for failure in failures[:20]:
        print(f"  {failure}")
    return not failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=live.default_workers())
    args = parser.parse_args()
    results = [run(kind, args) for kind in live.database_kinds(args.database)]
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
