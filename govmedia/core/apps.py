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

        # Core's own jobs; every app registers its jobs in its own ready().
        scheduler.register("recover_tasks", 60, "govmedia.core.workers.recover_stale_tasks")
        if settings.GOVMEDIA_BACKUP_INTERVAL_HOURS > 0:
            scheduler.register(
                "backup",
                settings.GOVMEDIA_BACKUP_INTERVAL_HOURS * 3600,
                "govmedia.core.backup.periodic_backup",
            )
