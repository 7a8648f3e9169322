"""The web process loads the search segmenter as it starts; other commands do not pay for it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

LOADED = "from govmedia.portal import textsearch; print(textsearch.is_loaded())"


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "govmedia.settings"},
    )
    return result.stdout.strip().splitlines()[-1]


def test_the_wsgi_entry_point_loads_the_segmenter_before_the_first_request():
    # `govmedia run` serves `govmedia.wsgi.application`, as gunicorn or uwsgi would.
    assert _run(f"import govmedia.wsgi; {LOADED}") == "True"


def test_django_setup_alone_leaves_it_for_the_first_search():
    assert _run(f"import django; django.setup(); {LOADED}") == "False"
