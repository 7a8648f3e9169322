from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "govmedia.desk"
    label = "desk"
    verbose_name = "政民互动"

    def ready(self) -> None:
        from govmedia.core import scheduler

        scheduler.register(
            "retry_notifications", 60, "govmedia.desk.notify.tasks.retry_due_notifications"
        )
