"""Nothing typed is lost when the admin session expires (logged out in another tab, timed out).

Wagtail answers an admin form posted without a session with a redirect to the
log-in page, and the browser drops what was typed. This middleware notices that
redirect for a form the browser navigated with, keeps the posted fields in the
database (`core.KeptForm`, never files) for `KEEP_FOR`, and sends the person to
log in with a message saying so. After logging in they land on the kept page,
which shows what was kept and re-posts it to the original address with a fresh
CSRF token once they confirm; the row is deleted when the re-post succeeds or
when they discard it.

Who the person was is known from `USER_COOKIE`, a signed cookie set on every
authenticated response; it outlives the session on purpose. A kept form
belongs to that user only: nobody else sees or restores it. Without the cookie
(a stranger, cookies cleared) nothing is kept. A post refused by the CSRF check
never reaches this far and is not kept: storing it could let another site plant
a form for someone to "restore".
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmedia.core.models import KeptForm

USER_COOKIE = "govmedia_admin_user"
USER_COOKIE_SALT = "govmedia.core.rescue"
USER_COOKIE_AGE = 30 * 24 * 3600
KEEP_FOR = timedelta(hours=24)
# A person rarely has more than a few forms open; beyond this the oldest go.
MAX_KEPT_PER_USER = 20
RESTORE_FIELD = "_govmedia_kept"
# Fields that only carry the form's machinery, not what the person typed.
_MACHINERY_SUFFIXES = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
# What the kept page calls the fields a person recognises.
FIELD_LABELS = {
    "title": "标题",
    "summary": "摘要",
    "body": "正文",
    "reason": "理由",
    "comment": "意见",
    "correction_note": "更正说明",
    "doc_number": "文号",
    "name": "名称",
    "note": "说明",
}
EXCERPT_CHARS = 300
# The editor's buttons post their name; its plain 保存草稿 posts none.
ACTION_LABELS = {
    "action-submit": "提交审核",
    "action-publish": "发布",
    "action-restart-workflow": "重新提交审核",
    "action-workflow-action": "审核操作",
    "action-cancel-workflow": "取消工作流",
    "action-unpublish": "撤下",
}


def login_paths() -> set[str]:
    paths = {reverse("wagtailadmin_login")}
    wagtail_login = getattr(settings, "WAGTAILADMIN_LOGIN_URL", None)
    if wagtail_login:
        paths.add(urlsplit(wagtail_login).path)
    return paths


def _is_login_redirect(response: HttpResponse) -> bool:
    if response.status_code not in (301, 302, 303):
        return False
    return urlsplit(response.get("Location", "")).path in login_paths()


def _is_form_navigation(request: HttpRequest) -> bool:
    # Background posts (the preview panel, editing-session pings) are fetches:
    # nobody is looking at their response, and their data is still in the page.
    mode = request.headers.get("Sec-Fetch-Mode")
    return mode in (None, "navigate") and request.headers.get("x-requested-with") is None


def _remembered_user(request: HttpRequest):
    try:
        user_id = request.get_signed_cookie(
            USER_COOKIE, salt=USER_COOKIE_SALT, max_age=USER_COOKIE_AGE
        )
    except (KeyError, signing.BadSignature):
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def _remember_user(request: HttpRequest, response: HttpResponse, user) -> None:
    try:
        # Re-signed at half its age, so it never lapses for someone who keeps working.
        known = request.get_signed_cookie(
            USER_COOKIE, salt=USER_COOKIE_SALT, max_age=USER_COOKIE_AGE // 2
        )
    except (KeyError, signing.BadSignature):
        known = None
    if known != str(user.pk):
        response.set_signed_cookie(
            USER_COOKIE,
            str(user.pk),
            salt=USER_COOKIE_SALT,
            max_age=USER_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def purge_expired() -> None:
    KeptForm.objects.filter(expires_at__lte=timezone.now()).delete()


def posted_fields(request: HttpRequest) -> list[list[str]]:
    return [
        [name, value]
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", RESTORE_FIELD)
        for value in values
    ]


def keep_form(request: HttpRequest, user, fields: list[list[str]]) -> KeptForm:
    kept = KeptForm.objects.create(
        user=user,
        path=request.get_full_path(),
        fields=fields,
        lost_files=sorted({f.name for f in request.FILES.values()}),
        expires_at=timezone.now() + KEEP_FOR,
    )
    purge_expired()
    stale = KeptForm.objects.filter(user=user).order_by("-created_at")[MAX_KEPT_PER_USER:]
    KeptForm.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    return kept


def kept_forms_of(user) -> list[KeptForm]:
    purge_expired()
    return list(KeptForm.objects.filter(user=user).order_by("-created_at"))


class KeepFormsOfExpiredSessionsMiddleware:
    """Keeps an admin form posted after the session expired; see the module docstring."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Only the admin: reading `request.user` loads the session, which would mark
        # every public page as varying with the cookie and spoil its caching.
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return response
        user = getattr(request, "user", None)
        if user is None:
            return response
        if user.is_authenticated:
            _remember_user(request, response, user)
            if request.method == "POST" and RESTORE_FIELD in request.POST:
                self._forget_restored(request, response, user)
            return response
        if (
            request.method == "POST"
            and _is_login_redirect(response)
            and _is_form_navigation(request)
        ):
            return self._keep(request, response)
        return response

    @staticmethod
    def _forget_restored(request: HttpRequest, response: HttpResponse, user) -> None:
        # Admin views answer a post that took effect with a redirect. Anything else
        # (the form shown again with errors, a locked page, a refusal) keeps the
        # row, so the text can still be restored or discarded later.
        if not 300 <= response.status_code < 400:
            return
        try:
            kept_id = uuid.UUID(request.POST[RESTORE_FIELD])
        except ValueError:
            return
        KeptForm.objects.filter(pk=kept_id, user=user).delete()

    @staticmethod
    def _keep(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        fields = posted_fields(request)
        if not fields and not request.FILES:
            # Nothing typed (log-out from a tab whose session had already gone).
            return response
        owner = _remembered_user(request)
        if owner is None:
            messages.error(
                request,
                "您的登录已过期，刚才提交的内容无法保存（本浏览器没有您的登录记录）。"
                "请重新登录后再填写。",
            )
            return response
        kept = keep_form(request, owner, fields)
        hours = int(KEEP_FOR.total_seconds() // 3600)
        messages.warning(
            request,
            f"您的登录已过期（可能已在其他窗口退出或长时间未操作）。刚才提交的内容没有丢失，"
            f"已暂存在服务器上，保留 {hours} 小时。请以 {owner.get_username()} 重新登录，"
            f"登录后可以查看并恢复这些内容。",
        )
        return redirect_to_login(
            reverse("govmedia_kept_form", args=[kept.pk]),
            login_url=reverse("wagtailadmin_login"),
        )


def _kept_for(request: HttpRequest, kept_id) -> KeptForm:
    purge_expired()
    kept = KeptForm.objects.filter(pk=kept_id, user=request.user).first()
    if kept is None:
        # Someone else's, restored already or expired: the same answer for all three.
        raise Http404("没有找到暂存的内容：可能已经恢复、已放弃或已过期。")
    return kept


def _text_of(value: str) -> str:
    # The rich-text editor posts its content as Draftail JSON; show its words.
    if value.startswith("{") and '"blocks"' in value:
        try:
            blocks = json.loads(value).get("blocks", [])
            return "\n".join(b.get("text", "") for b in blocks)
        except (ValueError, AttributeError):
            return value
    return value


def summary(kept: KeptForm) -> list[tuple[str, str]]:
    rows = []
    for name, value in kept.fields:
        if not value or name.endswith(_MACHINERY_SUFFIXES) or name.startswith("action-"):
            continue
        label = FIELD_LABELS.get(name)
        if label:
            text = _text_of(value)
            if len(text) > EXCERPT_CHARS:
                text = text[:EXCERPT_CHARS] + "……"
            rows.append((label, text))
    return rows


def action_of(kept: KeptForm) -> str:
    names = {name for name, _value in kept.fields}
    for name, label in ACTION_LABELS.items():
        if name in names:
            return label
    return "保存" if "/edit/" in kept.path or "/add/" in kept.path else "提交"


def kept_form(request: HttpRequest, kept_id) -> HttpResponse:
    kept = _kept_for(request, kept_id)
    return render(
        request,
        "core/kept_form.html",
        {
            "kept": kept,
            "summary": summary(kept),
            "action": action_of(kept),
            "restore_field": RESTORE_FIELD,
        },
    )


@require_POST
def discard_kept_form(request: HttpRequest, kept_id) -> HttpResponse:
    _kept_for(request, kept_id).delete()
    messages.success(request, "已放弃暂存的内容。")
    return redirect("wagtailadmin_home")
