"""The suite's layout keeps its promises: tests mirror the package's layers, and no test module imports
another test module (shared helpers live in tests/fixtures/, shared fixtures in conftest.py), and the
package's modules stay small enough to read."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
LAYERS = {"domain", "formats", "net", "db", "services", "web", "api", "cli", "browser", "fixtures"}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_test_module_imports_another_test_module_or_a_conftest():
    offenders = {}
    for path in TESTS.rglob("*.py"):
        bad = {
            m
            for m in imported_modules(path)
            if m.startswith("tests.")
            and (m.rsplit(".", 1)[-1].startswith("test_") or m.rsplit(".", 1)[-1] == "conftest")
        }
        if bad:
            offenders[str(path.relative_to(TESTS))] = sorted(bad)
    assert offenders == {}


def test_test_folders_are_the_layers_of_the_package():
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders <= LAYERS, folders - LAYERS
    assert {"domain", "services", "web", "api", "browser"} <= folders


def test_no_module_of_the_package_is_over_400_lines():
    """A module that grows past 400 lines holds more than one idea: split it where the seam is
    (docs/architecture.md). Migrations are the exception: each is one step, however long."""
    package = TESTS.parent / "annotator"
    sizes = {
        str(path.relative_to(package)): len(path.read_text(encoding="utf-8").splitlines())
        for path in package.rglob("*.py")
    }
    assert sizes, "no modules found"
    assert {name: lines for name, lines in sizes.items() if lines > 400} == {}
