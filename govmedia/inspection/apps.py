from django.apps import AppConfig


class InspectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "govmedia.inspection"
    verbose_name = "巡检"

    def ready(self) -> None:
        from govmedia.core import scheduler

        # Daily: a round judges the day that ended; run_round is idempotent per day.
        scheduler.register(
            "inspection_round", 24 * 3600, "govmedia.inspection.service.scheduled_round"
        )
