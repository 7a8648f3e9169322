"""Every request body is bounded: refused from its declared length, before anything reads it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
MB = 1024 * 1024
BOUNDARY = "govmediaBoundary"


def _small_multipart() -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="index"\r\n\r\n'
        "11000000MB0000002Y/2026-00001\r\n"
        f"--{BOUNDARY}--\r\n"
    ).encode()


def _post_declaring(client: Client, path: str, declared: int):
    # The test client's input raises if more is read than was sent: a body that
    # declares 60 MB but carries a few bytes proves the refusal read nothing.
    return client.generic(
        "POST",
        path,
        _small_multipart(),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(declared),
    )


@pytest.fixture
def browser_like_client():
    # Like a browser, it goes through the CSRF check, which is what reads a body.
    return Client(enforce_csrf_checks=True)


def test_the_verify_page_refuses_a_file_above_its_limit_without_reading_it(
    db, browser_like_client, settings
):
    settings.GOVMEDIA_SEAL_VERIFY_MAX_MB = 50
    response = _post_declaring(browser_like_client, "/seal/verify/", 60 * MB)
    page = response.content.decode()
    assert response.status_code == 413
    assert "文件超过 50 MB，无法核验。" in page
    assert "电子印章核验" in page and 'name="index"' in page  # the form, to try again


def test_the_verify_page_limit_follows_the_setting(db, browser_like_client, settings):
    settings.GOVMEDIA_SEAL_VERIFY_MAX_MB = 2
    response = _post_declaring(browser_like_client, "/seal/verify/", 4 * MB)
    assert response.status_code == 413
    assert "文件超过 2 MB，无法核验。" in response.content.decode()


def test_any_other_public_page_accepts_no_more_than_a_form(db, browser_like_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * MB
    response = _post_declaring(browser_like_client, "/", 11 * MB)
    page = response.content.decode()
    assert response.status_code == 413
    assert "提交的内容过大" in page and "超过 10 MB" in page


def test_the_admin_accepts_no_more_than_its_largest_upload(db, browser_like_client, settings):
    settings.GOVMEDIA_MAX_UPLOAD_MB = 50
    settings.GOVMEDIA_MAX_IMAGE_MB = 20
    settings.GOVMEDIA_MAX_IMPORT_MB = 20
    response = _post_declaring(browser_like_client, "/admin/documents/multiple/add/", 52 * MB)
    assert response.status_code == 413
    assert "超过 50 MB" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_client_declaring_a_huge_upload_is_answered_before_sending_it(live_server):
    # Over a real socket: the headers promise 500 MB, none of it is sent, and
    # the answer comes at once instead of the server waiting for the body.
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(
            (
                "POST /seal/verify/ HTTP/1.1\r\n"
                f"Host: {address.hostname}\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                f"Content-Length: {500 * MB}\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
        )
        answer = b""
        # Read the page, not until the connection closes: Django's test server
        # (unlike waitress) then waits to drain the promised body.
        while b"</html>" not in answer and (chunk := conn.recv(65536)):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert "无法核验" in body.decode()


def _raw_post(port: int, path: str, declared: int, send: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=90) as conn:
        conn.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                f"Content-Length: {declared}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        chunk = b"0" * MB
        for _ in range(send // MB):
            conn.sendall(chunk)
        answer = b""
        while data := conn.recv(65536):
            answer += data
    return answer


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_govmedia_run_answers_an_oversized_verify_upload_in_chinese(tmp_path):
    from govmedia.tests.test_run import _environment, _free_port

    port = _free_port()
    env = _environment(tmp_path)
    log = open(tmp_path / "run.log", "w+")  # noqa: SIM115 - closed in the finally below
    server = subprocess.Popen(
        [sys.executable, "-m", "govmedia.cli", "run", "--no-worker", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        # A file somewhat above the 50 MB limit: waitress takes it, our page refuses it.
        answer = _raw_post(port, "/seal/verify/", 60 * MB, 60 * MB)
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413"), head
        assert "文件超过 50 MB，无法核验。" in body.decode()
        # Far beyond every limit: waitress refuses it from the header, reading nothing.
        huge = _raw_post(port, "/seal/verify/", 10 * 1024 * MB, 0)
        assert huge.startswith(b"HTTP/1.1 413")
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            log.seek(0)
            pytest.fail("govmedia run did not stop on SIGTERM; its output:\n" + log.read()[-4000:])
        finally:
            log.close()
