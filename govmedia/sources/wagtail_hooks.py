"""The 信息源 admin menu: sources with their entries and probes."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from govmedia.core.admin_columns import yes_no_column
from govmedia.sources import views
from govmedia.sources.forms import SourceForm
from govmedia.sources.models import Source


class SourceViewSet(ModelViewSet):
    model = Source
    name = "sources"
    url_prefix = "sources"
    icon = "rss"
    menu_label = _("信息源")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = views.SourceIndexView
    add_view_class = views.SourceCreateView
    edit_view_class = views.SourceEditView
    inspect_view_class = views.SourceInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = SourceForm.Meta.fields
    list_per_page = 50
    list_display = [
        "name",
        "kind",
        "url",
        Column("status_summary", label=_("状态"), accessor="status_summary", sort_key="status"),
        "last_run_at",
        Column("last_error_short", label=_("最近错误"), accessor="last_error_short"),
        Column("entry_count", label=_("条目数"), accessor="entry_count", sort_key="entry_count"),
        "next_run_at",
        yes_no_column(Source, "enabled"),
    ]
    list_filter = ["kind", "status", "enabled"]
    search_fields = ["name", "url"]
    list_export = [
        "name",
        "get_kind_display",
        "url",
        "get_status_display",
        "last_run_at",
        "last_ok_at",
        "last_error",
        "consecutive_failures",
        "next_run_at",
    ]
    export_headings = {"get_kind_display": _("类型"), "get_status_display": _("状态")}
    export_filename = "sources"

    def get_form_class(self, for_update=False):
        return SourceForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/run/", views.run_now, name="run"),
            path("<int:pk>/status.json", views.status_json, name="status"),
            path("<int:pk>/upload/", views.upload, name="upload"),
        ]


@hooks.register("register_admin_viewset")
def register_sources_viewset():
    return SourceViewSet()
