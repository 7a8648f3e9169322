"""Log-in throttling with django-axes: the client's address, the lock-out page, the audit trail.

django-axes counts failed log-ins (settings.py says per what) and refuses an
account or address that reached the limit until the cool-off has passed,
even with the right password. This module adds what axes leaves to the
project: which address a request came from behind our reverse proxy, a
lock-out page in Chinese, and for each failure and lock-out an English log
line and an entry in the audit log on the account (Wagtail's log, shown in
报告 → 站点历史). A name that is no account has no history to write to; its
failures are in the log lines and in axes' own tables.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.log_actions import log

logger = logging.getLogger(__name__)

ACTION_LOGIN_FAILED = "govmedia.login.failed"
ACTION_LOCKED_OUT = "govmedia.login.locked_out"


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS; it authenticates no one itself.

    A log-in without a request (a management command, the test client's
    `login()`) comes from no address and cannot be guessed at over HTTP, so it
    is let through to the next backend instead of being refused as axes does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):  # type: ignore[override]
        if request is None:
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            # Refused before the password was looked at: the attempt is no new
            # failure, and the lock-out axes announces again is no new lock-out.
            request.govmedia_login_refused = True
            raise


def client_address(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR, or the one our reverse proxy saw.

    Behind the proxy (GOVMEDIA_BEHIND_PROXY), REMOTE_ADDR is the proxy, and the
    client is the last entry of X-Forwarded-For: the one the proxy appended.
    Entries before it come from the client and could be forged.
    """
    if settings.GOVMEDIA_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def locked_out_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page a locked-out log-in gets, in place of the log-in form (AXES_LOCKOUT_CALLABLE)."""
    return render(
        request,
        "core/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": cooloff_minutes()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def _account(username: str) -> Any:
    if not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


def _username(credentials: dict[str, Any] | None) -> str:
    return str((credentials or {}).get(get_user_model().USERNAME_FIELD) or "")


def on_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    if request is None:
        return
    username = _username(credentials)
    address = client_address(request)
    refused = bool(getattr(request, "govmedia_login_refused", False))
    if refused:
        logger.warning(
            "refused log-in for account %r from %s: locked out after failed log-ins",
            username,
            address,
        )
    else:
        logger.warning("failed log-in for account %r from %s", username, address)
    account = _account(username)
    if account is not None:
        log(
            instance=account,
            action=ACTION_LOGIN_FAILED,
            user=None,
            data={"address": address, "refused": refused},
        )


def on_locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kwargs: Any
) -> None:
    if request is not None and getattr(request, "govmedia_login_refused", False):
        return
    limit, minutes = settings.AXES_FAILURE_LIMIT, cooloff_minutes()
    logger.warning(
        "locked out log-ins for account %r and address %s for %d minutes after %d failed log-ins",
        username,
        ip_address,
        minutes,
        limit,
    )
    account = _account(username or "")
    if account is not None:
        log(
            instance=account,
            action=ACTION_LOCKED_OUT,
            user=None,
            data={"address": ip_address, "failures": limit, "minutes": minutes},
        )


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.connect(on_login_failed, dispatch_uid="govmedia.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="govmedia.login_locked_out")
