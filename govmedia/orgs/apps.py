from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "govmedia.orgs"
    label = "orgs"
    verbose_name = "机构与渠道"

    def ready(self) -> None:
        from govmedia.orgs import audit  # noqa: F401 - connects the audit of roles and channels
