from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "govmedia.desk"
    label = "desk"
    verbose_name = "政民互动"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from govmedia.core import scheduler
        from govmedia.core.signals import flush_finished, flush_starting
        from govmedia.desk import jobs  # noqa: F401 (connects the calendar_changed receiver)

        # The statistics' tally triggers (desk/tally.py): put back after every
        # migrate (rebuilding desk_message on SQLite drops them), lifted by flush.
        post_migrate.connect(_reinstall_tally_triggers, sender=self)
        flush_starting.connect(_lift_tally_triggers)
        flush_finished.connect(_restore_tally_triggers)

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


def _tally_tables_exist(connection) -> bool:
    from govmedia.desk import tally

    tables = set(connection.introspection.table_names())
    return {tally.MESSAGE_TABLE, tally.TALLY_TABLE, tally.LONG_TABLE} <= tables


def _reinstall_tally_triggers(using: str = "default", **kwargs) -> None:
    from django.db import connections

    from govmedia.desk import tally

    connection = connections[using]
    if _tally_tables_exist(connection):
        tally.install(connection)


def _lift_tally_triggers(connection, **kwargs) -> None:
    from govmedia.desk import tally

    if _tally_tables_exist(connection):
        tally.remove(connection)


def _restore_tally_triggers(connection, **kwargs) -> None:
    from govmedia.desk import tally

    if _tally_tables_exist(connection):
        tally.install(connection)
