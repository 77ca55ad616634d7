"""Operating the app: health check, request logs, gunicorn."""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from annotator import create_app

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_a_reachable_database_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


def test_each_request_logs_one_line_without_query_or_note_text(reviewer_client, caplog):
    caplog.set_level(logging.INFO, logger="annotator.requests")
    reviewer_client.get("/articles/1/annotate?quote=secret+quoted+words")
    (record,) = [r for r in caplog.records if r.name == "annotator.requests"]
    line = record.getMessage()
    assert line.startswith("method=GET path=/articles/1/annotate status=")
    assert "duration_ms=" in line and "user=" in line and "user=-" not in line
    assert "secret" not in line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_app_serves_under_gunicorn(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "ANNOTATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}",
        "ANNOTATOR_SECRET_KEY": "gunicorn-test",
        "ANNOTATOR_WORKERS": "2",
        "ANNOTATOR_BIND": f"127.0.0.1:{port}",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server, "gunicorn")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
            assert "Sign in" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for(url: str, server: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                assert response.status == 200
                return
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, f"{what} did not answer in 20 s"
            time.sleep(0.2)


SECRET_QUERIES = [
    "/search?q=classified+source+words",
    "/login?next=%2Fsearch%3Fq%3Dclassified",
    "/articles/1/annotate?quote=classified%20quoted%20words",
    "/no/such/page?classified=1",
]


def test_flask_run_logs_requests_without_their_query_strings(tmp_path):
    """`make run` serves with `flask run`, whose access log quotes each request line; search words and quoted
    text in a query never reach it (nor does a malformed request line's query)."""
    port = free_port()
    env = {
        **os.environ,
        "ANNOTATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}",
        "ANNOTATOR_SECRET_KEY": "flask-run-test",
    }
    flask = Path(sys.executable).parent / "flask"
    assert (
        subprocess.run([str(flask), "--app", "app", "init-db"], cwd=ROOT, env=env, capture_output=True).returncode == 0
    )
    server = subprocess.Popen(
        [str(flask), "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz?classified=0", server, "flask run")
        for path in SECRET_QUERIES:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).close()
            except urllib.error.HTTPError:
                pass  # a 404 is logged too
        with socket.create_connection(("127.0.0.1", port)) as raw:  # a request line http.server refuses
            raw.sendall(b"GET /search?q=classified words here HTTP/1.1 extra\r\n\r\n")
            raw.recv(1000)
    finally:
        server.terminate()
        _, log = server.communicate(timeout=10)
    log = log.decode()
    assert "GET /search HTTP/1.1" in log and "GET /no/such/page HTTP/1.1" in log  # the access log still works
    assert "Bad request" in log
    assert "classified" not in log, log
