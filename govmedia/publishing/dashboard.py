"""The admin home panel: what needs a person's attention in publishing."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Revision

from govmedia.core.models import PeriodicJob
from govmedia.orgs.permissions import department_ids, is_supervisor
from govmedia.publishing.models import (
    ChannelTodo,
    Delivery,
    DeliveryStatus,
    ItemPage,
    RetractStatus,
    TodoStatus,
)


def overdue_scheduled(now=None):
    """Approved revisions whose go-live time passed without being published."""
    now = now or timezone.now()
    grace = timedelta(seconds=2 * settings.GOVMEDIA_SCHEDULER_INTERVAL)
    return Revision.page_revisions.filter(
        approved_go_live_at__lt=now - grace,
        content_type=ContentType.objects.get_for_model(ItemPage),
    ).order_by("approved_go_live_at")


def worker_seems_down(now=None) -> bool:
    now = now or timezone.now()
    last = (
        PeriodicJob.objects.filter(name="publish_scheduled")
        .values_list("last_finished_at", flat=True)
        .first()
    )
    return last is None or last < now - timedelta(minutes=5)


def _visible(queryset, user):
    """Rows about items of the user's departments; supervisors and administrators see all."""
    if user is None or is_supervisor(user):
        return queryset
    item_ids = ItemPage.objects.filter(department_id__in=department_ids(user)).values_list(
        "pk", flat=True
    )
    return queryset.filter(page_id__in=item_ids)


def visible_failed_deliveries(user):
    failed = Delivery.objects.filter(status=DeliveryStatus.FAILED).select_related("page", "channel")
    return _visible(failed, user)


def visible_failed_retractions(user):
    failed = Delivery.objects.filter(retract_status=RetractStatus.FAILED).select_related(
        "page", "channel"
    )
    return _visible(failed, user)


def visible_open_todos(user):
    """Channel work waiting for a person: manual postings and manual retractions."""
    todos = ChannelTodo.objects.filter(status=TodoStatus.OPEN).select_related("page", "channel")
    return _visible(todos.order_by("created_at"), user)


class PublishingAttentionPanel(Component):
    name = "govmedia_publishing_attention"
    order = 50
    template_name = "publishing/admin/attention_panel.html"

    def get_context_data(self, parent_context=None):
        user = parent_context["request"].user if parent_context else None
        overdue = list(overdue_scheduled()[:20])
        for revision in overdue:
            revision.item = ItemPage.objects.filter(pk=revision.object_id).first()
        return {
            "overdue": overdue,
            "failed": visible_failed_deliveries(user)[:20],
            "failed_retractions": visible_failed_retractions(user)[:20],
            "todos": visible_open_todos(user)[:20],
            "worker_down": worker_seems_down(),
        }
