"""doccano beside the app in bench/save_throughput.py, started as ../shared/peer-bench/doccano_bench.py starts it.

Not run by itself. doccano 1.8.4 lives in a virtualenv of its own (its Django, gunicorn and
SQLAlchemy pins clash with the app's), given by --doccano-venv or $DOCCANO_VENV; how to make one
is in bench/RESULTS.md. The peer bench's own modules are imported from ../shared/peer-bench (or
--peer-bench), never copied here: doccano_bench.py's ``run_cli`` (``doccano init``, ``doccano
createuser``), ``backend_dir`` (run inside doccano's venv, where its ``backend`` package is) and
``stop_group``; bench_common.py's ``span_for`` (the spans every peer saves), ``TEXT``, ``free_port``
and ``wait_http``.

As doccano_bench.py does: a fresh DOCCANO_HOME, ``doccano init`` and ``createuser``, then gunicorn
serving ``config.wsgi`` (what ``doccano webserver`` serves) with the same number of sync workers as
the app, bound to 127.0.0.1 on a free port, in a process group of its own that is stopped at the
end; a DRF token from /v1/auth/login/; a sequence-labelling project (overlapping spans allowed) with
one span type. The database is DATABASE_URL: a SQLite file in the home, or a database of its own in
the benchmark's PostgreSQL cluster (which needs psycopg2 in doccano's venv; doccano turns SSL on
unless the URL names an sslmode, hence ``?sslmode=disable`` on 127.0.0.1).

A phase: ``clients`` threads, each with its own requests.Session carrying the token (the peer
bench's client; ``client="urllib"`` posts the same JSON with the app's client library instead),
posting spans ``span_for(i)`` on one new example (document) for ``seconds``; a save counts when
doccano answers 201 with the span's id. Afterwards the example's spans are read back: every
acknowledged span must be there with its offsets, and no other.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
PEER_BENCH = ROOT.parent / "shared" / "peer-bench"  # ../shared/peer-bench, relative to the repository
DATABASE = "doccano_bench"  # doccano's own database in the benchmark's PostgreSQL cluster
REQUEST_TIMEOUT = 30


@dataclass
class Phase:
    """One timed doccano run (the same fields as save_throughput.Phase, so the table reads both)."""

    saves: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    app_ms: list[float] = field(default_factory=list)  # doccano sends no Server-Timing: stays empty
    expected: dict[int, tuple[int, int]] = field(default_factory=dict)  # span id -> (start, end)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.saves / self.seconds if self.seconds else 0.0


def find_venv(option: str | None) -> tuple[Path | None, str]:
    """doccano's virtualenv (--doccano-venv, else $DOCCANO_VENV), or None and why it is skipped."""
    chosen = option or os.environ.get("DOCCANO_VENV")
    if not chosen:
        return None, "no --doccano-venv given and DOCCANO_VENV unset (bench/RESULTS.md says how to make one)"
    venv = Path(chosen)
    if not (venv / "bin" / "doccano").exists() or not (venv / "bin" / "gunicorn").exists():
        return None, f"{venv} holds no doccano (bin/doccano, bin/gunicorn); see bench/RESULTS.md"
    return venv, ""


def has_postgres_driver(venv: Path) -> bool:
    """doccano reaches PostgreSQL through Django's psycopg2 backend."""
    return subprocess.run([str(venv / "bin" / "python"), "-c", "import psycopg2"], capture_output=True).returncode == 0


def load_peer(peer: Path):
    """doccano_bench.py and bench_common.py from the peer-bench directory, imported as they are."""
    script = peer / "doccano_bench.py"
    if not script.exists():
        raise FileNotFoundError(f"{script} not found (--peer-bench)")
    if "doccano_bench" not in sys.modules:
        spec = importlib.util.spec_from_file_location("doccano_bench", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # puts its directory on sys.path, for bench_common
        sys.modules["doccano_bench"] = module
    module = sys.modules["doccano_bench"]
    return module, module.bc


def django_url(url: str) -> str:
    """doccano's DATABASE_URL for its own database in the same PostgreSQL cluster, created here."""
    ours = make_url(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE}")
            connection.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
    finally:
        engine.dispose()
    return f"postgres://{ours.username}@{ours.host}:{ours.port}/{DATABASE}?sslmode=disable"


class Server:
    """doccano under gunicorn, with a token, a project and its span type; examples made on demand."""

    def __init__(self, venv: Path, peer: Path, kind: str, url: str, workers: int):
        self.venv, self.kind, self.workers = venv, kind, workers
        self.bench, self.common = load_peer(peer)
        self.home = tempfile.mkdtemp(prefix="doccano-bench-")
        self.database_url = f"sqlite:///{self.home}/db.sqlite3" if kind == "sqlite" else django_url(url)
        self.log_path = Path(self.home) / "server.log"
        self.process: subprocess.Popen | None = None
        self.base = ""
        self.token = ""
        self.project = self.label = 0

    def environment(self) -> dict:
        """doccano_bench.py's environment, without the app's settings or its PYTHONPATH."""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("ANNOTATOR_")}
        return env | {
            "DOCCANO_HOME": self.home,
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": os.path.join(self.home, "media"),
            "SECRET_KEY": secrets.token_hex(25),
            "DEBUG": "False",
            "PYTHONUNBUFFERED": "1",
        }

    def backend_dir(self, env: dict) -> str:
        """doccano_bench.backend_dir(), run by doccano's own Python (where the backend package is)."""
        code = f"import sys; sys.path.insert(0, {str(Path(self.bench.__file__).parent)!r}); "
        code += "import doccano_bench; print(doccano_bench.backend_dir())"
        return subprocess.run(
            [str(self.venv / "bin" / "python"), "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    def start(self) -> Server:
        env = self.environment()
        password = "bench-" + secrets.token_hex(8)
        self.bench.VENV_BIN = str(self.venv / "bin")  # run_cli runs VENV_BIN/doccano
        with self.log_path.open("a") as log:
            self.bench.run_cli(["init"], env, log)
            self.bench.run_cli(
                ["createuser", "--username", "admin", "--password", password, "--email", "admin@example.invalid"],
                env,
                log,
            )
            port = self.common.free_port()
            self.process = subprocess.Popen(
                [
                    str(self.venv / "bin" / "gunicorn"),
                    *("-w", str(self.workers), "-b", f"127.0.0.1:{port}", "--chdir", self.backend_dir(env)),
                    *("--log-level", "warning", "config.wsgi"),
                ],
                env=env | {"DJANGO_SETTINGS_MODULE": "config.settings.production", "STANDALONE": "True"},
                cwd=self.home,  # not the repository: gunicorn would read the app's gunicorn.conf.py
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped with stop_group()
            )
        self.base = f"http://127.0.0.1:{port}"
        import requests

        self.wait_up(requests.Session(), timeout=120)
        answer = requests.post(
            f"{self.base}/v1/auth/login/", json={"username": "admin", "password": password}, timeout=REQUEST_TIMEOUT
        )
        answer.raise_for_status()
        self.token = answer.json()["key"]
        session = self.session()
        project = session.post(
            f"{self.base}/v1/projects",
            json={
                "name": "span bench",
                "description": "bench",
                "project_type": "SequenceLabeling",
                "resourcetype": "SequenceLabelingProject",
                "allow_overlapping": True,
                "collaborative_annotation": False,
            },
            timeout=REQUEST_TIMEOUT,
        )
        if project.status_code != 201:
            raise RuntimeError(f"doccano project: {project.status_code} {project.text[:300]}")
        self.project = project.json()["id"]
        label = session.post(
            f"{self.base}/v1/projects/{self.project}/span-types",
            json={"text": "Claim", "background_color": "#ff0000", "text_color": "#ffffff"},
            timeout=REQUEST_TIMEOUT,
        )
        if label.status_code != 201:
            raise RuntimeError(f"doccano span type: {label.status_code} {label.text[:300]}")
        self.label = label.json()["id"]
        return self

    def wait_up(self, session, timeout: float) -> None:
        """bench_common.wait_http in short turns, giving up at once when gunicorn has exited."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"doccano's gunicorn exited ({self.process.returncode})")
            try:
                self.common.wait_http(session, self.base + "/v1/me", timeout=2, ok=(200, 401, 403))
                return
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise

    def session(self):
        """A client of its own, as the peer bench's: a requests.Session with the DRF token, no cookies."""
        import requests

        session = requests.Session()
        session.headers["Authorization"] = f"Token {self.token}"
        return session

    def new_example(self) -> int:
        answer = self.session().post(
            f"{self.base}/v1/projects/{self.project}/examples",
            json={"text": self.common.TEXT, "meta": {}},
            timeout=REQUEST_TIMEOUT,
        )
        if answer.status_code != 201:
            raise RuntimeError(f"doccano example: {answer.status_code} {answer.text[:300]}")
        return answer.json()["id"]

    def stop(self) -> None:
        if self.process is not None:
            self.bench.stop_group(self.process)

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def cleanup(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)


@contextmanager
def serving(venv: Path, peer: Path, kind: str, url: str, workers: int):
    server = Server(venv, peer, kind, url, workers)
    try:
        try:
            yield server.start()
        except Exception:
            print(f"doccano server log, last lines:\n{server.log_tail()}", flush=True)
            raise
        finally:
            server.stop()
    finally:
        server.cleanup()


def requests_poster(server: Server):
    """The peer bench's client: a requests.Session of this thread's own, with the token."""
    session = server.session()

    def post(url: str, payload: dict) -> tuple[int, str]:
        answer = session.post(url, json=payload, timeout=REQUEST_TIMEOUT)
        return answer.status_code, answer.text

    return post


def urllib_poster(server: Server):
    """The app's client library (urllib, as bench/live.py's Client): the same JSON and token, for a
    like-for-like check of the client's own cost (requests takes some 0.7 ms more per request here)."""

    def post(url: str, payload: dict) -> tuple[int, str]:
        request = urllib.request.Request(
            url,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Authorization": f"Token {server.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as answer:
                return answer.status, answer.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    return post


POSTERS = {"requests": requests_poster, "urllib": urllib_poster}


def run_phase(server: Server, clients: int, seconds: float, client: str = "requests", max_saves: int = 50_000) -> Phase:
    """``clients`` threads posting spans on one new example for ``seconds``, then the check."""
    example = server.new_example()
    url = f"{server.base}/v1/projects/{server.project}/examples/{example}/spans"
    sessions = [POSTERS[client](server) for _ in range(clients)]
    phase, lock, numbers = Phase(), threading.Lock(), itertools.count()
    clock: dict[str, float] = {}
    barrier = threading.Barrier(clients, action=lambda: clock.update(start=time.perf_counter()))
    finished: list[float] = []

    def work(post) -> None:
        barrier.wait()
        deadline = clock["start"] + seconds
        for _ in range(max_saves // clients):
            if time.perf_counter() >= deadline:
                break
            with lock:
                i = next(numbers)
            start, end, _quote = server.common.span_for(i)
            began = time.perf_counter()
            try:
                status, body = post(url, {"label": server.label, "start_offset": start, "end_offset": end})
                span_id = json.loads(body).get("id") if status == 201 else None
            except Exception as error:  # noqa: BLE001 - no answer, or not JSON: an error of this save
                status, body, span_id = 0, f"{type(error).__name__}: {error}", None
            ms = (time.perf_counter() - began) * 1000
            with lock:
                if status == 201 and span_id:
                    phase.saves += 1
                    phase.latencies.append(ms)
                    phase.expected[span_id] = (start, end)
                else:
                    phase.errors.append(f"doccano: {status} {body[:200]!r}")
        finished.append(time.perf_counter())

    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + REQUEST_TIMEOUT + 30)
    phase.seconds = max(finished, default=clock.get("start", 0)) - clock.get("start", 0)
    check_phase(server, url, phase)
    return phase


def check_phase(server: Server, url: str, phase: Phase) -> None:
    """The example holds exactly the acknowledged spans, each with the offsets sent."""
    answer = server.session().get(url, timeout=60)
    if answer.status_code != 200:
        phase.errors.append(f"doccano: reading the spans back: {answer.status_code}")
        return
    stored = {row["id"]: (row["start_offset"], row["end_offset"]) for row in answer.json()}
    for span_id, offsets in sorted(phase.expected.items()):
        if stored.get(span_id) != offsets:
            phase.errors.append(f"doccano span {span_id}: sent {offsets}, stored {stored.get(span_id)}")
    if len(stored) != phase.saves:
        phase.errors.append(f"doccano example: {len(stored)} spans stored, {phase.saves} acknowledged")


def measure(
    venv: Path,
    peer: Path,
    kind: str,
    url: str,
    workers: int,
    client_counts: list[int],
    seconds: float,
    client: str = "requests",
):
    """A warm-up, then one phase per client count (each on a new example); the phases by client count."""
    with serving(venv, peer, kind, url, workers) as server:
        warm = run_phase(server, max(client_counts), min(2.0, seconds), client)
        phases = {clients: run_phase(server, clients, seconds, client) for clients in client_counts}
    phases[client_counts[-1]].errors += [f"warm-up: {e}" for e in warm.errors]
    return phases
