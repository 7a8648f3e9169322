"""Every reader by its kind (see base.py for the interface)."""

from govmedia.sources.readers.base import Fetched, Fetcher, ReadEntry, Reader, ReadError, ReadResult

__all__ = ["Fetched", "Fetcher", "ReadEntry", "ReadError", "ReadResult", "Reader"]
