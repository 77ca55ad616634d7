"""Shared helpers of the live benchmarks (save_throughput.py, load.py, crash_safety.py); not run by itself.

- ``database(kind)``: a throwaway SQLite file or PostgreSQL cluster (as scripts/with_postgres.py), its URL;
- ``prepare(url, ...)``: demo data, bench users and articles through the app's own commands;
- ``Server`` / ``serving(url, app)``: gunicorn on a free port of 127.0.0.1, healthy on /healthz, stopped;
- ``Client``: one simulated user with its own cookie jar, acting as the browser does (htmx headers, CSRF);
- ``Saved`` / ``check_saved``: what an acknowledged save sent, compared with the database afterwards;
- ``checkout(ref)`` / ``prepare_at(root, ...)`` / ``Server(..., root=)``: older code of this repository in a
  temporary git worktree, its database prepared and its app served by that code (``--before REF``).

Every request goes to 127.0.0.1 only, with a timeout.
"""

from __future__ import annotations

import html.parser
import http.client
import http.cookiejar
import importlib.util
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402  (after the project is put on the path)

BIN = ROOT / ".venv" / "bin"
PASSWORD = "bench-password"
SECRET_KEY = "bench-secret-key"
SEED_ARTICLE = ROOT / "annotator" / "data" / "seed-article.txt"
REQUEST_TIMEOUT = 30  # seconds; no request may hang a run
LOGIN_LIMIT = "100000 per minute"  # every simulated user signs in from 127.0.0.1


def default_workers() -> int:
    """gunicorn.conf.py's default (2 x cores + 1), set explicitly so both apps get the same."""
    return 2 * (os.cpu_count() or 1) + 1


# ---------------------------------------------------------------- databases


def _with_postgres():
    """scripts/with_postgres.py as a module (it is a script, not a package): free_port, pg_bin."""
    spec = importlib.util.spec_from_file_location("with_postgres", ROOT / "scripts" / "with_postgres.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


with_postgres = _with_postgres()
free_port = with_postgres.free_port


def postgres_available() -> bool:
    try:
        with_postgres.pg_bin("initdb")  # exits when PostgreSQL is not installed
        return True
    except SystemExit:
        return False


@contextmanager
def sqlite_database():
    """A SQLite URL in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        yield f"sqlite:///{tmp}/bench.sqlite3"


def postgres_database():
    """A throwaway cluster as scripts/with_postgres.py starts it, but with PostgreSQL's durable defaults
    (fsync on, since these scripts measure saves) and room for every simulated user's connections."""
    return with_postgres.throwaway_cluster("annotator_bench", settings="-c max_connections=200")


def database(kind: str):
    return sqlite_database() if kind == "sqlite" else postgres_database()


def database_kinds(choice: str) -> list[str]:
    """The databases to run on for ``--database sqlite|postgresql|both``; PostgreSQL skipped loudly if absent."""
    kinds = ["sqlite", "postgresql"] if choice == "both" else [choice]
    if "postgresql" in kinds and not postgres_available():
        print("PostgreSQL skipped: initdb not found (apt-get install -y postgresql)", flush=True)
        kinds.remove("postgresql")
    return kinds


@contextmanager
def connect(url: str):
    """A plain SQLAlchemy connection for the checks (closed and disposed afterwards)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


@dataclass
class Setup:
    articles: list[int]  # the demo article first
    text: str  # every article here has the demo text
    users: dict[str, int]  # username -> id
    reviewers: list[str]
    leads: list[str]


def prepare(url: str, *, reviewers: int = 0, leads: int = 0, articles: int = 1, seed: Path = SEED_ARTICLE) -> Setup:
    """The app's own commands (load-demo, create-user, import-article), run in this process with the
    app's CLI runner: the same code as `flask --app app ...`, without a Python start-up per user."""
    from annotator import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "DEMO_PASSWORD": PASSWORD})
    runner = app.test_cli_runner()

    def flask(*args) -> str:
        result = runner.invoke(args=list(args))
        if result.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(args)}: {result.output.strip()}")
        return result.output

    ids = [int(re.search(r"/articles/(\d+)", flask("load-demo")).group(1))]
    names = [(f"bench-r{i:02d}", "reviewer") for i in range(1, reviewers + 1)]
    names += [(f"bench-l{i:02d}", "lead") for i in range(1, leads + 1)]
    for name, role in names:
        flask("create-user", name, "--role", role, "--password", PASSWORD)
    for n in range(2, articles + 1):
        ids.append(
            int(
                re.search(
                    r"Imported article (\d+)",
                    flask("import-article", str(seed), "--title", f"Bench article {n}"),
                ).group(1)
            )
        )
    app.extensions["engine"].dispose()
    with connect(url) as connection:
        users = dict(connection.execute(sql("SELECT username, id FROM users")).all())
        article_text = connection.execute(sql("SELECT text FROM articles WHERE id = :id"), {"id": ids[0]}).scalar()
    return Setup(
        ids, article_text, users, [n for n, r in names if r == "reviewer"], [n for n, r in names if r == "lead"]
    )


def prepare_at(root: Path, url: str, **counts) -> Setup:
    """``prepare`` by the code in ``root``: here for this checkout, else in a Python of its own whose
    ``annotator`` package is imported from ``root`` first (schema, demo and commands of that code)."""
    if root == ROOT:
        return prepare(url, **counts)
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "import annotator\n"  # from root: the bench module below finds it imported already
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from pathlib import Path\n"
        "from bench import live\n"
        f"setup = live.prepare({url!r}, seed=Path({str(root / SEED_ARTICLE.relative_to(ROOT))!r}), **{counts!r})\n"
        "print(json.dumps(setup.__dict__))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env=os.environ | {"PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"preparing the database with the code in {root} failed:\n{done.stderr[-2000:]}")
    return Setup(**json.loads(done.stdout.strip().splitlines()[-1]))


@contextmanager
def checkout(ref: str):
    """The repository at ``ref`` in a temporary git worktree (detached), removed afterwards; yields its path."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"], cwd=ROOT, capture_output=True, text=True
    )
    if commit.returncode != 0:
        raise SystemExit(f"--before {ref}: not a commit of this repository")
    parent = tempfile.mkdtemp(prefix="annotator-before-")
    path = Path(parent) / "code"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(path), commit.stdout.strip()], cwd=ROOT, check=True
    )
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=False)
        shutil.rmtree(parent, ignore_errors=True)


def describe(ref: str) -> str:
    """A commit's short hash and subject, for the report."""
    done = subprocess.run(["git", "log", "-1", "--format=%h %s", ref], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or ref


# ---------------------------------------------------------------- gunicorn


class Server:
    """gunicorn serving ``app`` (a WSGI path such as app:app) in its own process group, logging to a file.

    ``root``: the checkout whose code it serves (its gunicorn.conf.py, on PYTHONPATH); this one by default.
    """

    def __init__(self, url: str, app: str = "app:app", *, workers: int | None = None, log_dir: str, root: Path = ROOT):
        self.url, self.app, self.workers, self.root = url, app, workers or default_workers(), root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANNOTATOR_")}
        return env | {
            "ANNOTATOR_DATABASE_URL": self.url,
            "ANNOTATOR_SECRET_KEY": SECRET_KEY,
            "ANNOTATOR_DEMO_PASSWORD": PASSWORD,
            "ANNOTATOR_BIND": f"127.0.0.1:{self.port}",
            "ANNOTATOR_WORKERS": str(self.workers),
            "ANNOTATOR_LOGIN_LIMIT_PER_ADDRESS": LOGIN_LIMIT,
            "ANNOTATOR_LOGIN_LIMIT_PER_ACCOUNT": LOGIN_LIMIT,
            "PYTHONPATH": str(self.root),  # ahead of the editable install, which points at one checkout
        }

    def start(self, timeout: float = 30) -> Server:
        log = self.log_path.open("a")
        # A session of its own: crash_safety.py kills the whole group (master and workers) at once.
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", self.app],
            cwd=self.root,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); log: {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"gunicorn not healthy after {timeout} s; log: {self.log_tail()}")

    def stop(self, timeout: float = 15) -> None:
        """Graceful stop (SIGTERM to the master), SIGKILL to the group if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once, as a power cut would."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        """Lines of the server log that tell of trouble: tracebacks, errors, 5xx, timeouts, locks."""
        patterns = re.compile(
            r"Traceback|\bERROR\b|CRITICAL|WORKER TIMEOUT|status=5\d\d|locked|deadlock", re.IGNORECASE
        )
        return [line for line in self.log_path.read_text(errors="replace").splitlines() if patterns.search(line)]


@contextmanager
def serving(url: str, app: str = "app:app", *, workers: int | None = None, log_dir: str, root: Path = ROOT):
    server = Server(url, app, workers=workers, log_dir=log_dir, root=root).start()
    try:
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- the browser


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep 303s as answers: a sign-in or a save without htmx is judged by its redirect."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int  # 0: no answer (connection refused or reset, timeout)
    body: str
    headers: dict
    ms: float
    endpoint: str = ""  # e.g. "POST /annotations/<id>", for per-endpoint figures


class Forms(html.parser.HTMLParser):
    """The forms of a page or fragment, each with the fields a browser would send (in document order)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = self._textarea = self._select = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self._select is not None:
            value = a.get("value") or ""
            self._select["first"] = value if self._select["first"] is None else self._select["first"]
            if "selected" in a:
                self._select["chosen"] = value
        elif tag == "form":
            self._form = {
                "action": a.get("hx-post") or a.get("hx-get") or a.get("action"),
                "fields": [],
                "checkboxes": [],
                "buttons": [],
            }
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") in ("submit", "button", "reset", "image"):
            self._form["buttons"].append((a["name"], a.get("value") or ""))
        elif tag == "input" and a.get("type") in ("checkbox", "radio"):
            self._form["checkboxes"].append((a["name"], a.get("value") or "on", "checked" in a))
        elif tag == "input":
            self._form["fields"].append((a["name"], a.get("value") or ""))
        elif tag == "button":
            self._form["buttons"].append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select = {"name": a["name"], "first": None, "chosen": None}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # Browsers drop the one newline that follows <textarea> (WTForms writes \r\n there).
            self._form["fields"].append((name, value[2:] if value.startswith("\r\n") else value.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            self._form["fields"].append((self._select["name"], chosen or ""))
            self._select = None
        elif tag == "form":
            self._form = None

    def find(self, action_part: str) -> dict | None:
        return next((f for f in self.forms if f["action"] and action_part in f["action"]), None)


def set_fields(fields: list[tuple[str, str]], values: dict) -> list[tuple[str, str]]:
    """The form's fields with ``values`` put in (by name; new names appended), as the user fills it in."""
    done, filled = set(), []
    for name, value in fields:
        if name in values:
            if name not in done:
                filled.append((name, str(values[name])))
                done.add(name)
        else:
            filled.append((name, value))
    return filled + [(k, str(v)) for k, v in values.items() if k not in done]


def endpoint_name(method: str, path: str) -> str:
    """The route of a request for per-endpoint figures: ids become <id>, the query is dropped."""
    route = re.sub(r"/\d+", "/<id>", path.split("?")[0])
    return f"{method} {route}"


class Client:
    """One simulated user: own cookie jar, CSRF token and current page; answers timed, never raised.

    ``observe(response)`` (optional) sees every answer, for per-endpoint figures.
    """

    def __init__(self, base: str, *, observe=None, headers: dict | None = None):
        self.base, self.observe, self.extra_headers = base, observe, headers or {}
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.csrf = ""
        self.page = "/"

    def request(
        self, method: str, path: str, fields=None, headers: dict | None = None, endpoint: str | None = None
    ) -> Response:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=self.extra_headers | (headers or {})
        )
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as answer:
                response = Response(answer.status, answer.read().decode(errors="replace"), dict(answer.headers), 0)
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.read().decode(errors="replace"), dict(error.headers), 0)
        except (OSError, http.client.HTTPException) as error:
            response = Response(0, f"{type(error).__name__}: {error}", {}, 0)
        response.ms = (time.perf_counter() - started) * 1000
        # htmx GETs are fragments, plain GETs whole pages: apart in the figures.
        fragment = " (htmx)" if method == "GET" and "HX-Request" in (headers or {}) else ""
        response.endpoint = endpoint or endpoint_name(method, path) + fragment
        if self.observe:
            self.observe(response)
        return response

    def sign_in(self, username: str, password: str = PASSWORD) -> bool:
        page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.body)
        if not token:
            return False
        answer = self.request(
            "POST", "/login", {"username": username, "password": password, "csrf_token": token.group(1)}
        )
        return answer.status == 303

    def open_page(self, path: str) -> Response:
        """A full page load: it becomes the current page, and its CSRF token (body hx-headers) the token."""
        response = self.request("GET", path)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', response.body)
        if response.status == 200 and token:
            self.csrf, self.page = token.group(1), path
        return response

    def hx_headers(self, target: str, trigger: str | None = None) -> dict:
        """What htmx 2 sends: HX-Request, the page URL, the target's id, and the body's hx-headers (CSRF)."""
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": self.base + self.page,
            "HX-Target": target,
            "X-CSRFToken": self.csrf,
        }
        if trigger:
            headers["HX-Trigger"] = trigger
        return headers

    def hx_get(self, path: str, target: str = "panel", trigger: str | None = None) -> Response:
        return self.request("GET", path, headers=self.hx_headers(target, trigger))

    def hx_post(self, path: str, fields, target: str = "panel") -> Response:
        return self.request(
            "POST",
            path,
            fields,
            headers=self.hx_headers(target) | {"Content-Type": "application/x-www-form-urlencoded"},
        )


# ---------------------------------------------------------------- saves and their check


@dataclass
class Saved:
    """What one acknowledged save sent, as the database must hold it afterwards."""

    annotation_id: int
    username: str
    start: int
    end: int
    quote: str
    verdict: str
    note: str
    sources: list[tuple[str, str, str]] = field(default_factory=list)  # (url, title, excerpt) in order


def target_of(article_text: str, start: int, end: int) -> dict:
    """The hidden target fields of the form, as /annotate fills them (32 code points of context)."""
    return {
        "start": start,
        "end": end,
        "quote": article_text[start:end],
        "prefix": article_text[max(0, start - 32) : start],
        "suffix": article_text[end : end + 32],
    }


def source_fields(sources: list[tuple[str, str, str]]) -> dict:
    return {
        f"sources-{i}-{key}": value
        for i, source in enumerate(sources)
        for key, value in zip(("url", "title", "excerpt"), source, strict=False)
    }


def own_annotation_id(panel: str) -> int | None:
    """The signed-in user's annotation in a claim panel (the only one marked ``own``)."""
    found = re.search(r'class="annotation own[^"]*" id="annotation-(\d+)"', panel)
    return int(found.group(1)) if found else None


def word_spans(article_text: str, max_words: int = 40):
    """Every selection of 1..max_words whole words, in a fixed shuffled order: distinct spans to save."""
    words = [m.span() for m in re.finditer(r"\S+", article_text)]
    spans = [(words[i][0], words[j][1]) for i in range(len(words)) for j in range(i, min(i + max_words, len(words)))]
    random.Random(7).shuffle(spans)
    return spans


class SpanFeed:
    """Hands out distinct spans to threads (each save a new annotation); None when used up."""

    def __init__(self, article_text: str):
        self._spans = iter(word_spans(article_text))
        self._lock = threading.Lock()

    def next(self):
        with self._lock:
            return next(self._spans, None)


def check_saved(connection, expected: dict[int, Saved]) -> list[str]:
    """Problems with acknowledged saves: each must be in the database with exactly what it sent."""
    rows = {
        r.id: r
        for r in connection.execute(
            sql(
                'SELECT a.id, u.username, s.start, s."end", s.quote, a.verdict, a.note, a.deleted_at '
                "FROM annotations a JOIN spans s ON s.id = a.span_id JOIN users u ON u.id = a.user_id"
            )
        )
    }
    sources: dict[int, list[tuple]] = {}
    for r in connection.execute(
        sql(
            "SELECT annotation_id, url, title, excerpt FROM sources "
            "WHERE removed_at IS NULL ORDER BY annotation_id, position, id"
        )
    ):
        sources.setdefault(r.annotation_id, []).append((r.url, r.title, r.excerpt))
    problems = []
    for annotation_id, saved in sorted(expected.items()):
        row = rows.get(annotation_id)
        if row is None:
            problems.append(f"annotation {annotation_id} ({saved.username}) acknowledged but missing")
            continue
        stored = Saved(
            row.id, row.username, row.start, row.end, row.quote, row.verdict, row.note, sources.get(row.id, [])
        )
        if row.deleted_at is not None:
            problems.append(f"annotation {annotation_id} is marked deleted")
        if stored != saved:
            problems.append(f"annotation {annotation_id} differs: sent {saved}, stored {stored}")
    return problems


def server_ms(response: Response) -> float | None:
    """The app's own time for the request (its Server-Timing header), without network and queueing."""
    found = re.search(r"app;dur=([\d.]+)", response.headers.get("Server-Timing", ""))
    return float(found.group(1)) if found else None


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 (nearest rank); zeros when empty."""
    if not values:
        return 0.0, 0.0, 0.0
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]  # noqa: E731
    return statistics.median(ordered), pick(0.95), pick(0.99)
