"""`govmedia system-check --deploy` is clean with the production settings docs/deployment.md gives."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def documented_production_env() -> dict[str, str]:
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- production-env: begin -->\s*```\n(.*?)```\s*<!-- production-env: end -->",
        text,
        flags=re.DOTALL,
    )
    assert block, "docs/deployment.md lost its production-env block"
    env = {}
    for line in block.group(1).splitlines():
        name, _, value = line.partition("=")
        env[name.strip()] = value.strip()
    return env


def _deploy_check(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "govmedia.cli",
            "system-check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("GOVMEDIA_")},
            "GOVMEDIA_DATA_DIR": str(tmp_path),
            "TASKS_BACKEND": "database",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_settings_pass_every_deploy_check(tmp_path):
    env = documented_production_env()
    # The one placeholder an operator fills in.
    assert env["GOVMEDIA_SECRET_KEY"].startswith("<")
    env["GOVMEDIA_SECRET_KEY"] = secrets.token_urlsafe(50)
    result = _deploy_check(env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_defaults_are_reported_by_the_deploy_checks(tmp_path):
    # Not a production configuration, and the deploy check says why: no HSTS,
    # no redirect, cookies not secure (HSTS and the redirect are opt-in).
    result = _deploy_check({"GOVMEDIA_SECRET_KEY": secrets.token_urlsafe(50)}, tmp_path)
    assert result.returncode == 1
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in result.stderr
