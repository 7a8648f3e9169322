"""Audit records of role grants and removals and of channel status changes.

Written from model signals, so every path that changes a membership or a
channel is recorded: the people admin, the .xlsx import, commands, the demo
data. Who did it comes from Wagtail's log context (every admin request has
one); without one the entry is the system's. Role entries are logged on the
person, so they show in the person's history (人员 → 历史) and in
报告 → 站点历史; channel entries on the channel.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from govmedia.core.audit import log_state_change
from govmedia.orgs.models import Channel, ChannelStatus, Membership, Person, Role

ROLE_GRANT = "govmedia.role_grant"
ROLE_REVOKE = "govmedia.role_revoke"
CHANNEL_STATUS = "govmedia.channel_status"


def role_label(department_name: str, role: str) -> str:
    return f"{department_name}·{Role(role).label}"


def _person(user_id: int) -> Person | None:
    return Person.objects.filter(pk=user_id).first()


def _log_role(action: str, user_id: int, department_name: str, role: str) -> None:
    person = _person(user_id)
    if person is None:
        return
    label = role_label(department_name, role)
    before, after = ("", label) if action == ROLE_GRANT else (label, "")
    log_state_change(
        person, action, before=before, after=after, department=department_name, role=role
    )


@receiver(pre_save, sender=Membership)
def remember_previous_role(sender, instance: Membership, **kwargs) -> None:
    # Passed on the instance itself to post_save: a changed row is a removal and a grant.
    instance._audit_previous = (
        Membership.objects.filter(pk=instance.pk)
        .values_list("user_id", "department__name", "role")
        .first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Membership)
def log_role_granted(sender, instance: Membership, created: bool, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    current = (instance.user_id, instance.department.name, instance.role)
    previous = getattr(instance, "_audit_previous", None)
    if not created and previous == current:
        return
    if previous is not None:
        _log_role(ROLE_REVOKE, *previous)
    _log_role(ROLE_GRANT, *current)


@receiver(post_delete, sender=Membership)
def log_role_removed(sender, instance: Membership, **kwargs) -> None:
    _log_role(ROLE_REVOKE, instance.user_id, instance.department.name, instance.role)


@receiver(pre_save, sender=Channel)
def remember_previous_status(sender, instance: Channel, **kwargs) -> None:
    instance._audit_previous_status = (
        Channel.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=Channel)
def log_channel_status(sender, instance: Channel, created: bool, **kwargs) -> None:
    # A new channel is logged as created by the admin (wagtail.create); only changes here.
    previous = getattr(instance, "_audit_previous_status", None)
    if kwargs.get("raw") or created or previous is None or previous == instance.status:
        return
    log_state_change(
        instance,
        CHANNEL_STATUS,
        before=str(ChannelStatus(previous).label),
        after=str(ChannelStatus(instance.status).label),
        status_from=previous,
        status_to=instance.status,
    )
