from django.apps import AppConfig


class ReachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "govmedia.reach"
    verbose_name = "传播分析"

    def ready(self) -> None:
        from govmedia.core import scheduler

        # Daily: yesterday's figures of every active WeChat and Weibo channel with
        # credentials. Pulling a day twice changes nothing (upserts), so a rerun is safe.
        scheduler.register("reach_pull", 24 * 3600, "govmedia.reach.pull.pull_yesterday")
