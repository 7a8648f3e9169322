from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "govmedia.publishing"
    label = "publishing"
    verbose_name = "信息发布"

    def ready(self) -> None:
        # Connects the receiver that signs a checkpoint after each archive record.
        import govmedia.publishing.transparency  # noqa: F401
        from govmedia.core import scheduler

        # attachments and keyring register system checks on import.
        from govmedia.publishing import attachments, keyring, signal_handlers  # noqa: F401

        scheduler.register("publish_scheduled", 30, "govmedia.publishing.jobs.publish_scheduled")
        scheduler.register("retry_deliveries", 60, "govmedia.publishing.tasks.retry_due_deliveries")
        scheduler.register(
            "retry_retractions", 60, "govmedia.publishing.tasks.retry_due_retractions"
        )
        # A signed tree head at least hourly, so witnesses can tell the log is alive and unchanged.
        scheduler.register(
            "seal_checkpoint", 3600, "govmedia.publishing.transparency.hourly_checkpoint"
        )
        scheduler.register("reconcile_archive", 300, "govmedia.publishing.reconcile.reconcile")
