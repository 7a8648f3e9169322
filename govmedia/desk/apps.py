from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "govmedia.desk"
    label = "desk"
    verbose_name = "政民互动"

    def ready(self) -> None:
        from govmedia.core import scheduler
        from govmedia.desk import jobs  # noqa: F401 (connects the calendar_changed receiver)

        # Intake that crashed after storing a message: picked up within minutes.
        scheduler.register("desk_reprocess_received", 120, "govmedia.desk.jobs.reprocess_received")
        scheduler.register(
            "desk_expire_consultations", 3600, "govmedia.desk.jobs.expire_consultations"
        )
        scheduler.register("desk_remind_due", 3600, "govmedia.desk.jobs.remind_due")
        # A deadline counted on weekends alone becomes exact once its year is entered.
        scheduler.register(
            "desk_refresh_provisional", 3600, "govmedia.desk.jobs.refresh_provisional"
        )
        scheduler.register("desk_escalate_overdue", 3600, "govmedia.desk.jobs.escalate_overdue")
        # The 回访 a bad rating opened: reminded before, escalated after its deadline.
        scheduler.register("desk_remind_follow_ups", 3600, "govmedia.desk.jobs.remind_follow_ups")
        scheduler.register(
            "desk_escalate_follow_ups", 3600, "govmedia.desk.jobs.escalate_follow_ups"
        )
        # Notices to submitters that failed: sent again after their back-off.
        scheduler.register(
            "desk_retry_notifications", 60, "govmedia.desk.notify.tasks.retry_due_notifications"
        )
