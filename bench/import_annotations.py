"""Bulk import (issue 14): `import-annotations` of a W3C file of 10,000 annotations, the code before and now.

Run: ``.venv/bin/python bench/import_annotations.py [--items 10000] [--before-items 2000]
[--database sqlite|postgresql|both] [--before 9c7dea7] [--repeat 2] [--profile]``  (about 3 minutes)

Builds a W3C AnnotationCollection (the format ``export`` writes and ``import-annotations`` reads) of
``--items`` annotations by 40 creators over a long article (the demo text's paragraphs repeated into
400, as ``bench/data.py`` builds it): spans of 20-200 characters judged by one to four creators, notes,
zero to two sources; about 2 % with a wrong position (re-anchored), 1 % quoting words not in the
text (orphaned), 1 % with a verdict off the scale and 1 % repeating an earlier item (both rejected).

Then, for each database (a fresh SQLite file; a fresh database in a throwaway PostgreSQL cluster with
its durable defaults, skipped when initdb is missing), times the command for the code before (a git
worktree of ``--before`` in a temporary directory, removed afterwards) and the code now (this
checkout), each in a child process whose PYTHONPATH points at its tree: ``init-db`` and
``import-article`` first, then ``import-annotations FILE`` alone is timed (in the child, through the
app's CLI runner: no Python start-up in the figure). The code before imports under 200 items/s, so it
gets the first ``--before-items`` items only; the code now imports that same file too (its report must
be the same, line for line, the ids included, on a fresh database) and then the whole file. The three
runs are made ``--repeat`` times, round after round, and the best items/s of each is compared (the
machine is shared: a busy minute falls on both codes alike). ``--profile`` prints, for each run, the
functions with the most cumulative time (the command line's own frames left out).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_URL = "https://news.example/long-article"
CREATORS = 40
TARGET = 10.0


# ---------------------------------------------------------------- the child: one timed import


def child(url: str, article_file: str, items_file: str, profile: bool) -> None:
    """Set up the database, time ``import-annotations`` and print the result as JSON (last line)."""
    import cProfile
    import pstats

    import annotator
    from annotator import create_app

    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url})
    runner = app.test_cli_runner()
    for args in (["init-db"], ["import-article", article_file, "--title", "Long article", "--url", SOURCE_URL]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = runner.invoke(args=["import-annotations", items_file])
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    summary = flame_summary(pstats.Stats(profiler), seconds) if profiler else ""
    app.extensions["engine"].dispose()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "exit_code": result.exit_code,
                "lines": result.output.splitlines(),
                "package": annotator.__file__,
                "profile": summary,
            }
        )
    )


# Frames of the command line and of the libraries' plumbing, left out of the summary: they hold everything.
PLUMBING = (
    "/click/",
    "/flask/",
    "cli/common.py",
    "<sqlalchemy generated",
    "state_changes.py",
    "deprecations.py",
    "elements.py",
    "testing.py",
)


def flame_summary(stats, seconds: float, rows: int = 22) -> str:
    """The functions with the most cumulative time, as ``package/module.py:function``, with their calls and
    share of the import: a flat flame graph, the command line's own frames left out."""
    entries = []
    for (path, line, name), (_, calls, _, cumulative, _) in stats.stats.items():
        where = f"{path}:{line}({name})"
        if any(part in where for part in PLUMBING) or path == "~":
            continue
        parts = Path(path).parts
        short = "/".join(parts[parts.index("site-packages") + 1 :] if "site-packages" in parts else parts[-3:])
        entries.append((cumulative, calls, f"{short}:{name}"))
    entries.sort(reverse=True)
    lines = [f"{'cumulative s':>12} {'share':>6} {'calls':>8}  function"]
    for cumulative, calls, label in entries[:rows]:
        lines.append(f"{cumulative:12.2f} {cumulative / seconds:6.0%} {calls:8,}  {label}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the file


def article_text() -> str:
    """The demo text's longer paragraphs repeated into 400 numbered ones (``bench/data.long_text``)."""
    seed = (ROOT / "annotator" / "data" / "seed-article.txt").read_text(encoding="utf-8")
    lines = [line for line in seed.splitlines() if len(line) > 60]
    return "\n".join(f"{lines[i % len(lines)]} ({i})" for i in range(400))


def build_items(text: str, count: int, rng: random.Random) -> list[dict]:
    """``count`` W3C annotations, as our export writes them, with a few of every outcome."""
    sys.path.insert(0, str(ROOT))
    from annotator.domain.anchoring import context_of
    from annotator.domain.verdicts import KEYS
    from annotator.formats.exports import AnnotationRecord, SourceRecord, w3c_annotation

    creators = [(f"reviewer-{n:02d}", f"Reviewer {n:02d}") for n in range(CREATORS)]
    items: list[dict] = []
    made = 0
    while len(items) < count:
        start = rng.randrange(0, len(text) - 201)
        end = start + rng.randrange(20, 200)
        for username, name in rng.sample(creators, rng.randint(1, 4)):
            if len(items) >= count:
                break
            made += 1
            roll = rng.random()
            quote, hint = text[start:end], start
            if roll < 0.01:
                quote = f"Words no longer in the article, number {made}"
            elif roll < 0.03:
                hint = start + 7  # a wrong position: the quote is looked up
            prefix, suffix = context_of(text, start, end)
            record = AnnotationRecord(
                id=made,
                iri=f"https://other.example/annotations/{made}",
                creator_name=name,
                creator_username=username,
                created=datetime(2026, 11, 1, 9, 0, made % 60),
                modified=datetime(2026, 11, 2, 9, 0, made % 60),
                verdict=rng.choice(KEYS),
                note=f"Bench note {made}: the figures do not match the ministry’s report — see the sources.",
                start=hint,
                end=hint + len(quote),
                quote=quote,
                prefix=prefix,
                suffix=suffix,
                sources=tuple(
                    SourceRecord(f"https://example.org/evidence/{made}-{n}", f"Evidence {n}", "The passage.")
                    for n in range(rng.randint(0, 2))
                ),
            )
            item = w3c_annotation(record, target_source=SOURCE_URL)
            if 0.03 <= roll < 0.04:
                item["body"][0]["value"] = "Pants on fire"  # off the scale: rejected
            items.append(item)
            if 0.04 <= roll < 0.05 and len(items) < count:
                items.append(json.loads(json.dumps(item)))  # the same creator on the same words: rejected
    return items


def write_collection(path: Path, items: list[dict]) -> None:
    document = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "first": {"type": "AnnotationPage", "items": items},
        "total": len(items),
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- the runs


def run_child(tree: Path, url: str, article_file: Path, items_file: Path, profile: bool) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", url, str(article_file), str(items_file)]
    if profile:
        command.append("--profile")
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    environment.pop("ANNOTATOR_DATABASE_URL", None)
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the import under {tree} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    expected = tree / "annotator" / "__init__.py"
    if Path(result["package"]).resolve() != expected.resolve():
        raise SystemExit(f"the child imported {result['package']}, not {expected}")
    if result["exit_code"] != 0:
        raise SystemExit(f"import-annotations exited {result['exit_code']}: {result['lines'][-3:]}")
    return result


class Databases:
    """A fresh database per run: a new SQLite file, or a new database in one PostgreSQL cluster."""

    def __init__(self, kind: str, tmp: Path):
        self.kind, self.tmp, self.count, self.cluster, self.base = kind, tmp, 0, None, None

    def __enter__(self):
        if self.kind == "postgresql":
            sys.path.insert(0, str(ROOT / "bench"))
            import live

            self.cluster = live.postgres_database()
            self.base = self.cluster.__enter__()
        return self

    def __exit__(self, *exc):
        if self.cluster is not None:
            self.cluster.__exit__(*exc)

    def fresh(self) -> str:
        self.count += 1
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp / f'import-{self.count}.sqlite3'}"
        from sqlalchemy import create_engine

        assert self.base is not None
        engine = create_engine(self.base, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE bench_import_{self.count}")
        engine.dispose()
        return self.base.rsplit("/", 1)[0] + f"/bench_import_{self.count}"


def before_tree(commit: str, tmp: Path) -> Path:
    tree = tmp / "before"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
        check=True,
        capture_output=True,
    )
    return tree


def remove_tree(tree: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


def measure(
    kind: str, databases: Databases, runs: list[tuple[str, Path, Path]], article_file: Path, repeat: int, profile: bool
) -> None:
    """Each run ``repeat`` times, the rounds one after another (so that a busier minute of a shared machine
    falls on both codes alike); the best items/s of each run counts."""
    best: dict[int, float] = {}
    reports: dict[int, list[str]] = {}
    for _ in range(repeat):
        for n, (label, tree, file) in enumerate(runs):
            result = run_child(tree, databases.fresh(), article_file, file, profile)
            count = len(result["lines"]) - 1
            rate = count / result["seconds"]
            best[n] = max(best.get(n, 0.0), rate)
            reports.setdefault(n, result["lines"])
            print(
                f"{kind:<10} {label:<18} {count:>6,} items {result['seconds']:8.2f} s"
                f" {rate:9,.0f} items/s   {result['lines'][-1]}",
                flush=True,
            )
            if profile:
                print(result["profile"], flush=True)
    same = reports[0] == reports[1]
    print(f"{kind:<10} same report, line for line, before and now: {'yes' if same else 'NO'}")
    if not same:
        for old, new in zip(reports[0], reports[1], strict=False):
            if old != new:
                print(f"  before: {old}\n  now:    {new}")
                break
    ratio = best[2] / best[0]
    verdict = "met" if ratio >= TARGET else "MISSED"
    if profile:  # cProfile slows Python code far more than waits on the database: no measurement
        verdict = "profiled runs, not a measurement"
    print(
        f"{kind:<10} best of {repeat}: before {best[0]:,.0f} items/s, now {best[2]:,.0f} items/s"
        f" ({best[1]:,.0f} on the file before imports); ratio {ratio:.1f}x (target >= {TARGET:g}x): {verdict}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--before-items", type=int, default=2_000, help="items the code before imports (it is slow)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--before", default="9c7dea7", help="the commit of the code before")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of runs; the best of each run counts")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of each timed import")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    import live

    kinds = live.database_kinds(args.database)
    rng = random.Random(14)
    with tempfile.TemporaryDirectory(prefix="annotator-import-bench-") as name:
        tmp = Path(name)
        text = article_text()
        article_file = tmp / "long-article.txt"
        article_file.write_text(text, encoding="utf-8")
        items = build_items(text, args.items, rng)
        whole, first = tmp / "whole.jsonld", tmp / "first.jsonld"
        write_collection(whole, items)
        write_collection(first, items[: args.before_items])
        print(f"{len(items):,} annotations by {CREATORS} creators over a {len(text):,}-character article", flush=True)
        before = before_tree(args.before, tmp)
        try:
            for kind in kinds:
                with Databases(kind, tmp) as databases:
                    runs = [(f"before ({args.before})", before, first), ("now", ROOT, first), ("now", ROOT, whole)]
                    measure(kind, databases, runs, article_file, max(args.repeat, 1), args.profile)
        finally:
            remove_tree(before)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], "--profile" in sys.argv[5:])
    else:
        main()
