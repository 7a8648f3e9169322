from __future__ import annotations

import posixpath

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse
from django.views.static import serve


def healthz(request):
    """For load balancers and monitoring: the web process answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason: str = ""):
    """A public form refused by the CSRF check hands what was typed back to its page.

    The usual cause is innocent: the page stayed open past the token's life, or
    the browser keeps no cookies. Django's own 403 page would lose every typed
    word. A view that can show its form again marks itself with a
    `csrf_rescue(request, *args, **kwargs)` attribute; it must re-render the
    form with the typed values, a fresh token and no action taken (so a form
    planted by another site is only ever shown to the person, never acted on).
    Everything else but the API (Django's page, as before) gets a plain Chinese page that
    says nothing was saved and how to get the typed text back (the browser's
    back button), never Django's English-minded page that points at DEBUG.
    """
    from django.shortcuts import render
    from django.urls import Resolver404, resolve, reverse
    from django.views.csrf import csrf_failure as django_csrf_failure

    if request.method == "POST" and not request.path.startswith(("/admin/", "/api/")):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        rescue = getattr(match.func, "csrf_rescue", None) if match else None
        if rescue is not None:
            return rescue(request, *match.args, **match.kwargs)
    if request.path.startswith("/api/"):
        return django_csrf_failure(request, reason)
    login = reverse("wagtailadmin_login")
    admin = request.path.startswith("/admin/")
    # Back to the refused form's page after logging in again (not to the log-in form itself).
    again = request.path if admin and request.path != login else "/admin/"
    return render(
        request,
        "core/csrf_failed.html",
        {"admin": admin, "login": login, "again": again},
        status=403,
    )


# The folders of MEDIA_ROOT the application serves: Wagtail's original images,
# their renditions and staff avatars. Never documents/ (attachments of drafts and
# withdrawn items, served by /documents/ under the download rule).
PUBLIC_MEDIA_FOLDERS = frozenset({"images", "original_images", "avatar_images"})


def media(request, path: str):
    """An uploaded image from MEDIA_ROOT, when its folder is a public one.

    The path is normalised first, so `images/../documents/…` (or its
    percent-encoded form) names documents/ and is refused.
    """
    clean = posixpath.normpath(path).lstrip("/")
    if clean.split("/", 1)[0] not in PUBLIC_MEDIA_FOLDERS:
        raise Http404
    return serve(request, clean, document_root=settings.MEDIA_ROOT)
