"""A local web server with saved pages, redirects and misbehaving answers, for the article-import tests."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def answer(self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
               headers: dict | None = None, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    # /living serves the news page as of this edition: 2 is a quiet correction of the figure.
    edition = 1

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        path = self.path.split("?")[0]
        if path == "/news":
            self.answer(200, (PAGES / "news.html").read_bytes())
        elif path == "/living":
            page = (PAGES / "news.html").read_bytes()
            self.answer(200, page.replace(b"3.9%", b"4.1%") if Handler.edition == 2 else page)
        elif path == "/empty":
            self.answer(200, (PAGES / "no-article.html").read_bytes())
        elif path == "/latin1":  # no charset in the header: the page's own <meta> says ISO-8859-1
            self.answer(200, (PAGES / "latin1.html").read_bytes(), content_type="text/html")
        elif path.startswith("/hop/"):  # /hop/N redirects N times, then to the news page
            n = int(path.rsplit("/", 1)[1])
            self.answer(302, headers={"Location": f"/hop/{n - 1}" if n > 1 else "/news"})
        elif path == "/to-private":
            self.answer(302, headers={"Location": "http://10.1.2.3/news"})
        elif path == "/to-ftp":
            self.answer(301, headers={"Location": "ftp://files.example/news.html"})
        elif path == "/big":  # declares its size
            self.answer(200, b"<p>" + b"x" * 200_000 + b"</p>")
        elif path == "/big-undeclared":  # does not: the limit is checked while reading
            self.answer(200, b"<p>" + b"x" * 200_000 + b"</p>", length=False)
            self.close_connection = True
        elif path == "/slow":
            time.sleep(3)
            self.answer(200, (PAGES / "news.html").read_bytes())
        elif path == "/drip":  # a valid page, one byte at a time: each read is quick, the whole is not
            body = (PAGES / "news.html").read_bytes()[:40]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.25)
        elif path == "/pdf":
            self.answer(200, b"%PDF-1.4", content_type="application/pdf")
        else:
            self.answer(404, b"<p>Not found</p>")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hung up on a slow answer is the point of some tests


class PageServer:
    def __init__(self) -> None:
        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> PageServer:
        Handler.edition = 1
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
