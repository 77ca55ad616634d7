"""pyproject.toml lists the packages of the wheel by hand (templates/, static/ and migrations/ are mapped
into it); these tests fail when a new subpackage or a mapped folder is left out."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_folder_with_python_modules_under_annotator_is_a_listed_package():
    folders = {path.parent for path in (ROOT / "annotator").rglob("*.py")}
    names = {".".join(folder.relative_to(ROOT).parts) for folder in folders}
    assert names - set(SETUPTOOLS["packages"]) == set()


def test_every_listed_package_has_a_folder():
    mapped = SETUPTOOLS["package-dir"]
    for name in SETUPTOOLS["packages"]:
        top = next(
            (key for key in sorted(mapped, key=len, reverse=True) if name == key or name.startswith(key + ".")), None
        )
        folder = Path(mapped[top], *name[len(top) + 1 :].split(".")) if top else Path(*name.split("."))
        assert (ROOT / folder).is_dir(), name


def test_files_the_app_reads_beside_its_modules_are_package_data():
    data = SETUPTOOLS["package-data"]
    assert data["annotator.data"] == ["*"]
    assert data["annotator.templates"] == ["**/*"] and SETUPTOOLS["package-dir"]["annotator.templates"] == "templates"
    assert data["annotator.static"] == ["**/*"] and SETUPTOOLS["package-dir"]["annotator.static"] == "static"
    assert {path.suffix for path in (ROOT / "migrations").iterdir() if path.is_file()} <= {".py", ".mako"}
