"""The JSON API under /api/v1/: one error shape, typed models, a committed OpenAPI schema.

Every answer under /api/ is JSON, errors included (docs/api.md): an unknown
address or object is 404, a method an address does not take 405, a parameter
outside its documented type or range 422, and a fault of ours 500, each in the
shape of `core.api_errors`. HEAD is answered as GET without the body.

django-ninja turns the exceptions raised inside an operation into answers
through the handlers below; two answers never pass through them (the 405 of
an address's own view and the 404 of an address that matches nothing), so
`urls()` wraps each view and adds a catch-all for the rest of /api/.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from govmedia import __version__
from govmedia.core import api_errors
from govmedia.core.api_errors import error_body, error_responses
from govmedia.desk.api import router as desk_router
from govmedia.publishing.api import router as publishing_router

logger = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = "未找到请求的资源。"
INVALID_BODY = "invalid_body"

api = NinjaAPI(
    title="govmedia API",
    version="1",
    description=(
        "政务新媒体运营与监管平台的开放接口。公开数据无需登录，只读；政民互动接口（/desk/）可提交留言和依申请公开申请。"
        '错误一律返回 {"error": {"code", "message"}}：'
        "404 not_found（地址或对象不存在）、405 method_not_allowed（该地址不支持此请求方法）、"
        "422 invalid_request（参数类型或取值范围不符）、500 server_error。"
        "HEAD 请求与 GET 相同但不返回正文。分页参数 page_size 最大 100，超出返回 422。"
    ),
    urls_namespace="api-v1",
)
api.add_router("/", publishing_router)
api.add_router("/desk/", desk_router)


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    return api.create_response(request, error_body(code, message), status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, api_errors.NOT_FOUND, NOT_FOUND_MESSAGE)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, "forbidden", str(exc) or "没有权限。")


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return _error(request, 400, "invalid", "; ".join(exc.messages))


def _parameter_names(exc: NinjaValidationError) -> list[str]:
    names: list[str] = []
    for error in exc.errors:
        # loc is (source, name, ...): ("query", "page_size") or ("path", "index_number").
        loc = [str(part) for part in error.get("loc", ())[1:2]]
        if loc and loc[0] not in names:
            names.append(loc[0])
    return names


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc):
    names = _parameter_names(exc)
    message = f"请求参数不正确：{'、'.join(names)}。" if names else "请求参数不正确。"
    return _error(request, 422, api_errors.INVALID_REQUEST, message)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if exc.status_code == 400:
        # django-ninja's only 400: a request body that is not JSON (POST /desk/messages).
        return _error(request, 400, INVALID_BODY, "请求正文无法解析，应为 UTF-8 编码的 JSON。")
    return _error(request, exc.status_code, "error", str(exc))


@api.exception_handler(Exception)
def server_error(request, exc):
    # Handled here, so Django's own handler neither logs it nor renders its HTML page.
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return _error(request, 500, api_errors.SERVER_ERROR, "服务器内部错误，请稍后再试。")


@api.get(
    "/version",
    response={200: dict[str, str], **error_responses()},
    tags=["meta"],
    summary="Platform version",
)
def version(request) -> dict[str, str]:
    return {"version": __version__}


def _json_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False}
    )


def _not_found_response() -> JsonResponse:
    return _json_error(404, api_errors.NOT_FOUND, NOT_FOUND_MESSAGE)


def _payload_too_large(request: HttpRequest) -> JsonResponse:
    return _json_error(413, api_errors.PAYLOAD_TOO_LARGE, "请求正文过大。")


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _answer_in_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an API view: HEAD as GET without a body; a 404 or 405 of its own in the error shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        head = request.method == "HEAD"
        if head:
            # The operations are declared for GET; HEAD must answer what GET would.
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = _not_found_response()
        finally:
            if head:
                request.method = "HEAD"
        if response.status_code == 405 and not _is_json(response):
            allowed = response.get("Allow", "")
            if "GET" in allowed.split(", "):
                allowed += ", HEAD"
            response = _json_error(405, api_errors.METHOD_NOT_ALLOWED, "该地址不支持此请求方法。")
            response["Allow"] = allowed
        if head and not response.streaming:
            # The length GET would send, and no body (the WSGI server may not strip it).
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    # The API reads no body: an oversized one is refused in the error shape (core/uploads.py).
    wrapper.refuse_oversized = _payload_too_large  # type: ignore[attr-defined]
    return wrapper


@csrf_exempt
def unknown_address(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return _not_found_response()


def urls() -> tuple[list[URLPattern], str, str]:
    """The API's URL patterns for `include()`, each view wrapped by `_answer_in_json`."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _answer_in_json(pattern.callback)
    return patterns, app_name, namespace


def catch_all() -> URLPattern:
    """Everything else under /api/ (another version, a mistyped path): a JSON 404, never HTML."""
    return re_path(r"^api(?:/|$)", _answer_in_json(unknown_address), name="api-unknown")
