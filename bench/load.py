"""Mixed load: reviewers and leads at work on the app under gunicorn, then a check of every acknowledged write.

Run:  .venv/bin/python bench/load.py [--database sqlite|postgresql|both] [--seconds 60]
                                     [--reviewers 20] [--leads 2] [--workers N] [--think-ms 0] [--before REF]
                                     [--rounds 1]

For each database (a throwaway SQLite file; a throwaway PostgreSQL cluster, skipped with a message when
initdb is missing), gunicorn serves the app and every simulated user signs in and works, one request at
a time, for --seconds (with --think-ms between steps; 0 makes it a stress test). Reviewers read the
article page, the claims list, claim panels and their history, and My work; annotate (the Annotate
form, + Add source, then Save as a draft or Submit), submit drafts, edit their annotations (the edit
form carries the version), revise what a lead returned, and comment on claims. Leads read the
dashboard, the queue (page and htmx filter) and the summaries, and adjudicate claims from the queue:
settle a final verdict citing reviewers' sources, or return an annotation with a note.

Answers are judged per endpoint. 2xx is a success. A few non-2xx answers are the app doing its job
when users race, and are counted apart as expected outcomes (see EXPECTED: e.g. 409 when another lead
settled the claim first, 403 when a reviewer saves on a claim settled meanwhile, 409 when a lead
returned the annotation since its edit form was opened). Anything else (5xx, other 4xx, no answer)
is an error. Afterwards the database must hold every acknowledged write exactly as sent: each
annotation's verdict, note, sources and target, each comment, each settled verdict (one per claim),
each return; and a history event for every annotation.

Prints requests/s overall, a per-endpoint table (count, errors, expected non-2xx, p50/p95/p99 ms),
the expected outcomes, the server log's problem lines, and the check. Exit status 1 on any error or
anything missing.

--before REF: the same load, first against the code at REF (checked out in a temporary git worktree,
removed afterwards; that code prepares its own fresh database of the same kind, and gunicorn serves it
from the worktree), then against this checkout's code on another fresh database; both are reported
and checked as above, then compared: requests/s of each and their ratio (issue 14's target: now >=
1.5x before), errors and the acknowledged-writes check of each. The ratio alone never fails the run.

--rounds N (with --before): N pairs per database, the code before first in odd rounds and this code
first in even ones, so that the machine's drift over the run (which moves throughput by 20 % and more
from one half-minute to the next on shared cores) weighs on both alike; each pair's ratio, and their median.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text as sql  # noqa: E402

from bench import live  # noqa: E402

ARTICLES = 2
HOT_SPANS = 60  # claims per article to start with, that several reviewers judge
FRESH_SHARE = 0.3  # share of new selections, added to the claims others pick from
TARGET_BEFORE = 1.5  # issue 14: throughput now / the code before it, same load, same run
MAX_STEPS = 100_000  # per user: a bound on every loop besides the clock
VERDICTS = ("true", "mostly-true", "mixed", "misleading", "mostly-false", "false", "unverifiable")

SETTLED = r"has settled this claim"
# Non-2xx answers that are correct under concurrency: endpoint -> status -> (why, pattern the body must match).
EXPECTED = {
    "POST /articles/<id>/annotations": {403: ("claim settled before the save", SETTLED)},
    "GET /annotations/<id>/edit (htmx)": {403: ("claim settled before the edit", SETTLED)},
    "POST /annotations/<id>": {
        403: ("claim settled before the edit was saved", SETTLED),
        409: ("stale edit: changed (returned) since the form opened", r"Someone saved this annotation first"),
    },
    "POST /annotations/<id>/submit": {403: ("claim settled before the submit", SETTLED)},
    "POST /articles/<id>/spans/<id>/final-verdict": {
        409: ("another lead settled the claim first", r"Another lead changed the final verdict first"),
        422: (
            "claim changed since the panel opened (returned, or sources edited)",
            r"Nothing has been submitted|changed their sources",
        ),
    },
    "POST /annotations/<id>/return": {
        409: ("settled or returned by the other lead first", r"is settled|Only a submitted annotation")
    },
}


def message_of(body: str) -> str:
    """The readable part of an answer (an error page's message), for the report."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()[:200]


class Ledger:
    """Shared by all users: timings and verdicts per endpoint, and every acknowledged write."""

    def __init__(self):
        self.lock = threading.Lock()
        self.started = None
        self.timed_requests = 0
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.app_ms: dict[str, list[float]] = defaultdict(list)  # Server-Timing: the app's own share
        self.errors: Counter = Counter()
        self.expected: Counter = Counter()  # (endpoint, status, why)
        self.evidence: list[str] = []
        self.saved: dict[int, live.Saved] = {}  # the latest acknowledged content of each annotation
        self.comments: list[tuple[int, str, str]] = []  # (span id, username, body)
        self.settles: dict[int, list[tuple[str, str, str]]] = defaultdict(list)  # span -> (verdict, rationale, lead)
        self.returns: list[tuple[int, str, str]] = []  # (annotation id, lead, note)

    def observe(self, response: live.Response) -> None:
        with self.lock:
            self.latencies[response.endpoint].append(response.ms)
            if (app_ms := live.server_ms(response)) is not None:
                self.app_ms[response.endpoint].append(app_ms)
            self.timed_requests += self.started is not None

    def judge(self, response: live.Response, who: str) -> bool:
        """True on success; an expected non-2xx is counted apart, anything else is an error."""
        if 200 <= response.status < 300:
            return True
        why = EXPECTED.get(response.endpoint, {}).get(response.status)
        with self.lock:
            if why and re.search(why[1], response.body):
                self.expected[(response.endpoint, response.status, why[0])] += 1
            else:
                self.errors[response.endpoint] += 1
                if len(self.evidence) < 50:
                    self.evidence.append(
                        f"{who}: {response.endpoint} -> {response.status or 'no answer'}: {message_of(response.body)}"
                    )
        return False


class User(threading.Thread):
    """One simulated user: a browser session doing weighted random steps until the deadline."""

    actions: tuple = ()

    def __init__(
        self,
        name: str,
        base: str,
        setup: live.Setup,
        ledger: Ledger,
        hot: dict,
        barrier,
        clock: dict,
        seconds: float,
        think: float,
        seed: int,
    ):
        super().__init__(name=name, daemon=True)
        self.username, self.setup, self.ledger, self.hot = name, setup, ledger, hot
        self.client = live.Client(base, observe=ledger.observe)
        self.barrier, self.clock, self.seconds, self.think = barrier, clock, seconds, think
        self.rng = random.Random(seed)
        self.article = setup.articles[0]
        self.n = 0  # numbers what this user writes, so that every note, comment and rationale is unique

    def run(self) -> None:
        signed_in = self.client.sign_in(self.username)
        self.barrier.wait()
        if not signed_in:
            self.ledger.judge(live.Response(0, "could not sign in", {}, 0, "POST /login"), self.username)
            return
        self.client.open_page(f"/articles/{self.article}")
        deadline = self.clock["start"] + self.seconds
        for _ in range(MAX_STEPS):
            if time.perf_counter() >= deadline:
                break
            self.n += 1
            action = self.rng.choices([a for a, _ in self.actions], [w for _, w in self.actions])[0]
            action(self)
            if self.think:
                time.sleep(self.rng.uniform(0, 2 * self.think))

    def ok(self, response: live.Response) -> bool:
        return self.ledger.judge(response, self.username)

    def switch_article(self) -> None:
        self.article = self.rng.choice(self.setup.articles)
        self.ok(self.client.open_page(f"/articles/{self.article}"))


class Reviewer(User):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.own: dict[tuple[int, int, int], tuple[int, str]] = {}  # (article, start, end) -> (id, status)
        self.known: dict[int, list[int]] = defaultdict(list)  # article -> span ids listed for me

    def read_claims(self) -> None:
        response = self.client.hx_get(f"/articles/{self.article}/claims")
        if self.ok(response):
            self.known[self.article] = [
                int(s) for s in re.findall(rf'hx-get="/articles/{self.article}/spans/(\d+)"', response.body)
            ]

    def read_claim(self) -> None:
        if not self.known[self.article]:
            return self.read_claims()
        span_id = self.rng.choice(self.known[self.article])
        path = f"/articles/{self.article}/spans/{span_id}"
        self.ok(self.client.hx_get(path + ("/history" if self.rng.random() < 0.3 else "")))

    def read_work(self) -> None:
        """My work: learn which of my annotations a lead returned."""
        response = self.client.open_page("/work")
        if not self.ok(response):
            return
        returned = {int(i) for i in re.findall(r'class="work-item status-returned" id="work-(\d+)"', response.body)}
        for key, (annotation_id, _status) in self.own.items():
            if annotation_id in returned:
                self.own[key] = (annotation_id, "returned")

    def content(self) -> tuple[str, str, list[tuple[str, str, str]]]:
        sources = [
            (f"https://example.org/{self.username}/{self.n}", f"Evidence {self.n}", "The key passage."),
            (f"https://data.example.net/t{self.rng.randrange(5)}", "Official table", ""),
        ]
        note = f"{self.username} #{self.n}: checked against the ministry’s figures — close enough. ✓"
        return self.rng.choice(VERDICTS), note, sources

    def record(self, key, annotation_id, status, verdict, note, sources) -> None:
        _, start, end = key
        self.own[key] = (annotation_id, status)
        with self.ledger.lock:
            self.ledger.saved[annotation_id] = live.Saved(
                annotation_id, self.username, start, end, self.setup.text[start:end], verdict, note, sources
            )

    def annotate(self) -> None:
        """Select a claim, press Annotate, add a second source row, fill in, Save or Submit."""
        with self.ledger.lock:
            free = [s for s in self.hot[self.article] if (self.article, *s) not in self.own]
            if not free or self.rng.random() < FRESH_SHARE:
                free = [fresh_span(self.setup.text, self.rng)]
                self.hot[self.article].append(free[0])
        start, end = self.rng.choice(free)
        form_answer = self.client.hx_get(
            f"/articles/{self.article}/annotate?start={start}&end={end}", trigger="annotate-popover"
        )
        form = live.Forms(form_answer.body).find("/annotations") if self.ok(form_answer) else None
        if not form:
            return
        self.ok(self.client.hx_get("/annotate/source-row?index=1", target="source-rows", trigger="add-source"))
        verdict, note, sources = self.content()
        action = self.rng.choice(("save", "submit"))
        fields = live.set_fields(form["fields"], {"verdict": verdict, "note": note, **live.source_fields(sources)})
        response = self.client.hx_post(form["action"], fields + [("action", action)])
        if self.ok(response):
            annotation_id = live.own_annotation_id(response.body)
            if annotation_id is None:
                return self.ok(live.Response(0, "saved, but no own annotation in the panel", {}, 0, response.endpoint))
            status = "submitted" if action == "submit" else "draft"
            self.record((self.article, start, end), annotation_id, status, verdict, note, sources)

    def submit_draft(self) -> None:
        drafts = [(k, v) for k, v in self.own.items() if v[1] in ("draft", "returned")]
        if not drafts:
            return self.annotate()
        key, (annotation_id, _) = self.rng.choice(drafts)
        response = self.client.hx_post(f"/annotations/{annotation_id}/submit", [("csrf_token", self.client.csrf)])
        if self.ok(response):
            self.own[key] = (annotation_id, "submitted")

    def edit(self, returned_first: bool = False) -> None:
        """Edit one of mine (a returned one when there is one and ``returned_first``): verdict, note, sources."""
        mine = [(k, v) for k, v in self.own.items() if v[1] == "returned"] if returned_first else []
        mine = mine or list(self.own.items())
        if not mine:
            return self.annotate()
        key, (annotation_id, status) = self.rng.choice(mine)
        form_answer = self.client.hx_get(f"/annotations/{annotation_id}/edit")
        form = live.Forms(form_answer.body).find(f"/annotations/{annotation_id}") if self.ok(form_answer) else None
        if not form:
            return
        verdict, note, sources = self.content()
        sources = sources[: self.rng.choice((1, 2))]
        # Rows beyond the new list are sent empty (as a cleared row): the app ignores them.
        stale_rows = {name: "" for name, _ in form["fields"] if name.startswith("sources-")}
        fields = live.set_fields(
            form["fields"], stale_rows | {"verdict": verdict, "note": note, **live.source_fields(sources)}
        )
        buttons = [value for _, value in form["buttons"]]
        action = "submit" if "submit" in buttons and (returned_first or self.rng.random() < 0.5) else "save"
        response = self.client.hx_post(form["action"], fields + [("action", action)])
        if self.ok(response):
            self.record(key, annotation_id, "submitted" if action == "submit" else status, verdict, note, sources)

    def revise_returned(self) -> None:
        self.read_work()
        self.edit(returned_first=True)

    def comment(self) -> None:
        spans = self.known[self.article]
        if not spans:
            return self.read_claims()
        span_id = self.rng.choice(spans)
        body = f"Comment {self.n} by {self.username}: is there a primary source for this?"
        response = self.client.hx_post(
            f"/articles/{self.article}/spans/{span_id}/comments",
            [("csrf_token", self.client.csrf), ("body", body)],
            target="comments",
        )
        if self.ok(response):
            with self.ledger.lock:
                self.ledger.comments.append((span_id, self.username, body))

    def read_page(self) -> None:
        if self.rng.random() < 0.3:
            return self.switch_article()
        self.ok(self.client.open_page(f"/articles/{self.article}"))

    actions = (
        (read_page, 10),
        (read_claims, 10),
        (read_claim, 15),
        (read_work, 3),
        (annotate, 25),
        (submit_draft, 8),
        (edit, 10),
        (revise_returned, 4),
        (comment, 8),
    )


class Lead(User):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queue: list[tuple[int, int]] = []  # (article, span) awaiting a ruling

    def dashboard(self) -> None:
        self.ok(self.client.open_page("/review"))

    def read_queue(self) -> None:
        response = self.client.open_page("/review/queue")
        if self.ok(response):
            self.queue = [(int(a), int(s)) for a, s in re.findall(r'href="/articles/(\d+)\?span=(\d+)"', response.body)]

    def filter_queue(self) -> None:
        status = self.rng.choice(("disagreement", "agreed", "single"))
        self.ok(
            self.client.hx_get(f"/review/queue?article=&verdict=&reviewer=&status={status}", target="queue-results")
        )

    def summary(self) -> None:
        self.ok(self.client.open_page(f"/articles/{self.rng.choice(self.setup.articles)}/summary"))

    def adjudicate(self) -> None:
        """Open a queued claim's panel; settle it (citing up to two sources) or return an annotation."""
        if not self.queue:
            return self.read_queue()
        article, span_id = self.queue.pop(self.rng.randrange(len(self.queue)))
        panel = self.client.hx_get(f"/articles/{article}/spans/{span_id}")
        if not self.ok(panel):
            return
        forms = live.Forms(panel.body)
        settle = forms.find("/final-verdict")
        returns = [f for f in forms.forms if f["action"] and f["action"].endswith("/return")]
        already_settled = settle is None or dict(settle["fields"]).get("version")
        if returns and (already_settled or self.rng.random() < 0.5):
            return self.return_one(self.rng.choice(returns))
        if not already_settled:
            self.settle(span_id, settle)

    def settle(self, span_id: int, form: dict) -> None:
        verdict = self.rng.choice(VERDICTS)
        rationale = f"Ruling {self.n} by {self.username}: the figures hold up, with caveats."
        cite = [("cite", value) for name, value, _ in form["checkboxes"] if name == "cite"][:2]
        fields = live.set_fields(form["fields"], {"verdict": verdict, "rationale": rationale}) + cite
        if self.ok(self.client.hx_post(form["action"], fields)):
            with self.ledger.lock:
                self.ledger.settles[span_id].append((verdict, rationale, self.username))

    def return_one(self, form: dict) -> None:
        note = f"Return {self.n} by {self.username}: please add a primary source."
        response = self.client.hx_post(form["action"], live.set_fields(form["fields"], {"note": note}))
        if self.ok(response):
            annotation_id = int(re.search(r"/annotations/(\d+)/return", form["action"]).group(1))
            with self.ledger.lock:
                self.ledger.returns.append((annotation_id, self.username, note))

    actions = ((dashboard, 10), (read_queue, 15), (filter_queue, 10), (summary, 10), (adjudicate, 25))


def fresh_span(article_text: str, rng: random.Random) -> tuple[int, int]:
    """A selection of 3 to 15 whole words, as a reviewer makes it (it may overlap others)."""
    words = [m.span() for m in re.finditer(r"\S+", article_text)]
    i = rng.randrange(len(words) - 15)
    return words[i][0], words[i + rng.randint(2, 14)][1]


def hot_spans(article_text: str, count: int, rng: random.Random) -> list[tuple[int, int]]:
    return sorted({fresh_span(article_text, rng) for _ in range(count)})


def check_database(url: str, ledger: Ledger) -> list[str]:
    """Every acknowledged write is in the database as sent; every annotation has its history."""
    with live.connect(url) as connection:
        problems = live.check_saved(connection, ledger.saved)
        comments = Counter(
            tuple(r)
            for r in connection.execute(
                sql("SELECT c.span_id, u.username, c.body FROM comments c JOIN users u ON u.id = c.user_id")
            )
        )
        rulings = {
            r.span_id: (r.verdict, r.rationale, r.username)
            for r in connection.execute(
                sql(
                    "SELECT f.span_id, f.verdict, f.rationale, u.username FROM final_verdicts f "
                    "JOIN users u ON u.id = f.lead_id"
                )
            )
        }
        returns = set()
        for r in connection.execute(
            sql(
                'SELECT e.annotation_id, u.username, e."after" FROM events e '
                "JOIN users u ON u.id = e.user_id WHERE e.action = 'returned'"
            )
        ):
            after = json.loads(r.after) if isinstance(r.after, str) else r.after
            returns.add((r.annotation_id, r.username, (after or {}).get("return_note")))
        without_history = connection.execute(
            sql(
                "SELECT count(*) FROM annotations a WHERE NOT EXISTS (SELECT 1 FROM events e "
                "WHERE e.annotation_id = a.id AND e.action = 'created')"
            )
        ).scalar()
    for comment, times in Counter(ledger.comments).items():
        if comments[comment] < times:
            problems.append(f"comment missing: {comment}")
    for span_id, acknowledged in ledger.settles.items():
        if len(acknowledged) > 1:
            problems.append(f"span {span_id} settled {len(acknowledged)} times, each acknowledged: {acknowledged}")
        if rulings.get(span_id) != acknowledged[-1]:
            problems.append(f"span {span_id}: ruling {rulings.get(span_id)}, acknowledged {acknowledged[-1]}")
    problems += [f"return missing from history: {r}" for r in ledger.returns if r not in returns]
    if without_history:
        problems.append(f"{without_history} annotation(s) without a 'created' event")
    return problems


@dataclass
class Outcome:
    """What one load run came to: its throughput, its errors and the problems the check found."""

    label: str
    requests_per_s: float
    errors: int
    problems: int

    @property
    def clean(self) -> bool:
        return not self.errors and not self.problems


def run_load(kind: str, args, root: Path = live.ROOT, label: str = "") -> Outcome:
    """One database: serve, load, stop, check, report. ``root``: the checkout whose code serves it, and
    prepares its fresh database (this one by default); ``label`` names that code in the report."""
    heading = f"{kind} ({label})" if label else kind
    with live.database(kind) as url, tempfile.TemporaryDirectory(prefix="annotator-bench-logs-") as logs:
        setup = live.prepare_at(root, url, reviewers=args.reviewers, leads=args.leads, articles=ARTICLES)
        rng = random.Random(1)
        hot = {a: hot_spans(setup.text, HOT_SPANS, rng) for a in setup.articles}
        ledger, clock = Ledger(), {}

        def start_clock():
            clock["start"] = time.perf_counter()
            ledger.started = clock["start"]

        users = [(Reviewer, name) for name in setup.reviewers] + [(Lead, name) for name in setup.leads]
        barrier = threading.Barrier(len(users), action=start_clock)
        with live.serving(url, workers=args.workers, log_dir=logs, root=root) as server:
            print(
                f"{heading}: {args.reviewers} reviewers and {args.leads} leads for {args.seconds:g} s "
                f"on {server.workers} gunicorn workers ...",
                flush=True,
            )
            threads = [
                cls(name, server.base, setup, ledger, hot, barrier, clock, args.seconds, args.think_ms / 1000, seed=i)
                for i, (cls, name) in enumerate(users)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.seconds + 2 * live.REQUEST_TIMEOUT + 30)
            elapsed = time.perf_counter() - clock.get("start", time.perf_counter())
            hung = [t.name for t in threads if t.is_alive()]
            log_problems = server.log_problems()
        problems = check_database(url, ledger) + [f"user still running at the end: {name}" for name in hung]
    report(heading, ledger, elapsed, log_problems, problems)
    rate = ledger.timed_requests / elapsed if elapsed else 0.0
    return Outcome(label or "now", rate, sum(ledger.errors.values()), len(problems))


def compare(kind: str, before: Outcome, now: Outcome) -> None:
    """The code before and now, side by side: throughput, its ratio to the target, errors, the writes check."""
    ratio = now.requests_per_s / before.requests_per_s if before.requests_per_s else 0.0
    print(f"\n{kind}: throughput under the same load, the code at {before.label} and now, in this run")
    print(f"{'':<8}{'requests/s':>12}{'errors':>8}  acknowledged writes")
    for outcome in (before, now):
        check = "all present as sent" if not outcome.problems else f"{outcome.problems} problem(s)"
        print(f"{outcome.label:<8}{outcome.requests_per_s:>12.1f}{outcome.errors:>8}  {check}")
    print(f"now / before: {ratio:.2f} ({'met' if ratio >= TARGET_BEFORE else 'under'} the target >= {TARGET_BEFORE})")


def report(kind: str, ledger: Ledger, elapsed: float, log_problems: list[str], problems: list[str]) -> None:
    print(
        f"\n{kind}: {ledger.timed_requests} requests in {elapsed:.1f} s = "
        f"{ledger.timed_requests / elapsed if elapsed else 0:.1f} requests/s"
    )
    expected_by_endpoint = Counter()
    for (endpoint, _, _), n in ledger.expected.items():
        expected_by_endpoint[endpoint] += n
    print("Latency as the client sees it (p50/p95/p99), and the app's own median time (Server-Timing):")
    print(
        f"{'endpoint':<46}{'count':>7}{'errors':>7}{'expect':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'app p50':>9}"
    )
    for endpoint in sorted(ledger.latencies):
        p50, p95, p99 = live.percentiles(ledger.latencies[endpoint])
        app_p50 = live.percentiles(ledger.app_ms[endpoint])[0]
        print(
            f"{endpoint:<46}{len(ledger.latencies[endpoint]):>7}{ledger.errors[endpoint]:>7}"
            f"{expected_by_endpoint[endpoint]:>7}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{app_p50:>9.1f}"
        )
    if ledger.expected:
        print("Expected non-2xx outcomes (users racing; not errors):")
        for (endpoint, status, why), n in sorted(ledger.expected.items()):
            print(f"  {n:>5} x {status} {endpoint}: {why}")
    for line in ledger.evidence[:10]:
        print(f"  error: {line}")
    if log_problems:
        print(f"Server log: {len(log_problems)} problem line(s), first ones:")
        print("\n".join("  " + line[:300] for line in log_problems[:8]))
    print(
        f"Acknowledged: {len(ledger.saved)} annotations (latest content each), {len(ledger.comments)} comments, "
        f"{len(ledger.settles)} settled claims, {len(ledger.returns)} returns."
    )
    if not ledger.settles and not ledger.returns:
        print("Warning: the leads settled and returned nothing (no claim in the queue, or its rows not recognised).")
    print(f"Database check: {'all present as sent' if not problems else f'{len(problems)} problem(s)'}")
    for problem in problems[:20]:
        print(f"  {problem}")
    print(f"Errors: {sum(ledger.errors.values())}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--leads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=live.default_workers())
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause between a user's steps (default 0)")
    parser.add_argument(
        "--before",
        metavar="REF",
        help="also run the same load against the code at this commit (a temporary worktree), first",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="with --before: pairs per database, alternating which runs first"
    )
    args = parser.parse_args()
    kinds = live.database_kinds(args.database)
    if not args.before:
        results = [run_load(kind, args) for kind in kinds]
        return 0 if results and all(r.clean for r in results) else 1
    label = live.describe(args.before)
    results, pairs = [], []
    with live.checkout(args.before) as before_root:
        for kind in kinds:
            for round_number in range(1, args.rounds + 1):
                if round_number % 2:
                    before = run_load(kind, args, before_root, label.split()[0])
                    now = run_load(kind, args)
                else:
                    now = run_load(kind, args)
                    before = run_load(kind, args, before_root, label.split()[0])
                results += [before, now]
                pairs.append((kind, before, now))
    print(f"\nbefore: {label}")
    for kind, before, now in pairs:
        compare(kind, before, now)
    if args.rounds > 1:
        summarize_rounds(kinds, pairs)
    return 0 if results and all(r.clean for r in results) else 1


def summarize_rounds(kinds: list[str], pairs: list[tuple[str, Outcome, Outcome]]) -> None:
    """Each round's ratio per database, and their median (the figure to compare with the target)."""
    print("\nnow / before, round by round (odd rounds ran the code before first, even ones this code first):")
    for kind in kinds:
        mine = [(before, now) for k, before, now in pairs if k == kind and before.requests_per_s]
        ratios = [now.requests_per_s / before.requests_per_s for before, now in mine]
        median = statistics.median(ratios) if ratios else 0.0
        verdict = "met" if median >= TARGET_BEFORE else "under"
        rounds = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"{kind:<11} {rounds}; median {median:.2f} ({verdict} the target >= {TARGET_BEFORE})")


if __name__ == "__main__":
    sys.exit(main())
