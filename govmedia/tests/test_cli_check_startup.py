"""`govmedia check` starts Django only when an installation's database lists are wanted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from govmedia.cli import check_needs_django, main

REPO = Path(__file__).resolve().parents[2]
DRIVER = (
    "import sys; from govmedia.cli import main; code = main(sys.argv[1:]); "
    "sys.stderr.write(f'django imported: {\"django\" in sys.modules}; '"
    'f\'httpx or bs4 imported: {"httpx" in sys.modules or "bs4" in sys.modules}\'); '
    "sys.exit(code)"
)


def _run_check(
    tmp_path: Path, *argv: str, text: str = "请按装好设备,谢谢", **env: str
) -> subprocess.CompletedProcess:
    environ = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environ.update(
        GOVMEDIA_DATA_DIR=str(tmp_path / "data"),
        GOVMEDIA_CHECKS_CACHE_DIR=str(tmp_path / "cache"),
        PYTHONPATH=str(REPO),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", DRIVER, "check", *argv],
        input=text.encode(),
        capture_output=True,
        cwd=REPO,
        env=environ,
        timeout=60,
    )


def test_without_an_installation_check_runs_without_importing_django(tmp_path):
    result = _run_check(tmp_path, "--no-links", "-")
    assert result.returncode == 0, result.stderr
    assert "“按装” → 安装" in result.stdout.decode()
    assert "django imported: False" in result.stderr.decode()
    # A plain text with no link needs neither the HTML parser nor the HTTP client.
    assert "httpx or bs4 imported: False" in result.stderr.decode()
    assert not (tmp_path / "data").exists()  # nothing created either


def test_no_db_keeps_django_out_even_with_an_installation(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "govmedia.sqlite3").touch()
    result = _run_check(tmp_path, "--no-links", "--no-db", "--fix", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "请按装好设备，谢谢"
    assert "django imported: False" in result.stderr.decode()


def test_environment_settings_apply_without_django(tmp_path):
    result = _run_check(
        tmp_path,
        "--no-links",
        "-",
        text="请访问 http://old.example.cn/a",
        GOVMEDIA_CHECKS_FORBIDDEN_HOSTS="old.example.cn",
    )
    assert result.returncode == 1, result.stderr
    assert "old.example.cn" in result.stdout.decode()
    assert "django imported: False" in result.stderr.decode()


def test_an_installation_means_the_database_lists_are_wanted(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("GOVMEDIA_DATA_DIR", str(tmp_path))
    assert not check_needs_django(["-"])
    (tmp_path / "govmedia.sqlite3").touch()
    assert check_needs_django(["-"])
    assert not check_needs_django(["--no-db", "-"])
    assert not check_needs_django(["--help"])
    (tmp_path / "govmedia.sqlite3").unlink()
    monkeypatch.setenv("DATABASE_URL", "postgres://db.example/govmedia")
    assert check_needs_django(["a.txt"])


def test_check_help_is_the_checks_own_and_tells_of_fix_and_no_db(capsys):
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: govmedia check")
    for option in ("--fix", "--in-place", "--no-group", "--no-db"):
        assert option in out
