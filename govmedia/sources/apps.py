from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "govmedia.sources"
    label = "sources"
    verbose_name = "信息源"
    default_auto_field = "django.db.models.BigAutoField"
