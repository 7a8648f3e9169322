"""A worker SIGKILLed in the middle of a WeChat publish, restarted: exactly one article.

The installation is real and separate (as in test_faults.py): its own
database, `govmedia setup`, `python -m govmedia.cli worker` processes. The
fake WeChat server runs in this test's process on loopback; the worker
reaches it through the channel's credentials (`api_base`). The fake is told
to hold one call after doing its work, so the worker is killed at a known
point: after the platform made the draft, after it accepted the submit, or
after it reported the article published, each before the worker could save
what it heard.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from govmedia.publishing.clients.fake_wechat import FakeWeChat
from govmedia.publishing.tests.test_faults import PYTHON, ROOT, installed
from govmedia.publishing.tests.test_faults import _run as faults_run

pytestmark = pytest.mark.slow

SCRIPT = "govmedia.publishing.tests.wechat_fault_script"


def _run(env: dict[str, str], *args: str) -> str:
    # `govmedia setup` and a worker's start can take minutes on a busy machine.
    return faults_run(env, *args, timeout=1200)


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    # One installation for the three kill points: `govmedia setup` is the slow part.
    tmp_path = tmp_path_factory.mktemp("wechat-faults")
    extra = {
        "GOVMEDIA_EXTRA_PUBLISHERS": "govmedia.publishing.publishers.wechat.WeChatPublisher",
        "GOVMEDIA_JOB_INTERVALS": "publish_scheduled=1,retry_deliveries=2,recover_tasks=2",
    }
    with installed(tmp_path, "wxfaults", extra, setup_timeout=1200) as env:
        yield env


@pytest.mark.parametrize(
    "held, title",
    [
        # the draft exists on the platform, its media_id unsaved
        ("/cgi-bin/draft/add", "关于做好秋季学期开学准备工作的通知"),
        # the publish task exists, its publish_id unsaved
        ("/cgi-bin/freepublish/submit", "关于开展校园安全隐患排查的通知"),
        # the article is out, the delivery not yet "sent"
        ("/cgi-bin/freepublish/get", "关于公布2026年义务教育招生结果的公告"),
    ],
)
def test_a_worker_killed_mid_publish_yields_exactly_one_article(
    installation: dict[str, str], tmp_path: Path, held: str, title: str
):
    env = installation
    with FakeWeChat() as fake:
        _run(env, "-m", SCRIPT, "seed", fake.url, fake.appid, fake.secret, title)
        fake.hold(held)
        log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(
            [PYTHON, "-m", "govmedia.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            assert fake.held.wait(120), (tmp_path / "worker.log").read_text()[-3000:]
            os.kill(worker.pid, signal.SIGKILL)
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
            log.close()
            fake.release()

        before = json.loads(_run(env, "-m", SCRIPT, "state", title).splitlines()[-1])
        assert [row["status"] for row in before] == ["sending"]

        # A new worker takes back what the dead one held and finishes it.
        time.sleep(3.5)  # the lease, so the dead worker counts as gone whatever the host says
        _run(env, "-m", "govmedia.cli", "worker", "--once")
        after = json.loads(_run(env, "-m", SCRIPT, "state", title).splitlines()[-1])

        [delivery] = after
        assert delivery["status"] == "sent", delivery
        articles = fake.published()
        assert len(articles) == 1
        assert delivery["external_id"] == articles[0]["article_id"]
        assert delivery["external_url"] == articles[0]["url"]
        assert len(fake.calls("/cgi-bin/draft/add")) == 1
        assert len(fake.calls("/cgi-bin/freepublish/submit")) == 1
