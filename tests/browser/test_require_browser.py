"""Without Chromium the browser tests skip, unless ANNOTATOR_REQUIRE_BROWSER=1 (CI): then the run fails and says
why, so that a machine that lost its browser can never pass CI green. (This test needs no browser itself.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.browser import CHROMIUM_REQUIRED, NO_CHROMIUM

ROOT = Path(__file__).parents[2]
BROWSER_TEST = "tests/browser/test_api_tokens.py"  # one test, taking the browser fixture


def run_without_chromium(tmp_path: Path, **environ: str) -> subprocess.CompletedProcess:
    """pytest on a browser test where no Chromium can be found: CHROMIUM_PATH names nothing, /usr/bin/chromium is
    not tried, and no directory on PATH holds a chromium."""
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_REQUIRE_BROWSER"}
    path = [d for d in env.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "chromium").exists()]
    env.update(
        CHROMIUM_PATH=str(tmp_path / "no-chromium-here"),
        ANNOTATOR_CHROMIUM_FALLBACK="0",
        PATH=os.pathsep.join(path),
        **environ,
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", BROWSER_TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_a_missing_browser_skips_its_tests_loudly_by_default(tmp_path):
    result = run_without_chromium(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout and NO_CHROMIUM in result.stdout, result.stdout


def test_a_missing_browser_fails_the_run_when_one_is_required(tmp_path):
    result = run_without_chromium(tmp_path, ANNOTATOR_REQUIRE_BROWSER="1")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert f"ERROR: {CHROMIUM_REQUIRED}" in result.stderr, result.stderr
    assert "skipped" not in result.stdout and "passed" not in result.stdout, result.stdout
