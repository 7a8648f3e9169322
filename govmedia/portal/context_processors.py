from django.conf import settings


def portal(request):
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "elder_mode": request.COOKIES.get("elder") == "1",
    }
