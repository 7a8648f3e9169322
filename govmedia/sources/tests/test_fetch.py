"""The polite fetcher against sites on loopback: encodings, size cap, redirects, 304, time-outs, retries."""

import threading
import time
import tracemalloc

import pytest

from govmedia.sources.fetch import FetchSettings, HostLimiter, PoliteFetcher, detect_encoding
from govmedia.sources.probe import probe
from govmedia.sources.readers.base import ReadError
from govmedia.sources.testing import FakeSite, healthy_site, serve, slow_site


def fetcher(**settings) -> PoliteFetcher:
    settings.setdefault("timeout", 5)
    settings.setdefault("backoff", 0.05)
    return PoliteFetcher(FetchSettings(**settings), limiter=HostLimiter(0))


@pytest.fixture
def site():
    site = healthy_site()
    with serve(site):
        yield site


def test_it_names_govmedia_in_its_user_agent(site):
    with fetcher(user_agent="govmedia/test") as f:
        f.get(site.base_url + "/")
    assert site.requests[-1][1]["user-agent"] == "govmedia/test"


@pytest.mark.parametrize("header_charset", [False, True])
def test_a_gbk_page_decodes_correctly(header_charset):
    site = FakeSite()
    # 镕, 堃 and 垚 are in GBK but not in GB2312: a page read as GB2312 would lose them.
    site.add_gbk_page("/gbk.html", header_charset=header_charset)
    with serve(site), fetcher() as f:
        page = f.get(site.base_url + "/gbk.html")
    assert page.encoding == "gb18030"
    assert "关于做好镕铖堃垚工作的通知" in page.text
    assert "\ufffd" not in page.text


def test_a_gbk_page_that_names_no_charset_is_detected():
    html = (
        "<html><body>"
        + "<p>示例市人民政府关于做好春季植树工作的通知，请各单位认真贯彻执行。</p>" * 20
        + "</body></html>"
    )
    assert detect_encoding(html.encode("gbk")) == "gb18030"
    assert detect_encoding(html.encode("utf-8")) == "utf-8"


def test_a_30_mb_page_is_refused_at_the_cap_quickly_and_with_bounded_memory():
    site = FakeSite()
    site.add_big_page("/big.html", megabytes=30)
    with serve(site), fetcher(max_bytes=10 * 1024 * 1024) as f:
        tracemalloc.start()
        started = time.monotonic()
        with pytest.raises(ReadError) as caught:
            f.get(site.base_url + "/big.html")
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert caught.value.code == "too_large"
    assert "10 MB" in caught.value.message_zh
    assert elapsed < 5
    # The cap plus the chunks in flight: never the 30 MB the server would send.
    assert peak < 16 * 1024 * 1024, peak


def test_a_declared_oversize_body_is_refused_before_it_is_read():
    site = FakeSite()
    site.add_big_page("/big.html", megabytes=30, declare_length=True)
    with serve(site), fetcher(max_bytes=1024 * 1024) as f:
        started = time.monotonic()
        with pytest.raises(ReadError) as caught:
            f.get(site.base_url + "/big.html")
    assert caught.value.code == "too_large"
    assert "30.0 MB declared" in caught.value.message
    assert time.monotonic() - started < 2


def test_a_redirect_loop_is_a_clear_error():
    site = FakeSite()
    site.add_redirect_loop("/loop/a", "/loop/b")
    with serve(site), fetcher() as f, pytest.raises(ReadError) as caught:
        f.get(site.base_url + "/loop/a")
    assert caught.value.code == "redirect_loop"
    assert "重定向形成循环" in caught.value.message_zh
    assert site.hits["/loop/a"] == 1 and site.hits["/loop/b"] == 1


def test_a_long_redirect_chain_stops_at_the_limit():
    site = FakeSite()
    for number in range(20):
        site.route(f"/r{number}", status=301, headers={"Location": f"/r{number + 1}"})
    with serve(site), fetcher(max_redirects=5) as f, pytest.raises(ReadError) as caught:
        f.get(site.base_url + "/r0")
    assert caught.value.code == "too_many_redirects"


def test_redirects_are_followed_to_the_final_address(site):
    site.route("/old/", status=302, headers={"Location": "/col/dongtai/index.html"})
    with fetcher() as f:
        page = f.get(site.base_url + "/old/")
    assert page.url == site.base_url + "/col/dongtai/index.html"
    assert "政务动态" in page.text


def test_a_304_round_trip(site):
    with fetcher() as f:
        first = f.get(site.base_url + "/rss.xml")
        again = f.get(site.base_url + "/rss.xml", etag=first.etag)
    assert first.etag and not first.not_modified
    assert again.not_modified and again.content == b""
    assert site.requests[-1][1]["if-none-match"] == first.etag


def test_a_site_that_answers_after_the_timeout_is_a_timeout():
    site = slow_site(delay=3)
    with serve(site), fetcher(timeout=0.5, retries=2) as f:
        started = time.monotonic()
        with pytest.raises(ReadError) as caught:
            f.get(site.base_url + "/")
    assert caught.value.code == "timeout"
    assert "0.5 秒内没有响应" in caught.value.message_zh
    # A read time-out is not retried: the worker is held once, not three times.
    assert time.monotonic() - started < 2
    assert site.hits["/"] == 1


def test_503_is_retried_with_back_off_honouring_retry_after(site):
    site.routes["/"].fail_times = 2
    site.routes["/"].fail_headers = {"Retry-After": "0"}
    with fetcher(retries=2) as f:
        page = f.get(site.base_url + "/")
    assert page.status == 200
    assert site.hits["/"] == 3


def test_retries_give_up_with_the_servers_status(site):
    site.routes["/"].fail_times = 10
    with fetcher(retries=1) as f, pytest.raises(ReadError) as caught:
        f.get(site.base_url + "/")
    assert caught.value.code == "http_status"
    assert "503" in caught.value.message_zh
    assert site.hits["/"] == 2


def test_a_retry_after_longer_than_the_cap_is_not_waited_for(site):
    site.routes["/"].fail_times = 5
    site.routes["/"].fail_headers = {"Retry-After": "3600"}
    with fetcher(retries=3, max_retry_after=2) as f:
        started = time.monotonic()
        with pytest.raises(ReadError):
            f.get(site.base_url + "/")
    assert time.monotonic() - started < 1
    assert site.hits["/"] == 1


def test_a_refused_connection_is_retried_then_reported():
    waits: list[float] = []
    f = PoliteFetcher(
        FetchSettings(timeout=2, retries=2, backoff=0.5), limiter=HostLimiter(0), sleep=waits.append
    )
    with f, pytest.raises(ReadError) as caught:
        f.get("http://127.0.0.1:9/")  # the discard port: nothing listens on loopback
    assert caught.value.code == "connection"
    assert waits == [0.5, 1.0]  # exponential back-off


def test_404_is_a_clear_error(site):
    with fetcher() as f, pytest.raises(ReadError) as caught:
        f.get(site.base_url + "/col/none/index.html")
    assert caught.value.message_zh.startswith("网站返回错误 404（页面不存在）")


def test_one_host_is_asked_at_most_once_per_interval_across_threads(site):
    limiter = HostLimiter(0.2)
    f = PoliteFetcher(FetchSettings(timeout=5), limiter=limiter)
    started = time.monotonic()
    threads = [threading.Thread(target=f.get, args=(site.base_url + "/",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    f.close()
    # Four requests: three waits of 0.2 s between them.
    assert time.monotonic() - started >= 0.6
    assert site.hits["/"] == 4


def test_the_probe_counts_a_fast_answer_as_available(site):
    with fetcher(timeout=15) as f:
        result = probe(site.base_url + "/", f)
    assert result.ok and result.status_code == 200 and result.error == ""


def test_the_probe_counts_a_slow_site_and_an_error_page_as_unavailable():
    site = slow_site(delay=2)
    with serve(site), fetcher(timeout=0.3) as f:
        slow = probe(site.base_url + "/", f, timeout=0.3)
        site.delay = 0
        missing = probe(site.base_url + "/gone.html", f, timeout=0.3)
    assert not slow.ok and slow.status_code is None and "没有响应" in slow.error
    assert not missing.ok and missing.status_code == 404


def test_the_probe_does_not_download_a_huge_home_page():
    site = FakeSite()
    site.add_big_page("/", megabytes=30)
    with serve(site), fetcher() as f:
        started = time.monotonic()
        result = probe(site.base_url + "/", f)
    assert result.ok
    assert time.monotonic() - started < 2
