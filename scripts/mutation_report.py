"""The mutation score of annotator/domain and annotator/formats, from the results `mutmut run` left in mutants/.

Each mutant is one small change to the code (a comparison turned round, a constant changed, a call dropped).
The tests kill it when one of them fails. A survivor is either a hole in the tests or an *equivalent* mutant:
a change that no test could notice because the behaviour is the same (a filter that only saves work, a default
spelled out). Equivalent survivors are listed, each with its reason, in tests/mutation_triage.toml; the score
leaves them out:

    score = killed / (mutants - equivalent)

where killed counts mutants a test failed on, timed out on (an endless loop) or crashed on. The report prints
one line per module, then every survivor that the triage file does not explain, then triage entries that no
longer match a survivor (the code moved, or a new test kills them). It exits with 1 when the score is under
the target (90 %), so `make mutate` fails the way `make lint` does.

Usage: python scripts/mutation_report.py [--target 90]
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIAGE = ROOT / "tests" / "mutation_triage.toml"
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
# mutmut's exit codes (mutmut.stats.status_by_exit_code), kept here so the report runs without importing mutmut.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 35: "suspicious"}
STATUS |= {code: "timeout" for code in (36, -24, 24, 152, 255)}
STATUS |= {-11: "segfault", -9: "segfault", 37: "caught by type check"}


def results(mutants: Path) -> dict[str, str]:
    """Mutant name -> status, for every mutant mutmut generated under mutants/annotator."""
    found: dict[str, str] = {}
    for meta in sorted((mutants / "annotator").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        for name, code in codes.items():
            found[name] = "not checked" if code is None else STATUS.get(code, "suspicious")
    return found


def module_of(name: str) -> str:
    """annotator.domain.text.x_segment__mutmut_3 -> annotator.domain.text"""
    return name.rsplit(".", 1)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=float, default=90.0, help="the lowest score that passes, in per cent")
    parser.add_argument("--mutants", type=Path, default=ROOT / "mutants")
    args = parser.parse_args(argv)
    status = results(args.mutants)
    if not status:
        print("No results under mutants/: run `mutmut run` (or `make mutate`) first.", file=sys.stderr)
        return 2
    triage = tomllib.loads(TRIAGE.read_text())
    equivalent: dict[str, str] = triage.get("equivalent", {})
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, state in status.items():
        kind = "equivalent" if state in ("survived", "no tests") and name in equivalent else state
        by_module[module_of(name)][kind] += 1

    print(f"{'module':40} {'mutants':>8} {'killed':>7} {'equiv.':>7} {'survived':>9} {'no tests':>9} {'score':>7}")
    total: Counter[str] = Counter()
    for module, counts in sorted(by_module.items()):
        total += counts
        print(row(module, counts))
    print(row("all", total))

    unexplained = sorted(n for n, s in status.items() if s in ("survived", "no tests") and n not in equivalent)
    if unexplained:
        print(f"\n{len(unexplained)} survivors not triaged (show one with `mutmut show NAME`):")
        for name in unexplained:
            print(f"  {name}: {status[name]}")
    stale = sorted(n for n in equivalent if status.get(n) not in ("survived", "no tests"))
    if stale:
        print(f"\n{len(stale)} entries of {TRIAGE.relative_to(ROOT)} match no survivor any more; remove them:")
        for name in stale:
            print(f"  {name}: {status.get(name, 'no such mutant')}")
    unchecked = sum(1 for s in status.values() if s == "not checked")
    if unchecked:
        print(f"\n{unchecked} mutants were not checked: the run stopped early.", file=sys.stderr)
        return 2
    return 0 if score(total) >= args.target else 1


def score(counts: Counter[str]) -> float:
    judged = sum(counts.values()) - counts["equivalent"] - counts["skipped"]
    return 100.0 * sum(counts[k] for k in KILLED) / judged if judged else 100.0


def row(module: str, counts: Counter[str]) -> str:
    killed = sum(counts[k] for k in KILLED)
    return (
        f"{module:40} {sum(counts.values()):>8} {killed:>7} {counts['equivalent']:>7} {counts['survived']:>9}"
        f" {counts['no tests']:>9} {score(counts):>6.1f}%"
    )


if __name__ == "__main__":
    sys.exit(main())
