"""Readers of what channels publish, shared by inspection and opinion monitoring.

The readers (``readers/``), the date parser (``dates.py``), the polite
fetcher (``fetch.py``) and the availability probe (``probe.py``) are plain
Python; the app around them keeps sources, entries and probes in the
database and runs them on the worker (``service.py``, ``tasks.py``).
"""
