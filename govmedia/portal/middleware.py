"""Tell caches that public pages differ with the 关怀版 cookie."""

from __future__ import annotations

from django.utils.cache import patch_vary_headers


class CareModeVaryMiddleware:
    """Add ``Vary: Cookie`` to HTML responses, so a proxy never serves the 关怀版 page to others."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("Cookie",))
        return response
