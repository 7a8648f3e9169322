from __future__ import annotations

from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.components import Component

from govmedia.core import rescue


@hooks.register("register_admin_urls")
def urls():
    return [
        path("kept/<uuid:kept_id>/", rescue.kept_form, name="govmedia_kept_form"),
        path(
            "kept/<uuid:kept_id>/discard/",
            rescue.discard_kept_form,
            name="govmedia_discard_kept_form",
        ),
    ]


class KeptFormsPanel(Component):
    """On the dashboard: forms kept when the session expired, for whoever logs in another way."""

    name = "govmedia_kept_forms"
    order = 10
    template_name = "core/kept_forms_panel.html"

    def __init__(self, user) -> None:
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"kept_forms": rescue.kept_forms_of(self.user)}


@hooks.register("construct_homepage_panels")
def kept_forms_panel(request, panels):
    panels.insert(0, KeptFormsPanel(request.user))
