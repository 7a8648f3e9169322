"""The page cache: rendered public pages for anonymous readers, purged precisely.

Entries live in the "pages" cache alias (settings `CACHES`, from
GOVMEDIA_CACHE_URL). Instead of deleting entries, a change bumps a
*generation*: a token under a well-known key. Each entry stores the tokens of
what it depends on and is served only while all of them are still current:

- ``site``: the furniture every page shows (departments, categories, site
  settings, pages other than items); bumped when any of them changes;
- ``listings``: every page that lists items (home, catalogue, department
  sections, feeds, sitemap, search); bumped by every publication, correction
  and withdrawal of any item;
- ``item:<id>``: one item's own page; bumped by its publication, correction and
  withdrawal, and by those of an item that interprets it (its page lists them).

An item page depends on ``site`` and its ``item:<id>``, so publishing one item
leaves the other item pages cached; every other page depends on ``site`` and
``listings``.

No stale entry is ever stored: the generations are read before the page is
rendered, so a change committed during rendering makes the entry stale at
once. For an item page the item is known only after rendering; there a bump
of ``listings`` (sent before every item bump) while the page rendered means
the entry is not stored at all.

The middleware also answers conditional GETs (ETag, and Last-Modified where
the view sets it, as the feeds and the sitemap do) with 304 and marks public
responses `Cache-Control: public, max-age=GOVMEDIA_CACHE_MAX_AGE`, so a
reverse proxy or CDN may keep them briefly (docs/deployment.md).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

ALIAS = "pages"
SITE = "site"
LISTINGS = "listings"
CARE_COOKIE = "elder"
MESSAGES_COOKIE = "messages"
# Never cached: staff pages, the API (it has its own rules), files and the
# seal's verification pages, which must always answer from the archive itself.
PRIVATE_PREFIXES = (
    "/admin/",
    "/api/",
    "/documents/",
    "/static/",
    "/media/",
    "/seal/",
    "/care/",
    "/healthz",
)
CACHEABLE_STATUS = (200, 410)
# A query string longer than this is somebody's experiment, not a reader's link.
MAX_QUERY_LENGTH = 300


def item_key(item_id: int) -> str:
    return f"item:{item_id}"


def _gen_key(name: str) -> str:
    return f"gen:{name}"


def _new_token() -> str:
    return secrets.token_hex(8)


def enabled() -> bool:
    return settings.GOVMEDIA_PAGE_CACHE_SECONDS > 0


def bump(*names: str) -> None:
    """Make every entry depending on these generations stale, in the order given."""
    try:
        cache = caches[ALIAS]
        for name in names:
            cache.set(_gen_key(name), _new_token(), None)
    except Exception:
        # A cache that cannot be written cannot be trusted either: say so loudly.
        # Entries still expire after GOVMEDIA_PAGE_CACHE_SECONDS.
        logger.exception("page cache: could not purge %s", ", ".join(names))


def bump_items(item_ids: Iterable[int]) -> None:
    """An item was published, corrected or withdrawn: its page and every listing change."""
    # `listings` first: the middleware relies on it to refuse storing an item
    # page rendered while an item changed (see the module docstring).
    bump(LISTINGS, *(item_key(pk) for pk in item_ids))


def bump_site() -> None:
    bump(SITE)


def _current(cache: Any, names: list[str]) -> dict[str, str]:
    keys = [_gen_key(n) for n in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _new_token(), None)
            found[key] = cache.get(key)
    return {name: found[_gen_key(name)] for name in names}


def _is_public_request(request: HttpRequest) -> bool:
    if request.method != "GET" or request.path.startswith(PRIVATE_PREFIXES):
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        return False
    cookies = request.COOKIES
    # Somebody logged in (or in the middle of a message) sees their own page.
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _is_storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code not in CACHEABLE_STATUS or response.streaming:
        return False
    # A page with a form carries this reader's CSRF token: never anybody else's.
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _cache_key(request: HttpRequest) -> str:
    mode = "care" if request.COOKIES.get(CARE_COOKIE) == "1" else "normal"
    raw = f"{request.scheme}|{request.get_host()}|{mode}|{request.get_full_path()}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _item_of(response: HttpResponseBase) -> int | None:
    """The item whose own page (or withdrawal page) this is, if any."""
    from govmedia.publishing.models import ItemPage

    context = getattr(response, "context_data", None) or {}
    page = context.get("page") if isinstance(context, dict) else None
    return page.pk if isinstance(page, ItemPage) else None


def _conditional(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    last_modified = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )


class PageCacheMiddleware:
    """Serve anonymous GETs of public pages from the page cache; answer conditional GETs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _is_public_request(request):
            return self.get_response(request)
        if not enabled():
            response = self.get_response(request)
            if _is_storable(request, response):
                self._mark_public(response)
            return _conditional(request, response)
        try:
            cache = caches[ALIAS]
            key = _cache_key(request)
            hit = self._lookup(cache, key)
            if hit is not None:
                return _conditional(request, hit)
            before = _current(cache, [SITE, LISTINGS])
        except Exception:
            logger.exception("page cache unavailable; serving %s uncached", request.path)
            return self.get_response(request)
        response = self.get_response(request)
        if not _is_storable(request, response):
            return response
        self._mark_public(response)
        try:
            self._store(cache, key, response, before)
        except Exception:
            logger.exception("page cache: could not store %s", request.path)
        return _conditional(request, response)

    @staticmethod
    def _mark_public(response: HttpResponseBase) -> None:
        if not response.has_header("ETag"):
            set_response_etag(response)
        patch_cache_control(response, public=True, max_age=settings.GOVMEDIA_CACHE_MAX_AGE)

    @staticmethod
    def _lookup(cache: Any, key: str) -> HttpResponse | None:
        entry = cache.get(key)
        if entry is None:
            return None
        deps, status, headers, content = entry
        current = cache.get_many([_gen_key(name) for name in deps])
        if any(current.get(_gen_key(name)) != token for name, token in deps.items()):
            return None
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response

    @staticmethod
    def _store(cache: Any, key: str, response: HttpResponseBase, before: dict[str, str]) -> None:
        item_id = _item_of(response)
        if item_id is None:
            deps = before
        else:
            # Read the item's generation first and `listings` after: an item
            # changed while the page rendered has bumped `listings` by then.
            item = _current(cache, [item_key(item_id)])
            if _current(cache, [LISTINGS])[LISTINGS] != before[LISTINGS]:
                return
            deps = {SITE: before[SITE], **item}
        headers = [(name, value) for name, value in response.items() if name != "Set-Cookie"]
        entry = (deps, response.status_code, headers, response.content)
        cache.set(key, entry, settings.GOVMEDIA_PAGE_CACHE_SECONDS)
