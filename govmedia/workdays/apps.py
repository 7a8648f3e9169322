from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "govmedia.workdays"
    label = "workdays"
    verbose_name = "工作日历"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from govmedia.workdays import signals  # noqa: F401 - connects the cache invalidation
