"""Run a command against PostgreSQL: ANNOTATOR_TEST_DATABASE_URL if set, else a throwaway cluster.

Usage: python scripts/with_postgres.py COMMAND...  (`make test-pg` runs the suite this way)

The throwaway cluster lives in a temporary directory: initdb, pg_ctl start on a free
port on 127.0.0.1, one database, the command, pg_ctl stop, directory removed. As root
(CI), the cluster runs as the `postgres` user, since PostgreSQL refuses to run as root.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        sys.exit(f"{name} not found: install PostgreSQL (apt-get install -y postgresql)")
    return found


def main(command: list[str]) -> int:
    if os.environ.get("ANNOTATOR_TEST_DATABASE_URL"):
        return subprocess.call(command)
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = tempfile.mkdtemp(prefix="annotator-pg-")
    if as_user:
        shutil.chown(data, "postgres")
    port = free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    try:
        run(pg_bin("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        run(pg_bin("pg_ctl"), "-D", data, "-w", "-l", os.path.join(data, "log"), "-o",
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        try:
            run(pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "annotator_test")
            url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/annotator_test"
            print(f"Throwaway PostgreSQL at {url}", flush=True)
            return subprocess.call(command, env={**os.environ, "ANNOTATOR_TEST_DATABASE_URL": url})
        finally:
            run(pg_bin("pg_ctl"), "-D", data, "-m", "fast", "stop")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
