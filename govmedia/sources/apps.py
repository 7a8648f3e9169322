from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "govmedia.sources"
    label = "sources"
    verbose_name = "信息源"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from govmedia.core import scheduler
        from govmedia.sources import tasks  # noqa: F401 - marks its tasks requeue-safe

        scheduler.register("read_sources", 60, "govmedia.sources.service.run_due_sources")
        scheduler.register("probe_sources", 60, "govmedia.sources.service.probe_due_sources")
