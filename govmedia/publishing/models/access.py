"""Which Wagtail groups and collections the platform manages, linked by key.

Groups derived from memberships (one per department and role, and one
city-wide group per role that is not tied to a department) and each
department's document collection are found through these rows, never by
their names: a group an administrator makes by hand, whatever it is called,
is never touched, and a renamed department keeps its groups and collection
under their new names.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection

from govmedia.orgs.models import Department, Role


class ManagedGroup(models.Model):
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="managed")
    # None for a city-wide group (the supervisors see every department).
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="managed_groups",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("系统管理的用户组")
        verbose_name_plural = _("系统管理的用户组")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "role"],
                condition=Q(department__isnull=False),
                name="managed_group_one_per_department_role",
            ),
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(department__isnull=True),
                name="managed_group_one_citywide_per_role",
            ),
        ]

    def __str__(self) -> str:
        return self.group.name


class DepartmentCollection(models.Model):
    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="document_collection"
    )
    collection = models.OneToOneField(
        Collection, on_delete=models.CASCADE, related_name="department_link"
    )

    class Meta:
        verbose_name = _("机构文档集")
        verbose_name_plural = _("机构文档集")

    def __str__(self) -> str:
        return self.collection.name
