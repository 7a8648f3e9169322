from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govmedia.core"
    label = "core"
    verbose_name = "平台"

    def ready(self) -> None:
        from django.conf import settings

        from govmedia.core import scheduler

        scheduler.register("publish_scheduled", 30, "govmedia.publishing.jobs.publish_scheduled")
        scheduler.register("retry_deliveries", 60, "govmedia.publishing.tasks.retry_due_deliveries")
        if settings.GOVMEDIA_BACKUP_INTERVAL_HOURS > 0:
            scheduler.register(
                "backup",
                settings.GOVMEDIA_BACKUP_INTERVAL_HOURS * 3600,
                "govmedia.core.backup.periodic_backup",
            )
