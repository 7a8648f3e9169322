"""The tests write only into their session's own data directory, never into the checkout's var/,
and hash passwords with the fast hasher."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from govmedia.checks.lists import default_cache_dir
from govmedia.checks.service import cache_dir
from govmedia.devtools.pytest_plugin import changes, outside_data_dir, snapshot

ROOT = Path(__file__).resolve().parents[3]


def test_it_keeps_every_path_setting_inside_the_sessions_data_directory():
    data_dir = Path(settings.DATA_DIR)

    assert data_dir == Path(os.environ["GOVMEDIA_DATA_DIR"])
    assert not data_dir.is_relative_to(ROOT)
    assert outside_data_dir(settings) == []
    assert Path(settings.GOVMEDIA_SEAL_KEY_FILE).is_relative_to(data_dir)
    assert cache_dir().is_relative_to(data_dir)  # the engine's list cache
    assert default_cache_dir().is_relative_to(data_dir)  # the checks CLI's


def test_it_saves_uploads_in_the_sessions_data_directory():
    name = default_storage.save("isolation/upload.txt", ContentFile(b"x"))
    try:
        assert Path(default_storage.path(name)).is_relative_to(settings.DATA_DIR)
    finally:
        default_storage.delete(name)


def test_it_hashes_passwords_with_md5_in_every_test():
    from django.contrib.auth.hashers import get_hasher

    assert get_hasher().algorithm == "md5"


def test_it_names_files_created_changed_and_removed():
    before = {"kept": (1, 1), "changed": (1, 1), "removed": (1, 1)}
    after = {"kept": (1, 1), "changed": (2, 5), "created": (1, 9)}

    assert changes(before, after) == ["changed  changed", "created  created", "removed  removed"]


def test_it_leaves_out_the_database_a_running_server_writes(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "govmedia.sqlite3-wal").write_bytes(b"")

    assert set(snapshot(tmp_path)) == {"media/a.pdf"}


def test_it_fails_a_run_whose_tests_write_into_the_checkouts_var(tmp_path):
    # A checkout of its own (a pytest.ini and a test file in tmp_path), so the
    # real checkout's var/ is not touched by this test either.
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nDJANGO_SETTINGS_MODULE = govmedia.settings\n", encoding="utf-8"
    )
    (tmp_path / "test_writes.py").write_text(
        textwrap.dedent(
            """
            import os
            from pathlib import Path

            from django.conf import settings
            from django.core.files.base import ContentFile
            from django.core.files.storage import default_storage


            def test_an_upload_through_the_settings():
                default_storage.save("upload.txt", ContentFile(b"x"))


            def test_the_seal_key_of_the_session_not_the_developers():
                data_dir = os.environ["GOVMEDIA_DATA_DIR"]
                assert str(settings.GOVMEDIA_SEAL_KEY_FILE).startswith(data_dir)


            def test_a_stray_write():
                var = Path(__file__).parent / "var"
                var.mkdir(exist_ok=True)
                (var / "seal_ed25519.pem").write_text("not a key")
            """
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "GOVMEDIA_"))}
    env["PYTHONPATH"] = str(ROOT)
    env["GOVMEDIA_SEAL_KEY_FILE"] = str(tmp_path / "developers-seal.pem")  # dropped for the run
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist"]
        + ["-p", "govmedia.devtools.pytest_plugin", "-c", "pytest.ini", "test_writes.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 1, done.stdout + done.stderr
    assert "3 passed" in done.stdout
    assert "the tests changed" in done.stdout
    assert "created  seal_ed25519.pem" in done.stdout
    assert "upload.txt" not in done.stdout  # saved in the session's data directory
    assert sorted(p.name for p in (tmp_path / "var").iterdir()) == ["seal_ed25519.pem"]
