from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from govmedia import api
from govmedia.core.views import healthz, media
from govmedia.desk import open311 as open311_urls
from govmedia.opinion.api import push as opinion_push

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before the API's own routes: a vendor's batch is read with its own size limit.
    path("api/v1/opinion/push", opinion_push, name="opinion-push"),
    path("api/v1/", api.urls()),
    path("open311/v2/", include(open311_urls)),
    api.catch_all(),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG or settings.GOVMEDIA_SERVE_MEDIA:
    from django.urls import re_path

    # Uploaded images and their renditions (GOVMEDIA_SERVE_MEDIA, on by default;
    # a proxy may serve them instead), never documents/: attachments go through
    # /documents/, where the download rule applies (publishing/attachments.py).
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media)]

urlpatterns += [
    path("hudong/", include("govmedia.desk.urls")),
    path("", include("govmedia.publishing.urls")),
    path("", include("govmedia.portal.urls")),
    path("", include(wagtail_urls)),
]
