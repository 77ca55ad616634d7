"""Complete saves per second: the app under gunicorn, against a raw-SQL ceiling (bench/ceiling.py) and doccano.

Run:  .venv/bin/python bench/save_throughput.py [--database sqlite|postgresql|both] [--seconds 10]
          [--clients 8] [--workers N] [--doccano-venv PATH] [--peer-bench DIR]
          [--doccano-client requests|urllib] [--paragraph-saves 40] [--before REF]

For each database (a throwaway SQLite file; a throwaway PostgreSQL cluster, skipped with a message
when initdb is missing) the app is served by gunicorn (gunicorn.conf.py, ANNOTATOR_WORKERS = N,
default 2 x cores + 1) and saves are timed with 1 client, then with --clients concurrent clients,
each a different signed-in reviewer. A save is the htmx POST the browser sends (CSRF token, target,
verdict, note, two sources, action=submit), on a span nobody used before, so every save makes a
new annotation; it counts once the app answers 2xx with the saved annotation in its panel. The
ceiling app then gets the same requests on the same database, workers and clients. Each phase
(after an untimed warm-up per server) saves on an article of its own and is checked afterwards:
the article holds as many annotations as there were 2xx answers, each with what was sent.

doccano (issue 14's peer), when a virtualenv holding it is given (--doccano-venv, default
$DOCCANO_VENV; skipped with a message otherwise): started as ../shared/peer-bench/doccano_bench.py
starts it (bench/doccano.py imports that file's functions from --peer-bench), with the same gunicorn
workers, on the same kind of database (its own SQLite file; its own database in the same PostgreSQL
cluster, which needs psycopg2 in its venv), for the same seconds with 1 and --clients threads, each
thread a requests.Session with its own token posting bench_common.span_for spans on one document
per phase (--doccano-client urllib: the same JSON through urllib, the app's clients' library, which
costs the client some 0.7 ms less per request on 2 cores). Every acknowledged span is read back afterwards.

Paragraph size: two articles of the same text, one with 500 annotations (5 reviewers, bulk-inserted
as bench/data.py populate does) on ranges inside one paragraph, the other with none; one client
then saves new spans inside that paragraph, alternating between the two articles (--paragraph-saves
each, after 10 untimed each), and the app's median time (Server-Timing) of each is compared.

--before REF (for context): the code at REF, checked out in a temporary git worktree, prepares a
fresh database of each kind and is served by gunicorn from there; its 1- and N-client phases give
a before/s column.

Prints one row per database and client count: saves/s of the app, the ceiling and doccano, the
ratios ours/ceiling (target >= 0.4) and ours/doccano (target >= 1.5; one client on SQLite is the
headline), median latency of each as the client saw it, the app's own median (Server-Timing; about
3.5 ms or less is the aim), and the errors (non-2xx answers, missing or different rows); then the
paragraph-size rows (target <= 1.3). Exit status 1 on any error of the app, the ceiling or the
code before, or when doccano was given but could not be measured; doccano's own failed saves are
shown in their column without failing the run, and the ratios alone never fail it.
The clients run on the same machine as the servers, so on 2 cores they take CPU from all alike.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text as sql  # noqa: E402

from bench import doccano, live  # noqa: E402

TARGET_CEILING = 0.4  # ours / the ceiling, on each database
TARGET_DOCCANO = 1.5  # ours / doccano; one client on SQLite is the headline
TARGET_APP_MS = 3.5  # the app's own time a save may take to reach 1.5x doccano (about)
TARGET_PARAGRAPH = 1.3  # a save beside 500 annotations / a save in an empty paragraph
PARAGRAPH_ANNOTATIONS = 500
PARAGRAPH_REVIEWERS = 5
PARAGRAPH_WARM_UP = 10
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


@dataclass
class Row:
    """One database and client count: the app, the ceiling, and (when measured) doccano and the code before."""

    kind: str
    clients: int
    ours: Phase
    top: Phase
    peer: doccano.Phase | None = None
    before: Phase | None = None


@dataclass
class Paragraph:
    """The paragraph-size comparison on one database."""

    kind: str
    empty: Phase
    full: Phase


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
    article_text: str,
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
            save_once(client, setup.text, username, article_id, span, n, ceiling, phase, lock)
            n += 1
        finished.append(time.perf_counter())

    threads = [threading.Thread(target=work, args=(c, u)) for c, u in zip(sessions, users, strict=False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + live.REQUEST_TIMEOUT + 30)
    phase.seconds = max(finished, default=clock.get("start", 0)) - clock.get("start", 0)
    return phase


def check_phase(url: str, article_id: int, phase: Phase, already: int = 0) -> None:
    """Every acknowledged save is there as sent, and the article holds no other annotation
    (besides ``already``, the ones it held before the phase)."""
    with live.connect(url) as connection:
        count = connection.execute(
            sql("SELECT count(*) FROM annotations a JOIN spans s ON s.id = a.span_id WHERE s.article_id = :id"),
            {"id": article_id},
        ).scalar()
        phase.errors += live.check_saved(connection, phase.expected)
    if count != already + phase.saves:
        phase.errors.append(
            f"article {article_id}: {count} annotations in the database, {already} before and "
            f"{phase.saves} acknowledged"
        )


def measure_app(
    url: str,
    setup: live.Setup,
    articles: list[int],
    wsgi: str,
    client_counts: list[int],
    args,
    logs: str,
    root: Path = live.ROOT,
) -> tuple[dict[int, Phase], list[str]]:
    """Warm-up, then one phase per client count; returns the phases and the server log's problem lines."""
    ceiling = wsgi != "app:app"
    phases = {}
    with live.serving(url, wsgi, workers=args.workers, log_dir=logs, root=root) as server:
        warm = run_phase(server.base, setup, articles[0], max(client_counts), min(2.0, args.seconds), ceiling)
        check_phase(url, articles[0], warm)
        for clients, article_id in zip(client_counts, articles[1:], strict=False):
            phases[clients] = run_phase(server.base, setup, article_id, clients, args.seconds, ceiling)
            check_phase(url, article_id, phases[clients])
        phases[client_counts[-1]].errors += [f"warm-up: {e}" for e in warm.errors]
        problems = server.log_problems()
    return phases, problems


def report_log(kind: str, name: str, lines: list[str]) -> None:
    if lines:
        print(f"{kind}: {len(lines)} problem line(s) in the {name}'s gunicorn log, first ones:")
        print("\n".join("    " + line for line in lines[:5]))


def measure_doccano(kind: str, url: str, client_counts: list[int], args) -> dict[int, doccano.Phase] | None:
    """doccano's phases on this kind of database; None when skipped (said why). Raises when it fails."""
    if args.doccano is None:
        return None
    if kind == "postgresql" and not doccano.has_postgres_driver(args.doccano):
        print(
            f"{kind}: doccano skipped: no PostgreSQL driver in {args.doccano} "
            f"(install it: {args.doccano}/bin/pip install psycopg2-binary)",
            flush=True,
        )
        return None
    print(f"{kind}: measuring doccano ({args.doccano}) ...", flush=True)
    return doccano.measure(
        args.doccano, args.peer_bench, kind, url, args.workers, client_counts, args.seconds, args.doccano_client
    )


def paragraph_ranges(article_text: str) -> tuple[int, int, list[tuple[int, int]]]:
    """The first paragraph over 300 characters and every range of 1 to 12 whole words inside it (shuffled)."""
    lo, hi = next((m.start(), m.end()) for m in re.finditer(r"[^\n]+", article_text) if m.end() - m.start() > 300)
    words = [(m.start() + lo, m.end() + lo) for m in re.finditer(r"\S+", article_text[lo:hi])]
    ranges = [(words[i][0], words[j][1]) for i in range(len(words)) for j in range(i, min(i + 12, len(words)))]
    random.Random(3).shuffle(ranges)
    return lo, hi, ranges


def prepare_paragraph(url: str, saves: int) -> tuple[int, int, str, list[tuple[int, int]]]:
    """Two articles of the demo text (twice over): one with 500 annotations inside one paragraph, bulk-inserted
    by 5 reviewers as bench/data.py populate does, one without. Returns their ids, the text, and free ranges."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from data import Mix, add_article, populate, reviewers

    from annotator import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": live.SECRET_KEY})
    seed = live.SEED_ARTICLE.read_text(encoding="utf-8")
    empty_id, article_text = add_article(app, "Paragraph bench: empty", "\n".join(seed.split("\n") * 2))
    full_id, full_text = add_article(app, "Paragraph bench: 500 annotations", "\n".join(seed.split("\n") * 2))
    assert full_text == article_text
    _, _, ranges = paragraph_ranges(article_text)
    wanted = 2 * (saves + PARAGRAPH_WARM_UP)  # ranges for the timed saves, never among the 500's
    if len(ranges) - wanted < PARAGRAPH_ANNOTATIONS // 2:  # 1 to 5 reviewers a range: 100-500 ranges, ~170
        raise SystemExit(f"--paragraph-saves {saves}: too many for the paragraph's {len(ranges)} ranges")
    free, taken = ranges[:wanted], ranges[wanted:]
    users = reviewers(app, PARAGRAPH_REVIEWERS, prefix="paragraph-bench")
    populate(app, full_id, article_text, PARAGRAPH_ANNOTATIONS, users, random.Random(5), Mix(events=True), spans=taken)
    app.extensions["engine"].dispose()
    return empty_id, full_id, article_text, free


def measure_paragraph(kind: str, url: str, setup: live.Setup, args, logs: str) -> Paragraph:
    """One client saving new spans inside the paragraph, alternating between the empty and the full article."""
    print(f"{kind}: paragraph size: {PARAGRAPH_ANNOTATIONS} annotations vs none ...", flush=True)
    empty_id, full_id, article_text, free = prepare_paragraph(url, args.paragraph_saves)
    username, lock = setup.reviewers[0], threading.Lock()
    warm = {empty_id: Phase(), full_id: Phase()}
    timed = {empty_id: Phase(), full_id: Phase()}
    with live.serving(url, workers=args.workers, log_dir=logs) as server:
        client = make_client(server.base, setup, username, empty_id, ceiling=False)
        for n in range(PARAGRAPH_WARM_UP + args.paragraph_saves):
            for article_id in (empty_id, full_id):
                phase = (warm if n < PARAGRAPH_WARM_UP else timed)[article_id]
                client.page = f"/articles/{article_id}"  # the page the save is made from (HX-Current-URL)
                span = free[2 * n + (article_id == full_id)]
                save_once(client, article_text, username, article_id, span, 1000 + n, False, phase, lock)
        report_log(kind, "app (paragraph)", server.log_problems())
    for article_id, already in ((empty_id, 0), (full_id, PARAGRAPH_ANNOTATIONS)):
        both = Phase(
            saves=warm[article_id].saves + timed[article_id].saves,
            expected=warm[article_id].expected | timed[article_id].expected,
            errors=[f"warm-up: {e}" for e in warm[article_id].errors],
        )
        check_phase(url, article_id, both, already)
        timed[article_id].errors += both.errors
    return Paragraph(kind, timed[empty_id], timed[full_id])


def measure_database(kind: str, args) -> tuple[list[Row], Paragraph | None, bool]:
    """The app, the ceiling, doccano and the paragraph row on one database; False when doccano failed."""
    client_counts = [1, args.clients]
    per_app = 1 + len(client_counts)
    peer, peer_ok = None, True
    with live.database(kind) as url, tempfile.TemporaryDirectory(prefix="annotator-bench-logs-") as logs:
        setup = live.prepare(url, reviewers=args.clients, articles=2 * per_app)
        print(f"{kind}: measuring the app ({args.seconds:g} s per phase) ...", flush=True)
        ours, ours_log = measure_app(url, setup, setup.articles[:per_app], "app:app", client_counts, args, logs)
        print(f"{kind}: measuring the ceiling ...", flush=True)
        top, top_log = measure_app(url, setup, setup.articles[per_app:], "bench.ceiling:app", client_counts, args, logs)
        report_log(kind, "app", ours_log)
        report_log(kind, "ceiling", top_log)
        try:
            peer = measure_doccano(kind, url, client_counts, args)
        except Exception as error:  # noqa: BLE001 - reported, and the run fails, but the other figures stand
            print(f"{kind}: doccano could not be measured: {type(error).__name__}: {error}", flush=True)
            peer_ok = False
        paragraph = measure_paragraph(kind, url, setup, args, logs) if args.paragraph_saves else None
    rows = [Row(kind, c, ours[c], top[c], peer[c] if peer else None) for c in client_counts]
    if args.before_root:
        before = measure_before(kind, args, client_counts)
        for row in rows:
            row.before = before[row.clients]
    return rows, paragraph, peer_ok


def measure_before(kind: str, args, client_counts: list[int]) -> dict[int, Phase]:
    """The app phases again with the code at --before, on a fresh database of the same kind that it prepared."""
    print(f"{kind}: measuring the code before ({args.before_label.split()[0]}) on a fresh database ...", flush=True)
    with live.database(kind) as url, tempfile.TemporaryDirectory(prefix="annotator-bench-logs-") as logs:
        setup = live.prepare_at(args.before_root, url, reviewers=args.clients, articles=1 + len(client_counts))
        phases, log = measure_app(url, setup, setup.articles, "app:app", client_counts, args, logs, args.before_root)
        report_log(kind, "code before", log)
    return phases


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def verdict(value: float, target: float, at_least: bool = True) -> str:
    met = value >= target if at_least else value <= target
    return "ok" if met else "low" if at_least else "high"


def p50(values: list[float]) -> float:
    return live.percentiles(values)[0]


def print_table(rows: list[Row], workers: int, before: str | None) -> int:
    """The side-by-side table; returns the errors of the app, the ceiling and the code before."""
    print(f"\nComplete saves/s under gunicorn ({workers} workers), each save a new submitted annotation with 2 sources")
    print("(doccano: a span posted to its REST API; '-' where not measured; latencies: p50 as the client saw them)")
    header = (
        f"{'database':<11}{'clients':>7}{'ours/s':>8}{'ceil/s':>8}{'docc/s':>8}"
        f"{'ours/ceil':>11}{'ours/docc':>11}{'ours ms':>9}{'in app':>8}{'ceil ms':>9}{'docc ms':>9}"
        f"{'errors':>8}{'docc err':>9}"
    )
    if before:
        header += f"{'before/s':>10}{'ours/bef':>10}"
    print(header)
    errors = 0
    for row in rows:
        ours, top, peer = row.ours, row.top, row.peer
        to_top = ratio(ours.rate, top.rate)
        failed = len(ours.errors) + len(top.errors) + (len(row.before.errors) if row.before else 0)
        errors += failed
        line = (
            f"{row.kind:<11}{row.clients:>7}{ours.rate:>8.1f}{top.rate:>8.1f}"
            + (f"{peer.rate:>8.1f}" if peer else f"{'-':>8}")
            + f"{to_top:>7.2f} {verdict(to_top, TARGET_CEILING):<3}"
        )
        if peer:
            to_peer = ratio(ours.rate, peer.rate)
            line += f"{to_peer:>7.2f} {verdict(to_peer, TARGET_DOCCANO):<3}"
        else:
            line += f"{'-':>7}    "
        line += f"{p50(ours.latencies):>9.1f}{p50(ours.app_ms):>8.1f}{p50(top.latencies):>9.1f}"
        line += f"{p50(peer.latencies):>9.1f}" if peer else f"{'-':>9}"
        line += f"{failed:>8}" + (f"{len(peer.errors):>9}" if peer else f"{'-':>9}")
        if row.before:
            line += f"{row.before.rate:>10.1f}{ratio(ours.rate, row.before.rate):>10.2f}"
        print(line)
        for error in (ours.errors + top.errors + (row.before.errors if row.before else []))[:5]:
            print(f"    error: {error}")
        for error in (peer.errors if peer else [])[:3]:
            print(f"    doccano: {error}")
    print(
        f"Targets: ours/ceiling >= {TARGET_CEILING} on each database; ours/doccano >= {TARGET_DOCCANO} "
        f"(1 client on SQLite is the headline), an in-app time of about {TARGET_APP_MS} ms or less."
    )
    if before:
        print(f"before: the code at {before}, same phases on a fresh database (for context).")
    headline = next((r for r in rows if r.kind == "sqlite" and r.clients == 1), None)
    if headline:
        docc = f"{ratio(headline.ours.rate, headline.peer.rate):.2f}x doccano" if headline.peer else "doccano -"
        print(
            f"Headline, SQLite, 1 client: {headline.ours.rate:.1f} saves/s = {docc}, "
            f"{ratio(headline.ours.rate, headline.top.rate):.2f}x the ceiling, in-app p50 "
            f"{p50(headline.ours.app_ms):.1f} ms."
        )
    print(f"Errors (app, ceiling{', before' if before else ''}): {errors}.")
    return errors


def print_paragraphs(paragraphs: list[Paragraph], saves: int) -> int:
    if not paragraphs:
        return 0
    print(
        f"\nParagraph size: 1 client, {saves} saves each (after {PARAGRAPH_WARM_UP}), alternating, new spans inside "
        f"one paragraph holding 0 or {PARAGRAPH_ANNOTATIONS} annotations ({PARAGRAPH_REVIEWERS} reviewers)"
    )
    print(
        f"{'database':<11}{'empty app p50':>15}{'500 app p50':>13}{'ratio':>8}{'':5}"
        f"{'empty p50 ms':>14}{'500 p50 ms':>12}{'errors':>8}"
    )
    errors = 0
    for paragraph in paragraphs:
        empty, full = paragraph.empty, paragraph.full
        app_empty, app_full = (statistics.median(p.app_ms) if p.app_ms else 0.0 for p in (empty, full))
        value = ratio(app_full, app_empty)
        failed = len(empty.errors) + len(full.errors)
        errors += failed
        print(
            f"{paragraph.kind:<11}{app_empty:>15.2f}{app_full:>13.2f}{value:>8.2f} "
            f"{verdict(value, TARGET_PARAGRAPH, at_least=False):<4}"
            f"{p50(empty.latencies):>14.1f}{p50(full.latencies):>12.1f}{failed:>8}"
        )
        for error in (empty.errors + full.errors)[:5]:
            print(f"    error: {error}")
    print(f"Target: the app's p50 on the paragraph with {PARAGRAPH_ANNOTATIONS} <= {TARGET_PARAGRAPH}x the empty one.")
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
        help="gunicorn workers for every server (default 2 x cores + 1)",
    )
    parser.add_argument(
        "--doccano-venv", help="virtualenv holding doccano 1.8.4 (default $DOCCANO_VENV; skipped when neither)"
    )
    parser.add_argument(
        "--peer-bench",
        type=Path,
        default=doccano.PEER_BENCH,
        help="directory of doccano_bench.py and bench_common.py (default ../shared/peer-bench)",
    )
    parser.add_argument(
        "--doccano-client",
        choices=tuple(doccano.POSTERS),
        default="requests",
        help="doccano's client: the peer bench's requests.Session (default), or urllib as the app's clients",
    )
    parser.add_argument(
        "--paragraph-saves", type=int, default=40, help="timed saves per article of the paragraph row (0: none)"
    )
    parser.add_argument("--before", metavar="REF", help="also time the app at this commit (a temporary worktree)")
    args = parser.parse_args()
    args.doccano, why = doccano.find_venv(args.doccano_venv)
    if args.doccano is None:
        print(f"doccano skipped: {why}", flush=True)
    elif not (args.peer_bench / "doccano_bench.py").exists():
        print(f"doccano skipped: {args.peer_bench}/doccano_bench.py not found (--peer-bench)", flush=True)
        args.doccano = None
    kinds = live.database_kinds(args.database)
    if not kinds:
        return 1
    rows, paragraphs, peer_ok = [], [], True
    with live.checkout(args.before) if args.before else contextlib.nullcontext() as before_root:
        args.before_root = before_root
        args.before_label = live.describe(args.before) if args.before else None
        for kind in kinds:
            kind_rows, paragraph, ok = measure_database(kind, args)
            rows += kind_rows
            paragraphs += [paragraph] if paragraph else []
            peer_ok = peer_ok and ok
    errors = print_table(rows, args.workers, args.before_label)
    errors += print_paragraphs(paragraphs, args.paragraph_saves)
    if not peer_ok:
        print("doccano was given but could not be measured on every database (see above).")
    return 1 if errors or not peer_ok else 0


if __name__ == "__main__":
    sys.exit(main())
