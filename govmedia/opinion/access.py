"""Who sees and handles which department's opinion work: the one place every path asks.

Supervisors (监管员 and 管理员 roles, superusers) see and handle every
department. Anyone else needs the 舆情分析 permission (`opinion.analyse`,
given to a group in the admin) and then works on the departments they belong
to **and the departments under them** (a county's analyst watches its
townships), as orgs' tree goes and as the desk does (desk/access.py).

What follows that rule:

- events (through the departments they concern) and incidents (their
  责任机构): `visible_departments`, `can_analyse`;
- 监测方案 and the 辟谣库: `plans_for`, `claims_for` (what a person may see and
  edit; anything else is answered with 404), `may_edit_record`, and the
  departments a new one may belong to (`assignable_departments`). A claim
  without a department is the whole installation's: supervisors keep it;
- data vendors: installation-wide credentials, supervisors only
  (`may_manage_vendors`).

`ScopedPolicy` and `SupervisorOnlyPolicy` are the Wagtail permission policies
built from these functions; the admin's views (admin_views.py), the actions
and the commands ask the functions directly.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies import BasePermissionPolicy

from govmedia.orgs.models import Department, Membership, Role
from govmedia.orgs.permissions import AnyUser, department_ids, is_supervisor

ANALYSE = "opinion.analyse"


def _active(user: AnyUser) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def visible_departments(user: AnyUser) -> set[int] | None:
    """The departments `user` may watch: None for all of them, else a set (maybe empty)."""
    if not _active(user):
        return set()
    if is_supervisor(user):
        return None
    if not user.has_perm(ANALYSE):
        return set()
    ids: set[int] = set()
    for department in Department.objects.filter(pk__in=department_ids(user)):
        ids |= department.descendant_ids()
    return ids


def may_use(user: AnyUser) -> bool:
    visible = visible_departments(user)
    return visible is None or bool(visible)


def can_analyse(user: AnyUser, department_id: int | None) -> bool:
    """Whether `user` handles this department's opinion work; None (no department): supervisors."""
    visible = visible_departments(user)
    if visible is None:
        return True
    return department_id is not None and department_id in visible


def _scoped(queryset: QuerySet, user: AnyUser) -> QuerySet:
    visible = visible_departments(user)
    if visible is None:
        return queryset
    return queryset.filter(department_id__in=visible)


def plans_for(user: AnyUser) -> QuerySet:
    """The 监测方案 `user` may see and edit."""
    from govmedia.opinion.models import MonitoringPlan

    return _scoped(MonitoringPlan.objects.select_related("department", "analyst"), user)


def claims_for(user: AnyUser) -> QuerySet:
    """The 辟谣库 entries `user` may see and edit (claims without a department: supervisors)."""
    from govmedia.opinion.models import Claim

    return _scoped(Claim.objects.select_related("department"), user)


def events_for(user: AnyUser) -> QuerySet:
    """The events `user` may see: those concerning one of their departments."""
    from govmedia.opinion.models import Event

    visible = visible_departments(user)
    if visible is None:
        return Event.objects.all()
    return Event.objects.filter(departments__in=visible).distinct()


def incidents_for(user: AnyUser) -> QuerySet:
    """The incidents `user` may see: those their departments answer for."""
    from govmedia.opinion.models import Incident

    return _scoped(Incident.objects.select_related("department"), user)


def may_edit_record(user: AnyUser, record) -> bool:
    """A plan or a claim: may `user` see, change or delete it?"""
    return can_analyse(user, record.department_id)


def assignable_departments(user: AnyUser) -> QuerySet[Department]:
    """The departments a plan or claim made or changed by `user` may belong to."""
    visible = visible_departments(user)
    departments = Department.objects.filter(is_active=True)
    return departments if visible is None else departments.filter(pk__in=visible)


def assignable_analysts(user: AnyUser) -> QuerySet:
    """The people a plan of `user`'s may name as its analyst: members of their departments."""
    people = get_user_model().objects.filter(is_active=True)
    visible = visible_departments(user)
    if visible is None:
        return people
    return people.filter(
        pk__in=Membership.objects.filter(department_id__in=visible).values("user_id")
    )


def may_manage_vendors(user: AnyUser) -> bool:
    return _active(user) and is_supervisor(user)


def _supervisors() -> QuerySet:
    return get_user_model().objects.filter(
        Q(is_superuser=True)
        | Q(
            pk__in=Membership.objects.filter(role__in=[Role.SUPERVISOR, Role.ADMIN]).values(
                "user_id"
            )
        ),
        is_active=True,
    )


class ScopedPolicy(BasePermissionPolicy):
    """Plans and claims: any action for those who may use 舆情监测, on their departments' rows."""

    def user_has_permission(self, user, action):
        return _active(user) and may_use(user)

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, "any")

    def user_has_permission_for_instance(self, user, action, instance):
        return _active(user) and may_edit_record(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_permission_for_instance(user, "any", instance)

    def instances_user_has_any_permission_for(self, user, actions):
        return (
            _scoped(self.model._default_manager.all(), user)
            if may_use(user)
            else (self.model._default_manager.none())
        )

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def users_with_any_permission(self, actions):
        analysts = get_user_model().objects.filter(
            Q(
                user_permissions__codename="analyse",
                user_permissions__content_type__app_label="opinion",
            )
            | Q(
                groups__permissions__codename="analyse",
                groups__permissions__content_type__app_label="opinion",
            ),
            is_active=True,
        )
        return (_supervisors() | analysts).distinct()


class SupervisorOnlyPolicy(BasePermissionPolicy):
    """Data vendors hold installation-wide push tokens: supervisors keep them."""

    def user_has_permission(self, user, action):
        return may_manage_vendors(user)

    def user_has_any_permission(self, user, actions):
        return may_manage_vendors(user)

    def users_with_any_permission(self, actions):
        return _supervisors()
