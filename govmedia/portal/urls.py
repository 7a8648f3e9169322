from django.contrib.sitemaps.views import sitemap
from django.urls import path

from govmedia.portal import views
from govmedia.portal.feeds import feed_views
from govmedia.portal.sitemaps import PageSitemap, robots_txt

app_name = "portal"

_feeds = feed_views()

urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("departments/", views.departments, name="departments"),
    path("annual-reports/", views.annual_reports, name="annual_reports"),
    path("site-map/", views.site_map, name="site_map"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("care/", views.care, name="care"),
    path("feeds/rss/", _feeds["feed_all_rss"], name="feed_all_rss"),
    path("feeds/atom/", _feeds["feed_all_atom"], name="feed_all_atom"),
    path(
        "feeds/department/<slug:key>/rss/",
        _feeds["feed_department_rss"],
        name="feed_department_rss",
    ),
    path(
        "feeds/department/<slug:key>/atom/",
        _feeds["feed_department_atom"],
        name="feed_department_atom",
    ),
    path("feeds/category/<int:key>/rss/", _feeds["feed_category_rss"], name="feed_category_rss"),
    path("feeds/category/<int:key>/atom/", _feeds["feed_category_atom"], name="feed_category_atom"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": PageSitemap}},
        name="sitemap",
    ),
]
