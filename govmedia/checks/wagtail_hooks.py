"""The 内容检查 admin: word lists, the leader table and the findings kept per page."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from govmedia.checks import views
from govmedia.checks.models import ContentFinding, Official, WordListEntry
from govmedia.core.admin_columns import yes_no_column


class WordListEntryViewSet(ModelViewSet):
    model = WordListEntry
    name = "checks_words"
    url_prefix = "checks/words"
    icon = "list-ul"
    menu_label = _("词库")
    copy_view_enabled = False
    list_per_page = 100
    form_fields = [
        "term",
        "category",
        "subcategory",
        "severity",
        "suggestion",
        "boundary",
        "since",
        "exceptions",
        "note",
        "source",
        "enabled",
    ]
    list_display = [
        "term",
        "category",
        "subcategory",
        "severity",
        "suggestion",
        yes_no_column(WordListEntry, "enabled"),
        "updated_at",
    ]
    list_filter = ["category", "severity", "enabled", "subcategory"]
    search_fields = ["term", "suggestion", "note"]
    list_export = [
        "term",
        "category",
        "severity",
        "suggestion",
        "subcategory",
        "note",
        "boundary",
        "since",
        "exceptions",
        "source",
        "enabled",
    ]
    export_filename = "wordlist"
    add_view_class = views.WordCreateView
    edit_view_class = views.WordEditView


class OfficialViewSet(ModelViewSet):
    model = Official
    name = "checks_officials"
    url_prefix = "checks/officials"
    icon = "user"
    menu_label = _("领导职务")
    copy_view_enabled = False
    form_fields = ["name", "title", "organisation", "start_date", "end_date", "note"]
    list_display = ["name", "title", "organisation", "start_date", "end_date"]
    list_filter = ["organisation"]
    search_fields = ["name", "title", "organisation"]
    list_export = ["name", "title", "organisation", "start_date", "end_date", "note"]
    export_filename = "officials"


class ContentFindingViewSet(ModelViewSet):
    model = ContentFinding
    name = "checks_findings"
    url_prefix = "checks/findings"
    icon = "warning"
    menu_label = _("检查发现")
    add_view_enabled = False
    copy_view_enabled = False
    list_per_page = 50
    form_fields = ["state", "note"]
    list_display = ["text", "page", "category", "severity", "suggestion", "state", "created_at"]
    list_filter = ["category", "severity", "state"]
    search_fields = ["text", "suggestion", "rule"]
    list_export = [
        "page",
        "category",
        "severity",
        "text",
        "suggestion",
        "rule",
        "state",
        "created_at",
    ]
    export_filename = "findings"


class ChecksViewSetGroup(ModelViewSetGroup):
    menu_label = _("内容检查")
    menu_icon = "search"
    menu_order = 260
    submenu_hook = "register_checks_menu_item"
    items = (WordListEntryViewSet, OfficialViewSet, ContentFindingViewSet)


@hooks.register("register_log_actions")
def register_checks_log_actions(actions):
    from govmedia.checks.service import WORDLIST_IMPORT
    from govmedia.core.audit import StateChangeFormatter

    @actions.register_action(WORDLIST_IMPORT)
    class WordListImported(StateChangeFormatter):
        label = "导入词库"

        def detail(self, data):
            return (
                f"{data.get('source', '')}：新增 {data.get('created', 0)} 条，"
                f"更新 {data.get('updated', 0)} 条，跳过 {data.get('skipped', 0)} 行"
            )


@hooks.register("register_admin_viewset")
def register_checks_viewsets():
    return ChecksViewSetGroup()


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("checks.add_wordlistentry")


@hooks.register("register_checks_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("导入词库"), reverse("checks_import"), icon_name="upload", order=900)


@hooks.register("register_admin_urls")
def register_checks_urls():
    return [path("checks/import/", views.import_wordlist, name="checks_import")]
