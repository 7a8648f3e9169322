"""Periodic jobs of the publishing module (registered in core.apps)."""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page, Revision

logger = logging.getLogger(__name__)


def publish_scheduled() -> str:
    """Publish revisions whose approved time has come; take expired objects offline.

    Wagtail's own `publish_scheduled` command does the same without a
    transaction and without re-checking: a worker killed inside it left a page
    live with no archive record, and two overlapping runs (a long run and the
    next tick) published one revision twice. Here each object is one
    transaction that first locks its row and checks it is still due, so the
    publication, its archive record, its deliveries and its search entry
    commit together, and a second run finds nothing left to do.
    """
    expired = sum(_expire(model, pk) for model, pk in _expired_objects())
    due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).order_by(
        "approved_go_live_at"
    )
    published = sum(_publish_due(pk) for pk in list(due.values_list("pk", flat=True)))
    return f"{published} published, {expired} expired"


def _expired_objects() -> list[tuple[type, int]]:
    models = [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    now = timezone.now()
    return [
        (model, pk)
        for model in models
        for pk in model.objects.filter(live=True, expire_at__lt=now)
        .order_by("expire_at")
        .values_list("pk", flat=True)
    ]


def _expire(model: type, pk: int) -> bool:
    with transaction.atomic():
        obj = (
            model.objects.select_for_update()
            .filter(pk=pk, live=True, expire_at__lt=timezone.now())
            .first()
        )
        if obj is None:
            return False
        if isinstance(obj, Page):
            obj = obj.specific
        obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
    return True


def _publish_due(revision_id: int) -> bool:
    with transaction.atomic():
        # The lock is the claim: an overlapping run waits here, then sees the
        # approval cleared by the publication and skips the revision.
        revision = (
            Revision.objects.select_for_update()
            .filter(pk=revision_id, approved_go_live_at__lt=timezone.now())
            .first()
        )
        if revision is None:
            return False
        revision.publish(log_action="wagtail.publish.scheduled")
    logger.info("scheduled revision %s published", revision_id)
    return True
