"""Content checks (内容检查).

The engine (``engine``, ``normalize``, ``matcher``, ``lists``, ``rules``, ``cli``)
is plain Python with no Django import, so it runs from the command line, in a
worker and in tests alike. The Django app around it (``models``, ``service``,
``wagtail_hooks``, management commands) stores word lists, leaders and findings.
"""
