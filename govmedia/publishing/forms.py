"""The item editor's form: choices limited to what makes sense for the item's department."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm

from govmedia.orgs.models import ChannelStatus


class ItemPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from govmedia.publishing.models import ItemPage

        department = self._department()
        if "channels" in self.fields and department is not None:
            # Only the department's own accounts and columns that are still in use.
            self.fields["channels"].queryset = department.channels.filter(
                status=ChannelStatus.ACTIVE
            )
        if "interprets" in self.fields:
            # An interpretation (政策解读) links to a published policy document.
            policies = ItemPage.objects.live().filter(is_policy=True)
            if self.instance.pk:
                policies = policies.exclude(pk=self.instance.pk)
            self.fields["interprets"].queryset = policies.order_by("-publish_date")

    def _department(self):
        if self.instance.department_id:
            return self.instance.department
        parent = getattr(self, "parent_page", None)
        parent = parent.specific if parent is not None else None
        return getattr(parent, "department", None)
