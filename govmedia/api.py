"""The JSON API under /api/v1/: one error shape, typed models, a committed OpenAPI schema."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from govmedia import __version__
from govmedia.publishing.api import router as publishing_router

api = NinjaAPI(
    title="govmedia API",
    version="1",
    description='政务新媒体运营与监管平台的开放接口。公开数据无需登录。错误一律返回 {"error": {"code", "message"}}。',
    urls_namespace="api-v1",
)
api.add_router("/", publishing_router)


def _error(request, status: int, code: str, message: str):
    return api.create_response(
        request, {"error": {"code": code, "message": message}}, status=status
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", "未找到请求的资源。")


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, "forbidden", str(exc) or "没有权限。")


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return _error(request, 400, "invalid", "; ".join(exc.messages))


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc):
    return _error(request, 422, "invalid_request", "请求参数不正确。")


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, exc.status_code, "error", str(exc))


@api.get("/version", tags=["meta"], summary="Platform version")
def version(request) -> dict[str, str]:
    return {"version": __version__}
