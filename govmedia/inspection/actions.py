"""State changes of inspection, each one function (permission, transaction, audit)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from govmedia.core.audit import log_state_change
from govmedia.inspection.models import Notice
from govmedia.inspection.permissions import can_mark_rectified

NOTICE_RECTIFIED = "govmedia.inspection.notice_rectified"


def do_mark_rectified(notice_id: int, user: Any, note: str) -> Notice:
    """The department says it has fixed what the notice lists; the next round confirms it."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if not can_mark_rectified(user, notice.department_id):
            raise PermissionDenied
        if notice.status not in (Notice.Status.OPEN, Notice.Status.REOPENED):
            raise ValidationError("只有待整改或整改未通过的通知可以标记为已整改。")
        before = notice.get_status_display()
        notice.status = Notice.Status.RECTIFIED
        notice.rectified_at = timezone.now()
        notice.rectified_by = user
        notice.rectification_note = note.strip()
        notice.save(update_fields=["status", "rectified_at", "rectified_by", "rectification_note"])
        log_state_change(
            notice,
            NOTICE_RECTIFIED,
            before=before,
            after=notice.get_status_display(),
            user=user,
            note=notice.rectification_note,
        )
    return notice
