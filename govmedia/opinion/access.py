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
- data vendors: credentials kept by supervisors only (`may_manage_vendors`).
  A vendor may be bound to departments and/or plans: its posts then feed only
  those plans (the bound departments' plans and those of the departments under
  them, and the bound plans): `vendor_plan_ids`, `vendor_departments`; an
  event gets only those plans' departments from its posts, and its posts are
  shown only to who sees one of those departments (`posts_for`);
- the commands (`opinion_list --department`): what an analyst of that
  department would see, the department and those under it.

Every function taking ``who`` accepts a person (the admin), a `Department`
(the commands' ``--department``) or a `Vendor` (the push API, the worker):
`scope_of` turns each into the same thing, a set of department ids or None
for all of them, so the rule is written once.

`ScopedPolicy` and `SupervisorOnlyPolicy` are the Wagtail permission policies
built from these functions; the admin's views (admin_views.py), the actions,
the worker (processing.py) and the commands ask the functions directly.
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


Scope = set[int] | None  # department ids; None: all of them


def departments_under(ids) -> set[int]:
    """These departments and every department under them (orgs' tree)."""
    found: set[int] = set()
    for department in Department.objects.filter(pk__in=list(ids)):
        found |= department.descendant_ids()
    return found


def visible_departments(user: AnyUser) -> Scope:
    """The departments `user` may watch: None for all of them, else a set (maybe empty)."""
    if not _active(user):
        return set()
    if is_supervisor(user):
        return None
    if not user.has_perm(ANALYSE):
        return set()
    return departments_under(department_ids(user))


def _vendor_bindings(vendor) -> tuple[set[int], set[int]]:
    return (
        set(vendor.departments.values_list("pk", flat=True)),
        set(vendor.plans.values_list("pk", flat=True)),
    )


def vendor_plan_ids(vendor) -> set[int] | None:
    """The plans a vendor's posts may feed: None (not bound) for every plan."""
    from govmedia.opinion.models import MonitoringPlan

    departments, plans = _vendor_bindings(vendor)
    if not departments and not plans:
        return None
    under = departments_under(departments)
    return plans | set(
        MonitoringPlan.objects.filter(department_id__in=under).values_list("pk", flat=True)
    )


def vendor_departments(vendor) -> Scope:
    """The departments a vendor's posts are for: None (not bound) for all of them."""
    from govmedia.opinion.models import MonitoringPlan

    departments, plans = _vendor_bindings(vendor)
    if not departments and not plans:
        return None
    return departments_under(departments) | set(
        MonitoringPlan.objects.filter(pk__in=plans).values_list("department_id", flat=True)
    )


class _Installation:
    """The installation's own authority: the commands run without --department."""

    def __repr__(self) -> str:
        return "INSTALLATION"


INSTALLATION = _Installation()


def scope_of(who) -> Scope:
    """A person, a department (the commands' --department), a vendor or the installation."""
    from govmedia.opinion.models import Vendor

    if who is INSTALLATION:
        return None
    if isinstance(who, Department):
        return who.descendant_ids()
    if isinstance(who, Vendor):
        return vendor_departments(who)
    return visible_departments(who)


def may_use(user: AnyUser) -> bool:
    visible = visible_departments(user)
    return visible is None or bool(visible)


def can_analyse(user: AnyUser, department_id: int | None) -> bool:
    """Whether `user` handles this department's opinion work; None (no department): supervisors."""
    visible = visible_departments(user)
    if visible is None:
        return True
    return department_id is not None and department_id in visible


def _scoped(queryset: QuerySet, who) -> QuerySet:
    visible = scope_of(who)
    if visible is None:
        return queryset
    return queryset.filter(department_id__in=visible)


def plans_for(who) -> QuerySet:
    """The 监测方案 `who` may see and edit."""
    from govmedia.opinion.models import MonitoringPlan

    return _scoped(MonitoringPlan.objects.select_related("department", "analyst"), who)


def claims_for(who) -> QuerySet:
    """The 辟谣库 entries `who` may see and edit (claims without a department: supervisors)."""
    from govmedia.opinion.models import Claim

    return _scoped(Claim.objects.select_related("department"), who)


def events_for(who) -> QuerySet:
    """The events `who` may see: those concerning one of their departments."""
    from govmedia.opinion.models import Event

    visible = scope_of(who)
    if visible is None:
        return Event.objects.all()
    return Event.objects.filter(departments__in=visible).distinct()


def incidents_for(who) -> QuerySet:
    """The incidents `who` may see: those their departments answer for."""
    from govmedia.opinion.models import Incident

    return _scoped(Incident.objects.select_related("department"), who)


def hidden_vendor_ids(who) -> set[int]:
    """Vendors bound to departments none of which `who` sees: their posts are not shown."""
    from govmedia.opinion.models import Vendor

    visible = scope_of(who)
    if visible is None:
        return set()
    hidden = set()
    for vendor in Vendor.objects.prefetch_related("departments", "plans"):
        scope = vendor_departments(vendor)
        if scope is not None and not scope & visible:
            hidden.add(vendor.pk)
    return hidden


def posts_for(who, posts: QuerySet) -> QuerySet:
    """Of these posts, those `who` may read: not those of a vendor bound to other departments."""
    hidden = hidden_vendor_ids(who)
    return posts.exclude(vendor_id__in=hidden) if hidden else posts


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
