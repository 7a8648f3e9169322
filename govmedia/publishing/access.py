"""Wagtail groups and page permissions derived from department memberships.

Memberships (orgs) are the source of truth; each department gets one group per
role, granted on its own catalogue page, so Wagtail's explorer and editor show
an editor only their own department's items. Nobody holds `publish_page`:
publication happens only when the workflow's last step approves.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from govmedia.orgs.models import Department, Membership, Role
from govmedia.publishing.bootstrap import ensure_catalogue, ensure_department_page

# Page permissions per role on the department's page (or, for supervisors, the catalogue).
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    Role.EDITOR: ["add_page", "change_page"],
    Role.REVIEWER: ["change_page", "lock_page"],
    Role.APPROVER: ["change_page", "lock_page"],
    # lock_page makes every item visible in the explorer without the right to edit it.
    Role.SUPERVISOR: ["lock_page"],
}
ADMIN_ACCESS = ("wagtailadmin", "access_admin")
# Attachments live in one Wagtail collection per department; editors add and
# choose there, reviewers and approvers may replace a wrong file.
ROLE_DOCUMENT_PERMISSIONS: dict[str, list[str]] = {
    Role.EDITOR: ["add_document", "change_document", "choose_document"],
    Role.REVIEWER: ["change_document", "choose_document"],
    Role.APPROVER: ["choose_document"],
}


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def department_collection(department: Department) -> Collection:
    collection = Collection.objects.filter(name=department.name).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=department.name)
    return collection


def group_name(department: Department | None, role: str) -> str:
    label = Role(role).label
    return f"{department.name}·{label}" if department else f"全市·{label}"


@transaction.atomic
def role_group(department: Department | None, role: str) -> Group:
    group, created = Group.objects.get_or_create(name=group_name(department, role))
    if created:
        group.permissions.add(_permission(*ADMIN_ACCESS))
        if department is not None:
            collection = department_collection(department)
            for codename in ROLE_DOCUMENT_PERMISSIONS.get(role, []):
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=collection,
                    permission=_permission("wagtaildocs", codename),
                )
        page = (
            ensure_catalogue()
            if department is None or role == Role.SUPERVISOR
            else ensure_department_page(department)
        )
        for codename in ROLE_PAGE_PERMISSIONS.get(role, []):
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_permission("wagtailcore", codename)
            )
    return group


@transaction.atomic
def sync_user_groups(user) -> None:
    """Make `user`'s groups exactly those their memberships call for."""
    wanted: set[int] = set()
    memberships = list(Membership.objects.filter(user=user).select_related("department"))
    is_admin = any(m.role == Role.ADMIN for m in memberships)
    # The 管理员 role grants superuser rights. Taking them away is left to
    # `revoke_admin`, on the removal of that role, so a superuser made with
    # `createsuperuser` keeps their rights when given an ordinary role.
    if is_admin and not (user.is_superuser and user.is_staff):
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    for membership in memberships:
        if membership.role == Role.ADMIN:
            continue
        department = None if membership.role == Role.SUPERVISOR else membership.department
        wanted.add(role_group(department, membership.role).pk)
    managed = Group.objects.filter(name__contains="·")
    user.groups.remove(*managed.exclude(pk__in=wanted))
    user.groups.add(*wanted)


def revoke_admin(user) -> None:
    """Called when a 管理员 membership is removed: no admin role left, no superuser rights."""
    if not Membership.objects.filter(user=user, role=Role.ADMIN).exists():
        user.is_superuser = user.is_staff = False
        user.save(update_fields=["is_superuser", "is_staff"])
