from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govmedia.core"
    label = "core"
    verbose_name = "平台"

    def ready(self) -> None:
        import govmedia.core.checks  # noqa: F401 - system checks register on import
        from govmedia.core import scheduler

        scheduler.register("publish_scheduled", 30, "govmedia.publishing.jobs.publish_scheduled")
        scheduler.register("retry_deliveries", 60, "govmedia.publishing.tasks.retry_due_deliveries")
