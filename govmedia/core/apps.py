from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govmedia.core"
    label = "core"
    verbose_name = "平台"

    def ready(self) -> None:
        from django.conf import settings

        import govmedia.core.checks  # noqa: F401 - system checks register on import
        from govmedia.core import logins, scheduler

        logins.connect()

        scheduler.register("publish_scheduled", 30, "govmedia.publishing.jobs.publish_scheduled")
        scheduler.register("retry_deliveries", 60, "govmedia.publishing.tasks.retry_due_deliveries")
        # A signed tree head at least hourly, so witnesses can tell the log is alive and unchanged.
        scheduler.register(
            "seal_checkpoint", 3600, "govmedia.publishing.transparency.hourly_checkpoint"
        )
        scheduler.register("recover_tasks", 60, "govmedia.core.workers.recover_stale_tasks")
        scheduler.register("reconcile_archive", 300, "govmedia.publishing.reconcile.reconcile")
        scheduler.register(
            "retry_retractions", 60, "govmedia.publishing.tasks.retry_due_retractions"
        )
        if settings.GOVMEDIA_BACKUP_INTERVAL_HOURS > 0:
            scheduler.register(
                "backup",
                settings.GOVMEDIA_BACKUP_INTERVAL_HOURS * 3600,
                "govmedia.core.backup.periodic_backup",
            )
