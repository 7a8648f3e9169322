"""Admin for the portal's own records: annual disclosure reports are edited as snippets."""

from __future__ import annotations

from wagtail import hooks
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


@hooks.register("is_public_document")
def annual_report_files_are_public(document) -> bool:
    # The annual reports page links a published report's file; publishing's
    # download rule knows only items, so the portal vouches for these.
    return AnnualReport.objects.filter(document=document, published_at__isnull=False).exists()
