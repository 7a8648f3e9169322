"""Wagtail permission policies for the 机构与渠道 admin.

Departments and people are an administrator's (superuser's) business. Channels
are seen by supervisors everywhere and by editors in their own departments,
where editors may also add and change them; only administrators delete
(a channel that stops is marked 已关停 instead, so its history stays).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies import BasePermissionPolicy

from govmedia.orgs.models import Membership, Role
from govmedia.orgs.permissions import department_ids, is_supervisor

EDITOR_ACTIONS = {"view", "add", "change"}


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


class AdministratorOnlyPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return _active(user) and user.is_superuser

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, "any")

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


class ChannelPermissionPolicy(BasePermissionPolicy):
    def _editor_departments(self, user) -> set[int]:
        return department_ids(user, Role.EDITOR)

    def user_has_permission(self, user, action):
        if not _active(user):
            return False
        if user.is_superuser:
            return True
        if action == "view" and is_supervisor(user):
            return True
        return action in EDITOR_ACTIONS and bool(self._editor_departments(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if not _active(user):
            return False
        if user.is_superuser:
            return True
        if action == "view" and is_supervisor(user):
            return True
        return action in EDITOR_ACTIONS and instance.department_id in self._editor_departments(user)

    def instances_user_has_any_permission_for(self, user, actions):
        channels = self.model._default_manager.all()
        if not _active(user):
            return channels.none()
        if user.is_superuser or ("view" in actions and is_supervisor(user)):
            return channels
        if EDITOR_ACTIONS & set(actions):
            return channels.filter(department_id__in=self._editor_departments(user))
        return channels.none()

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        allowed = Q(is_superuser=True)
        roles = []
        if "view" in actions:
            roles += [Role.SUPERVISOR, Role.ADMIN]
        if EDITOR_ACTIONS & set(actions):
            roles.append(Role.EDITOR)
        if roles:
            allowed |= Q(pk__in=Membership.objects.filter(role__in=roles).values("user_id"))
        return users.filter(allowed).distinct()
