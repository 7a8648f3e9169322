"""The import contracts in pyproject.toml hold today and fail on a wrong-way import.

Run against a copy of the source tree with one bad import added, through the
same `lint-imports` that CI runs (.ci/run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _python_only(directory: str, names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if name == "__pycache__"
        or not (name.endswith(".py") or os.path.isdir(os.path.join(directory, name)))
    ]


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        # Wide, so that no reported import is wrapped across lines.
        env={**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    if not LINT_IMPORTS.exists():
        pytest.fail("lint-imports is not installed: pip install -e '.[test]'")
    shutil.copytree(ROOT / "govmedia", tmp_path / "govmedia", ignore=_python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_for_the_code_as_it_is(tree: Path):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_publishing_importing_the_portal_breaks_two_contracts(tree: Path):
    (tree / "govmedia/publishing/wrong_way.py").write_text(
        "from govmedia.portal.models import HomePage  # noqa\n"
    )

    result = _lint(tree)

    assert result.returncode != 0
    assert "No app imports the portal BROKEN" in result.stdout
    assert "Apps import downwards only" in result.stdout
    assert "govmedia.publishing.wrong_way -> govmedia.portal.models" in result.stdout


def test_the_check_engine_importing_django_breaks_the_framework_free_contract(tree: Path):
    engine = tree / "govmedia/checks/engine.py"
    engine.write_text(engine.read_text() + "\nfrom django.conf import settings  # noqa\n")

    result = _lint(tree)

    assert result.returncode != 0
    assert "import no Django or Wagtail BROKEN" in result.stdout
    assert "govmedia.checks.engine -> django (l." in result.stdout
