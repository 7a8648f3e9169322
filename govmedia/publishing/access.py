"""Wagtail groups and page permissions derived from department memberships.

Memberships (orgs) are the source of truth; each department gets one group per
role, granted on its own catalogue page, so Wagtail's explorer and editor show
an editor only their own department's items. The groups and the department's
document collection are linked by key (`ManagedGroup`, `DepartmentCollection`):
groups an administrator makes by hand are never added to or taken from anyone,
and a renamed department keeps its groups and collection under the new name. Nobody holds `publish_page`:
publication happens only when the workflow's last step approves.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from govmedia.orgs.models import Department, Membership, Role
from govmedia.publishing.bootstrap import ensure_catalogue, ensure_department_page
from govmedia.publishing.models import DepartmentCollection, ManagedGroup

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


@transaction.atomic
def department_collection(department: Department) -> Collection:
    """The department's document collection, made (under its name) the first time it is asked for."""
    link = (
        DepartmentCollection.objects.filter(department=department)
        .select_related("collection")
        .first()
    )
    if link is not None:
        return link.collection
    root = Collection.get_first_root_node()
    collection = root.add_child(name=_free_name(Collection, department.name))
    DepartmentCollection.objects.create(department=department, collection=collection)
    return collection


def group_name(department: Department | None, role: str) -> str:
    label = Role(role).label
    return f"{department.name}·{label}" if department else f"全市·{label}"


def _free_name(model: type[Group] | type[Collection], name: str) -> str:
    """`name`, or `name` with a suffix when a group or collection made by hand already has it."""
    candidate, number = name, 1
    while model.objects.filter(name=candidate).exists():
        number += 1
        candidate = f"{name}（{number}）"
    return candidate


@transaction.atomic
def role_group(department: Department | None, role: str) -> Group:
    """The managed group of `role` in `department` (None: city-wide), with its permissions."""
    link = ManagedGroup.objects.filter(department=department, role=role).select_related("group")
    existing = link.first()
    if existing is not None:
        return existing.group
    group = Group.objects.create(name=_free_name(Group, group_name(department, role)))
    ManagedGroup.objects.create(group=group, department=department, role=role)
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
def rename_department_access(department: Department) -> None:
    """Give a renamed department's groups and collection its new name; their ids stay."""
    for link in ManagedGroup.objects.filter(department=department).select_related("group"):
        name = group_name(department, link.role)
        if link.group.name != name and not Group.objects.filter(name=name).exists():
            link.group.name = name
            link.group.save(update_fields=["name"])
    collection_link = (
        DepartmentCollection.objects.filter(department=department)
        .select_related("collection")
        .first()
    )
    if collection_link is not None and collection_link.collection.name != department.name:
        collection_link.collection.name = department.name
        collection_link.collection.save(update_fields=["name"])


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
    managed = Group.objects.filter(managed__isnull=False)
    user.groups.remove(*managed.exclude(pk__in=wanted))
    user.groups.add(*wanted)


def revoke_admin(user) -> None:
    """Called when a 管理员 membership is removed: no admin role left, no superuser rights."""
    if not Membership.objects.filter(user=user, role=Role.ADMIN).exists():
        user.is_superuser = user.is_staff = False
        user.save(update_fields=["is_superuser", "is_staff"])
