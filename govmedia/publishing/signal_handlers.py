"""Keep derived state in step: Wagtail groups with memberships, archive and channels with publication."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from govmedia.orgs.models import Department, Membership
from govmedia.publishing import events


@receiver([post_save, post_delete], sender=Membership)
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    from govmedia.publishing.access import revoke_admin, sync_user_groups

    if kwargs.get("signal") is post_delete and instance.role == "admin":
        revoke_admin(instance.user)
    sync_user_groups(instance.user)


@receiver(post_save, sender=Department)
def department_saved(sender, instance: Department, created: bool, **kwargs) -> None:
    if created or kwargs.get("raw"):
        return
    from govmedia.publishing.access import rename_department_access
    from govmedia.publishing.bootstrap import retitle_department_page

    rename_department_access(instance)
    retitle_department_page(instance)


def _is_item(instance) -> bool:
    from govmedia.publishing.models import ItemPage

    return isinstance(instance, ItemPage)


def _went_live(instance, revision) -> bool:
    """Whether a page_published signal means the revision is now public.

    Wagtail sends the signal for scheduling too (a go-live time in the future),
    when the page keeps its old live revision or none.
    """
    return bool(instance.live and revision is not None and instance.live_revision_id == revision.pk)


def _published(sender, instance, revision=None, **kwargs) -> None:
    if _is_item(instance):
        from govmedia.publishing.actions import on_item_published

        if kwargs.get("alias") or not _went_live(instance, revision):
            return
        on_item_published(instance, revision, user=_publishing_user(revision))
        events.send_on_commit(events.item_published, instance, revision=revision)


def _publishing_user(revision):
    """Who let the text out: the last approver of this revision, else its author."""
    if revision is None:
        return None
    from wagtail.models import TaskState

    state = (
        TaskState.objects.filter(
            revision=revision, status=TaskState.STATUS_APPROVED, finished_by__isnull=False
        )
        .order_by("-finished_at")
        .first()
    )
    return state.finished_by if state else revision.user


def _unpublished(sender, instance, **kwargs) -> None:
    if _is_item(instance):
        from govmedia.publishing.actions import on_item_unpublished

        # Wagtail's signal does not say who unpublished: a withdrawal by a
        # person has filed itself by now; what is left here is the system's.
        on_item_unpublished(instance)
        events.send_on_commit(events.item_withdrawn, instance)


def connect_page_signals() -> None:
    from wagtail.signals import page_published, page_unpublished

    page_published.connect(_published, dispatch_uid="govmedia-item-published")
    page_unpublished.connect(_unpublished, dispatch_uid="govmedia-item-unpublished")


connect_page_signals()


def _worker_starting(sender, **kwargs) -> None:
    from govmedia.publishing.tasks import recover_deliveries

    recover_deliveries()


def connect_worker_signals() -> None:
    from govmedia.core.workers import worker_starting

    worker_starting.connect(_worker_starting, dispatch_uid="govmedia-recover-deliveries")


connect_worker_signals()
