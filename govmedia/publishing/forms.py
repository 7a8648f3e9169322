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
        if "channels" in self.fields:
            self._mark_manual_channels(self.fields["channels"])
        if "interprets" in self.fields:
            # An interpretation (政策解读) links to a published policy document.
            policies = ItemPage.objects.live().filter(is_policy=True)
            if self.instance.pk:
                policies = policies.exclude(pk=self.instance.pk)
            self.fields["interprets"].queryset = policies.order_by("-publish_date")

    @staticmethod
    def _mark_manual_channels(field) -> None:
        """Say, at the choice itself, which channels are not published to automatically."""
        from govmedia.publishing.publishers import needs_manual_posting

        def label(channel) -> str:
            return f"{channel}（需人工发布）" if needs_manual_posting(channel) else str(channel)

        field.label_from_instance = label
        manual = [str(channel) for channel in field.queryset if needs_manual_posting(channel)]
        if manual:
            field.help_text = (
                "门户网站始终自动发布。以下渠道暂无自动发布接口，选中后发布时不会自动同步，"
                "将在“发布与档案”中列为人工待办，须由专人在该渠道发布并填写发布地址："
                + "、".join(manual)
                + "。"
            )

    def _department(self):
        if self.instance.department_id:
            return self.instance.department
        parent = getattr(self, "parent_page", None)
        parent = parent.specific if parent is not None else None
        return getattr(parent, "department", None)
