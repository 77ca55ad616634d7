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
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        sys.exit(f"{name} not found: install PostgreSQL (apt-get install -y postgresql)")
    return found


@contextmanager
def throwaway_cluster(database: str = "annotator_test", settings: str = "-c fsync=off"):
    """A new cluster in a temporary directory on a free port; yields its database URL, then removes it all.

    ``settings`` are extra server options: the tests turn fsync off for speed; benchmarks
    that measure saves keep PostgreSQL's durable defaults.
    """
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = tempfile.mkdtemp(prefix="annotator-pg-")
    if as_user:
        shutil.chown(data, "postgres")
    port = free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: E731
    try:
        run(pg_bin("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        run(
            pg_bin("pg_ctl"),
            "-D",
            data,
            "-w",
            "-l",
            os.path.join(data, "log"),
            "-o",
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1 {settings}",
            "start",
        )
        try:
            run(pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database)
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
        finally:
            run(pg_bin("pg_ctl"), "-D", data, "-m", "fast", "stop")
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main(command: list[str]) -> int:
    if os.environ.get("ANNOTATOR_TEST_DATABASE_URL"):
        return subprocess.call(command)
    with throwaway_cluster() as url:
        print(f"Throwaway PostgreSQL at {url}", flush=True)
        return subprocess.call(command, env={**os.environ, "ANNOTATOR_TEST_DATABASE_URL": url})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
