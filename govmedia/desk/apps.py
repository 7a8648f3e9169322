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
        # Intake that crashed after storing a message: picked up within minutes.
        scheduler.register("desk_reprocess_received", 120, "govmedia.desk.jobs.reprocess_received")
        scheduler.register(
            "desk_expire_consultations", 3600, "govmedia.desk.jobs.expire_consultations"
        )
        scheduler.register("desk_remind_due", 3600, "govmedia.desk.jobs.remind_due")
        scheduler.register("desk_escalate_overdue", 3600, "govmedia.desk.jobs.escalate_overdue")
