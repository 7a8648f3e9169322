"""Who may see and act on what, by department and role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from govmedia.orgs.models import Membership, Role

AnyUser = AbstractBaseUser | AnonymousUser


def is_supervisor(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=[Role.SUPERVISOR, Role.ADMIN]).exists()


def department_ids(user: AnyUser, *roles: str) -> set[int]:
    """Departments in which `user` holds any of `roles` (all roles when none given)."""
    if not user.is_authenticated:
        return set()
    qs = Membership.objects.filter(user=user)
    if roles:
        qs = qs.filter(role__in=roles)
    return set(qs.values_list("department_id", flat=True))


def has_role(user: AnyUser, department_id: int, role: str) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, department_id=department_id, role=role).exists()
