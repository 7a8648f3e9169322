"""Every request body is bounded, and refused from its declared length before anything reads it.

Django reads a POST body lazily, but the first middleware that touches
`request.POST` (the CSRF check does, for every form post) parses the whole
body, spooling files to disk. This middleware runs first and compares the
request's Content-Length with the limit of the view it is going to: a view
may declare its own (`body_limit`), the admin gets the largest admin upload
limit, every other public URL the limit of ordinary form fields. Django only
ever reads Content-Length bytes, so the declared length bounds what is read;
`govmedia run` also gives waitress a ceiling for the bodies it buffers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# Multipart boundaries, the CSRF token and the other fields beside the file.
FORM_OVERHEAD_BYTES = MB


def admin_upload_mb() -> int:
    """The largest file any admin page accepts (attachment, image or import), in MB."""
    return max(
        settings.GOVMEDIA_MAX_UPLOAD_MB,
        settings.GOVMEDIA_MAX_IMAGE_MB,
        settings.GOVMEDIA_MAX_IMPORT_MB,
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE // MB,
    )


def admin_limit_bytes() -> int:
    return admin_upload_mb() * MB + FORM_OVERHEAD_BYTES


def largest_limit_bytes() -> int:
    """The ceiling for the web server: no URL accepts more."""
    return max(
        admin_limit_bytes(),
        settings.GOVMEDIA_SEAL_VERIFY_MAX_MB * MB + FORM_OVERHEAD_BYTES,
        settings.GOVMEDIA_OPINION_PUSH_MAX_MB * MB,
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
    )


# Waitress buffers a whole body (to a temporary file) before the application
# sees it, and refuses a larger one itself, in English. Its ceiling is well
# above our largest limit, so that a person who picked a file somewhat too
# large gets our Chinese page, while a body far beyond every limit is not
# buffered at all.
SERVER_CEILING_FACTOR = 4


def server_ceiling_bytes() -> int:
    return SERVER_CEILING_FACTOR * largest_limit_bytes()


def body_limit(
    max_bytes: Callable[[], int], refuse: Callable[[HttpRequest], HttpResponse] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a view its own body limit and, optionally, its own refusal page."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view.body_limit = max_bytes  # type: ignore[attr-defined]
        view.refuse_oversized = refuse  # type: ignore[attr-defined]
        return view

    return decorate


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        length = declared_length(request)
        if not length:
            return None
        own_limit = getattr(view_func, "body_limit", None)
        if own_limit is not None:
            limit = own_limit()
            shown_mb = limit // MB
        elif request.path.startswith(reverse("wagtailadmin_home")):
            limit, shown_mb = admin_limit_bytes(), admin_upload_mb()
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            shown_mb = limit // MB
        if length <= limit:
            return None
        logger.warning(
            "refused a %d-byte request body to %s (limit %d bytes)", length, request.path, limit
        )
        # Later code (the refusal page, a middleware on the way out) sees an empty
        # form instead of parsing the body this refuses; Django has no public way.
        request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
        refuse = getattr(view_func, "refuse_oversized", None)
        if refuse is not None:
            return refuse(request)
        return render(
            request,
            "core/too_large.html",
            {"limit_mb": max(1, shown_mb)},
            status=413,
        )
