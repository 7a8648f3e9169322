from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "govmedia.checks"
    label = "checks"
    verbose_name = "内容检查"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from govmedia.checks import signals  # noqa: F401 - connects the cache invalidation
