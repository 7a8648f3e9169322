"""Listing filters whose choices follow what the user may see."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from govmedia.orgs.models import Channel, Department, Role
from govmedia.orgs.permissions import department_ids, is_supervisor


def visible_departments(request):
    if request is None:
        return Department.objects.none()
    user = request.user
    if user.is_superuser or is_supervisor(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=department_ids(user, Role.EDITOR))


class ChannelFilterSet(WagtailFilterSet):
    department = django_filters.ModelChoiceFilter(label=_("主办机构"), queryset=visible_departments)

    class Meta:
        model = Channel
        fields = ["department", "kind", "status"]
