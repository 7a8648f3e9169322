"""Tools from npm that tests use (axe-core), fetched at test time, never committed.

`npm_file()` installs a pinned package once into `.cache/npm` at the repository
root (ignored by git) and returns the path of one of its files; later calls find
it there. `npm_file_or_skip()` is the tests' door: without npm or the registry
the test is skipped on a developer's machine and fails under CI (`CI=true`), so a
check that CI promises is never silently left out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / ".cache" / "npm"
INSTALL_TIMEOUT_SECONDS = 300

# axe-core: the accessibility rules the browser tests run (WCAG 2.1 A/AA tags).
AXE_CORE = "axe-core@4.14.1"


class ToolUnavailable(RuntimeError):
    """npm is missing or could not install the package."""


def _split(spec: str) -> tuple[str, str]:
    name, _, version = spec.rpartition("@")
    if not name or not version:
        raise ValueError(f"npm package spec needs name@version, got {spec!r}")
    return name, version


def _installed_version(package_dir: Path) -> str | None:
    try:
        return json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def npm_file(spec: str, relative_path: str, *, cache_dir: Path = CACHE_DIR) -> Path:
    """The file `relative_path` of npm package `spec` (name@version), installed on first use."""
    name, version = _split(spec)
    package_dir = cache_dir / "node_modules" / name
    target = package_dir / relative_path
    if _installed_version(package_dir) == version and target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise ToolUnavailable(f"npm is not installed; cannot fetch {spec}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _install_lock(cache_dir):
        if _installed_version(package_dir) != version or not target.is_file():
            command = [npm, "install", "--prefix", str(cache_dir), "--no-save"]
            command += ["--no-audit", "--no-fund", "--ignore-scripts", spec]
            try:
                result = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    timeout=INSTALL_TIMEOUT_SECONDS,
                    check=False,
                )
            except subprocess.TimeoutExpired as error:
                raise ToolUnavailable(f"npm install {spec} timed out") from error
            if result.returncode != 0:
                raise ToolUnavailable(f"npm install {spec} failed: {result.stderr.strip()[-2000:]}")
    if _installed_version(package_dir) != version or not target.is_file():
        raise ToolUnavailable(f"npm installed {spec} but {relative_path} is not in it")
    return target


class _install_lock:
    """An exclusive lock on the cache, so two test workers do not install at once."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / ".install.lock"
        self.file = None

    def __enter__(self) -> None:
        self.file = self.path.open("w")
        try:
            import fcntl
        except ImportError:  # Windows: one worker at a time is then up to the developer
            return
        fcntl.flock(self.file, fcntl.LOCK_EX)

    def __exit__(self, *exc_info: object) -> None:
        if self.file is not None:
            self.file.close()  # closing releases the lock


def npm_file_or_skip(spec: str, relative_path: str) -> Path:
    """`npm_file()` for tests: skip when unavailable, fail under CI (CI=true)."""
    import pytest

    try:
        return npm_file(spec, relative_path)
    except ToolUnavailable as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{error} (CI=true: npm tools must be available)")
        pytest.skip(str(error))
