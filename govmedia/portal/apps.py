from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "govmedia.portal"
    label = "portal"
    verbose_name = "门户网站"

    def ready(self) -> None:
        from govmedia.core import scheduler
        from govmedia.portal import signal_handlers

        signal_handlers.connect()
        scheduler.register("reconcile_search_index", 300, "govmedia.portal.search.reconcile_index")
