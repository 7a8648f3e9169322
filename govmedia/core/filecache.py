"""Django's file-based cache, making its directory on the first write instead of when opened."""

from __future__ import annotations

import os

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache


class LazyFileBasedCache(FileBasedCache):
    """Reading the settings creates nothing (core/env.py): `system-check` opens every
    cache, and Django's own backend would make its directory in the data
    directory there and then. `set` makes it when the first entry is written."""

    def __init__(self, dir, params):
        BaseCache.__init__(self, params)
        self._dir = os.path.abspath(dir)
