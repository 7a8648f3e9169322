"""The sections of ``govmedia check-eval``, one module each (see ``__init__``)."""

from __future__ import annotations

from types import ModuleType

from . import importguard, laws, privacy, sighan

# One line per section module; keep the list sorted by name.
SECTIONS: list[ModuleType] = [importguard, laws, privacy, sighan]
