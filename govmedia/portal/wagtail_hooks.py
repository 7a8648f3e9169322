"""Admin for the portal's own records: annual disclosure reports are edited as snippets."""

from __future__ import annotations

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from govmedia.portal.models import AnnualReport


class AnnualReportViewSet(SnippetViewSet):
    model = AnnualReport
    icon = "doc-full"
    menu_label = "年度报告"
    list_display = ["title", "department", "year", "published_at"]
    list_filter = ["year"]
    add_to_admin_menu = False


register_snippet(AnnualReportViewSet)
