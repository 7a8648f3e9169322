import pytest


@pytest.fixture(autouse=True)
def _fast_sources(settings):
    # Loopback sites: no pause between requests, short time-outs, quick retries.
    settings.GOVMEDIA_SOURCES_HOST_INTERVAL = 0
    settings.GOVMEDIA_SOURCES_TIMEOUT = 2
    settings.GOVMEDIA_SOURCES_PROBE_TIMEOUT = 2
    settings.GOVMEDIA_SOURCES_BACKOFF = 0.01
