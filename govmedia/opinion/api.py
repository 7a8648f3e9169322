"""POST /api/v1/opinion/push: a data vendor delivers a batch of posts (docs/opinion.md "Push").

A plain view rather than a ninja operation: a batch may hold 100,000 posts,
and reading it with our own size limit (instead of Django's form limit) and
checking each post by hand is several times faster than a schema per post.
Answers use the API's one error shape.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from govmedia.core.api_errors import error_body
from govmedia.core.uploads import body_limit
from govmedia.opinion.ingest import accept_push
from govmedia.opinion.models import Vendor


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False}
    )


def _push_limit() -> int:
    return settings.GOVMEDIA_OPINION_PUSH_MAX_MB * 1024 * 1024


def _too_large(request: HttpRequest) -> JsonResponse:
    return _error(
        413, "too_large", f"请求体超过 {settings.GOVMEDIA_OPINION_PUSH_MAX_MB} MB，请分批推送。"
    )


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None when it is longer than `limit` bytes (read no further than that)."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


@csrf_exempt
@body_limit(_push_limit, _too_large)
@require_POST
def push(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    vendor = Vendor.for_token(token) if token else None
    if vendor is None:
        return _error(
            401, "unauthorized", "缺少或错误的供应商令牌（Authorization: Bearer <令牌>）。"
        )
    body = _read_body(request, _push_limit())
    if body is None:
        return _too_large(request)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(422, "invalid_json", "请求体不是合法的 UTF-8 JSON。")
    posts = data.get("posts") if isinstance(data, dict) else None
    if not isinstance(posts, list):
        return _error(422, "invalid_body", '请求体应为 {"posts": [...]}。')
    if len(posts) > settings.GOVMEDIA_OPINION_PUSH_MAX_POSTS:
        return _error(
            413,
            "too_many_posts",
            f"一次最多推送 {settings.GOVMEDIA_OPINION_PUSH_MAX_POSTS} 条帖子，本次 {len(posts)} 条，请分批推送。",
        )
    result = accept_push(vendor, posts)
    return JsonResponse(result.as_dict(), status=202, json_dumps_params={"ensure_ascii": False})
