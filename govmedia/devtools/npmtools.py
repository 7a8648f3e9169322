"""Test tools published on npm (the Nu HTML Checker's `vnu-jar`), fetched when a test needs them.

They are installed with the machine's own `npm` into `.cache/npm` at the
checkout's root (ignored by git, never committed), pinned to the version the
test names, and reused by later runs. Parallel test workers take a file lock
so only one of them installs.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / ".cache" / "npm"
INSTALL_TIMEOUT_SECONDS = 600


class NpmToolMissing(RuntimeError):
    """npm is not installed, or the package could not be installed (offline, unknown version)."""


def _installed_version(package_dir: Path) -> str | None:
    try:
        return json.loads((package_dir / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def npm_package_path(name: str, version: str) -> Path:
    """The directory of npm package `name` at exactly `version`, installed into .cache/npm if needed.

    Raises NpmToolMissing when npm is absent or the install fails; the caller
    decides whether that skips a test (on a developer's machine) or fails it (in CI).
    """
    package_dir = CACHE_DIR / "node_modules" / name
    if _installed_version(package_dir) == version:
        return package_dir
    npm = shutil.which("npm")
    if npm is None:
        raise NpmToolMissing(f"npm is not installed, so {name}@{version} cannot be fetched")
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed_version(package_dir) != version:  # another worker may have done it meanwhile
            command = [
                npm,
                "install",
                "--prefix",
                str(CACHE_DIR),
                "--no-audit",
                "--no-fund",
                "--save-exact",
                f"{name}@{version}",
            ]
            try:
                result = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    timeout=INSTALL_TIMEOUT_SECONDS,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise NpmToolMissing(f"npm install {name}@{version} timed out") from exc
            if result.returncode != 0 or _installed_version(package_dir) != version:
                raise NpmToolMissing(
                    f"npm install {name}@{version} failed: {result.stderr.strip()[-2000:]}"
                )
    return package_dir
