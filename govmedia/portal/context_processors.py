from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode


def portal(request):
    """Site name, 关怀版 state and the links to switch it, on every page."""
    next_url = request.get_full_path()
    care_url = reverse("portal:care")
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "elder_mode": request.COOKIES.get("elder") == "1",
        "care_on_url": f"{care_url}?{urlencode({'on': '1', 'next': next_url})}",
        "care_off_url": f"{care_url}?{urlencode({'on': '0', 'next': next_url})}",
    }
